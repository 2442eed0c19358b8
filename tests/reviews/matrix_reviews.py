"""Permission-matrix rows for reviewing and panels (see tests/test_permission_matrix.py)."""

REVIEW_ROWS = {}


def extend_scenario(users, values):
    """Add the objects these rows need to the shared scenario."""
