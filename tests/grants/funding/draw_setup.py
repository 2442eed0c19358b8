"""A call at its panel stage that draws at the funding line, with a finished calibrated ranking.

Each proposal asks ¥390,000 of Shanghai and of Zhejiang (tests.factories); Zhejiang's ¥800,000
pays two, so the line falls after place 2. The fit's intervals put places 2 and 3 in the
group: they fill one place between them.
"""

from grants.funding import lottery
from grants.models import Role
from reviews.models import RankEstimate, RankingFit
from tests.factories import make_user
from tests.reviews.factories import make_panel_call

POOLS = {"310000": 2_000_000, "320000": 1_000_000, "330000": 800_000, "340000": 1_000_000}
# 90 % rank intervals of places 1, 2 and 3.
INTERVALS = [(1, 1), (1, 3), (2, 3)]


def make_draw_call():
    call, proposals, officer = make_panel_call(contributions=POOLS, draw_at_funding_line=True)
    add_fit(call, proposals, officer, INTERVALS)
    return call, proposals, officer


def add_fit(call, proposals, officer, intervals, status=RankingFit.Status.DONE):
    fit = RankingFit.objects.create(call=call, created_by=officer, status=status)
    for rank, (proposal, (low, high)) in enumerate(zip(proposals, intervals, strict=True), 1):
        RankEstimate.objects.create(
            fit=fit,
            proposal=proposal,
            quality=4.0,
            expected_rank=rank,
            rank_50_low=low,
            rank_50_high=high,
            rank_90_low=low,
            rank_90_high=high,
        )
    return fit


def witness_officer():
    return make_user(roles=[Role.FUND_OFFICER], institution="上海交通大学")


def seed_putting_first(proposal, group):
    """A seed whose draw puts ``proposal`` first among ``group``."""
    references = [member.reference for member in group]
    return next(
        seed
        for seed in (f"seed-{n}" for n in range(100))
        if lottery.draw(references, 1, seed).order[0] == proposal.reference
    )
