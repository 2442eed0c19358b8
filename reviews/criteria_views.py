"""The fund office's page of a call's review criteria."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from grants.accounts.permissions import get_office_call, role_required
from grants.core.errors import WorkflowError
from grants.core.view_helpers import kept_post, login_required_keeping_post
from grants.models import CallStatus, Role
from reviews import criteria as reviews_criteria
from reviews.criteria_forms import CriterionFormSet


@login_required_keeping_post
@role_required(Role.FUND_OFFICER)
def call_criteria(request, code):
    """The call's review criteria: edited while the call is a draft, read-only once it opens."""
    call = get_office_call(request.user, code)
    criteria = reviews_criteria.criteria_for(call)
    data = request.POST if request.method == "POST" else kept_post(request)
    formset = CriterionFormSet(
        data,
        initial=[
            {
                "key": c.key,
                "name_zh": c.name_zh,
                "name_en": c.name_en,
                "weight": c.weight,
                "threshold": c.threshold,
            }
            for c in criteria
        ],
    )
    refusal = None
    if request.method == "POST" and formset.is_valid():
        try:
            reviews_criteria.criteria_save(
                call=call, actor=request.user, rows=formset.rows(), removed=formset.removed()
            )
        except WorkflowError as error:
            refusal = error.message
        except ValidationError as error:
            refusal = " ".join(error.messages)
        else:
            messages.success(request, _("The criteria are saved."))
            return redirect("office_call_criteria", code=call.code)
    context = {
        "call": call,
        "criteria": criteria,
        "formset": formset,
        "editable": call.status == CallStatus.DRAFT,
        "refusal": refusal,
    }
    return render(request, "reviews/office/criteria.html", context)
