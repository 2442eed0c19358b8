"""Permission-matrix rows for the funded projects' pages (see tests/test_permission_matrix.py).

The scenario's submitted proposal (a Shanghai lead, a Zhejiang partner) is awarded what it asked
for and its project opened: Shanghai and Zhejiang pay for it, Anhui does not.
"""

from grants.funding.decisions import requested_by_province
from grants.models import Proposal
from grants.models.decisions import AwardShare, Decision, FundingRound, Outcome
from grants.projects import project_workflow
from tests.matrix_roles import OUTSIDERS, POST_SIGNED_OUT, SIGNED_OUT


def awarded_project(proposal, actor):
    """``proposal`` funded as asked, its shares written and its project opened."""
    requested, summary = requested_by_province(proposal)
    funding_round = FundingRound.objects.create(
        call=proposal.call, committed_by=actor, model=proposal.call.funding_model
    )
    decision = Decision.objects.create(
        round=funding_round,
        proposal=proposal,
        rank=1,
        outcome=Outcome.FUNDED,
        total=summary.total,
    )
    for code, amount in requested.items():
        AwardShare.objects.create(
            decision=decision, province_id=code, received=amount, charged=amount
        )
    return project_workflow.project_open(decision, actor)


def extend_scenario(users, values):
    proposal = Proposal.objects.get(pk=values["submitted"])
    values["project"] = awarded_project(proposal, users["fund_officer"]).pk


def extend_payments_scenario(users, values):
    """Shanghai's first-year instalment of the scenario's project (after extend_scenario)."""
    from grants.models.decisions import Payment

    share = AwardShare.objects.get(decision__project=values["project"], province_id="310000")
    values["instalment"] = Payment.objects.create(share=share, year=1, amount=share.charged).pk


CONSORTIUM_AND_PAYERS = {
    **SIGNED_OUT,
    **OUTSIDERS,
    "officer_same_province": 200,
    "fund_officer": 200,
    "partner": 200,
    "lead": 200,
}

# The payments page: the fund office and the paying provinces' officers (Shanghai pays); the
# consortium reads the project but not its payments.
PAYERS = {
    **SIGNED_OUT,
    **OUTSIDERS,
    "officer_same_province": 200,
    "fund_officer": 200,
    "partner": 403,
    "lead": 403,
}

PROJECT_ROWS = {
    "project_list": ("get", "/projects/", {"*": 200, **SIGNED_OUT}),
    "project_detail": ("get", "/projects/{project}/", CONSORTIUM_AND_PAYERS),
    "project_payments": ("get", "/projects/{project}/payments/", PAYERS),
    # Posted empty: the page again, the errors beside the instalment's fields.
    "instalment_pay": (
        "post",
        "/projects/{project}/payments/{instalment}/",
        {**PAYERS, **POST_SIGNED_OUT},
    ),
}
