"""Permission-matrix rows for the fund office's pages (see tests/test_permission_matrix.py)."""

from tests.matrix_roles import POST_SIGNED_OUT, SIGNED_OUT

FUND_OFFICE_ONLY = {**SIGNED_OUT, "*": 403, "fund_officer": 200}
# Provincial officers share the proposal list and its export, limited to their province
# (tests/grants/office/test_office_lists.py checks what each of them sees).
OFFICERS = {
    **SIGNED_OUT,
    "*": 403,
    "officer_other_province": 200,
    "officer_same_province": 200,
    "fund_officer": 200,
}
# Posted without data: refused with a message (302) or the form shown again with errors (200).
FUND_OFFICE_POST_REDIRECT = {**POST_SIGNED_OUT, "*": 403, "fund_officer": 302}
FUND_OFFICE_POST_FORM = {**POST_SIGNED_OUT, "*": 403, "fund_officer": 200}

OFFICE_ROWS = {
    "office_call_list": ("get", "/office/calls/", FUND_OFFICE_ONLY),
    "office_audit": ("get", "/office/audit/", FUND_OFFICE_ONLY),
    "office_audit_csv": ("get", "/office/audit/csv/", FUND_OFFICE_ONLY),
    "office_audit_xlsx": ("get", "/office/audit/xlsx/", FUND_OFFICE_ONLY),
    "office_call_create": ("get", "/office/calls/new/", FUND_OFFICE_ONLY),
    "office_call": ("get", "/office/calls/{draft_call}/", FUND_OFFICE_ONLY),
    "office_call_edit": ("get", "/office/calls/{draft_call}/edit/", FUND_OFFICE_ONLY),
    "office_call_criteria": ("get", "/office/calls/{draft_call}/criteria/", FUND_OFFICE_ONLY),
    "office_call_transition": (
        "post",
        "/office/calls/{call}/state/",
        FUND_OFFICE_POST_REDIRECT,
    ),
    "office_proposals": ("get", "/office/calls/{call}/proposals/", OFFICERS),
    "office_proposals_export": ("get", "/office/calls/{call}/proposals/export/", OFFICERS),
    "office_proposals_export_xlsx": (
        "get",
        "/office/calls/{call}/proposals/export/xlsx/",
        OFFICERS,
    ),
    # Provincial officers read the proposals their province takes part in (the scenario's has a
    # Shanghai lead): another province's is not there for them.
    "office_proposal": (
        "get",
        "/office/proposals/{submitted}/",
        {**FUND_OFFICE_ONLY, "officer_same_province": 200, "officer_other_province": 404},
    ),
    "office_screen": ("post", "/office/proposals/{submitted}/screen/", FUND_OFFICE_POST_FORM),
    "office_return": ("post", "/office/proposals/{submitted}/return/", FUND_OFFICE_POST_FORM),
    # The scenario's call has no locked ranking yet: the page explains why nothing can be funded.
    "funding_page": ("get", "/office/calls/{call}/funding/", FUND_OFFICE_ONLY),
    "funding_commit": ("post", "/office/calls/{call}/funding/commit/", FUND_OFFICE_POST_REDIRECT),
    "funding_confirm": (
        "post",
        "/office/calls/{call}/funding/confirm/",
        {
            **POST_SIGNED_OUT,
            "*": 403,
            "officer_other_province": 302,
            "officer_same_province": 302,
        },
    ),
    # The payment run (grants.projects.payment_views); posted empty: the page again, the
    # messages beside the fields.
    "payments_record": ("post", "/office/calls/{call}/payments/", FUND_OFFICE_POST_FORM),
    "payments_record page": ("get", "/office/calls/{call}/payments/", FUND_OFFICE_ONLY),
    "ledger": ("get", "/ledger/", OFFICERS),
    "ledger_csv": ("get", "/ledger/ledger.csv", OFFICERS),
    "ledger_xlsx": ("get", "/ledger/ledger.xlsx", OFFICERS),
    "ledger_pdf": ("get", "/ledger/ledger.pdf", OFFICERS),
    # Letters exist once the call is decided (tests/grants/funding/test_decisions.py); before, for all: 404.
    "decision_letter": ("get", "/proposals/{submitted}/letter/", {**SIGNED_OUT, "*": 404}),
    "evaluation_summary": ("get", "/proposals/{submitted}/evaluation/", {**SIGNED_OUT, "*": 404}),
}


def extend_scenario(users, values):
    """Add the objects these rows need to the shared scenario: a draft call."""
    from tests.factories import make_call

    values["draft_call"] = make_call("office-draft", status_open=False).code
