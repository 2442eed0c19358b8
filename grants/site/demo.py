"""The demo fund: believable people and data, created through the portal's own write paths."""

import random
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from grants.accounts.registration import role_grant, user_register_verified, user_totp_set
from grants.calls import call_workflow
from grants.models import (
    BudgetCategory,
    Call,
    Contribution,
    Discipline,
    Institution,
    MemberStatus,
    OtherFunding,
    Proposal,
    Province,
    Role,
    User,
)
from grants.proposals import consortium_workflow, proposal_workflow
from reviews.models import ReviewerProfile

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = [
    "伟",
    "芳",
    "敏",
    "静",
    "磊",
    "洋",
    "勇",
    "艳",
    "杰",
    "娟",
    "涛",
    "明",
    "超",
    "秀英",
    "霞",
    "平",
    "刚",
    "桂英",
    "建华",
    "晓东",
    "海燕",
    "志强",
    "文博",
    "雨桐",
    "子涵",
    "思远",
    "嘉怡",
]
KEYWORDS = {
    "A": ["partial differential equations", "topology", "quantum field theory", "fluid dynamics"],
    "B": ["catalysis", "organic synthesis", "electrochemistry", "polymer materials"],
    "C": ["genomics", "immunology", "neural circuits", "crop genetics"],
    "D": ["climate modelling", "hydrology", "remote sensing", "seismology"],
    "E": ["composite materials", "power systems", "structural engineering", "battery materials"],
    "F": ["machine learning", "computer vision", "integrated circuits", "wireless communication"],
    "G": ["supply chain", "public policy", "innovation management", "regional economics"],
    "H": ["oncology", "cardiology", "epidemiology", "medical imaging"],
    "T": ["data science", "complex systems", "synthetic biology", "carbon neutrality"],
}

OFFICERS = [
    ("officer@example.org", "陈基金", "复旦大学", Role.FUND_OFFICER, None),
    ("shanghai@example.org", "沈沪", "上海交通大学", Role.PROVINCIAL_OFFICER, "310000"),
    ("jiangsu@example.org", "江苏明", "南京大学", Role.PROVINCIAL_OFFICER, "320000"),
    ("zhejiang@example.org", "赵浙", "浙江大学", Role.PROVINCIAL_OFFICER, "330000"),
    ("anhui@example.org", "安徽华", "中国科学技术大学", Role.PROVINCIAL_OFFICER, "340000"),
]
APPLICANTS = [
    (
        "lead@example.org",
        "李领衔",
        "复旦大学",
        ["F06", "F0601"],
        "machine learning, computer vision",
    ),
    ("partner@example.org", "潘合作", "浙江大学", ["F06"], "machine learning, robotics"),
    ("applicant2@example.org", "王申请", "南京大学", ["E03"], "composite materials, batteries"),
]


def password_hash():
    """The demo password, hashed once: hashing it again for each of ~70 people costs seconds."""
    global _password_hash
    if _password_hash is None:
        _password_hash = make_password(settings.DEMO_PASSWORD)
    return _password_hash


_password_hash = None


def institution(name_zh):
    return Institution.objects.get(name_zh=name_zh)


@transaction.atomic
def seed(stdout=None):
    write = stdout.write if stdout else (lambda line: None)
    seed_people()
    write("Demo people ready.")
    call = seed_open_call()
    seed_proposals(call)
    write(f"Open call {call.code} with drafts and submitted proposals ready.")
    call = seed_review_call()
    write(f"Call {call.code} in review with assignments, reviews and a panel ready.")
    call = seed_decided_call()
    write(f"Call {call.code} decided, with confirmed awards, letters and a paid first year.")
    return demo_logins()


def seed_people():
    for email, name, where, role, province_code in OFFICERS:
        user = user_register_verified(
            email=email,
            password_hash=password_hash(),
            name=name,
            institution=institution(where),
            title=User.Title.RESEARCHER,
        )
        province = Province.objects.get(code=province_code) if province_code else None
        role_grant(user=user, role=role, province=province)
    for email, name, where, codes, keywords in APPLICANTS:
        user_register_verified(
            email=email,
            password_hash=password_hash(),
            name=name,
            institution=institution(where),
            title=User.Title.PROFESSOR,
            keywords=keywords,
            disciplines=Discipline.objects.filter(code__in=codes),
        )
    chair = user_register_verified(
        email="chair@example.org",
        password_hash=password_hash(),
        name="周主席",
        institution=institution("清华大学"),
        title=User.Title.PROFESSOR,
        keywords="machine learning, information theory",
        disciplines=Discipline.objects.filter(code__in=["F06", "F01"]),
    )
    role_grant(user=chair, role=Role.PANEL_CHAIR)
    role_grant(user=chair, role=Role.REVIEWER)
    ReviewerProfile.objects.get_or_create(user=chair)
    seed_reviewers()
    admin = user_register_verified(
        email="admin@example.org",
        password_hash=password_hash(),
        name="系统管理员",
        institution=institution("复旦大学"),
        title=User.Title.OTHER,
    )
    if not admin.is_superuser:
        admin.is_staff = admin.is_superuser = True
        admin.save(update_fields=["is_staff", "is_superuser"])
    seed_authenticators()


def seed_authenticators():
    """Staff roles and the admin must sign in with a second factor: every such demo account
    gets an authenticator app on the published DEMO_TOTP_SECRET, so testers and scripts can
    compute the codes."""
    from django.db.models import Q

    from grants.accounts.permissions import MFA_ROLES

    must_have_one = Q(role_grants__role__in=MFA_ROLES) | Q(is_staff=True) | Q(is_superuser=True)
    for user in User.objects.filter(must_have_one).distinct():
        user_totp_set(user=user, secret=settings.DEMO_TOTP_SECRET)


def seed_reviewers(count=40):
    """~40 experts inside and outside the delta; reviewer@example.org is at Wuhan University."""
    rng = random.Random(2026)
    institutions = list(Institution.objects.order_by("name_zh"))
    second_level = list(Discipline.objects.filter(code__regex=r"^[A-Z]\d\d$").order_by("code"))
    people = [
        (
            "reviewer@example.org",
            "武评审",
            institution("武汉大学"),
            ["F06", "F0601", "F02"],
            "machine learning, computer vision, graph neural networks",
        )
    ]
    for number in range(1, count):
        code = rng.choice(second_level)
        keywords = ", ".join(rng.sample(KEYWORDS[code.code[0]], 2))
        name = rng.choice(SURNAMES) + rng.choice(GIVEN)
        people.append(
            (
                f"expert{number:02d}@example.org",
                name,
                rng.choice(institutions),
                [code.code],
                keywords,
            )
        )
    for email, name, where, codes, keywords in people:
        user = user_register_verified(
            email=email,
            password_hash=password_hash(),
            name=name,
            institution=where,
            title=User.Title.PROFESSOR,
            keywords=keywords,
            disciplines=Discipline.objects.filter(code__in=codes),
        )
        role_grant(user=user, role=Role.REVIEWER)
        ReviewerProfile.objects.get_or_create(user=user)


def demo_logins():
    rows = [
        (email, "fund officer" if role == Role.FUND_OFFICER else f"provincial officer ({code})")
        for email, _, _, role, code in OFFICERS
    ]
    rows += [
        ("lead@example.org", "lead PI, Fudan University"),
        ("partner@example.org", "partner PI, Zhejiang University"),
        ("applicant2@example.org", "applicant, Nanjing University"),
        ("reviewer@example.org", "reviewer, Wuhan University"),
        ("chair@example.org", "panel chair"),
        ("admin@example.org", "superuser (Django admin at /admin/)"),
    ]
    return rows


# ---- calls and proposals ------------------------------------------------------------------

OPEN_CALL = "2026-info-eng"
CONTRIBUTIONS = {
    "310000": 30_000_000,
    "320000": 25_000_000,
    "330000": 25_000_000,
    "340000": 20_000_000,
}


def officer():
    return User.objects.get(email="officer@example.org")


def deadline(days_from_now):
    """16:00 Beijing time, as NSFC closes, ``days_from_now`` days ahead."""
    day = timezone.localdate() + timedelta(days=days_from_now)
    return timezone.make_aware(datetime(day.year, day.month, day.day, 16, 0))


def seed_open_call():
    call, created = Call.objects.get_or_create(
        code=OPEN_CALL,
        defaults={
            "year": timezone.localdate().year,
            "title_zh": "长三角联合基金 2026 年度项目指南：信息与工程",
            "title_en": "2026 joint call: information sciences and engineering",
            "summary_zh": "面向长三角产业需求，资助信息科学与工程材料领域的跨省协同基础研究。",
            "summary_en": "Cross-provincial basic research in information sciences and engineering "
            "materials, oriented to the delta's industries.",
            "opens_at": timezone.now() - timedelta(days=30),
            "closes_at": deadline(45),
            "review_deadline": deadline(90),
        },
    )
    if created:
        call.discipline_areas.set(Discipline.objects.filter(code__in=["F", "E"]))
        for code, amount in CONTRIBUTIONS.items():
            Contribution.objects.create(call=call, province_id=code, amount=Decimal(amount))
        call = call_workflow.call_open(call=call, actor=officer())
    return call


DEMO_PROPOSALS = [
    # lead e-mail, partner e-mail (or None), title_zh, title_en, primary code, submit?
    (
        "lead@example.org",
        "partner@example.org",
        "面向长三角智能制造的可信视觉大模型",
        "Trustworthy visual foundation models for smart manufacturing in the delta",
        "F0601",
        False,
    ),
    (
        "applicant2@example.org",
        "ustc.pi@example.org",
        "高安全固态电池复合电极材料",
        "Composite electrodes for safe solid-state batteries",
        "E03",
        True,
    ),
    (
        "sjtu.pi@example.org",
        "seu.pi@example.org",
        "长三角跨域电网协同调度理论",
        "Theory of coordinated dispatch across the delta's power grids",
        "E07",
        True,
    ),
    (
        "zju.pi@example.org",
        "ahu.pi@example.org",
        "面向集成电路制造的缺陷检测算法",
        "Defect detection algorithms for integrated-circuit manufacturing",
        "F04",
        True,
    ),
]
EXTRA_APPLICANTS = [
    ("ustc.pi@example.org", "吴科大", "中国科学技术大学", "E03"),
    ("sjtu.pi@example.org", "孙交大", "上海交通大学", "E07"),
    ("seu.pi@example.org", "钱东南", "东南大学", "E07"),
    ("zju.pi@example.org", "赵浙大", "浙江大学", "F04"),
    ("ahu.pi@example.org", "何安大", "安徽大学", "F04"),
]


def seed_proposals(call):
    for email, name, where, code in EXTRA_APPLICANTS:
        user_register_verified(
            email=email,
            password_hash=password_hash(),
            name=name,
            institution=institution(where),
            title=User.Title.PROFESSOR,
            disciplines=Discipline.objects.filter(code=code),
        )
    for lead_email, partner_email, title_zh, title_en, code, submit in DEMO_PROPOSALS:
        lead = User.objects.get(email=lead_email)
        if Proposal.objects.filter(call=call, lead=lead).exists():
            continue
        proposal = proposal_workflow.proposal_create(call=call, lead=lead)
        fill_proposal(proposal, lead, title_zh, title_en, code)
        partner = User.objects.get(email=partner_email)
        member = consortium_workflow.member_add(
            proposal=proposal,
            actor=lead,
            institution=partner.institution,
            expected_version=proposal.version,
        )
        token = consortium_workflow.invitation_send(member=member, actor=lead, email=partner.email)
        consortium_workflow.invitation_answer(token=token, user=partner, accept=True)
        for each in proposal.members.filter(status=MemberStatus.ACCEPTED):
            fill_budget(each, lead if each.is_lead else partner)
        if submit:
            proposal_workflow.proposal_submit(proposal=proposal, actor=lead)


def fill_proposal(
    proposal, lead, title_zh, title_en, code, now=None, keywords="长三角, 协同创新, 基础研究"
):
    text = "本项目聚焦长三角区域协同创新中的关键科学问题，" * 6
    cleaned = {
        "version": proposal.version,
        "title_zh": title_zh,
        "title_en": title_en,
        "primary_code": Discipline.objects.get(code=code),
        "secondary_code": None,
        "keywords": keywords,
        "abstract_zh": text[:300],
        "abstract_en": "The project addresses key scientific questions of collaborative innovation "
        "across the Yangtze River Delta.",
        "duration_months": 48,
        "industry_problem": "服务长三角先进制造业的共性技术瓶颈。",
        "partner_enterprise": "",
        "section_rationale": text * 5,
        "section_basis": text * 3,
        "section_other": "无。",
        "other_funding": OtherFunding.NONE,
        "other_funding_details": "",
    }
    proposal_workflow.proposal_draft_save(
        proposal=proposal, actor=lead, cleaned=cleaned, experts=[], now=now
    )


def fill_budget(member, pi, now=None):
    base = Decimal("150000") if member.is_lead else Decimal("100000")
    cells = {}
    for year in range(1, 5):
        cells[(BudgetCategory.EQUIPMENT, year)] = base if year == 1 else Decimal("0")
        cells[(BudgetCategory.OPERATIONS, year)] = base
        cells[(BudgetCategory.PERSONNEL, year)] = base / 2
    team = [{"name": pi.name, "role": "PI", "person_months": Decimal("24")}]
    consortium_workflow.member_budget_save(
        member=member,
        actor=pi,
        cells=cells,
        team=team,
        expected_digest=consortium_workflow.lines_digest(member),
        now=now,
    )


# ---- a call under review --------------------------------------------------------------------

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
    from reviews import panels as review_panels

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


def submit_past_proposal(call, number, row, when):
    code, title_zh, title_en, lead_at, partner_at, keywords = row
    lead = user_register_verified(
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
    from reviews import workflow as review_workflow
    from reviews.models import AssignmentRun
    from reviews.tasks import solve_assignment

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


# ---- a decided call -------------------------------------------------------------------------

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
    from grants.funding import decisions
    from reviews import panels as review_panels

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
    )
    call.discipline_areas.set(Discipline.objects.filter(code="E"))
    for code, amount in DECIDED_CONTRIBUTIONS.items():
        Contribution.objects.create(call=call, province_id=code, amount=Decimal(amount))
    call = call_workflow.call_open(call=call, actor=office)
    proposals = [
        submit_past_proposal(call, 20 + number, row, now - timedelta(days=320))
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
    from reviews.ranking import computed_order

    review_panels.panel_lock(panel=panel, actor=chair, order=computed_order(panel), reasons={})
    call = call_workflow.call_start_panel(call=call, actor=office)
    decisions.funding_commit(call=call, actor=office)
    for province_code in DECIDED_CONTRIBUTIONS:
        decisions.province_confirm(
            call=call,
            actor=User.objects.get(role_grants__province_id=province_code),
            province_code=province_code,
        )
    call = call_workflow.call_decide(call=call, actor=office)
    decisions.payments_record(call=call, actor=office, year=1)
    return call
