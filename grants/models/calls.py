"""Calls for proposals and what each province puts into them."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from grants.core import limits
from grants.models.fields import bounded_text
from grants.models.reference import Discipline, Province, in_reader_language


class CallStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open for proposals")
    CLOSED = "closed", _("Closed")
    IN_REVIEW = "in_review", _("In review")
    IN_PANEL = "in_panel", _("In panel")
    DECIDED = "decided", _("Decided")


class FundingModel(models.TextChoices):
    VIRTUAL = "virtual", _("Virtual common pot: each province pays its own institutions")
    REAL = "real", _("Real common pot: one pot pays the best projects")
    MIXED = "mixed", _("Mixed: provincial pots plus a balancing pot")


class ProvinceRule(models.TextChoices):
    ALL_CONSORTIUM = "all", _("Exclude reviewers from every province of the consortium")
    LEAD_ONLY = "lead", _("Exclude reviewers from the lead's province only")


class CallQuerySet(models.QuerySet):
    def visible_to_applicants(self):
        return self.exclude(status=CallStatus.DRAFT)

    def open_now(self, now=None):
        now = now or timezone.now()
        return self.filter(status=CallStatus.OPEN, opens_at__lte=now, closes_at__gt=now)


class Call(models.Model):
    """A call for proposals. Every rule DOMAIN.md marks configurable is a field here."""

    year = models.PositiveSmallIntegerField(_("year"))
    code = models.SlugField(
        _("code"), max_length=30, unique=True, help_text=_("Short code, e.g. 2026-info.")
    )
    title_zh = models.CharField(_("title (Chinese)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=300)
    summary_zh = bounded_text(_("summary (Chinese)"), limits.CALL_SUMMARY)
    summary_en = bounded_text(_("summary (English)"), limits.CALL_SUMMARY)
    discipline_areas = models.ManyToManyField(
        Discipline, related_name="calls", verbose_name=_("discipline areas"), blank=True
    )
    status = models.CharField(
        _("status"), max_length=20, choices=CallStatus.choices, default=CallStatus.DRAFT
    )

    opens_at = models.DateTimeField(_("opens at"))
    closes_at = models.DateTimeField(_("closes at"))
    review_deadline = models.DateTimeField(_("review deadline"), null=True, blank=True)
    panel_date = models.DateField(_("panel date"), null=True, blank=True)
    decision_date = models.DateField(_("decision date"), null=True, blank=True)

    # Eligibility
    min_provinces = models.PositiveSmallIntegerField(
        _("minimum funding provinces"), default=2, validators=[MinValueValidator(1)]
    )
    min_institutions = models.PositiveSmallIntegerField(_("minimum institutions"), default=2)
    max_institutions = models.PositiveSmallIntegerField(_("maximum institutions"), default=6)
    allow_unfunded_partners = models.BooleanField(
        _("partners outside the four provinces may take part unfunded"), default=False
    )
    # Equipment lines above this name their instrument, matched against the shared catalogue.
    instrument_threshold = models.DecimalField(
        _("equipment line naming its instrument from (yuan)"),
        max_digits=14,
        decimal_places=2,
        default=500000,
    )
    max_led_per_pi = models.PositiveSmallIntegerField(_("proposals a PI may lead"), default=1)
    max_participations_per_pi = models.PositiveSmallIntegerField(
        _("proposals a PI may take part in"), default=2
    )
    min_duration_months = models.PositiveSmallIntegerField(
        _("shortest duration (months)"), default=24
    )
    max_duration_months = models.PositiveSmallIntegerField(
        _("longest duration (months)"), default=48
    )
    narrative_pdf_required = models.BooleanField(_("narrative PDF required"), default=False)
    attachment_max_mb = models.PositiveSmallIntegerField(_("largest attachment (MB)"), default=20)
    attachment_max_pages = models.PositiveSmallIntegerField(_("most attachment pages"), default=30)

    # Budget
    max_direct_total = models.DecimalField(
        _("cap on direct costs (yuan)"), max_digits=14, decimal_places=2, default=Decimal("3000000")
    )
    max_direct_per_year = models.DecimalField(
        _("cap on direct costs per year (yuan)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
    )
    max_equipment_share = models.DecimalField(
        _("largest equipment share of direct costs"),
        max_digits=4,
        decimal_places=2,
        default=Decimal("0.40"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
    )

    # Funding
    funding_model = models.CharField(
        _("funding model"),
        max_length=10,
        choices=FundingModel.choices,
        default=FundingModel.VIRTUAL,
    )
    balancing_share = models.DecimalField(
        _("balancing share of each contribution"),
        max_digits=4,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
    )
    # Partial randomization (SNSF, NZ HRC, British Academy): proposals the calibrated ranking
    # cannot tell apart at the funding line are funded in the order of a witnessed draw.
    draw_at_funding_line = models.BooleanField(
        _("draw among proposals of equal standing at the funding line"), default=False
    )

    # Review
    reviewers_per_proposal = models.PositiveSmallIntegerField(
        _("reviewers per proposal"), default=5, validators=[MinValueValidator(3)]
    )
    reviewer_min_load = models.PositiveSmallIntegerField(
        _("fewest proposals per reviewer"), default=0
    )
    reviewer_max_load = models.PositiveSmallIntegerField(
        _("most proposals per reviewer"), default=6
    )
    province_rule = models.CharField(
        _("province rule"),
        max_length=10,
        choices=ProvinceRule.choices,
        default=ProvinceRule.ALL_CONSORTIUM,
    )
    coauthorship_years = models.PositiveSmallIntegerField(
        _("years a shared publication counts as co-authorship"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(20)],
    )
    overall_threshold = models.DecimalField(
        _("overall threshold (weighted mean, 0–5)"),
        max_digits=3,
        decimal_places=1,
        default=Decimal("3.0"),
    )
    panel_min_provinces = models.PositiveSmallIntegerField(
        _("panel members' fewest provinces"), default=3
    )
    panel_max_province_share = models.DecimalField(
        _("largest share of a panel from one province"),
        max_digits=3,
        decimal_places=2,
        default=Decimal("0.40"),
    )
    provincial_confirmation_required = models.BooleanField(
        _("provinces confirm their share before awards are final"), default=True
    )
    # Publication: the public open-data page (grants.opendata) shows the call's funded
    # projects only when this is set, and only once the call is decided.
    open_data = models.BooleanField(_("publish the funded projects as open data"), default=False)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CallQuerySet.as_manager()

    class Meta:
        ordering = ["-opens_at", "code"]
        verbose_name = _("call")
        verbose_name_plural = _("calls")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_at__gt=models.F("opens_at")),
                name="call_closes_after_opening",
            ),
            models.CheckConstraint(
                condition=models.Q(max_institutions__gte=models.F("min_institutions")),
                name="call_institution_bounds_ordered",
            ),
            models.CheckConstraint(
                condition=models.Q(max_duration_months__gte=models.F("min_duration_months")),
                name="call_duration_bounds_ordered",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def title(self):
        return in_reader_language(self.title_zh, self.title_en)

    @property
    def summary(self):
        return in_reader_language(self.summary_zh, self.summary_en)

    def is_open(self, now=None):
        now = now or timezone.now()
        return self.status == CallStatus.OPEN and self.opens_at <= now < self.closes_at

    def time_left(self, now=None):
        now = now or timezone.now()
        return max(self.closes_at - now, timezone.timedelta(0))


class Contribution(models.Model):
    """What one province puts into one call's budget."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="contributions")
    province = models.ForeignKey(Province, on_delete=models.PROTECT, related_name="contributions")
    amount = models.DecimalField(_("amount (yuan)"), max_digits=14, decimal_places=2)

    class Meta:
        ordering = ["province_id"]
        verbose_name = _("contribution")
        verbose_name_plural = _("contributions")
        constraints = [
            models.UniqueConstraint(
                fields=["call", "province"], name="one_contribution_per_province"
            ),
            models.CheckConstraint(
                condition=models.Q(amount__gte=0), name="contribution_not_negative"
            ),
        ]

    def __str__(self):
        return f"{self.province}: ¥{self.amount:,.2f}"


class DeadlineExtension(models.Model):
    """A later deadline set after the call opened. The rules are frozen once a call opens;
    the deadline is the one thing that may still move, and only ever later."""

    call = models.ForeignKey(
        Call, on_delete=models.PROTECT, related_name="deadline_extensions", verbose_name=_("call")
    )
    old_closes_at = models.DateTimeField(_("previous deadline"))
    new_closes_at = models.DateTimeField(_("new deadline"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("extended by"),
    )
    at = models.DateTimeField(_("extended at"), auto_now_add=True)
    reason = bounded_text(_("reason"), limits.DEADLINE_EXTENSION_REASON, blank=False)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("deadline extension")
        verbose_name_plural = _("deadline extensions")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(new_closes_at__gt=models.F("old_closes_at")),
                name="deadline_only_moves_later",
            )
        ]

    def __str__(self):
        return f"{self.call.code}: {self.old_closes_at:%Y-%m-%d %H:%M} → {self.new_closes_at:%Y-%m-%d %H:%M}"
