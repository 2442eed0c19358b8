"""Against repeated investment: other funders' records, the shared large-instrument catalogue,
and the overlaps the fund office screens (the same research, people or instruments funded
twice)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from grants.core import limits
from grants.models.calls import Call
from grants.models.fields import bounded_text
from grants.models.proposals import BudgetLine, Proposal
from grants.models.reference import Institution, Province


class ExternalRecord(models.Model):
    """A project funded elsewhere (a province's own programme, NSFC, a ministry), imported from
    the funder's CSV (grants.overlaps.records_import). Re-importing a (programme, reference)
    updates it in place."""

    programme = models.CharField(_("programme"), max_length=120)
    # The funding province; blank for national funders (NSFC, ministries).
    province = models.ForeignKey(
        Province, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reference = models.CharField(_("reference"), max_length=60)
    title_zh = models.CharField(_("title (Chinese)"), max_length=300, blank=True)
    title_en = models.CharField(_("title (English)"), max_length=400, blank=True)
    abstract_zh = bounded_text(_("abstract (Chinese)"), limits.EXTERNAL_ABSTRACT)
    abstract_en = bounded_text(_("abstract (English)"), limits.EXTERNAL_ABSTRACT)
    pi_name = models.CharField(_("PI name"), max_length=100)
    pi_orcid = models.CharField(_("PI ORCID iD"), max_length=19, blank=True)
    # A SHA-256 of the national ID number, made by the funder: the raw number never reaches us.
    pi_id_hash = models.CharField(_("PI ID hash"), max_length=64, blank=True)
    institution_name = models.CharField(_("institution"), max_length=200)
    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    amount = models.DecimalField(_("amount (yuan)"), max_digits=14, decimal_places=2)
    start_year = models.PositiveSmallIntegerField(_("first year"))
    end_year = models.PositiveSmallIntegerField(_("last year"))
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    imported_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["programme", "reference"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "reference"], name="one_external_record_per_reference"
            ),
            models.CheckConstraint(
                condition=models.Q(end_year__gte=models.F("start_year")),
                name="external_record_years_ordered",
            ),
        ]
        verbose_name = _("external funded project")
        verbose_name_plural = _("external funded projects")

    def __str__(self):
        return f"{self.programme} {self.reference}"


class SharedInstrument(models.Model):
    """One instrument of the Yangtze River Delta shared large-instrument catalogue."""

    catalogue_ref = models.CharField(_("catalogue number"), max_length=60, unique=True)
    name = models.CharField(_("instrument"), max_length=200)
    model = models.CharField(_("model"), max_length=200, blank=True)
    institution_name = models.CharField(_("institution"), max_length=200)
    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    province = models.ForeignKey(Province, on_delete=models.PROTECT, related_name="+")
    imported_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["province_id", "name", "catalogue_ref"]
        verbose_name = _("shared instrument")
        verbose_name_plural = _("shared instruments")

    def __str__(self):
        return f"{self.name} {self.model} ({self.institution_name})".strip()


class OverlapRun(models.Model):
    """One background check of a call's submitted proposals, with its progress."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    call = models.ForeignKey(Call, on_delete=models.PROTECT, related_name="overlap_runs")
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.call} · {self.get_status_display()} {self.done}/{self.total}"


class OverlapKind(models.TextChoices):
    TEXT = "text", _("Same text")
    PERSON = "person", _("Same person beyond the limits")
    TEAM = "team", _("Same team")
    RUNNING_PROJECT = "running_project", _("PI's running project")
    INSTRUMENT = "instrument", _("Shared instrument")


class FlagStatus(models.TextChoices):
    OPEN = "open", _("To screen")
    CLEARED = "cleared", _("Cleared")
    DUPLICATE = "duplicate", _("Duplicate")


class OverlapFlag(models.Model):
    """A likely overlap of a submitted proposal with another proposal or project of the fund, an
    external record or a shared instrument. ``key`` names the pair ("text:zh:proposal:42",
    "instrument:line:7:ref:SH-0001") so a new run updates a flag and keeps its screening."""

    call = models.ForeignKey(Call, on_delete=models.PROTECT, related_name="overlap_flags")
    proposal = models.ForeignKey(Proposal, on_delete=models.PROTECT, related_name="overlap_flags")
    kind = models.CharField(_("kind"), max_length=16, choices=OverlapKind.choices)
    key = models.CharField(max_length=120)
    other_proposal = models.ForeignKey(
        Proposal, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    external_record = models.ForeignKey(
        ExternalRecord, on_delete=models.PROTECT, null=True, blank=True, related_name="flags"
    )
    instrument = models.ForeignKey(
        SharedInstrument, on_delete=models.PROTECT, null=True, blank=True, related_name="flags"
    )
    budget_line = models.ForeignKey(
        BudgetLine, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    score = models.DecimalField(_("score"), max_digits=4, decimal_places=3)  # 0.000 to 1.000
    language = models.CharField(max_length=2, blank=True)  # "zh" or "en" for text overlaps
    # Text: [[passage of the proposal, passage of the other], ...]; people: who and where.
    evidence = models.JSONField(default=dict, blank=True)
    status = models.CharField(
        _("screening"), max_length=10, choices=FlagStatus.choices, default=FlagStatus.OPEN
    )
    reason = bounded_text(_("reason"), limits.SCREENING_REASON)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    found_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["call_id", "-score", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["proposal", "key"], name="one_flag_per_pair"),
            models.CheckConstraint(
                condition=models.Q(score__gte=0, score__lte=1), name="flag_score_in_unit_range"
            ),
        ]
        # The overlap page lists a call's flags by score (then pk, for stable pages), filtered
        # by kind or screening or neither: each order read off an index, not sorted.
        indexes = [
            models.Index(fields=["call", "-score", "id"], name="flag_call_score"),
            models.Index(fields=["call", "kind", "-score", "id"], name="flag_call_kind_score"),
            models.Index(fields=["call", "status", "-score", "id"], name="flag_call_status_score"),
        ]

    def __str__(self):
        return f"{self.proposal} · {self.get_kind_display()} {self.score}"
