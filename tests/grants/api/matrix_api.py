"""Permission-matrix rows for the JSON API and the API tokens page (tests/test_permission_matrix.py).

The API is called here with the browser's session, as the docs page calls it; tokens give the
same answers (tests/grants/api/test_api_scoping.py). On the scenario's project (Shanghai and
Zhejiang pay, Anhui does not), with Shanghai's first instalment, one record of another funder,
and an API token of the fund officer's.
"""

from grants.api.tokens import api_token_create
from grants.models import ExternalRecord, Project
from tests.matrix_roles import LOGIN, PROFILE

API_SIGNED_OUT = {"anonymous": 401, "incomplete": PROFILE}
EVERYONE = {"*": 200, **API_SIGNED_OUT}
OFFICERS = {
    "*": 403,
    **API_SIGNED_OUT,
    "officer_other_province": 200,
    "officer_same_province": 200,
    "fund_officer": 200,
}
# A row the caller may not see is not there for them: 404, as on the pages.
PAYERS = {"*": 404, **API_SIGNED_OUT, "officer_same_province": 200, "fund_officer": 200}
PROPOSAL_READERS = {**PAYERS, "partner": 200, "lead": 200}
RECORD_READERS = {**PAYERS, "officer_other_province": 200}
TOKEN_OWNERS = {"*": 403, "anonymous": LOGIN, "incomplete": 403}


def extend_scenario(users, values):
    """After the projects' and payments' extensions: the decision, a record, a token."""
    values["decision"] = Project.objects.get(pk=values["project"]).decision_id
    values["record"] = ExternalRecord.objects.create(
        programme="NSFC General Program",
        province_id="310000",
        reference="API-0001",
        title_en="A record for the matrix",
        pi_name="Li Lei",
        institution_name="Fudan University",
        amount=100000,
        start_year=2024,
        end_year=2026,
        imported_by=users["fund_officer"],
    ).pk
    token, _secret = api_token_create(user=users["fund_officer"], name="matrix")
    values["api_token"] = token.pk


API_ROWS = {
    "api_calls-list": ("get", "/api/v1/calls/", EVERYONE),
    "api_calls-detail": ("get", "/api/v1/calls/{call}/", EVERYONE),
    "api_call_ledger": ("get", "/api/v1/calls/{call}/ledger/", OFFICERS),
    "api_proposals-list": ("get", "/api/v1/proposals/", EVERYONE),
    "api_proposals-detail": ("get", "/api/v1/proposals/{submitted}/", PROPOSAL_READERS),
    "api_proposals-detail draft": (
        "get",
        "/api/v1/proposals/{draft}/",
        {"*": 404, **API_SIGNED_OUT, "partner": 200, "lead": 200},
    ),
    "api_decisions-list": ("get", "/api/v1/decisions/", EVERYONE),
    "api_decisions-detail": ("get", "/api/v1/decisions/{decision}/", PAYERS),
    "api_payments-list": ("get", "/api/v1/payments/", EVERYONE),
    "api_payments-detail": ("get", "/api/v1/payments/{instalment}/", PAYERS),
    "api_projects-list": ("get", "/api/v1/projects/", EVERYONE),
    "api_projects-detail": ("get", "/api/v1/projects/{project}/", PROPOSAL_READERS),
    "api_reports-list": ("get", "/api/v1/reports/", EVERYONE),
    "api_reports-detail": ("get", "/api/v1/reports/{report}/", PROPOSAL_READERS),
    "api_records-list": ("get", "/api/v1/external-records/", EVERYONE),
    "api_records-detail": ("get", "/api/v1/external-records/{record}/", RECORD_READERS),
    # Both provinces confirm: the round exists (the scenario's project was awarded).
    "api_call_confirm": (
        "post",
        "/api/v1/calls/{call}/confirmation/",
        {"*": 403, **API_SIGNED_OUT, "officer_other_province": 200, "officer_same_province": 200},
    ),
    # Posted empty: 400 with the missing fields for those who may pay, 404 for the rest.
    "api_payment_disburse": (
        "post",
        "/api/v1/payments/{instalment}/disbursements/",
        {**PAYERS, "officer_same_province": 400, "fund_officer": 400},
    ),
    "api_records_import": (
        "post",
        "/api/v1/external-records/import/",
        {
            **OFFICERS,
            "officer_other_province": 400,
            "officer_same_province": 400,
            "fund_officer": 400,
        },
    ),
    "api_not_found": ("get", "/api/v1/nothing/here/", {"*": 404, "incomplete": PROFILE}),
    "api_schema": ("get", "/api/schema/", {"*": 200, "incomplete": PROFILE}),
    "api_docs": ("get", "/api/docs/", {"*": 200, "incomplete": PROFILE}),
    "api_tokens": (
        "get",
        "/profile/api-tokens/",
        {
            **TOKEN_OWNERS,
            "officer_other_province": 200,
            "officer_same_province": 200,
            "fund_officer": 200,
        },
    ),
    # Another officer's token is not theirs to see (404); the owner revokes it.
    "api_token_revoke": (
        "post",
        "/profile/api-tokens/{api_token}/revoke/",
        {
            **TOKEN_OWNERS,
            "officer_other_province": 404,
            "officer_same_province": 404,
            "fund_officer": 302,
        },
    ),
}
