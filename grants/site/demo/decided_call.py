"""The demo's decided call: taken from opening to decision, with confirmed awards, letters,
and its funded projects (grants.site.demo.projects)."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from grants.calls import call_workflow
from grants.funding import decisions, outcomes
from grants.models import Call, Contribution, Discipline, User
from grants.proposals import proposal_workflow
from grants.site.demo.common import deadline, officer
from grants.site.demo.projects import seed_projects
from grants.site.demo.review_call import assign_and_review, panel_members, submit_past_proposal
from reviews import panels as review_panels
from reviews.ranking import computed_order

DECIDED_CALL = "2025-materials"
DECIDED_PROPOSALS = [
    (
        "E03",
        "长三角新能源材料的界面调控",
        "Interface control in new-energy materials",
        "上海交通大学",
        "南京大学",
        "battery materials, interfaces, 新能源",
    ),
    (
        "E01",
        "高温合金的多尺度损伤机理",
        "Multiscale damage in superalloys",
        "同济大学",
        "中国科学技术大学",
        "composite materials, superalloys, 损伤",
    ),
    (
        "E07",
        "跨省电网的韧性评估",
        "Resilience of cross-provincial power grids",
        "东南大学",
        "浙江大学",
        "power systems, resilience, 电网",
    ),
    (
        "E08",
        "智能建造的结构健康监测",
        "Structural health monitoring for smart construction",
        "浙江工业大学",
        "合肥工业大学",
        "structural engineering, sensing, 智能建造",
    ),
    (
        "E03",
        "钠离子电池正极的失效机制",
        "Failure of sodium-ion battery cathodes",
        "复旦大学",
        "安徽大学",
        "battery materials, sodium-ion, 储能",
    ),
]
DECIDED_CONTRIBUTIONS = {
    "310000": 2_600_000,
    "320000": 1_500_000,
    "330000": 1_200_000,
    "340000": 900_000,
}


def seed_decided_call():
    """A 2025 call taken from opening to decision, with confirmed awards and a paid first year."""

    if Call.objects.filter(code=DECIDED_CALL).exists():
        return Call.objects.get(code=DECIDED_CALL)
    office = officer()
    now = timezone.now()
    call = Call.objects.create(
        code=DECIDED_CALL,
        year=now.year - 1,
        title_zh="长三角联合基金 2025 年度项目指南：新材料与能源",
        title_en="2025 joint call: new materials and energy",
        summary_zh="资助新材料与能源领域的跨省协同基础研究。",
        summary_en="Cross-provincial basic research on new materials and energy.",
        opens_at=now - timedelta(days=400),
        closes_at=deadline(-300),
        review_deadline=deadline(-250),
        reviewers_per_proposal=3,
        reviewer_max_load=4,
        open_data=True,  # its funded projects on the public open-data page once decided
    )
    call.discipline_areas.set(Discipline.objects.filter(code="E"))
    for code, amount in DECIDED_CONTRIBUTIONS.items():
        Contribution.objects.create(call=call, province_id=code, amount=Decimal(amount))
    call = call_workflow.call_open(call=call, actor=office)
    # The demo's lead PI (Fudan) led the sodium-ion proposal, which is funded: their project
    # is the one the post-award pages show first.
    demo_lead = User.objects.get(email="lead@example.org")
    proposals = [
        submit_past_proposal(
            call,
            20 + number,
            row,
            now - timedelta(days=320),
            lead=demo_lead if row[3] == demo_lead.institution.name_zh else None,
        )
        for number, row in enumerate(DECIDED_PROPOSALS, 1)
    ]
    call = call_workflow.call_close(call=call, actor=office, now=now)
    for proposal in proposals:
        proposal_workflow.proposal_screen_eligible(proposal=proposal, actor=office)
    call = call_workflow.call_start_review(call=call, actor=office)
    assign_and_review(call, proposals, office, review_all=True, when=now - timedelta(days=260))
    chair = User.objects.get(email="chair@example.org")
    panel = review_panels.panel_create(
        call=call,
        area=Discipline.objects.get(code="E"),
        name="工程与材料会评组 E",
        chair=chair,
        members=panel_members(call),
        actor=office,
    )

    review_panels.panel_lock(panel=panel, actor=chair, order=computed_order(panel), reasons={})
    call = call_workflow.call_start_panel(call=call, actor=office)
    decisions.funding_commit(call=call, actor=office)
    for province_code in DECIDED_CONTRIBUTIONS:
        decisions.province_confirm(
            call=call,
            actor=User.objects.get(role_grants__province_id=province_code),
            province_code=province_code,
        )
    call = outcomes.call_decide(call=call, actor=office)
    seed_projects(call)
    return call
