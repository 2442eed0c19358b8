"""Funded projects, from the award to final acceptance: the task book and its signatures, the
awarded budget, the payments recorded against each province's schedule, the reports, the
changes and an early end."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from grants.core import limits
from grants.core.uploads import attachment_path
from grants.models.decisions import Decision, Payment
from grants.models.fields import bounded_text
from grants.models.proposals import ConsortiumMember, Proposal
from grants.models.reference import Province


class ProjectStatus(models.TextChoices):
    # The lead types milestones and deliverables; nothing is signed yet.
    DRAFTING = "drafting", _("Task book being drafted")
    SIGNING = "signing", _("Task book out for signature")
    RUNNING = "running", _("Running")
    SUSPENDED = "suspended", _("Suspended")
    COMPLETED = "completed", _("Completed")  # final acceptance 通过
    NOT_ACCEPTED = "not_accepted", _("Not accepted")  # final acceptance 不通过
    TERMINATED = "terminated", _("Terminated")


# The states in which the project's money and reports still move.
ACTIVE_STATES = (ProjectStatus.RUNNING, ProjectStatus.SUSPENDED)


class Project(models.Model):
    """A funded proposal's life after the award. Created when its call is decided."""

    decision = models.OneToOneField(Decision, on_delete=models.PROTECT, related_name="project")
    proposal = models.OneToOneField(Proposal, on_delete=models.PROTECT, related_name="project")
    status = models.CharField(
        _("status"), max_length=16, choices=ProjectStatus.choices, default=ProjectStatus.DRAFTING
    )
    duration_months = models.PositiveSmallIntegerField(_("duration (months)"))
    # Set when the last party signs the task book; ends_on moves with an approved extension.
    starts_on = models.DateField(_("start"), null=True, blank=True)
    ends_on = models.DateField(_("end"), null=True, blank=True)
    # The task book's current version: 1 at the award, one more per approved change.
    task_book_version = models.PositiveSmallIntegerField(default=1)
    # A suspension or termination: why, and when (grants.projects' early end).
    ended_reason = bounded_text(_("reason for suspension or termination"), limits.RETURN_REASON)
    ended_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Optimistic locking for the lead's edits, as for proposals.
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("project")
        verbose_name_plural = _("projects")

    def __str__(self):
        return self.proposal.reference or f"project {self.pk}"


class AwardCategory(models.TextChoices):
    """The awarded budget's categories: the proposal's direct-cost categories and the indirect
    costs, which the award spells out per member and year."""

    EQUIPMENT = "equipment", _("Equipment")
    OPERATIONS = "operations", _("Operations")
    PERSONNEL = "personnel", _("Personnel")
    INDIRECT = "indirect", _("Indirect costs")


class ProjectBudgetLine(models.Model):
    """The awarded budget of one member in one category and project year: the proposal's budget
    with the office's cut applied pro rata (grants.projects.award_budget)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="budget_lines")
    member = models.ForeignKey(ConsortiumMember, on_delete=models.PROTECT, related_name="+")
    category = models.CharField(max_length=12, choices=AwardCategory.choices)
    year = models.PositiveSmallIntegerField()
    amount = models.DecimalField(max_digits=14, decimal_places=2)

    class Meta:
        ordering = ["project_id", "member_id", "year", "category"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "member", "category", "year"], name="one_award_line_per_cell"
            ),
            models.CheckConstraint(
                condition=models.Q(amount__gte=0), name="award_line_not_negative"
            ),
        ]

    def __str__(self):
        return f"{self.project} · {self.member_id} · {self.category} · {self.year}"


class DeliverableKind(models.TextChoices):
    REPORT = "report", _("Report")
    PUBLICATION = "publication", _("Publication")
    PROTOTYPE = "prototype", _("Prototype or device")
    SOFTWARE = "software", _("Software")
    DATA_SET = "data_set", _("Data set")
    STANDARD = "standard", _("Standard")
    PATENT = "patent", _("Patent")
    OTHER = "other", _("Other")


class Milestone(models.Model):
    """A milestone or deliverable of the task book, typed by the lead."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("milestone or deliverable"), max_length=200)
    kind = models.CharField(
        _("kind"), max_length=12, choices=DeliverableKind.choices, default=DeliverableKind.REPORT
    )
    due_month = models.PositiveSmallIntegerField(_("due in project month"))
    member = models.ForeignKey(
        ConsortiumMember,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("responsible member"),
    )
    description = bounded_text(_("description"), limits.MILESTONE_DESCRIPTION)

    class Meta:
        ordering = ["project_id", "due_month", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(due_month__gte=1), name="milestone_month_from_1"
            )
        ]

    def __str__(self):
        return self.title


class TaskBook(models.Model):
    """One version of the task book as it went out for signature: frozen, never edited."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="task_books")
    number = models.PositiveSmallIntegerField()
    issued_at = models.DateTimeField(auto_now_add=True)
    # What was signed: the budget lines, milestones, members and provinces (grants.projects).
    contents = models.JSONField()
    # Why this version exists: the award, or the approved change that made it.
    change = models.ForeignKey(
        "ChangeRequest", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["project_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["project", "number"], name="one_task_book_per_number")
        ]

    def __str__(self):
        return f"{self.project} · v{self.number}"


class Signature(models.Model):
    """One party's signature of a task book version: a member institution's acceptance (by its
    PI) or a contributing province's countersignature (by its provincial officer)."""

    task_book = models.ForeignKey(TaskBook, on_delete=models.PROTECT, related_name="signatures")
    member = models.ForeignKey(
        ConsortiumMember, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    province = models.ForeignKey(
        Province, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    signed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["task_book_id", "signed_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(member__isnull=False, province__isnull=True)
                    | models.Q(member__isnull=True, province__isnull=False)
                ),
                name="signature_member_or_province",
            ),
            models.UniqueConstraint(
                fields=["task_book", "member"],
                condition=models.Q(member__isnull=False),
                name="one_signature_per_member",
            ),
            models.UniqueConstraint(
                fields=["task_book", "province"],
                condition=models.Q(province__isnull=False),
                name="one_signature_per_province",
            ),
        ]

    def __str__(self):
        return f"{self.task_book} · {self.member_id or self.province_id}"


class Disbursement(models.Model):
    """A payment a province recorded against one instalment of its schedule (grants.Payment):
    the amount, the day it was paid and the voucher it was paid under."""

    instalment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="disbursements")
    # Denormalised from the instalment's share so a voucher is unique per province in the
    # database, not only in the code.
    province = models.ForeignKey(Province, on_delete=models.PROTECT, related_name="+")
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    paid_on = models.DateField(_("paid on"))
    voucher = models.CharField(_("voucher number"), max_length=40)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["instalment_id", "paid_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["province", "voucher"], name="one_voucher_per_province"
            ),
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="disbursement_positive"),
        ]

    def __str__(self):
        return f"{self.province_id} {self.voucher}: {self.amount}"


class ReportKind(models.TextChoices):
    ANNUAL = "annual", _("Annual progress report")
    FINAL = "final", _("Final report")


class ReportStatus(models.TextChoices):
    DUE = "due", _("Due")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned for revision")
    IN_REVIEW = "in_review", _("In expert review")
    ACCEPTED = "accepted", _("Accepted")


class Verdict(models.TextChoices):
    """Final acceptance (结题验收)."""

    PASSED = "passed", _("Passed")
    FAILED = "failed", _("Not passed")
    DEFERRED = "deferred", _("Deferred")


class Report(models.Model):
    """An annual progress report (one per project year) or the final report."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="reports")
    kind = models.CharField(_("kind"), max_length=8, choices=ReportKind.choices)
    year = models.PositiveSmallIntegerField(_("project year"))  # the final report: the last
    due_on = models.DateField(_("due on"))
    status = models.CharField(
        _("status"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.DUE
    )
    progress = bounded_text(_("progress against the milestones"), limits.REPORT_TEXT)
    collaboration = bounded_text(_("cross-province collaboration"), limits.REPORT_TEXT)
    transfer = bounded_text(_("industrial transfer"), limits.REPORT_TEXT)
    attachment = models.FileField(_("attachment (PDF)"), upload_to=attachment_path, blank=True)
    attachment_name = models.CharField(max_length=120, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    return_reason = bounded_text(_("reason for returning"), limits.SCREENING_REASON)
    verdict = models.CharField(
        _("final acceptance"), max_length=10, choices=Verdict.choices, blank=True
    )
    # Reminders already sent, by key ("before-30", "overdue-2026-03-01"), so each goes once.
    reminders_sent = models.JSONField(default=list, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["project_id", "due_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "kind", "year"], name="one_report_per_kind_and_year"
            )
        ]

    def __str__(self):
        return f"{self.project} · {self.get_kind_display()} {self.year}"


class MilestoneProgress(models.Model):
    class State(models.TextChoices):
        DONE = "done", _("Achieved")
        ON_TRACK = "on_track", _("On track")
        LATE = "late", _("Late")
        DROPPED = "dropped", _("Dropped")

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="milestone_progress")
    milestone = models.ForeignKey(Milestone, on_delete=models.PROTECT, related_name="+")
    state = models.CharField(_("state"), max_length=10, choices=State.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["report", "milestone"], name="one_progress_per_milestone"
            )
        ]

    def __str__(self):
        return f"{self.report} · {self.milestone}: {self.get_state_display()}"


class Spending(models.Model):
    """Actual spending of one member in one category over the report's period."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="spending")
    member = models.ForeignKey(ConsortiumMember, on_delete=models.PROTECT, related_name="+")
    category = models.CharField(max_length=12, choices=AwardCategory.choices)
    amount = models.DecimalField(max_digits=14, decimal_places=2)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["report", "member", "category"], name="one_spending_per_cell"
            ),
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="spending_not_negative"),
        ]

    def __str__(self):
        return f"{self.report} · {self.member_id} · {self.category}: {self.amount}"


class OutputKind(models.TextChoices):
    PAPER = "paper", _("Paper")
    PATENT = "patent", _("Patent")
    SOFTWARE = "software", _("Software")
    DATA_SET = "data_set", _("Data set")
    STANDARD = "standard", _("Standard")
    TALENT = "talent", _("Talent trained")
    JOINT_PAPER = "joint_paper", _("Joint paper across provinces")
    SHARED_INSTRUMENT = "shared_instrument", _("Shared instrument used")
    STAFF_EXCHANGE = "staff_exchange", _("Staff exchange")
    LICENCE = "licence", _("Licence")
    TRIAL = "trial", _("Use first, transfer later trial")
    CONTRACT = "contract", _("Contract income")


class Output(models.Model):
    """One output a report declares: a paper (with its DOI), a patent, a licence, a trial with
    an enterprise, contract income..."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="outputs")
    kind = models.CharField(_("kind"), max_length=20, choices=OutputKind.choices)
    title = models.CharField(_("title or description"), max_length=300)
    identifier = models.CharField(
        _("identifier (DOI, patent number, URL)"), max_length=200, blank=True
    )
    partner = models.CharField(_("enterprise or partner"), max_length=200, blank=True)
    amount = models.DecimalField(
        _("amount (yuan)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    members = models.ManyToManyField(ConsortiumMember, related_name="+", blank=True)

    class Meta:
        ordering = ["report_id", "kind", "pk"]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.title}"


class ExpertReview(models.Model):
    """An expert's review of a final report, through the reviewer pool and its conflict rules."""

    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="expert_reviews")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    verdict = models.CharField(
        _("recommendation"), max_length=10, choices=Verdict.choices, blank=True
    )
    comments = bounded_text(_("comments"), limits.REPORT_TEXT)
    assigned_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["report", "reviewer"], name="one_expert_review_each")
        ]

    def __str__(self):
        return f"{self.report} · {self.reviewer}"


class ChangeKind(models.TextChoices):
    REALLOCATION = "reallocation", _("Budget reallocation")
    PARTNER = "partner", _("Change of partner")
    PI = "pi", _("Change of PI")
    EXTENSION = "extension", _("Extension")


class ChangeStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for decision")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class ChangeRequest(models.Model):
    """A change the lead asks for (变更). ``details`` holds what changes, by kind: the moved
    amounts, the new partner or PI, the months of extension."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="changes")
    kind = models.CharField(_("kind"), max_length=14, choices=ChangeKind.choices)
    details = models.JSONField(default=dict)
    reason = bounded_text(_("reason"), limits.REPORT_TEXT, blank=False)
    status = models.CharField(
        _("status"), max_length=10, choices=ChangeStatus.choices, default=ChangeStatus.PENDING
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = bounded_text(_("note on the decision"), limits.SCREENING_REASON)

    class Meta:
        ordering = ["project_id", "-requested_at", "-pk"]

    def __str__(self):
        return f"{self.project} · {self.get_kind_display()} ({self.get_status_display()})"


class Consent(models.Model):
    """An affected province's answer to a change that touches its money."""

    change = models.ForeignKey(ChangeRequest, on_delete=models.PROTECT, related_name="consents")
    province = models.ForeignKey(Province, on_delete=models.PROTECT, related_name="+")
    agreed = models.BooleanField()
    note = models.CharField(_("note"), max_length=300, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["change", "province"], name="one_consent_per_province")
        ]

    def __str__(self):
        return f"{self.change} · {self.province_id}: {'yes' if self.agreed else 'no'}"
