"""The demo's call under review: screened, assigned by the solver, partly reviewed, with a
panel; and the steps the decided call repeats (past submissions, assignment and reviews, a
panel's members)."""

import random
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from grants.accounts.registration import user_register_verified
from grants.calls import call_workflow
from grants.models import Call, Contribution, Discipline, MemberStatus, Role, User
from grants.proposals import consortium_workflow, proposal_workflow
from grants.site.demo.common import deadline, fill_budget, fill_proposal, institution, officer
from grants.site.demo.people import SURNAMES, password_hash
from reviews import panels as review_panels
from reviews import workflow as review_workflow
from reviews.models import AssignmentRun
from reviews.tasks import solve_assignment

REVIEW_CALL = "2026-digital-delta"
REVIEW_PROPOSALS = [
    (
        "F0601",
        "多模态工业视觉检测的可解释学习",
        "Explainable learning for multimodal industrial inspection",
        "复旦大学",
        "浙江大学",
        "machine learning, computer vision, 工业检测",
    ),
    (
        "F06",
        "长三角城市群交通大模型",
        "A foundation model of traffic across the delta's city cluster",
        "同济大学",
        "东南大学",
        "machine learning, traffic, 交通",
    ),
    (
        "F04",
        "面向车规芯片的可靠性设计方法",
        "Reliability design for automotive-grade chips",
        "上海交通大学",
        "中国科学技术大学",
        "integrated circuits, reliability, 芯片",
    ),
    (
        "F02",
        "跨省政务数据的隐私计算",
        "Privacy-preserving computation on cross-provincial government data",
        "南京大学",
        "浙江工业大学",
        "privacy, cryptography, 数据安全",
    ),
    (
        "F03",
        "长江口水环境的智能感知网络",
        "Intelligent sensing networks for the Yangtze estuary",
        "华东师范大学",
        "合肥工业大学",
        "sensor networks, wireless communication, 水环境",
    ),
    (
        "F0601",
        "小样本缺陷识别与迁移学习",
        "Few-shot defect recognition and transfer learning",
        "浙江大学",
        "安徽大学",
        "machine learning, computer vision, 迁移学习",
    ),
]


def seed_review_call():
    """A call whose deadline has passed, screened, assigned and partly reviewed, with a panel."""

    if Call.objects.filter(code=REVIEW_CALL).exists():
        return Call.objects.get(code=REVIEW_CALL)
    office = officer()
    now = timezone.now()
    call = Call.objects.create(
        code=REVIEW_CALL,
        year=now.year,
        title_zh="长三角联合基金 2026 年度“数字长三角”专项",
        title_en="2026 Digital Delta call: information sciences",
        summary_zh="资助信息科学领域的跨省协同基础研究。",
        summary_en="Cross-provincial basic research in the information sciences.",
        opens_at=now - timedelta(days=90),
        closes_at=deadline(-20),
        review_deadline=deadline(25),
        reviewers_per_proposal=3,
        reviewer_max_load=4,
    )
    call.discipline_areas.set(Discipline.objects.filter(code="F"))
    for code, amount in {
        "310000": 8_000_000,
        "320000": 6_000_000,
        "330000": 6_000_000,
        "340000": 4_000_000,
    }.items():
        Contribution.objects.create(call=call, province_id=code, amount=Decimal(amount))
    call = call_workflow.call_open(call=call, actor=office)
    submitted_on = now - timedelta(days=25)
    proposals = [
        submit_past_proposal(call, number, row, submitted_on)
        for number, row in enumerate(REVIEW_PROPOSALS, 1)
    ]
    call = call_workflow.call_close(call=call, actor=office, now=now)
    for proposal in proposals:
        proposal_workflow.proposal_screen_eligible(proposal=proposal, actor=office)
    call = call_workflow.call_start_review(call=call, actor=office)
    assign_and_review(call, proposals, office)
    chair = User.objects.get(email="chair@example.org")
    members = panel_members(call)
    review_panels.panel_create(
        call=call,
        area=Discipline.objects.get(code="F"),
        name="信息科学会评组 F",
        chair=chair,
        members=members,
        actor=office,
    )
    return call


def submit_past_proposal(call, number, row, when, lead=None):
    """A proposal submitted at ``when`` by a new lead at the row's institution (or ``lead``)
    with a new partner."""
    code, title_zh, title_en, lead_at, partner_at, keywords = row
    lead = lead or user_register_verified(
        email=f"f{number:02d}.lead@example.org",
        password_hash=password_hash(),
        name=f"{SURNAMES[number]}教授",
        institution=institution(lead_at),
        title=User.Title.PROFESSOR,
    )
    partner = user_register_verified(
        email=f"f{number:02d}.partner@example.org",
        password_hash=password_hash(),
        name=f"{SURNAMES[number + 10]}研究员",
        institution=institution(partner_at),
        title=User.Title.RESEARCHER,
    )
    proposal = proposal_workflow.proposal_create(call=call, lead=lead, now=when)
    fill_proposal(proposal, lead, title_zh, title_en, code, now=when, keywords=keywords)
    proposal.refresh_from_db()
    member = consortium_workflow.member_add(
        proposal=proposal,
        actor=lead,
        institution=partner.institution,
        expected_version=proposal.version,
        now=when,
    )
    token = consortium_workflow.invitation_send(
        member=member, actor=lead, email=partner.email, now=when
    )
    consortium_workflow.invitation_answer(token=token, user=partner, accept=True, now=when)
    for each in proposal.members.filter(status=MemberStatus.ACCEPTED):
        fill_budget(each, lead if each.is_lead else partner, now=when)
    return proposal_workflow.proposal_submit(proposal=proposal, actor=lead, now=when)


def assign_and_review(call, proposals, office, review_all=False, when=None):
    """Run the solver as the fund office would, publish, and let most reviewers answer."""

    run = AssignmentRun.objects.create(call=call, created_by=office)
    solve_assignment.call(run.pk)
    run.refresh_from_db()
    assignments = review_workflow.run_publish(run=run, actor=office)
    reviewer = User.objects.get(email="reviewer@example.org")
    if not review_all and not any(item.reviewer_id == reviewer.pk for item in assignments):
        review_workflow.assignment_add(proposal=proposals[0], reviewer=reviewer, actor=office)
    rng = random.Random(7)
    for item in assignments:
        if item.reviewer_id == reviewer.pk and not review_all:
            continue  # reviewer@example.org has invitations waiting
        review_workflow.assignment_accept(
            assignment=item, reviewer=item.reviewer, no_conflict=True, now=when
        )
        review_workflow.review_save(
            assignment=item, reviewer=item.reviewer, data=demo_review(rng), submit=True, now=when
        )


def demo_review(rng):
    scores = {
        key: str(rng.choice([3, 3.5, 4, 4, 4.5, 5]))
        for key in ("excellence", "impact", "implementation", "collaboration")
    }
    mean = sum(Decimal(v) for v in scores.values()) / 4
    rating, advice = ("excellent", "priority") if mean >= Decimal("4.5") else ("good", "fundable")
    return {
        "scores": scores,
        "justifications": {key: "论证充分。" for key in scores},
        "comments_for_applicants": "研究目标明确，跨省分工合理；建议进一步细化技术路线。",
        "confidential_comments": "",
        "rating": rating,
        "advice": advice,
    }


def panel_members(call):
    """Five experts from five provinces outside the consortia, none a chair."""
    chosen, provinces = [], set()
    for user in (
        User.objects.filter(role_grants__role=Role.REVIEWER)
        .select_related("institution")
        .order_by("email")
    ):
        province = user.institution.province_id if user.institution_id else None
        if province and province not in provinces and user.email != "chair@example.org":
            chosen.append(user)
            provinces.add(province)
        if len(chosen) == 5:
            break
    return chosen
