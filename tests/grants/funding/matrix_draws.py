"""Permission-matrix rows for the draw at the funding line (see tests/test_permission_matrix.py).

The scenario's call does not draw: the steps are refused with a message (302), and the forms
posted empty are shown again with their errors (200); tests/grants/funding/test_draw_pages.py
posts them with valid data.
"""

from tests.grants.office.matrix_office import (
    FUND_OFFICE_ONLY,
    FUND_OFFICE_POST_FORM,
    FUND_OFFICE_POST_REDIRECT,
)

DRAW_ROWS = {
    "funding_draw": ("get", "/office/calls/{call}/funding/draw/", FUND_OFFICE_ONLY),
    "funding_draw_seed": (
        "post",
        "/office/calls/{call}/funding/draw/seed/",
        FUND_OFFICE_POST_REDIRECT,
    ),
    "funding_draw_witness": (
        "post",
        "/office/calls/{call}/funding/draw/witness/",
        FUND_OFFICE_POST_FORM,
    ),
    "funding_draw_run": (
        "post",
        "/office/calls/{call}/funding/draw/run/",
        FUND_OFFICE_POST_REDIRECT,
    ),
    "funding_draw_annul": (
        "post",
        "/office/calls/{call}/funding/draw/annul/",
        FUND_OFFICE_POST_FORM,
    ),
}
