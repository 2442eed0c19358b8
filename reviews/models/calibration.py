"""The calibrated ranking of a call: a model of each proposal's quality and each reviewer's
leniency fitted to the submitted scores, giving every proposal an expected rank and the
intervals its rank falls in. The plain weighted mean stays the ranking the panel locks; a fit
is shown beside it."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class RankingFit(models.Model):
    """One fit for a call, run in the background: progress while it works, then one
    RankEstimate per ranked proposal. The seed is recorded so a fit can be derived again."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    call = models.ForeignKey("grants.Call", on_delete=models.CASCADE, related_name="ranking_fits")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    message = models.CharField(max_length=300, blank=True)
    # Written by the worker while it runs; a fit silent too long lost its worker (reviews/jobs.py).
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    method = models.CharField(_("method"), max_length=40, blank=True)
    seed = models.BigIntegerField(null=True, blank=True)
    replicates = models.PositiveIntegerField(_("replicates"), default=0)
    # What the fit found beyond the ranks, e.g. each reviewer's leniency and the variances.
    summary = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.call} · {self.created_at:%Y-%m-%d %H:%M}"


class RankEstimate(models.Model):
    """Where a fit puts one proposal: its estimated quality on the score scale, its expected
    rank (1 is best) and the 50 % and 90 % intervals of its rank."""

    fit = models.ForeignKey(RankingFit, on_delete=models.CASCADE, related_name="estimates")
    proposal = models.ForeignKey("grants.Proposal", on_delete=models.CASCADE, related_name="+")
    quality = models.FloatField(_("estimated quality"))
    expected_rank = models.FloatField(_("expected rank"))
    rank_50_low = models.PositiveIntegerField()
    rank_50_high = models.PositiveIntegerField()
    rank_90_low = models.PositiveIntegerField()
    rank_90_high = models.PositiveIntegerField()

    class Meta:
        ordering = ["expected_rank"]
        constraints = [
            models.UniqueConstraint(fields=["fit", "proposal"], name="one_estimate_per_fit"),
            models.CheckConstraint(
                condition=models.Q(rank_90_low__lte=models.F("rank_50_low"))
                & models.Q(rank_50_low__lte=models.F("rank_50_high"))
                & models.Q(rank_50_high__lte=models.F("rank_90_high")),
                name="rank_intervals_nested",
            ),
        ]

    def __str__(self):
        return f"{self.proposal_id} · {self.expected_rank:.1f}"
