"""Money coming back after a termination: the province's officer or the fund office records
each sum received against the province's refund, with its day and voucher. The refund's
``repaid`` follows, and the database refuses taking back more than is owed (CHECK
refund_not_overpaid) or one voucher twice in a province (UNIQUE one_refund_voucher_per_province).
What is owed and repaid per province reaches the ledger through grants.funding.payments."""

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from grants.core.audit import record
from grants.core.money import format_yuan
from grants.models import Refund, RefundReceipt
from grants.projects import payment_rules as rules
from grants.projects.payments import PaymentRefused


def _message(code, still_owed):
    messages = {
        rules.NOTHING_OWED: _("This refund is repaid in full."),
        rules.AMOUNT_NOT_POSITIVE: _("Enter an amount above zero."),
        rules.AMOUNT_ABOVE_OWED: _("The amount is more than the province is still owed (%(owed)s).")
        % {"owed": format_yuan(still_owed)},
        rules.DATE_IN_FUTURE: _("The day cannot be in the future."),
        rules.VOUCHER_EMPTY: _("Enter the voucher number."),
        rules.VOUCHER_USED: _("This voucher number is already recorded for the province."),
    }
    return messages[code]


def _refuse(codes, still_owed):
    raise PaymentRefused(
        {rules.REFUND_FIELD_OF[code]: _message(code, still_owed) for code in codes}
    )


def refund_receive(*, refund, actor, amount, received_on, voucher, today=None):
    """Record ``amount`` received back on ``received_on`` under ``voucher`` against ``refund``.
    Refused with PaymentRefused, whose ``errors`` say which field is wrong."""
    today = today or timezone.localdate()
    voucher = (voucher or "").strip()
    with transaction.atomic():
        # Two officers recording the same refund queue here; the second reads the first's sum.
        refund = (
            Refund.objects.select_for_update(of=("self",))
            .select_related("project__proposal")
            .get(pk=refund.pk)
        )
        used = RefundReceipt.objects.filter(province_id=refund.province_id, voucher=voucher)
        codes = rules.refund_refusals(
            still_owed=refund.outstanding,
            amount=amount,
            received_on=received_on,
            today=today,
            voucher=voucher,
            voucher_used=used.exists(),
        )
        if codes:
            _refuse(codes, refund.outstanding)
        try:
            with transaction.atomic():
                receipt = RefundReceipt.objects.create(
                    refund=refund,
                    province_id=refund.province_id,
                    amount=amount,
                    received_on=received_on,
                    voucher=voucher,
                    recorded_by=actor,
                )
                Refund.objects.filter(pk=refund.pk).update(repaid=F("repaid") + amount)
        # The row lock keeps the CHECK from failing; the voucher can still be taken at the same
        # moment against another of the province's refunds.
        except IntegrityError:
            _refuse([rules.VOUCHER_USED], refund.outstanding)
        refund.refresh_from_db(fields=["repaid"])
        record(
            actor=actor,
            action="project.refund_received",
            proposal=refund.project.proposal,
            after={
                "province": refund.province_id,
                "amount": str(amount),
                "on": str(received_on),
                "voucher": voucher,
                "repaid": str(refund.repaid),
                "owed": str(refund.amount),
            },
        )
    return receipt
