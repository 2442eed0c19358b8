"""What an early end owes back: each province's refund after a termination, and the money
received against it (grants.projects.refunds)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from grants.models.projects import Project
from grants.models.reference import Province


class Refund(models.Model):
    """What a province is owed back after a termination: what it paid beyond what the project
    may keep. ``repaid`` is the sum of its receipts, kept here so the database itself refuses
    taking back more than is owed (CHECK refund_not_overpaid)."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="refunds")
    province = models.ForeignKey(Province, on_delete=models.PROTECT, related_name="+")
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    repaid = models.DecimalField(max_digits=14, decimal_places=2, default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["project", "province"], name="one_refund_per_province"),
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="refund_not_negative"),
            models.CheckConstraint(
                condition=models.Q(repaid__gte=0, repaid__lte=models.F("amount")),
                name="refund_not_overpaid",
            ),
        ]

    def __str__(self):
        return f"{self.project} · {self.province_id}: {self.amount}"

    @property
    def outstanding(self):
        return self.amount - self.repaid


class RefundReceipt(models.Model):
    """Money a province received back against a refund: the amount, the day and the voucher
    it came under, and who recorded it (its provincial officer or the fund office)."""

    refund = models.ForeignKey(Refund, on_delete=models.PROTECT, related_name="receipts")
    # Denormalised from the refund so a voucher is unique per province in the database.
    province = models.ForeignKey(Province, on_delete=models.PROTECT, related_name="+")
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    received_on = models.DateField(_("received on"))
    voucher = models.CharField(_("voucher number"), max_length=40)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["refund_id", "received_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["province", "voucher"], name="one_refund_voucher_per_province"
            ),
            models.CheckConstraint(
                condition=models.Q(amount__gt=0), name="refund_receipt_positive"
            ),
        ]

    def __str__(self):
        return f"{self.province_id} {self.voucher}: {self.amount}"
