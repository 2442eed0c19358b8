"""Permission-matrix rows for the public open-data pages (see tests/test_permission_matrix.py):
no sign-in, no profile, no role needed; what they show is the publication gate's business
(tests/grants/opendata/test_open_data_pages.py). Publishing a call is the fund office's."""

from tests.grants.office.matrix_office import FUND_OFFICE_POST_REDIRECT

EVERYONE = {"*": 200}

OPENDATA_ROWS = {
    "open_data": ("get", "/open-data/", EVERYONE),
    "open_data_json": ("get", "/open-data/projects.json", EVERYONE),
    "open_data_csv": ("get", "/open-data/projects.csv", EVERYONE),
    "open_data_xlsx": ("get", "/open-data/projects.xlsx", EVERYONE),
    # Posted empty: publishing stays off, back to the call's page.
    "office_call_open_data": ("post", "/office/calls/{call}/open-data/", FUND_OFFICE_POST_REDIRECT),
}
