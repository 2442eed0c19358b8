"""The payments pages: a project's instalments per province with what was paid against them
and a form per instalment, and the fund office's payment run for a call's project year."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from grants.accounts.permissions import (
    get_office_call,
    get_project_payments,
    payment_provinces,
    role_required,
)
from grants.core.forms import DateInput, MoneyField
from grants.core.money import format_yuan
from grants.models import ProjectStatus, Role
from grants.models.decisions import Payment
from grants.projects import payments
from grants.projects.presenters import ScheduleRow

PAGE = "grants/projects/payments/page.html"
YEAR_PAGE = "grants/projects/payments/year.html"


class InstalmentPaymentForm(forms.Form):
    amount = MoneyField(label=gettext_lazy("Amount paid (yuan)"))
    paid_on = forms.DateField(label=gettext_lazy("Paid on"), widget=DateInput())
    voucher = forms.CharField(label=gettext_lazy("Voucher number"), max_length=40)


def payments_context(user, project):
    """What the project page needs to link to the payments page."""
    return {"payment_provinces": payment_provinces(user, project)}


def _page_context(project, provinces, bound=None):
    """Each visible province's instalments with their disbursements; a form on each one the
    running project still owes, bound where it was just posted."""
    bound = bound or {}
    rows = {}
    running = project.status == ProjectStatus.RUNNING
    for payment in (
        Payment.objects.filter(share__decision=project.decision, share__province_id__in=provinces)
        .select_related("share__province")
        .prefetch_related("disbursements")
        .order_by("share__province_id", "year")
    ):
        payment.form = bound.get(payment.pk)
        if payment.form is None and running and payment.outstanding > 0:
            payment.form = InstalmentPaymentForm(
                prefix=f"i{payment.pk}",
                initial={"amount": payment.outstanding, "paid_on": timezone.localdate()},
            )
        province = payment.share.province
        rows.setdefault(province.code, ScheduleRow(province)).instalments.append(payment)
    return {
        "project": project,
        "proposal": project.proposal,
        "rows": list(rows.values()),
        "running": running,
    }


@login_required
def project_payments(request, pk):
    project, provinces = get_project_payments(request.user, pk)
    return render(request, PAGE, _page_context(project, provinces))


@require_POST
@login_required
def instalment_pay(request, pk, instalment):
    project, provinces = get_project_payments(request.user, pk)
    payment = get_object_or_404(
        Payment.objects.select_related("share__province"),
        pk=instalment,
        share__decision=project.decision,
        share__province_id__in=provinces,
    )
    form = InstalmentPaymentForm(request.POST, prefix=f"i{payment.pk}")
    if form.is_valid():
        try:
            payments.payment_record(instalment=payment, actor=request.user, **form.cleaned_data)
        except payments.PaymentRefused as refused:
            for field, message in refused.errors.items():
                form.add_error(field, message)
        else:
            messages.success(
                request,
                _("%(amount)s paid by %(province)s recorded against year %(year)s.")
                % {
                    "amount": format_yuan(form.cleaned_data["amount"]),
                    "province": payment.share.province.name,
                    "year": payment.year,
                },
            )
            return redirect(
                reverse("project_payments", args=[project.pk]) + f"#instalment-{payment.pk}"
            )
    return render(request, PAGE, _page_context(project, provinces, bound={payment.pk: form}))


# ---- the payment run ----------------------------------------------------------------------


class YearPaymentForm(forms.Form):
    """A project year whose outstanding instalments the fund office pays at once: only the
    years with an instalment a running project still owes are offered."""

    year = forms.TypedChoiceField(
        label=gettext_lazy("Project year"),
        coerce=int,
        error_messages={
            "required": gettext_lazy("Choose the project year."),
            "invalid_choice": gettext_lazy(
                "Choose one of the project years that still have instalments to pay."
            ),
        },
    )
    paid_on = forms.DateField(label=gettext_lazy("Paid on"), widget=DateInput())
    voucher = forms.CharField(
        label=gettext_lazy("Voucher number of the run"),
        max_length=20,
        help_text=gettext_lazy(
            "Each instalment is recorded under this number followed by the project's reference."
        ),
    )

    def __init__(self, *args, years, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", gettext_lazy("Choose a year"))] + [
            (year, _("Year %(year)s") % {"year": year}) for year in years
        ]


@login_required
@role_required(Role.FUND_OFFICER)
def year_payments(request, code):
    call = get_office_call(request.user, code)
    years = payments.payable_years(call)
    if request.method != "POST":
        form = YearPaymentForm(years=years, initial={"paid_on": timezone.localdate()})
        return render(request, YEAR_PAGE, {"call": call, "form": form})
    form = YearPaymentForm(request.POST, years=years)
    if form.is_valid():
        year = form.cleaned_data["year"]
        try:
            count = payments.year_record(call=call, actor=request.user, **form.cleaned_data)
        except payments.PaymentRefused as refused:
            for field, message in refused.errors.items():
                form.add_error(field, message)
        else:
            messages.success(
                request,
                _("%(count)d instalments of year %(year)d recorded as paid.")
                % {"count": count, "year": year},
            )
            return redirect(f"{reverse('ledger')}?call={call.code}")
    return render(request, YEAR_PAGE, {"call": call, "form": form})
