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
    for extend in SCENARIO_EXTENSIONS:
        extend(users, values)


def extend_task_book_scenario(users, values):
    """A milestone on the scenario's project, for the milestone pages."""
    from grants.models import Milestone, Project

    project = Project.objects.get(pk=values["project"])
    values["milestone"] = Milestone.objects.create(
        project=project,
        title="Prototype",
        due_month=6,
        member=project.proposal.members.get(is_lead=True),
    ).pk


def extend_change_scenario(users, values):
    """A pending extension Shanghai must consent to, and a refund Shanghai is owed."""
    from grants.models import ChangeKind, ChangeRequest, Refund

    values["change"] = ChangeRequest.objects.create(
        project_id=values["project"],
        kind=ChangeKind.EXTENSION,
        details={"months": 6, "consent_from": ["310000"], "affected": ["310000"]},
        reason="The field trial was delayed.",
        requested_by=users["lead"],
    ).pk
    values["refund"] = Refund.objects.create(
        project_id=values["project"], province_id="310000", amount=1000
    ).pk


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

READERS = ("officer_same_province", "fund_officer", "partner", "lead")
LEAD_ONLY = {
    **CONSORTIUM_AND_PAYERS,
    **POST_SIGNED_OUT,
    "officer_same_province": 403,
    "fund_officer": 403,
    "partner": 403,
    "lead": 200,
}
OFFICE_ONLY = {**CONSORTIUM_AND_PAYERS, "officer_same_province": 403, "partner": 403, "lead": 403}
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
    "project_milestones": ("get", "/projects/{project}/milestones/", CONSORTIUM_AND_PAYERS),
    # Only the lead drafts; the empty form comes back with its errors.
    "milestone_add": ("post", "/projects/{project}/milestones/add/", LEAD_ONLY),
    "milestone_edit": ("get", "/projects/{project}/milestones/{milestone}/", LEAD_ONLY),
    "milestone_delete": (
        "post",
        "/projects/{project}/milestones/{milestone}/delete/",
        {**LEAD_ONLY, "lead": 302},
    ),
    "task_book": ("get", "/projects/{project}/task-book/", CONSORTIUM_AND_PAYERS),
    "task_book_pdf": ("get", "/projects/{project}/task-book.pdf", CONSORTIUM_AND_PAYERS),
    # The scenario's project has a milestone: the lead issues its task book.
    "task_book_issue": (
        "post",
        "/projects/{project}/task-book/issue/",
        {**LEAD_ONLY, "lead": 302},
    ),
    # Still drafted: every reader is sent back to the task book, told it is not out for signature.
    "task_book_sign": (
        "post",
        "/projects/{project}/task-book/sign/",
        {**CONSORTIUM_AND_PAYERS, **POST_SIGNED_OUT, **{r: 302 for r in READERS}},
    ),
    "change_list": ("get", "/projects/{project}/changes/", CONSORTIUM_AND_PAYERS),
    "change_new": (
        "get",
        "/projects/{project}/changes/new/extension/",
        {
            **CONSORTIUM_AND_PAYERS,
            "officer_same_province": 403,
            "fund_officer": 403,
            "partner": 403,
        },
    ),
    "change_detail": (
        "get",
        "/projects/{project}/changes/{change}/",
        CONSORTIUM_AND_PAYERS,
    ),
    "change_decide": (
        "get",
        "/projects/{project}/changes/{change}/decide/",
        {**CONSORTIUM_AND_PAYERS, "officer_same_province": 403, "partner": 403, "lead": 403},
    ),
    "change_consent": (
        "get",
        "/projects/{project}/changes/{change}/consent/",
        {**CONSORTIUM_AND_PAYERS, "fund_officer": 403, "partner": 403, "lead": 403},
    ),
    # The lead's own withdrawal runs last, so every other role meets the pending change.
    "change_withdraw": (
        "post",
        "/projects/{project}/changes/{change}/withdraw/",
        {**OFFICE_ONLY, "fund_officer": 403, "lead": 302},
    ),
    "project_suspend": ("get", "/projects/{project}/suspend/", OFFICE_ONLY),
    # The scenario's project has not started: the office's attempt is refused with a message.
    "project_resume": ("post", "/projects/{project}/resume/", {**OFFICE_ONLY, "fund_officer": 302}),
    "project_terminate": ("get", "/projects/{project}/terminate/", OFFICE_ONLY),
    # Shanghai's refund: its officer and the fund office record money received against it.
    "refund_receive": ("get", "/projects/{project}/refunds/{refund}/", PAYERS),
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
    "project_payments": ("get", "/projects/{project}/payments/", PAYERS),
    # Posted empty: the page again, the errors beside the instalment's fields.
    "instalment_pay": (
        "post",
        "/projects/{project}/payments/{instalment}/",
        {**PAYERS, **POST_SIGNED_OUT},
    ),
}


SCENARIO_EXTENSIONS = [extend_task_book_scenario, extend_change_scenario, extend_with_report]
