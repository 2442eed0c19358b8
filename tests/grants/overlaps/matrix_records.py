"""Permission-matrix rows for the pages of other funders' records and of the shared instrument
catalogue (see tests/test_permission_matrix.py). Both kinds of officer read every row and
upload; what a provincial officer may upload is tested in test_records_import.py."""

from tests.matrix_roles import POST_SIGNED_OUT, SIGNED_OUT

OFFICERS = {
    **SIGNED_OUT,
    "*": 403,
    "officer_other_province": 200,
    "officer_same_province": 200,
    "fund_officer": 200,
}
# Posted without a file: the page again with the field's error.
OFFICERS_POST = {**OFFICERS, **POST_SIGNED_OUT}

RECORDS_ROWS = {
    "external_records": ("get", "/office/external-records/", OFFICERS),
    "external_records_import": ("post", "/office/external-records/import/", OFFICERS_POST),
    "shared_instruments": ("get", "/office/instruments/", OFFICERS),
    "shared_instruments_import": ("post", "/office/instruments/import/", OFFICERS_POST),
}
