"""A refund's page: what a terminated project owes one province back, the money received
against it, and the form the province's officer or the fund office records it with
(grants.projects.refunds)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from grants.accounts.permissions import get_project_payments
from grants.core.forms import DateInput, MoneyField
from grants.core.money import format_yuan
from grants.projects import refunds
from grants.projects.payments import PaymentRefused

PAGE = "grants/projects/refunds/page.html"


class RefundReceiptForm(forms.Form):
    amount = MoneyField(label=gettext_lazy("Amount received (yuan)"))
    received_on = forms.DateField(label=gettext_lazy("Received on"), widget=DateInput())
    voucher = forms.CharField(label=gettext_lazy("Voucher number"), max_length=40)


@login_required
def refund_receive(request, pk, refund_pk):
    # The payers of a project see its refunds: the fund office every province's, a provincial
    # officer their own (404 for another province's refund), the consortium none (403).
    project, provinces = get_project_payments(request.user, pk)
    refund = get_object_or_404(
        project.refunds.select_related("province"), pk=refund_pk, province_id__in=provinces
    )
    form = RefundReceiptForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            refunds.refund_receive(refund=refund, actor=request.user, **form.cleaned_data)
        except PaymentRefused as refused:
            for field, message in refused.errors.items():
                form.add_error(field, message)
        else:
            messages.success(
                request,
                _("%(amount)s received back by %(province)s recorded.")
                % {
                    "amount": format_yuan(form.cleaned_data["amount"]),
                    "province": refund.province.name,
                },
            )
            return redirect("refund_receive", pk=project.pk, refund_pk=refund.pk)
    if not form.is_bound:
        form = RefundReceiptForm(
            initial={"amount": refund.outstanding, "received_on": timezone.localdate()}
        )
    return render(
        request,
        PAGE,
        {
            "project": project,
            "proposal": project.proposal,
            "refund": refund,
            "receipts": refund.receipts.all(),
            "form": form if refund.outstanding > 0 else None,
        },
    )
