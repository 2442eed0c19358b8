"""Permission-matrix rows for the fund office's pages (see tests/test_permission_matrix.py)."""

OFFICE_ROWS = {}


def extend_scenario(users, values):
    """Add the objects these rows need to the shared scenario."""
