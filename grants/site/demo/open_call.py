"""The demo's open call, with drafts and submitted proposals from the demo applicants."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from grants.accounts.registration import user_register_verified
from grants.calls import call_workflow
from grants.models import Call, Contribution, Discipline, MemberStatus, Proposal, User
from grants.proposals import consortium_workflow, proposal_workflow
from grants.site.demo.common import deadline, fill_budget, fill_proposal, institution, officer
from grants.site.demo.people import password_hash

OPEN_CALL = "2026-info-eng"
CONTRIBUTIONS = {
    "310000": 30_000_000,
    "320000": 25_000_000,
    "330000": 25_000_000,
    "340000": 20_000_000,
}


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
    (
        "ecust.pi@example.org",
        "zjut.pi@example.org",
        "绿氢催化剂界面的原位电子显微学研究",
        "In-situ electron microscopy of catalyst interfaces for green hydrogen",
        "E02",
        True,
    ),
]
# The lead's first-year equipment line above the call's instrument threshold: (amount, the
# instrument it names, why the shared one cannot serve). Both name instruments the shared
# catalogue lists: the submitted proposal says why and is flagged by the overlap check; the
# draft has yet to say why, so its budget page asks.
LEAD_EQUIPMENT = {
    "ecust.pi@example.org": (
        Decimal("900000"),
        "球差校正透射电子显微镜（配液相与气相原位样品杆）",
        "原位电化学实验需连续占用电镜数周并引入电解液，共享平台的电镜不允许液相样品杆且机时按天分配。",
    ),
    "lead@example.org": (Decimal("600000"), "高性能计算集群 GPU 计算节点（8 卡）", ""),
}
EXTRA_APPLICANTS = [
    ("ustc.pi@example.org", "吴科大", "中国科学技术大学", "E03"),
    ("sjtu.pi@example.org", "孙交大", "上海交通大学", "E07"),
    ("seu.pi@example.org", "钱东南", "东南大学", "E07"),
    ("zju.pi@example.org", "赵浙大", "浙江大学", "F04"),
    ("ahu.pi@example.org", "何安大", "安徽大学", "F04"),
    ("ecust.pi@example.org", "冯华理", "华东理工大学", "E02"),
    ("zjut.pi@example.org", "邵浙工", "浙江工业大学", "E02"),
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
            equipment = LEAD_EQUIPMENT.get(lead_email) if each.is_lead else None
            fill_budget(each, lead if each.is_lead else partner, equipment=equipment)
        if submit:
            proposal_workflow.proposal_submit(proposal=proposal, actor=lead)
