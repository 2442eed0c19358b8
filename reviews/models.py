"""The reviewer pool: what the fund office knows about each expert beyond the profile."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


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
