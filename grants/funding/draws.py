"""The draw at the funding line, step by step, each step once and audited.

1. The officer fixes the seed (typed, or drawn by the portal) before anyone can know what it
   will decide: the group is only found when the draw runs.
2. A witness is recorded: another fund officer of the portal, or a person from outside named.
3. The draw runs once: the group, the places it fills, the seed and the drawn order are stored
   (grants.funding.lottery has the rules), and funding down the ranking
   (grants.funding.decisions.simulate_call) fills the group's places in that order.
4. It is never run again unless annulled, with a reason, before funding is committed; the
   annulled draw keeps its row and the next one starts again at step 1.

The line is found on the funding as the pools leave it without cuts: a cut typed when funding
is committed changes what a proposal receives, not which proposals the reviews could not tell
apart. Committing waits while a draw is under way (seed fixed, not yet run), and while a group
straddles the line that has not been drawn (grants.funding.decisions.commit_refusal;
grants.funding.lottery has the rule).
"""

import secrets

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from grants.accounts.permissions import is_fund_officer
from grants.core.audit import record
from grants.core.errors import WorkflowError
from grants.funding import decisions, lottery
from grants.models import Call
from grants.models.decisions import FundingDraw, FundingRound
from reviews import calibration


def live_draw(call):
    """The call's draw that is not annulled, or None."""
    return (
        FundingDraw.objects.filter(call=call, annulled_at__isnull=True)
        .select_related("seed_fixed_by", "witness", "drawn_by", "fit")
        .first()
    )


def _open_call(call):
    """The call, locked, once it is known that its draw may still change."""
    call = Call.objects.select_for_update().get(pk=call.pk)
    if not call.draw_at_funding_line:
        raise WorkflowError(_("This call does not draw at the funding line."), code="disabled")
    if FundingRound.objects.filter(call=call).exists():
        raise WorkflowError(
            _("Funding for this call has already been committed: its draw stands."),
            code="committed",
        )
    return call


def _pending_draw(call):
    draw = FundingDraw.objects.filter(call=call, annulled_at__isnull=True).first()
    if draw is None:
        raise WorkflowError(_("Fix the seed of the draw first."), code="no_seed")
    if draw.drawn_at is not None:
        raise WorkflowError(
            _(
                "The draw has been run and is never run again; annul it, with a reason, to draw anew."
            ),
            code="drawn",
        )
    return draw


@transaction.atomic
def draw_seed_fix(*, call, actor, seed=""):
    """Fix the seed in advance; an empty ``seed`` lets the portal draw one."""
    call = _open_call(call)
    if FundingDraw.objects.filter(call=call, annulled_at__isnull=True).exists():
        raise WorkflowError(
            _("The seed is already fixed; annul the draw, with a reason, to fix another."),
            code="fixed",
        )
    typed = seed.strip()
    draw = FundingDraw.objects.create(
        call=call, seed=typed or secrets.token_hex(8), seed_fixed_by=actor
    )
    record(
        actor=actor,
        action="funding.draw_seed_fixed",
        call=call,
        after={"seed": draw.seed, "typed": bool(typed)},
    )
    return draw


@transaction.atomic
def draw_witness_record(*, call, actor, witness=None, witness_name=""):
    """Record who witnesses the draw: a fund officer other than the one who fixed the seed and
    the one recording, or one person from outside, by name."""
    call = _open_call(call)
    draw = _pending_draw(call)
    name = witness_name.strip()
    if draw.witnessed_at is not None:
        raise WorkflowError(_("The witness is already recorded."), code="witnessed")
    if (witness is None) == (not name):
        raise WorkflowError(
            _("Choose a fund officer or name an external witness, one of the two."),
            code="witness",
        )
    if witness is not None and (
        witness.pk in (actor.pk, draw.seed_fixed_by_id) or not is_fund_officer(witness)
    ):
        raise WorkflowError(
            _("The witness must be another fund officer than the one who fixed the seed."),
            code="witness",
        )
    draw.witness, draw.witness_name, draw.witnessed_at = witness, name, timezone.now()
    draw.save(update_fields=["witness", "witness_name", "witnessed_at"])
    record(
        actor=actor,
        action="funding.draw_witnessed",
        call=call,
        after={"witness": str(witness) if witness else name, "external": witness is None},
    )
    return draw


@transaction.atomic
def draw_run(*, call, actor):
    """Find the group at the funding line and draw its order, once."""
    call = _open_call(call)
    draw = _pending_draw(call)
    if draw.witnessed_at is None:
        raise WorkflowError(_("Record the witness before the draw."), code="no_witness")
    fit = calibration.latest_fit(call)
    if fit is None:
        raise WorkflowError(
            _("The call has no finished calibrated ranking, so no rank intervals to draw from."),
            code="no_fit",
        )
    plain, intervals, line, group = decisions.line_and_group(call, fit)
    places = lottery.places_filled(group, plain.outcome)
    positions = {
        place.pk: (position, place.reference) for position, place in enumerate(plain.rows, 1)
    }
    by_reference = {positions[pk][1]: pk for pk in group}
    result = lottery.draw(list(by_reference), places, draw.seed)
    draw.fit, draw.line, draw.places = fit, line, places
    draw.group = [
        {
            "proposal": pk,
            "reference": positions[pk][1],
            "place": positions[pk][0],
            "low": intervals[pk].low,
            "high": intervals[pk].high,
        }
        for pk in group
    ]
    draw.order = [by_reference[reference] for reference in result.order]
    draw.drawn_by, draw.drawn_at = actor, timezone.now()
    draw.save()
    record(
        actor=actor,
        action="funding.draw_run",
        call=call,
        after={
            "seed": draw.seed,
            "line": line,
            "places": places,
            "order": result.order,
            # The places go to these, unless a province's pool cannot pay one when its turn
            # comes; then, as always, the next in order is funded.
            "drawn": result.drawn,
        },
    )
    return draw


@transaction.atomic
def draw_annul(*, call, actor, reason):
    """Annul the live draw, with a reason, so that a new one can be held."""
    call = _open_call(call)
    reason = reason.strip()
    if not reason:
        raise WorkflowError(_("Say why the draw is annulled."), code="reason")
    draw = FundingDraw.objects.filter(call=call, annulled_at__isnull=True).first()
    if draw is None:
        raise WorkflowError(_("There is no draw to annul."), code="nothing")
    draw.annulled_by, draw.annulled_at, draw.annul_reason = actor, timezone.now(), reason
    draw.save(update_fields=["annulled_by", "annulled_at", "annul_reason"])
    record(
        actor=actor,
        action="funding.draw_annulled",
        call=call,
        before={"seed": draw.seed, "drawn": draw.drawn_at is not None},
        note=reason,
    )
    return draw
