"""Permission-matrix rows for the public open-data pages (see tests/test_permission_matrix.py):
no sign-in, no profile, no role needed; what they show is the publication gate's business
(tests/grants/opendata/test_open_data_pages.py)."""

EVERYONE = {"*": 200}

OPENDATA_ROWS = {
    "open_data": ("get", "/open-data/", EVERYONE),
    "open_data_json": ("get", "/open-data/projects.json", EVERYONE),
    "open_data_csv": ("get", "/open-data/projects.csv", EVERYONE),
}
