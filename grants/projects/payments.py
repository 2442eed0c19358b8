"""The payments the provinces record against their instalments (grants.Payment, written by
grants.funding.decisions): one at a time on the project's payments page, or a whole project
year at once in the fund office's payment run. Each payment is a Disbursement; the instalment's
``paid`` follows, and the database refuses paying more than the instalment (CHECK
payment_not_overpaid) or one voucher twice in a province (UNIQUE one_voucher_per_province)."""

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from grants.core.audit import record
from grants.core.errors import WorkflowError
from grants.core.money import format_yuan
from grants.models import Disbursement, ProjectStatus
from grants.models.decisions import Payment
from grants.projects import payment_rules as rules


class PaymentRefused(WorkflowError):
    """The reasons a payment was refused, one message per form field."""

    def __init__(self, errors):
        self.errors = errors
        field = next(iter(errors))
        super().__init__(errors[field], code=field)


def _message(code, outstanding=None):
    messages = {
        rules.NOT_STARTED: _(
            "A province pays once the project has started: its task book is not signed by "
            "every party yet."
        ),
        rules.NOT_RUNNING: _("Payments are recorded only while the project is running."),
        rules.NOTHING_OUTSTANDING: _("This instalment is paid in full."),
        rules.AMOUNT_NOT_POSITIVE: _("Enter an amount above zero."),
        rules.AMOUNT_ABOVE_OUTSTANDING: _(
            "The amount is more than what is outstanding on this instalment (%(outstanding)s)."
        )
        % {"outstanding": format_yuan(outstanding) if outstanding is not None else ""},
        rules.DATE_IN_FUTURE: _("The payment date cannot be in the future."),
        rules.VOUCHER_EMPTY: _("Enter the voucher number."),
        rules.VOUCHER_USED: _("This voucher number is already recorded for your province."),
    }
    return messages[code]


def _refuse(codes, outstanding=None):
    raise PaymentRefused({rules.FIELD_OF[code]: _message(code, outstanding) for code in codes})


def _facts(payment):
    project = payment.share.decision.project
    return rules.Instalment(
        outstanding=payment.outstanding,
        started=project.status not in (ProjectStatus.DRAFTING, ProjectStatus.SIGNING),
        running=project.status == ProjectStatus.RUNNING,
    )


def payment_record(*, instalment, actor, amount, paid_on, voucher, today=None):
    """Record ``amount`` paid on ``paid_on`` under ``voucher`` against ``instalment`` (a
    Payment). Refused with PaymentRefused, whose ``errors`` say which field is wrong."""
    today = today or timezone.localdate()
    voucher = (voucher or "").strip()
    with transaction.atomic():
        # The instalment's row lock: two officers paying the same instalment queue here, and
        # the second reads what the first paid.
        payment = (
            Payment.objects.select_for_update(of=("self",))
            .select_related("share__decision__project__proposal")
            .get(pk=instalment.pk)
        )
        province = payment.share.province_id
        used = Disbursement.objects.filter(province_id=province, voucher=voucher).exists()
        codes = rules.refusals(
            _facts(payment),
            amount=amount,
            paid_on=paid_on,
            today=today,
            voucher=voucher,
            voucher_used=used,
        )
        if codes:
            _refuse(codes, payment.outstanding)
        try:
            with transaction.atomic():
                disbursement = Disbursement.objects.create(
                    instalment=payment,
                    province_id=province,
                    amount=amount,
                    paid_on=paid_on,
                    voucher=voucher,
                    recorded_by=actor,
                )
        except IntegrityError:  # the same voucher, recorded at the same moment elsewhere
            _refuse([rules.VOUCHER_USED])
        try:
            with transaction.atomic():
                Payment.objects.filter(pk=payment.pk).update(paid=F("paid") + amount)
        except IntegrityError:  # the CHECK constraint: the last line of defence
            _refuse([rules.AMOUNT_ABOVE_OUTSTANDING], payment.outstanding)
        payment.refresh_from_db(fields=["paid", "paid_at"])
        if payment.paid == payment.amount:
            payment.paid_at = timezone.now()
            payment.save(update_fields=["paid_at"])
        record(
            actor=actor,
            action="project.payment_recorded",
            proposal=payment.share.decision.project.proposal,
            after={
                "province": province,
                "year": payment.year,
                "amount": str(amount),
                "paid_on": paid_on.isoformat(),
                "voucher": voucher,
                "paid": str(payment.paid),
                "outstanding": str(payment.outstanding),
            },
        )
    return disbursement


# ---- the payment run: a project year at once -------------------------------------------------


def _payable(call):
    """The call's instalments still owed by a running project."""
    return Payment.objects.filter(
        share__decision__round__call=call,
        share__decision__project__status=ProjectStatus.RUNNING,
        paid__lt=F("amount"),
    )


def payable_years(call):
    """The project years with an instalment still owed by a running project, in order."""
    return sorted(set(_payable(call).values_list("year", flat=True)))


def year_record(*, call, actor, year, voucher, paid_on, province_code=None, today=None):
    """Pay what is outstanding on every instalment of project ``year`` of the call's running
    projects (every province's, or one's): one Disbursement per instalment, under the run's
    voucher and the project's reference. Returns how many instalments were paid."""
    today = today or timezone.localdate()
    voucher = (voucher or "").strip()
    with transaction.atomic():
        payments = _payable(call).filter(year=year)
        if province_code:
            payments = payments.filter(share__province_id=province_code)
        payments = list(
            payments.select_for_update(of=("self",))
            .select_related("share__decision__proposal")
            .order_by("pk")
        )
        if not payments:
            raise PaymentRefused(
                {
                    "year": _(
                        "No running project of this call has an instalment outstanding in "
                        "year %(year)s."
                    )
                    % {"year": year}
                }
            )
        codes = []
        if paid_on > today:
            codes.append(rules.DATE_IN_FUTURE)
        if not voucher:
            codes.append(rules.VOUCHER_EMPTY)
        vouchers = {
            p.pk: rules.batch_voucher(voucher, p.share.decision.proposal.reference)
            for p in payments
        }
        wanted = {(p.share.province_id, vouchers[p.pk]) for p in payments}
        used = Disbursement.objects.filter(
            province_id__in={province for province, _voucher in wanted},
            voucher__in=vouchers.values(),
        ).values_list("province_id", "voucher")
        if voucher and wanted & set(used):
            codes.append(rules.VOUCHER_USED)
        if codes:
            _refuse(codes)
        try:
            with transaction.atomic():
                Disbursement.objects.bulk_create(
                    Disbursement(
                        instalment=p,
                        province_id=p.share.province_id,
                        amount=p.outstanding,
                        paid_on=paid_on,
                        voucher=vouchers[p.pk],
                        recorded_by=actor,
                    )
                    for p in payments
                )
        except IntegrityError:
            _refuse([rules.VOUCHER_USED])
        count = Payment.objects.filter(pk__in=[p.pk for p in payments]).update(
            paid=F("amount"), paid_at=timezone.now()
        )
        record(
            actor=actor,
            action="payments.recorded",
            call=call,
            after={
                "year": year,
                "province": province_code,
                "count": count,
                "voucher": voucher,
                "paid_on": paid_on.isoformat(),
            },
        )
    return count
