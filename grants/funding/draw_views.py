"""The draw at the funding line: its page and the four steps (grants.funding.draws)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from grants.accounts.permissions import get_office_call, role_required
from grants.core.view_helpers import workflow_step
from grants.funding import draw_forms, draw_presenters, draws
from grants.models import Role
from grants.models.decisions import FundingRound


def _page(request, call, **forms):
    draw = draws.live_draw(call)
    context = {
        "call": call,
        "draw": draw,
        "shown": draw_presenters.draw_shown(draw, draw_presenters.funded_members(call, draw))
        or {"draw": None},
        "committed": FundingRound.objects.filter(call=call).exists(),
        "past": draw_presenters.annulled_draws(call),
        "seed_form": forms.get("seed_form") or draw_forms.SeedForm(),
        "witness_form": forms.get("witness_form")
        or draw_forms.WitnessForm(user=request.user, seed_fixed_by=draw and draw.seed_fixed_by),
        "annul_form": forms.get("annul_form") or draw_forms.AnnulForm(),
    }
    return render(request, "grants/funding/draw.html", context)


@login_required
@role_required(Role.FUND_OFFICER)
def funding_draw(request, code):
    return _page(request, get_office_call(request.user, code))


@require_POST
@login_required
@role_required(Role.FUND_OFFICER)
def funding_draw_seed(request, code):
    call = get_office_call(request.user, code)
    form = draw_forms.SeedForm(request.POST)
    if not form.is_valid():
        return _page(request, call, seed_form=form)
    seed = form.cleaned_data["seed"]
    return workflow_step(
        request,
        lambda: draws.draw_seed_fix(call=call, actor=request.user, seed=seed),
        _("The seed is fixed."),
        "funding_draw",
        code=call.code,
    )


@require_POST
@login_required
@role_required(Role.FUND_OFFICER)
def funding_draw_witness(request, code):
    call = get_office_call(request.user, code)
    draw = draws.live_draw(call)
    form = draw_forms.WitnessForm(
        request.POST, user=request.user, seed_fixed_by=draw and draw.seed_fixed_by
    )
    if not form.is_valid():
        return _page(request, call, witness_form=form)
    return workflow_step(
        request,
        lambda: draws.draw_witness_record(
            call=call,
            actor=request.user,
            witness=form.cleaned_data["witness"],
            witness_name=form.cleaned_data["witness_name"],
        ),
        _("The witness is recorded."),
        "funding_draw",
        code=call.code,
    )


@require_POST
@login_required
@role_required(Role.FUND_OFFICER)
def funding_draw_run(request, code):
    call = get_office_call(request.user, code)
    return workflow_step(
        request,
        lambda: draws.draw_run(call=call, actor=request.user),
        _("The draw is held; funding down the ranking now follows its order."),
        "funding_draw",
        code=call.code,
    )


@require_POST
@login_required
@role_required(Role.FUND_OFFICER)
def funding_draw_annul(request, code):
    call = get_office_call(request.user, code)
    form = draw_forms.AnnulForm(request.POST)
    if not form.is_valid():
        return _page(request, call, annul_form=form)
    return workflow_step(
        request,
        lambda: draws.draw_annul(call=call, actor=request.user, reason=form.cleaned_data["reason"]),
        _("The draw is annulled. Fix a new seed to hold another."),
        "funding_draw",
        code=call.code,
    )
