"""Funding decisions and the money they commit, per call and per province."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from grants.core import limits
from grants.funding import simulation
from grants.models.calls import Call
from grants.models.fields import bounded_text
from grants.models.reference import Province, in_reader_language


class Outcome(models.TextChoices):
    FUNDED = "funded", _("Funded")
    RESERVE = "reserve", _("Reserve list")
    # Not fundable whatever the pools hold; Decision.reasons says why (the value keeps its
    # historical name).
    BELOW_THRESHOLD = "below_threshold", _("Not funded")


class FundingRound(models.Model):
    """The committed result of funding one call down its locked ranking."""

    call = models.OneToOneField(Call, on_delete=models.PROTECT, related_name="funding_round")
    committed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    committed_at = models.DateTimeField(auto_now_add=True)
    model = models.CharField(max_length=10)
    cuts = models.JSONField(default=dict)  # proposal id -> percentage
    final_at = models.DateTimeField(null=True, blank=True)  # awards final, letters may go out

    class Meta:
        verbose_name = _("funding round")
        verbose_name_plural = _("funding rounds")

    def __str__(self):
        return str(self.call)


class Decision(models.Model):
    round = models.ForeignKey(FundingRound, on_delete=models.PROTECT, related_name="decisions")
    proposal = models.OneToOneField(
        "grants.Proposal", on_delete=models.PROTECT, related_name="decision"
    )
    rank = models.PositiveIntegerField()
    outcome = models.CharField(max_length=16, choices=Outcome.choices)
    cut = models.DecimalField(max_digits=5, decimal_places=2, default=0)
    total = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    skipped_for = models.ForeignKey(
        Province, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    shortfall = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    # Not funded: reviews.scoring's reasons, as grants.funding.simulation.not_funded_reason reads them.
    reasons = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["round_id", "rank"]
        verbose_name = _("funding decision")
        verbose_name_plural = _("funding decisions")

    def __str__(self):
        return f"{self.proposal}: {self.get_outcome_display()}"

    @property
    def not_funded_reason(self):
        return simulation.not_funded_reason(self.reasons)

    @property
    def reason(self):
        """Why it is not funded, in the reader's language; "" when it is funded or reserve
        (the reserve's reason is the pool that ran short, ``skipped_for``)."""
        if self.outcome != Outcome.BELOW_THRESHOLD:
            return ""
        reason = self.not_funded_reason
        return in_reader_language(reason.message_zh, reason.message_en)

    @property
    def outcome_text(self):
        """The outcome as the lists show it: "Not funded: too few valid reviews"."""
        if self.reason:
            return gettext("%(outcome)s: %(reason)s") % {
                "outcome": self.get_outcome_display(),
                "reason": self.reason,
            }
        return self.get_outcome_display()


class AwardShare(models.Model):
    """What one province pays for one award: ``charged`` from its own pool and ``balancing``
    from its part of the balancing pot; ``received`` is what its institutions get."""

    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="shares")
    province = models.ForeignKey(Province, on_delete=models.PROTECT, related_name="+")
    received = models.DecimalField(max_digits=14, decimal_places=2)
    charged = models.DecimalField(max_digits=14, decimal_places=2)
    balancing = models.DecimalField(max_digits=14, decimal_places=2, default=0)

    class Meta:
        ordering = ["decision_id", "province_id"]
        constraints = [
            models.UniqueConstraint(fields=["decision", "province"], name="one_share_per_province"),
            models.CheckConstraint(
                condition=models.Q(charged__gte=0, balancing__gte=0, received__gte=0),
                name="share_not_negative",
            ),
        ]

    def __str__(self):
        return f"{self.decision.proposal} · {self.province_id}: {self.committed}"

    @property
    def committed(self):
        return self.charged + self.balancing


class Payment(models.Model):
    """One instalment of an award, per paying province and project year."""

    share = models.ForeignKey(AwardShare, on_delete=models.PROTECT, related_name="payments")
    year = models.PositiveSmallIntegerField()
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    # What the province has paid of it so far: the sum of its disbursements, kept here so the
    # database itself refuses paying more than the instalment (grants.projects.payments).
    paid = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    paid_at = models.DateTimeField(null=True, blank=True)  # when it was paid in full

    class Meta:
        ordering = ["share_id", "year"]
        constraints = [
            models.UniqueConstraint(fields=["share", "year"], name="one_payment_per_year"),
            models.CheckConstraint(
                condition=models.Q(paid__gte=0, paid__lte=models.F("amount")),
                name="payment_not_overpaid",
            ),
        ]

    def __str__(self):
        return f"{self.share} · {self.year}: {self.amount}"

    @property
    def outstanding(self):
        return self.amount - self.paid


class ProvincialConfirmation(models.Model):
    call = models.ForeignKey(Call, on_delete=models.PROTECT, related_name="confirmations")
    province = models.ForeignKey(Province, on_delete=models.PROTECT, related_name="+")
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["call", "province"], name="one_confirmation_per_province"
            )
        ]

    def __str__(self):
        return f"{self.call} · {self.province}"


class FundingDraw(models.Model):
    """A call's draw at the funding line (grants.funding.lottery): the seed fixed in advance and
    who fixed it, the witness, then once the result. A draw is never run again: an annulled one
    keeps its row with who annulled it and why, and the next draw is a new row."""

    call = models.ForeignKey(Call, on_delete=models.PROTECT, related_name="funding_draws")
    seed = models.CharField(_("seed"), max_length=64)
    seed_fixed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    seed_fixed_at = models.DateTimeField(auto_now_add=True)
    # Another fund officer of the portal, or a person from outside named here.
    witness = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    witness_name = models.CharField(_("external witness"), max_length=200, blank=True)
    witnessed_at = models.DateTimeField(null=True, blank=True)
    # The fit whose 90 % intervals made the group, and what the draw found and decided.
    fit = models.ForeignKey(
        "reviews.RankingFit", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    line = models.PositiveIntegerField(null=True, blank=True)
    places = models.PositiveIntegerField(null=True, blank=True)
    # [{"proposal": id, "reference": ..., "place": ..., "low": ..., "high": ...}], ranking order
    group = models.JSONField(default=list, blank=True)
    order = models.JSONField(default=list, blank=True)  # the group's proposal ids, drawn order
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    drawn_at = models.DateTimeField(null=True, blank=True)
    annulled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    annulled_at = models.DateTimeField(null=True, blank=True)
    annul_reason = bounded_text(_("reason for annulling"), limits.DRAW_ANNUL_REASON)

    class Meta:
        ordering = ["call_id", "-seed_fixed_at", "-pk"]
        verbose_name = _("draw at the funding line")
        verbose_name_plural = _("draws at the funding line")
        constraints = [
            models.UniqueConstraint(
                fields=["call"],
                condition=models.Q(annulled_at__isnull=True),
                name="one_live_draw_per_call",
            )
        ]

    def __str__(self):
        return f"{self.call} · {self.seed_fixed_at:%Y-%m-%d %H:%M}"

    @property
    def witness_shown(self):
        return str(self.witness) if self.witness_id else self.witness_name

    def members(self):
        """The proposal ids of the group."""
        return {member["proposal"] for member in self.group}
