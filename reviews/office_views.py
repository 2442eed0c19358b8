"""The fund office's actions on one reviewer's assignment."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from grants.core.errors import WorkflowError
from reviews import windows, workflow
from reviews.forms import ReopenForm
from reviews.permissions import get_office_assignment


@login_required
def assignment_reopen(request, pk):
    """Reopen one review closed by the review deadline: a confirmation page with the reason,
    then the change (reviews.workflow.assignment_reopen decides whether it may)."""
    item = get_office_assignment(request.user, pk)
    form = ReopenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            workflow.assignment_reopen(
                assignment=item, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except WorkflowError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                _("The review of %(proposal)s by %(reviewer)s is open again.")
                % {"proposal": item.proposal, "reviewer": item.reviewer},
            )
            return redirect("assignment_page", code=item.call.code)
    closed = workflow.closed_reason(item)
    return render(
        request,
        "reviews/office/reopen.html",
        {
            "item": item,
            "form": form,
            "closed": windows.CLOSED_MESSAGES[closed] if closed else "",
        },
    )
