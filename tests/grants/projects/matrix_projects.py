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
    extend_with_report(users, values)


def extend_with_report(users, values):
    """The project's first annual report, due (tests/grants/projects/test_reports*.py)."""
    from datetime import timedelta

    from django.utils import timezone

    from grants.models import Report, ReportKind

    report = Report.objects.create(
        project_id=values["project"],
        kind=ReportKind.ANNUAL,
        year=1,
        due_on=timezone.localdate() + timedelta(days=90),
    )
    values["report"] = report.pk


CONSORTIUM_AND_PAYERS = {
    **SIGNED_OUT,
    **OUTSIDERS,
    "officer_same_province": 200,
    "fund_officer": 200,
    "partner": 200,
    "lead": 200,
}

PROJECT_ROWS = {
    "project_list": ("get", "/projects/", {"*": 200, **SIGNED_OUT}),
    "project_detail": ("get", "/projects/{project}/", CONSORTIUM_AND_PAYERS),
    "report_list": ("get", "/projects/reports/", {**SIGNED_OUT, "*": 403, "fund_officer": 200}),
    # The lead gets the form, the other readers the report.
    "report_detail": ("get", "/projects/reports/{report}/", CONSORTIUM_AND_PAYERS),
    # Posted empty by the fund office: the page again, the message beside the decision.
    "report_decide": (
        "post",
        "/projects/reports/{report}/decide/",
        {**POST_SIGNED_OUT, "*": 403, "fund_officer": 200},
    ),
    # Posted empty by the fund office: the page again, the message beside the address.
    "report_expert_assign": (
        "post",
        "/projects/reports/{report}/experts/",
        {**POST_SIGNED_OUT, "*": 403, "fund_officer": 200},
    ),
    # Only an expert the report was sent to reviews it (test_final_review.py); here nobody.
    "report_expert_review": (
        "post",
        "/projects/reports/{report}/expert-review/",
        {**POST_SIGNED_OUT, "*": 404},
    ),
    # No attachment uploaded: readers get 404 too.
    "report_attachment": (
        "get",
        "/projects/reports/{report}/attachment/",
        {**SIGNED_OUT, "*": 404},
    ),
    # Only a project that passed final acceptance has a certificate (test_report_decisions.py).
    "acceptance_certificate": ("get", "/projects/{project}/certificate/", {**SIGNED_OUT, "*": 404}),
}
