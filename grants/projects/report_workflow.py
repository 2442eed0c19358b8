"""A project's reports: the lead's draft and submission, the fund office's acceptance or
return, and final acceptance (结题验收), which ends the project.

The rules (what a report covers, when it is complete) live in grants.projects.report_rules;
this module stores, locks, audits and e-mails.
"""

from dataclasses import dataclass, field

from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from grants.core import emails
from grants.core.audit import record
from grants.core.errors import WorkflowError
from grants.core.storage import store
from grants.core.uploads import attachment_path, display_name
from grants.models import (
    MemberStatus,
    MilestoneProgress,
    Output,
    Project,
    Report,
    ReportKind,
    ReportStatus,
    Spending,
    Verdict,
)
from grants.projects import report_rules
from grants.projects.acceptance_certificate import certificate_for

PROBLEM_MESSAGES = {
    "milestone_state_missing": _("Give the state of milestone “%(name)s”."),
    "spending_missing": _("Give the spending of %(name)s in every category it was awarded."),
}


class ReportStale(WorkflowError):
    def __init__(self):
        super().__init__(
            _(
                "Someone else saved this report after you opened it. Your text is still below "
                "but was NOT saved: copy what you need, reload the page and apply it again."
            ),
            code="stale",
        )


class ReportIncomplete(WorkflowError):
    def __init__(self, messages):
        super().__init__(_("The report is not complete yet."), code="incomplete")
        self.messages = messages


@dataclass
class ReportDraft:
    """What the lead typed, cleaned by the forms (grants.projects.report_forms)."""

    progress: str = ""
    collaboration: str = ""
    transfer: str = ""
    attachment: object = None  # an upload, False to remove the stored file, None to keep it
    version: int = 0
    states: list = field(default_factory=list)  # (milestone id, state or "", note)
    spending: list = field(default_factory=list)  # (member id, category, amount or None)
    outputs: list = field(default_factory=list)  # dicts: Output fields and "members" (ids)


def consortium_emails(project):
    members = project.proposal.members.filter(status=MemberStatus.ACCEPTED).select_related("pi")
    return [project.proposal.lead.email] + [m.pi.email for m in members if m.pi_id]


def members_of(project):
    return list(
        project.proposal.members.filter(status=MemberStatus.ACCEPTED)
        .select_related("institution__province", "pi")
        .order_by("-is_lead", "pk")
    )


def due_milestones(report):
    return [
        milestone
        for milestone in report.project.milestones.select_related("member__institution")
        if report_rules.milestone_due(report.kind, report.year, milestone.due_month)
    ]


def awarded_for(report):
    lines = report.project.budget_lines.values_list("member_id", "category", "year", "amount")
    return report_rules.awarded_for_period(lines, report.kind, report.year)


def _locked(report):
    return (
        Report.objects.select_for_update()
        .select_related("project__proposal__call", "project__proposal__lead")
        .get(pk=report.pk)
    )


def _require(report, statuses, message):
    if report.status not in statuses:
        raise WorkflowError(message, code="state")


@transaction.atomic
def report_save(*, report, actor, draft: ReportDraft):
    """Keep the lead's draft: the report stays due (or returned) until it is submitted."""
    report = _locked(report)
    _require(report, report_rules.EDITABLE, _("This report can no longer be changed."))
    if draft.version != report.version:
        raise ReportStale()
    report.progress, report.collaboration = draft.progress, draft.collaboration
    report.transfer = draft.transfer
    old_file = report.attachment.name
    if draft.attachment is False:
        report.attachment, report.attachment_name = "", ""
    elif draft.attachment:
        stored = store(attachment_path(report, draft.attachment.name), draft.attachment)
        report.attachment, report.attachment_name = stored, display_name(draft.attachment.name)
    report.version += 1
    report.save()
    if old_file and old_file != report.attachment.name:
        transaction.on_commit(lambda: default_storage.delete(old_file))
    _save_rows(report, draft)
    record(
        actor=actor,
        action="project.report_saved",
        proposal=report.project.proposal,
        after={"report": report.pk, "version": report.version},
    )
    return report


def _save_rows(report, draft):
    due = {m.pk for m in due_milestones(report)}
    report.milestone_progress.all().delete()
    MilestoneProgress.objects.bulk_create(
        MilestoneProgress(report=report, milestone_id=pk, state=state, note=note)
        for pk, state, note in draft.states
        if pk in due and state
    )
    members = {m.pk for m in members_of(report.project)}
    report.spending.all().delete()
    Spending.objects.bulk_create(
        Spending(report=report, member_id=member, category=category, amount=amount)
        for member, category, amount in draft.spending
        if member in members and amount is not None
    )
    report.outputs.all().delete()
    for values in draft.outputs:
        chosen = [pk for pk in values.get("members", ()) if pk in members]
        fields = {k: v for k, v in values.items() if k != "members"}
        output = Output.objects.create(report=report, **fields)
        output.members.set(chosen)


@transaction.atomic
def member_spending_save(*, report, actor, members, amounts, version):
    """A partner PI's own member's spending, in a report still being drafted."""
    report = _locked(report)
    _require(report, report_rules.EDITABLE, _("This report can no longer be changed."))
    if version != report.version:
        raise ReportStale()
    own = {m.pk for m in members if m.pi_id == actor.pk and not m.is_lead}
    report.spending.filter(member_id__in=own).delete()
    Spending.objects.bulk_create(
        Spending(report=report, member_id=member, category=category, amount=amount)
        for member, category, amount in amounts
        if member in own and amount is not None
    )
    report.version += 1
    report.save(update_fields=["version"])
    record(
        actor=actor,
        action="project.report_spending_saved",
        proposal=report.project.proposal,
        after={"report": report.pk, "members": sorted(own)},
    )
    return report


def submission_messages(report):
    """What is still missing before ``report`` can be submitted, as messages to show."""
    milestones = due_milestones(report)
    members = members_of(report.project)
    problems = report_rules.submission_problems(
        due_milestones=[m.pk for m in milestones],
        states=dict(report.milestone_progress.values_list("milestone_id", "state")),
        members=[m.pk for m in members],
        awarded=awarded_for(report),
        spent={(s.member_id, s.category): s.amount for s in report.spending.all()},
    )
    names = {("milestone_state_missing", m.pk): m.title for m in milestones}
    names.update({("spending_missing", m.pk): str(m.institution) for m in members})
    return [
        PROBLEM_MESSAGES[problem.code] % {"name": names[(problem.code, problem.subject)]}
        for problem in problems
    ]


@transaction.atomic
def report_submit(*, report, actor, now=None):
    report = _locked(report)
    _require(report, report_rules.EDITABLE, _("This report has already been submitted."))
    missing = submission_messages(report)
    if missing:
        raise ReportIncomplete(missing)
    report.status = ReportStatus.SUBMITTED
    report.submitted_at, report.submitted_by = now or timezone.now(), actor
    report.version += 1
    report.save(update_fields=["status", "submitted_at", "submitted_by", "version"])
    record(
        actor=actor,
        action="project.report_submitted",
        proposal=report.project.proposal,
        after={"report": report.pk, "kind": report.kind, "year": report.year},
    )
    return report


@transaction.atomic
def report_return(*, report, actor, reason, now=None):
    """Send a submitted report back to the consortium, saying why."""
    report = _locked(report)
    _require(report, report_rules.DECIDABLE, _("Only a submitted report can be returned."))
    if not reason.strip():
        raise WorkflowError(_("Say why the report is returned."), code="reason")
    report.status, report.return_reason = ReportStatus.RETURNED, reason.strip()
    report.decided_at, report.decided_by = now or timezone.now(), actor
    report.version += 1
    report.save()
    record(
        actor=actor,
        action="project.report_returned",
        proposal=report.project.proposal,
        after={"report": report.pk},
        note=report.return_reason,
    )
    emails.send_on_commit(
        consortium_emails(report.project),
        "report_returned",
        {"report": report, "project": report.project, "reason": report.return_reason},
    )
    return report


@transaction.atomic
def report_accept(*, report, actor, verdict="", new_due_on=None, now=None):
    """Accept a submitted report. The final report's acceptance is the project's: passed
    completes it, failed ends it not accepted, deferred returns the report with a new due
    date while the project keeps running."""
    report = _locked(report)
    _require(report, report_rules.DECIDABLE, _("Only a submitted report can be accepted."))
    now = now or timezone.now()
    project = Project.objects.select_for_update().get(pk=report.project_id)
    before = {"report": report.status, "project": project.status}
    if report.kind == ReportKind.FINAL:
        _final_acceptance(report, project, verdict, new_due_on, now)
    else:
        report.status = ReportStatus.ACCEPTED
    report.decided_at, report.decided_by = now, actor
    report.version += 1
    report.save()
    record(
        actor=actor,
        action="project.report_accepted",
        proposal=project.proposal,
        before=before,
        after={
            "report": report.status,
            "project": project.status,
            "verdict": report.verdict,
            "due_on": str(report.due_on),
        },
    )
    attachments = ()
    if report.verdict == Verdict.PASSED:
        # The final acceptance certificate goes with the news; the project page keeps it.
        name = f"{project.proposal.reference}-acceptance.pdf"
        attachments = ((name, certificate_for(project), "application/pdf"),)
    emails.send_on_commit(
        consortium_emails(project),
        "report_decided",
        {"report": report, "project": project},
        attachments=attachments,
    )
    return report


def _final_acceptance(report, project, verdict, new_due_on, now):
    if verdict not in Verdict.values:
        raise WorkflowError(_("Choose the final acceptance verdict."), code="verdict")
    if verdict == Verdict.DEFERRED and (
        new_due_on is None or new_due_on <= timezone.localdate(now)
    ):
        raise WorkflowError(
            _("A deferred acceptance needs a new due date after today."), code="due_on"
        )
    report_status, project_status = report_rules.FINAL_OUTCOMES[verdict]
    report.status, report.verdict = report_status, verdict
    if verdict == Verdict.DEFERRED:
        report.due_on, report.reminders_sent = new_due_on, []
    if project.status != project_status:
        # The final report's decided_at says when; ended_at is the early end's (suspension,
        # termination), left alone.
        project.status = project_status
        project.save(update_fields=["status"])
