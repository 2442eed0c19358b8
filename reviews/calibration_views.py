"""The call's calibrated ranking: the office starts a fit, follows its progress and reads the
proposals' expected ranks and intervals beside the plain weighted mean."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from grants.accounts.permissions import get_office_call, role_required
from grants.core.view_helpers import workflow_step
from grants.models import Role
from reviews import calibration
from reviews.models import RankingFit, failure_text

RANKING_PAGE_SIZE = 100


@login_required
@role_required(Role.FUND_OFFICER)
def ranking_page(request, code):
    call = get_office_call(request.user, code)
    latest = call.ranking_fits.select_related("created_by").first()
    if latest:
        calibration.settle(latest)
    fit = calibration.latest_fit(call)
    order = request.GET.get("order")
    order = order if order in calibration.ORDERS else "plain"
    page = places = None
    if fit:
        page = Paginator(calibration.fit_values(fit, order=order), RANKING_PAGE_SIZE).get_page(
            request.GET.get("page")
        )
        page.object_list, places = calibration.with_plots(calibration.rows_of(page.object_list))
        fit.stale = calibration.is_stale(fit)
    context = {
        "call": call,
        "latest": latest,
        "fit": fit,
        "page": page,
        "places": places,
        "order": order,
        "refused": calibration.fit_refused_because(call),
        "failure": failure_text(latest.message) if latest else "",
    }
    return render(request, "reviews/office/ranking.html", context)


@require_POST
@login_required
@role_required(Role.FUND_OFFICER)
def ranking_fit_start(request, code):
    call = get_office_call(request.user, code)
    return workflow_step(
        request,
        lambda: calibration.fit_start(call=call, actor=request.user),
        _("The calibrated ranking is being fitted; this page shows its progress."),
        "calibrated_ranking",
        code=code,
    )


@login_required
@role_required(Role.FUND_OFFICER)
def ranking_fit_progress(request, code, fit_pk):
    call = get_office_call(request.user, code)
    latest = calibration.settle(get_object_or_404(call.ranking_fits, pk=fit_pk))
    context = {"call": call, "latest": latest, "failure": failure_text(latest.message)}
    response = render(request, "reviews/office/partials/fit_progress.html", context)
    if latest.status in {RankingFit.Status.DONE, RankingFit.Status.FAILED} and request.htmx:
        response["HX-Refresh"] = "true"
    return response
