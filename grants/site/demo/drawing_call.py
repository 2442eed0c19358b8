"""A call at its panel stage that draws at the funding line, its calibrated ranking fitted:
the office opens the ranking with its intervals and holds the draw itself."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from grants.calls import call_workflow
from grants.models import Call, Contribution, Discipline, User
from grants.proposals import proposal_workflow
from grants.site.demo.common import deadline, officer
from grants.site.demo.decided_call import DECIDED_PROPOSALS
from grants.site.demo.review_call import assign_and_review, panel_members, submit_past_proposal
from reviews import calibration
from reviews import panels as review_panels
from reviews.ranking import computed_order

DRAWING_CALL = "YRD-2026-E-DRAW"
# Each of the call's five proposals asks ¥1,320,000 of its lead's province and ¥880,000 of its
# partner's (Shanghai leads three, Jiangsu and Zhejiang one each); these pools fit any two of
# them that the draw may put first, never a third (tests/grants/site/test_demo.py checks it).
DRAW_POOLS = {
    "310000": Decimal(2_640_000),
    "320000": Decimal(1_320_000),
    "330000": Decimal(2_200_000),
    "340000": Decimal(880_000),
}


def seed_drawing_call():
    """Proposals reviewed, the panel locked, the ranking fitted, the pools paying the top two."""
    if Call.objects.filter(code=DRAWING_CALL).exists():
        return Call.objects.get(code=DRAWING_CALL)
    office = officer()
    now = timezone.now()
    call = Call.objects.create(
        code=DRAWING_CALL,
        year=now.year,
        title_zh="长三角联合基金 2026 年度“材料与能源”专项（资助线抽签）",
        title_en="2026 materials and energy call, drawing at the funding line",
        summary_zh="资助线附近评审无法区分的申请以抽签排序。",
        summary_en="Proposals the reviews cannot tell apart at the funding line are ordered by a draw.",
        opens_at=now - timedelta(days=120),
        closes_at=deadline(-60),
        review_deadline=deadline(-10),
        reviewers_per_proposal=3,
        reviewer_max_load=4,
        draw_at_funding_line=True,
    )
    call.discipline_areas.set(Discipline.objects.filter(code="E"))
    for code in ("310000", "320000", "330000", "340000"):
        Contribution.objects.create(call=call, province_id=code, amount=Decimal(1))
    call = call_workflow.call_open(call=call, actor=office)
    proposals = [
        submit_past_proposal(call, 30 + number, row, now - timedelta(days=70))
        for number, row in enumerate(DECIDED_PROPOSALS, 1)
    ]
    call = call_workflow.call_close(call=call, actor=office, now=now)
    for proposal in proposals:
        proposal_workflow.proposal_screen_eligible(proposal=proposal, actor=office)
    call = call_workflow.call_start_review(call=call, actor=office)
    assign_and_review(call, proposals, office, review_all=True, when=now - timedelta(days=30))
    panel = review_panels.panel_create(
        call=call,
        area=Discipline.objects.get(code="E"),
        name="工程与材料会评组 E（抽签）",
        chair=User.objects.get(email="chair@example.org"),
        members=panel_members(call),
        actor=office,
    )
    review_panels.panel_lock(
        panel=panel, actor=panel.chair, order=computed_order(panel), reasons={}
    )
    _pools_for_two_places(call)
    call = call_workflow.call_start_panel(call=call, actor=office)
    fit = calibration.fit_start(call=call, actor=office)
    # Run here rather than by the worker, so the demo opens with its intervals; the queued
    # task, if a worker picks it up later, stores the same estimates once more.
    calibration.fit_run(fit.pk)
    return call


def _pools_for_two_places(call):
    """Pools that pay two of the call's proposals and never three, whichever order the draw
    puts them in, while the plain ranking funds its top two: the line falls after place 2
    and the draw, not the pools, decides which two (pools fitted to the top two alone would
    leave nobody else payable, and the draw nothing to decide)."""
    for contribution in call.contributions.all():
        contribution.amount = DRAW_POOLS[contribution.province_id]
        contribution.save(update_fields=["amount"])
