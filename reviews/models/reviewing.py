"""The reviewer pool, assignments, reviews, panels and background jobs."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from grants.core import limits
from grants.models.fields import bounded_text


class ReviewerProfile(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="reviewer_profile",
        verbose_name=_("user"),
    )
    max_reviews_per_call = models.PositiveSmallIntegerField(_("most reviews per call"), default=6)
    available = models.BooleanField(_("available for new calls"), default=True)
    unavailable_until = models.DateField(_("unavailable until"), null=True, blank=True)

    class Meta:
        verbose_name = _("reviewer profile")
        verbose_name_plural = _("reviewer profiles")

    def __str__(self):
        return str(self.user)


class Criterion(models.Model):
    """One scored criterion of a call, with its weight and threshold (0–5, half points)."""

    call = models.ForeignKey("grants.Call", on_delete=models.CASCADE, related_name="criteria")
    key = models.SlugField(_("key"), max_length=30)
    name_zh = models.CharField(_("Chinese name"), max_length=60)
    name_en = models.CharField(_("English name"), max_length=100)
    weight = models.DecimalField(_("weight"), max_digits=4, decimal_places=2)
    threshold = models.DecimalField(_("threshold"), max_digits=2, decimal_places=1, default=3)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["call_id", "order", "pk"]
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        constraints = [
            models.UniqueConstraint(fields=["call", "key"], name="one_criterion_key_per_call"),
            models.CheckConstraint(
                condition=models.Q(weight__gt=0), name="criterion_weight_positive"
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def name(self):
        from grants.models.reference import in_reader_language

        return in_reader_language(self.name_zh, self.name_en)


class ConflictKind(models.TextChoices):
    RELATIVE = "relative", _("Relative")
    COAUTHOR = "coauthor", _("Recent co-author or collaborator")
    SUPERVISION = "supervision", _("Supervisor or student")
    OTHER = "other", _("Other reason")


class DeclaredConflict(models.Model):
    """A relationship a reviewer declares: with a person (any of their proposals) or with one
    proposal. Either way the pair is never assigned."""

    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="declared_conflicts"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    proposal = models.ForeignKey(
        "grants.Proposal",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="declared_conflicts",
    )
    kind = models.CharField(_("kind"), max_length=12, choices=ConflictKind.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)
    declared_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("declared conflict")
        verbose_name_plural = _("declared conflicts")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(person__isnull=False) | models.Q(proposal__isnull=False),
                name="conflict_names_a_person_or_proposal",
            )
        ]

    def __str__(self):
        return f"{self.reviewer} ↔ {self.person or self.proposal}: {self.get_kind_display()}"


class AssignmentStatus(models.TextChoices):
    INVITED = "invited", _("Invited")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    CONFLICT = "conflict", _("Conflict declared")


class Assignment(models.Model):
    """A reviewer asked to review one proposal. Created only through reviews.workflow, which
    checks every conflict rule first."""

    call = models.ForeignKey("grants.Call", on_delete=models.PROTECT, related_name="assignments")
    proposal = models.ForeignKey(
        "grants.Proposal", on_delete=models.PROTECT, related_name="assignments"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="assignments"
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=AssignmentStatus.choices,
        default=AssignmentStatus.INVITED,
    )
    affinity = models.DecimalField(_("affinity"), max_digits=5, decimal_places=4, default=0)
    explanation = models.CharField(_("why this reviewer"), max_length=300, blank=True)
    manual = models.BooleanField(_("added by hand"), default=False)
    decline_reason = models.CharField(_("reason"), max_length=300, blank=True)
    no_conflict_declared_at = models.DateTimeField(null=True, blank=True)
    invited_at = models.DateTimeField(auto_now_add=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    # The fund office reopened this review after the review deadline (reviews.windows); it
    # closes again when the reviewer submits it or the panel locks. Who and why are audited.
    reopened_at = models.DateTimeField(_("reopened"), null=True, blank=True)

    class Meta:
        ordering = ["proposal_id", "-affinity", "pk"]
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        constraints = [
            models.UniqueConstraint(fields=["proposal", "reviewer"], name="one_assignment_per_pair")
        ]
        indexes = [
            models.Index(fields=["reviewer", "status"]),
            # The assignment page groups a call's assignments by proposal and counts their
            # answers: this index holds all it reads.
            models.Index(fields=["call", "proposal", "status"], name="assignment_call_proposal"),
        ]

    def __str__(self):
        return f"{self.proposal} → {self.reviewer}"


# What a background job's error says when its worker stopped without finishing it: stored as
# this marker and worded when shown, in the reader's language.
WORKER_LOST = "worker-lost"


def failure_text(error):
    if error == WORKER_LOST:
        from django.utils.translation import gettext

        return gettext(
            "The server preparing it stopped before it finished (restarted or out of memory). "
            "Nothing was kept from the attempt: press Retry to start again."
        )
    return error


class AssignmentRun(models.Model):
    """One run of the solver for a call: progress while it works, then the proposed pairs for
    the fund office to preview, adjust and publish."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Ready to review")
        FAILED = "failed", _("Failed")
        PUBLISHED = "published", _("Published")

    call = models.ForeignKey(
        "grants.Call", on_delete=models.CASCADE, related_name="assignment_runs"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    fair = models.BooleanField(_("fairness mode"), default=False)
    # Randomized against collusion (reviews.randomized_assignment): no pair above this
    # probability; the seed is drawn when the run starts and audited, so the draw can be
    # derived again from the same data.
    probability_cap = models.DecimalField(
        _("probability cap"), max_digits=3, decimal_places=2, null=True, blank=True
    )
    seed = models.BigIntegerField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    message = models.CharField(max_length=300, blank=True)
    # {"pairs": [{"proposal": id, "reviewer": id, "affinity": x, "explanation": s}, ...],
    #  "shortfalls": [...], "total": x, "weakest": x, "seconds": x}
    result = models.JSONField(null=True, blank=True)
    # Written by the worker while it runs; a run silent too long lost its worker (reviews/jobs.py).
    heartbeat_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.call} · {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def failure(self):
        """Why the run failed, in the reader's language when the portal itself says it."""
        return failure_text(self.message)


class Rating(models.TextChoices):
    EXCELLENT = "excellent", _("Excellent (优)")
    GOOD = "good", _("Good (良)")
    FAIR = "fair", _("Fair (中)")
    POOR = "poor", _("Poor (差)")


class Advice(models.TextChoices):
    PRIORITY = "priority", _("Fund with priority (优先资助)")
    FUNDABLE = "fundable", _("Fundable (可资助)")
    NOT_FUNDABLE = "not_fundable", _("Do not fund (不予资助)")


class Review(models.Model):
    assignment = models.OneToOneField(Assignment, on_delete=models.PROTECT, related_name="review")
    # {criterion key: "4.5" or None for n/a}
    scores = models.JSONField(default=dict)
    justifications = models.JSONField(default=dict)
    comments_for_applicants = bounded_text(
        _("comments for the applicants"), limits.REVIEW_COMMENTS_FOR_APPLICANTS
    )
    confidential_comments = bounded_text(
        _("confidential comments for the fund office"), limits.REVIEW_CONFIDENTIAL_COMMENTS
    )
    rating = models.CharField(
        _("overall rating"), max_length=10, choices=Rating.choices, blank=True
    )
    advice = models.CharField(
        _("funding advice"), max_length=12, choices=Advice.choices, blank=True
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")

    def __str__(self):
        return f"{self.assignment}"

    @property
    def is_submitted(self):
        return self.submitted_at is not None


class Panel(models.Model):
    call = models.ForeignKey("grants.Call", on_delete=models.CASCADE, related_name="panels")
    area = models.ForeignKey("grants.Discipline", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("name"), max_length=120)
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="chaired_panels"
    )
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="panels", blank=True)
    locked_at = models.DateTimeField(null=True, blank=True)
    locked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["call_id", "area_id"]
        verbose_name = _("panel")
        verbose_name_plural = _("panels")
        constraints = [models.UniqueConstraint(fields=["call", "area"], name="one_panel_per_area")]

    def __str__(self):
        return self.name


class PanelEntry(models.Model):
    """A proposal's place in its panel's ranking; position is fixed once the panel locks."""

    panel = models.ForeignKey(Panel, on_delete=models.CASCADE, related_name="entries")
    proposal = models.OneToOneField(
        "grants.Proposal", on_delete=models.PROTECT, related_name="panel_entry"
    )
    position = models.PositiveIntegerField(null=True, blank=True)
    consensus_score = models.DecimalField(max_digits=3, decimal_places=1, null=True, blank=True)
    consensus_comment = bounded_text(None, limits.PANEL_CONSENSUS_COMMENT)
    reorder_reason = bounded_text(None, limits.PANEL_REORDER_REASON)

    class Meta:
        ordering = ["panel_id", "position", "pk"]
        verbose_name = _("panel entry")
        verbose_name_plural = _("panel entries")

    def __str__(self):
        return f"{self.panel}: {self.proposal}"


class ExpertInvitation(models.Model):
    """The fund office's single-use, expiring invitation to join the reviewer pool. Only the
    token's digest is stored; the link works for someone who has no account yet."""

    email = models.EmailField(_("e-mail address"))
    name = models.CharField(_("name"), max_length=100)
    institution = models.ForeignKey(
        "grants.Institution",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("institution"),
    )
    token_digest = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    # Set when the invitation is accepted; a used invitation without it was declined.
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("expert invitation")
        verbose_name_plural = _("expert invitations")
        indexes = [models.Index(fields=["email"])]

    def __str__(self):
        return f"{self.name} <{self.email}>"

    def usable(self, now=None):
        from django.utils import timezone

        now = now or timezone.now()
        return self.used_at is None and self.revoked_at is None and now < self.expires_at

    @property
    def state(self):
        """One word for lists: pending, accepted, declined, revoked or expired."""
        if self.revoked_at:
            return "revoked"
        if self.used_at:
            return "accepted" if self.accepted_by_id else "declined"
        return "pending" if self.usable() else "expired"


# How long a finished export's file is kept before it is deleted.
EXPORT_KEEP_DAYS = 7


def export_file_name(job, filename):
    """Where an export's file is stored: a random name, never one a user chose or can guess.
    Only the extension of the name the builder gives is kept."""
    from pathlib import PurePath
    from uuid import uuid4

    return f"exports/{uuid4().hex}{PurePath(filename).suffix}"


class ExportJob(models.Model):
    """A file built in the background for the person who asked for it (a panel book, a long
    proposal list as CSV or as an Excel workbook): its progress while it is built, then the
    file for EXPORT_KEEP_DAYS days.

    ``params`` says what to build: {"panel": id, "name": panel name} for a panel book,
    {"call": code, "query": "status=…", "scope": …} for a proposal list. What the builders
    do lives in reviews.exports."""

    class Kind(models.TextChoices):
        PANEL_BOOK = "panel_book", _("Panel book (PDF)")
        # The value predates the Excel workbooks; the job's file_format says which file it is.
        PROPOSALS_CSV = "proposals_csv", _("Proposal list")

    class Format(models.TextChoices):
        CSV = "csv", "CSV"
        XLSX = "xlsx", _("Excel workbook")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Being prepared")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")
        EXPIRED = "expired", _("Expired")

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="export_jobs"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    params = models.JSONField(default=dict)
    # A proposal list's file: a panel book is always a PDF.
    file_format = models.CharField(
        _("file format"), max_length=4, choices=Format.choices, default=Format.CSV
    )
    # The language the file's headings and labels are written in: the requester's at the time.
    language = models.CharField(max_length=10)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    file = models.FileField(upload_to=export_file_name, blank=True)
    filename = models.CharField(max_length=200, blank=True)  # the name it downloads under
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)
    # Written by the worker while it builds; a job silent too long lost its worker (reviews/jobs.py).
    heartbeat_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        indexes = [models.Index(fields=["requested_by", "-created_at"])]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.requested_by} · {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def title(self):
        """What was asked for, in the reader's language (e-mails render it once per language)."""
        from django.utils.translation import gettext

        if self.kind == self.Kind.PANEL_BOOK:
            return gettext("Panel book of %(panel)s") % {"panel": self.params.get("name", "")}
        if self.file_format == self.Format.XLSX:
            return gettext("Proposals of call %(call)s (Excel)") % {
                "call": self.params.get("call", "")
            }
        return gettext("Proposals of call %(call)s (CSV)") % {"call": self.params.get("call", "")}

    @property
    def percent(self):
        return min(100, self.done * 100 // self.total) if self.total else 0

    @property
    def failure(self):
        return failure_text(self.error)

    @property
    def pending(self):
        return self.status in {self.Status.QUEUED, self.Status.RUNNING}

    @property
    def expires_at(self):
        from datetime import timedelta

        return self.finished_at + timedelta(days=EXPORT_KEEP_DAYS) if self.finished_at else None
