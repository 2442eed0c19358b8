"""What the report pages show, worked out once so the templates only print: the reports on the
project page, the spending against the awarded budget, whether the certificate is there."""

from dataclasses import dataclass

from django.utils import timezone

from grants.accounts.permissions import is_fund_officer
from grants.core.money import ZERO
from grants.models import AwardCategory, ProjectStatus, ReportKind, ReportStatus, Verdict
from grants.projects import report_rules
from grants.projects.report_forms import ExpertAssignForm, ExpertReviewForm
from grants.projects.report_workflow import awarded_for, due_milestones


@dataclass
class MemberSpending:
    member: object
    rows: list  # (category label, SpendingRow, spending form or None)
    awarded: object
    spent: object


def reports_context(user, project):
    """The project page's reports section."""
    reports = list(project.reports.all())
    return {
        "reports": reports,
        "certificate": certificate_available(project),
        "reports_office": is_fund_officer(user),
        "today": timezone.localdate(),
    }


def certificate_available(project):
    return (
        project.status == ProjectStatus.COMPLETED
        and project.reports.filter(
            kind=ReportKind.FINAL, status=ReportStatus.ACCEPTED, verdict=Verdict.PASSED
        ).exists()
    )


def spending_table(report, members, spending_forms=None, editing=None):
    """Per member: each category's awarded amount for the report's period, what was spent and
    the difference; with the form of each cell being edited: every member's for the lead, a
    partner's own (``editing``, the members whose cells ``spending_forms`` holds)."""
    awarded = awarded_for(report)
    spent = {(s.member_id, s.category): s.amount for s in report.spending.all()}
    forms = iter(spending_forms.forms) if spending_forms is not None else None
    table = []
    categories = [c.value for c in AwardCategory]
    labels = dict(AwardCategory.choices)
    for member in members:
        rows = report_rules.spending_rows(member.pk, categories, awarded, spent)
        edits = forms is not None and (editing is None or member.pk in editing)
        table.append(
            MemberSpending(
                member,
                [(labels[row.category], row, next(forms) if edits else None) for row in rows],
                sum((row.awarded for row in rows), ZERO),
                sum((row.spent or ZERO for row in rows), ZERO),
            )
        )
    return table


def milestone_rows(report, forms=None):
    """(milestone, its reported progress or None, its form when the lead is editing)."""
    progress = {p.milestone_id: p for p in report.milestone_progress.all()}
    if forms is not None:
        return [(m, progress.get(m.pk), form) for m, form in forms.milestone_rows()]
    return [(m, progress.get(m.pk), None) for m in due_milestones(report)]


def expert_context(user, report):
    """The experts' part of the report page: the office sees who reviews and what they
    recommend (the consortium never does); an expert sees their own review and its form."""
    context = {"expert_reviews": None, "expert_form": None, "my_review": None, "review_form": None}
    if report.kind != ReportKind.FINAL:
        return context
    if is_fund_officer(user):
        context["expert_reviews"] = list(report.expert_reviews.select_related("reviewer"))
        if report.status in (ReportStatus.SUBMITTED, ReportStatus.IN_REVIEW):
            context["expert_form"] = ExpertAssignForm()
    elif user.is_authenticated:
        review = report.expert_reviews.filter(reviewer=user).first()
        context["my_review"] = review
        if review is not None and review.submitted_at is None:
            context["review_form"] = ExpertReviewForm()
    return context


def is_overdue(report, today=None):
    return report.status in report_rules.EDITABLE and report.due_on < (
        today or timezone.localdate()
    )


def may_decide(user, report):
    return is_fund_officer(user) and report.status in report_rules.DECIDABLE
