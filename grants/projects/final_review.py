"""Expert review of final reports: the fund office sends a submitted final report to experts
of the reviewer pool, under the same conflict rules as proposals (reviews.conflicts, through
reviews.workflow.refuse_if_conflicted); each expert recommends a verdict. The office then
decides final acceptance (grants.projects.report_workflow.report_accept)."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from grants.accounts.permissions import has_role
from grants.core import emails
from grants.core.audit import record
from grants.core.errors import WorkflowError
from grants.models import ExpertReview, Report, ReportKind, ReportStatus, Role, User, Verdict
from reviews.workflow import refuse_if_conflicted


def find_expert(email):
    """The reviewer of the pool with this address, or a WorkflowError saying why not."""
    user = User.objects.filter(email__iexact=(email or "").strip()).first()
    if user is None or not has_role(user, Role.REVIEWER):
        raise WorkflowError(
            _("No reviewer of the pool has this e-mail address."), code="not_reviewer"
        )
    return user


@transaction.atomic
def expert_assign(*, report, actor, expert):
    report = (
        Report.objects.select_for_update()
        .select_related("project__proposal__call")
        .get(pk=report.pk)
    )
    if report.kind != ReportKind.FINAL or report.status not in (
        ReportStatus.SUBMITTED,
        ReportStatus.IN_REVIEW,
    ):
        raise WorkflowError(_("Only a submitted final report goes to expert review."), code="state")
    if report.expert_reviews.filter(reviewer=expert).exists():
        raise WorkflowError(_("This expert already reviews the report."), code="twice")
    refuse_if_conflicted(report.project.proposal, expert)
    review = ExpertReview.objects.create(report=report, reviewer=expert)
    if report.status != ReportStatus.IN_REVIEW:
        report.status = ReportStatus.IN_REVIEW
        report.version += 1
        report.save(update_fields=["status", "version"])
    emails.send_on_commit(
        [expert.email], "final_review_request", {"report": report, "project": report.project}
    )
    record(
        actor=actor,
        action="project.expert_assigned",
        proposal=report.project.proposal,
        after={"report": report.pk, "expert": expert.pk},
    )
    return review


@transaction.atomic
def expert_review_submit(*, review, actor, verdict, comments, now=None):
    review = (
        ExpertReview.objects.select_for_update()
        .select_related("report__project__proposal")
        .get(pk=review.pk)
    )
    if review.reviewer_id != actor.pk:
        raise WorkflowError(_("Only the assigned expert submits this review."), code="owner")
    if review.submitted_at:
        raise WorkflowError(_("This review has already been submitted."), code="state")
    if verdict not in Verdict.values:
        raise WorkflowError(_("Choose the final acceptance verdict."), code="verdict")
    review.verdict, review.comments = verdict, comments.strip()
    review.submitted_at = now or timezone.now()
    review.save(update_fields=["verdict", "comments", "submitted_at"])
    record(
        actor=actor,
        action="project.expert_reviewed",
        proposal=review.report.project.proposal,
        after={"report": review.report_id, "verdict": verdict},
    )
    return review
