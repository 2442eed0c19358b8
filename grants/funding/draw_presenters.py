"""What the pages show of a call's draw at the funding line."""

from grants.core.errors import WorkflowError
from grants.funding import decisions, draws, lottery
from grants.models.decisions import Decision, FundingDraw, Outcome


def draw_shown(draw, funded=None):
    """The draw with its group in drawn order, each member's draw key (so anyone can check the
    order from the seed) and, when ``funded`` is given, whether funding reaches it."""
    if draw is None:
        return None
    members = {member["proposal"]: member for member in draw.group}
    rows = [
        {
            **members[pk],
            "drawn_place": position,
            "key": lottery.draw_key(draw.seed, members[pk]["reference"]),
            "funded": None if funded is None else pk in funded,
            # Drawn into a place, yet a province's pool could not pay it when its turn came.
            "unpaid": funded is not None and pk not in funded and position <= draw.places,
        }
        for position, pk in enumerate(draw.order, 1)
    ]
    return {"draw": draw, "rows": rows, "places": draw.places}


def funded_members(call, draw):
    """Which of the group funding reaches: the committed decisions once there are any,
    otherwise the simulation as it stands; None when it cannot be said yet."""
    if draw is None or draw.drawn_at is None:
        return None
    members = draw.members()
    committed = Decision.objects.filter(round__call=call, proposal_id__in=members)
    if committed.exists():
        return set(committed.filter(outcome=Outcome.FUNDED).values_list("proposal_id", flat=True))
    try:
        outcome = decisions.simulate_call(call).outcome
    except WorkflowError:
        return None
    return {award.proposal for award in outcome.funded} & members


def for_funding_page(call, outcome=None):
    """The live draw for the funding page: with the page's simulation ``outcome``, or (funding
    committed) the decisions; None when the call does not draw."""
    if not call.draw_at_funding_line:
        return None
    draw = draws.live_draw(call)
    if outcome is not None and draw is not None:
        funded = {award.proposal for award in outcome.funded} & draw.members()
    else:
        funded = funded_members(call, draw)
    return draw_shown(draw, funded) or {"draw": None}


def annulled_draws(call):
    return FundingDraw.objects.filter(call=call, annulled_at__isnull=False).select_related(
        "seed_fixed_by", "witness", "drawn_by", "annulled_by"
    )
