from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render

from grants.calls.filters import CallFilter
from grants.models import Call, Contribution, Proposal


def call_list(request):
    calls = Call.objects.visible_to_applicants().prefetch_related("discipline_areas")
    filterset = CallFilter(request.GET or None, queryset=calls)
    return render(request, "grants/calls/list.html", {"filter": filterset, "calls": filterset.qs})


def call_detail(request, code):
    call = get_object_or_404(
        Call.objects.visible_to_applicants().prefetch_related(
            "discipline_areas",
            # The provinces with their contributions, in one query for both.
            Prefetch("contributions", Contribution.objects.select_related("province")),
        ),
        code=code,
    )
    draft = Proposal.objects.lead_draft(call=call, lead=request.user)
    return render(request, "grants/calls/detail.html", {"call": call, "draft": draft})
