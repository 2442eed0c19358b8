"""The proposals of the scale seed: consortia, invitations, budgets, teams, the submitted
ones' references and snapshots, and the fund office's screening."""

import hashlib
from collections import defaultdict
from datetime import timedelta
from decimal import Decimal

from allauth.account.models import EmailAddress

from grants.models import (
    AuditEntry,
    AvoidedExpert,
    BudgetCategory,
    BudgetLine,
    CallStatus,
    ConsortiumMember,
    Invitation,
    MemberStatus,
    OtherFunding,
    Proposal,
    ProposalStatus,
    Screening,
    TeamMember,
    User,
)
from grants.proposals.snapshots import frozen_fields
from grants.site.demo.people import GIVEN, KEYWORDS, SURNAMES
from grants.site.scale_seed.common import PREFIX, beijing, money

TOPICS = [
    ("长三角智能制造", "smart manufacturing in the delta"),
    ("新能源材料", "new-energy materials"),
    ("跨省电网", "cross-provincial power grids"),
    ("长江口生态", "the Yangtze estuary ecosystem"),
    ("城市群交通", "traffic in the city cluster"),
    ("集成电路", "integrated circuits"),
    ("重大慢病", "major chronic diseases"),
    ("数字政务", "digital government"),
    ("海洋装备", "marine equipment"),
    ("碳中和路径", "carbon-neutral pathways"),
    ("生物医药", "biomedicine"),
    ("量子信息", "quantum information"),
]
METHODS = [
    ("多尺度建模与仿真", "Multiscale modelling and simulation of"),
    ("可解释机器学习方法", "Explainable machine learning for"),
    ("关键科学问题", "Key scientific questions of"),
    ("协同优化理论", "Coordinated optimisation theory for"),
    ("风险评估与调控", "Risk assessment and control in"),
    ("数据驱动的机理研究", "Data-driven mechanisms of"),
]
SENTENCES = [
    "本项目聚焦长三角区域协同创新中的关键科学问题。",
    "现有研究多局限于单一省份的数据与场景，难以刻画跨区域的耦合机制。",
    "我们拟建立统一的理论框架，并在三省一市的典型场景中开展验证。",
    "团队前期在相关方向发表了系列论文，积累了可靠的实验平台。",
    "研究将揭示多尺度过程之间的相互作用规律。",
    "成果可为区域产业升级提供共性技术支撑。",
    "项目设置了明确的考核指标与阶段性目标。",
    "各合作单位分工明确，优势互补，数据与设施共享。",
    "拟采用理论分析、数值模拟与实验验证相结合的技术路线。",
    "预期形成一批具有国际影响力的原创成果。",
]
CHINESE_KEYWORDS = ["长三角", "协同创新", "基础研究", "多尺度", "数据驱动", "产业应用"]
ROLES_IN_TEAM = [("博士研究生", "12.0"), ("博士后", "18.0"), ("工程师", "10.0")]


class ProposalsStage:
    """Every call's proposals, kept in ``proposals`` (call pk -> [(proposal, facts)]) with
    the facts the reviews, panels and funding build on."""

    def seed_proposals(self):
        self.proposals = defaultdict(list)  # call pk -> [(proposal, facts)]
        number = 0
        for call in (self.decided_call, self.main_call, self.open_call):
            partners = {}  # institution pk -> (user, participations) for this call
            for _ in range(call.size):
                number += 1
                self.proposal(call, number, partners)
        models_in_order = (
            User,
            EmailAddress,
            User.disciplines.through,
            Proposal,
            ConsortiumMember,
            Invitation,
            TeamMember,
            BudgetLine,
            AvoidedExpert,
            AuditEntry,
        )
        self.flush(*models_in_order)

    def proposal(self, call, number, partners):
        rng = self.rng
        areas = self.call_areas(call)
        weights = [
            w if d in areas else 0 for d, w in zip(self.departments, self.dept_weights, strict=True)
        ]
        dept = rng.choices(self.departments, weights)[0]
        code = rng.choice(self.codes[dept])
        secondary = rng.choice(self.codes[self.pick_department()]) if rng.random() < 0.3 else None
        if secondary == code:
            secondary = None
        created = call.opens_at + timedelta(minutes=rng.randint(60, 40 * 24 * 60))
        if call.status == CallStatus.OPEN:
            created = min(created, self.now - timedelta(hours=2))
            draft = rng.random() < 0.6
        else:
            draft = False
        submitted = (
            None
            if draft
            else min(
                created + timedelta(days=rng.randint(1, 20)), call.closes_at - timedelta(minutes=5)
            )
        )
        topic, method = rng.choice(TOPICS), rng.choice(METHODS)
        words = rng.sample(KEYWORDS.get(dept, KEYWORDS["T"]), 2) + rng.sample(
            CHINESE_KEYWORDS, rng.randint(1, 2)
        )
        lead_place = rng.choice(self.delta[rng.choice(self.funding_codes)])
        lead = self.person(
            f"{PREFIX}lead{number:05d}@example.org",
            lead_place,
            codes=[code],
            keywords=", ".join(words[:2]),
            at=created - timedelta(days=rng.randint(1, 300)),
        )
        months = rng.choice([24, 36, 36, 48])
        sections = {
            "rationale": self.text(12, 20),
            "basis": self.text(5, 9),
            "other": "无。",
        }
        proposal = self.new(
            Proposal,
            call_id=call.pk,
            lead_id=lead.pk,
            status=ProposalStatus.DRAFT if draft else ProposalStatus.SUBMITTED,
            title_zh=f"面向{topic[0]}的{method[0]}",
            title_en=f"{method[1]} {topic[1]}",
            primary_code_id=code,
            secondary_code_id=secondary,
            keywords=", ".join(words),
            abstract_zh=self.text(4, 7)[:390],
            abstract_en=f"{method[1]} {topic[1]}: a cross-provincial project of the Yangtze River Delta.",
            duration_months=months,
            industry_problem="服务长三角先进制造业与民生需求的共性问题。",
            section_rationale=sections["rationale"],
            section_basis=sections["basis"],
            section_other=sections["other"],
            other_funding=OtherFunding.NONE,
            version=rng.randint(4, 12),
            submitted_at=submitted,
            created_at=created,
            updated_at=submitted or created + timedelta(days=rng.randint(0, 10)),
        )
        members = self.consortium(proposal, lead, lead_place, months, partners, created, draft)
        experts = []
        if rng.random() < 0.1:
            for _ in range(rng.randint(1, 2)):
                expert = self.new(
                    AvoidedExpert,
                    proposal_id=proposal.pk,
                    name=rng.choice(SURNAMES) + rng.choice(GIVEN),
                    institution=rng.choice(self.institutions).name_zh,
                    reason="学术观点存在分歧。",
                )
                experts.append(expert)
        self.audit("proposal.created", created, lead, proposal=proposal)
        facts = {
            "members": members,
            "code": code,
            "keywords": proposal.keyword_list,
            "quality": rng.gauss(3.7, 0.55),
        }
        if not draft:
            proposal.reference = self.reference(call, code)
            proposal.snapshot = self.snapshot(proposal, call, lead, members, experts, sections)
            for name, value in frozen_fields(proposal.snapshot).items():
                setattr(proposal, name, value)
            self.audit(
                "proposal.submitted",
                submitted,
                lead,
                proposal=proposal,
                before={"status": "draft"},
                after={"status": "submitted", "reference": proposal.reference},
            )
            self.screen(proposal, call, lead)
        self.proposals[call.pk].append((proposal, facts))

    def call_areas(self, call):
        return {"E", "F"} if call is self.open_call else set(self.departments)

    def text(self, low, high):
        sentences = [self.rng.choice(SENTENCES) for _ in range(self.rng.randint(low, high))]
        return "\n\n".join("".join(sentences[i : i + 4]) for i in range(0, len(sentences), 4))

    def consortium(self, proposal, lead, lead_place, months, partners, created, draft):
        """The lead and 1-3 partners: the first from another funding province, later ones
        mostly from the delta, some from elsewhere (taking part unfunded)."""
        rng = self.rng
        size = rng.choices([2, 3, 4], [45, 35, 20])[0]
        places = [lead_place]
        other = rng.choice([c for c in self.funding_codes if c != lead_place.province_id])
        places.append(rng.choice(self.delta[other]))
        while len(places) < size:
            pool = (
                self.outside
                if rng.random() < 0.15
                else [i for ps in self.delta.values() for i in ps]
            )
            place = rng.choice(pool)
            if place not in places:
                places.append(place)
        target = rng.randint(60, 280) * 10_000
        funded = [p for p in places if p.province.is_funding]
        weights = [2 if p is lead_place else 1 for p in funded]
        members = []
        for index, place in enumerate(places):
            at = created + timedelta(minutes=index)
            if index == 0:
                pi, status = lead, MemberStatus.ACCEPTED
            elif draft and rng.random() < 0.3:
                pi, status = None, MemberStatus.PENDING
            else:
                pi, status = self.partner(place, partners, at), MemberStatus.ACCEPTED
            member = self.new(
                ConsortiumMember,
                proposal_id=proposal.pk,
                institution_id=place.pk,
                is_lead=index == 0,
                pi_id=pi.pk if pi else None,
                status=status,
                created_at=at,
            )
            if index:
                self.invitation(member, lead, pi, at, partners)
            share = target * weights[funded.index(place)] // sum(weights) if place in funded else 0
            lines = self.budget(member, months, share) if pi else []
            team = self.team(member, pi) if pi else []
            members.append({"row": member, "place": place, "pi": pi, "lines": lines, "team": team})
        return members

    def partner(self, place, partners, at):
        """A partner PI at ``place``, each taking part in at most two proposals of the call."""
        user, taken = partners.get(place.pk, (None, 2))
        if taken >= 2:
            self.stats["partner PIs"] += 1
            user = self.person(
                f"{PREFIX}pi{self.stats['partner PIs']:05d}@example.org",
                place,
                title=User.Title.ASSOCIATE_PROFESSOR,
                at=at - timedelta(days=self.rng.randint(30, 400)),
            )
            taken = 0
        partners[place.pk] = (user, taken + 1)
        return user

    def invitation(self, member, lead, pi, at, partners):
        if pi is None:
            invited = partners.get(member.institution_id, (None, 0))[0]
            email = invited.email if invited else f"{PREFIX}invitee{member.pk}@example.org"
        else:
            email = pi.email
        digest = hashlib.sha256(f"scale-{self.seed}-{member.pk}".encode()).hexdigest()
        self.new(
            Invitation,
            member_id=member.pk,
            email=email,
            token_digest=digest,
            invited_by_id=lead.pk,
            created_at=at,
            expires_at=at + timedelta(days=14) if pi else self.now + timedelta(days=10),
            used_at=at + timedelta(hours=self.rng.randint(2, 72)) if pi else None,
        )

    def budget(self, member, months, amount):
        """Lines adding up to about ``amount`` yuan: some equipment in year 1, then operations
        and personnel every year, in whole thousands."""
        if amount <= 0:
            return []
        years = -(-months // 12)
        lines = []
        equipment = (
            (amount * self.rng.randint(0, 30) // 100) // 1000 * 1000
            if self.rng.random() < 0.5
            else 0
        )
        yearly = (amount - equipment) // years
        cells = []
        if equipment:
            cells.append((1, BudgetCategory.EQUIPMENT, equipment))
        for year in range(1, years + 1):
            cells.append((year, BudgetCategory.OPERATIONS, yearly * 65 // 100 // 1000 * 1000))
            cells.append((year, BudgetCategory.PERSONNEL, yearly * 35 // 100 // 1000 * 1000))
        for year, category, yuan in sorted(cells):
            if yuan:
                lines.append(
                    self.new(
                        BudgetLine,
                        member_id=member.pk,
                        category=category,
                        year=year,
                        amount=money(yuan),
                    )
                )
        return lines

    def team(self, member, pi):
        rows = [
            self.new(
                TeamMember,
                member_id=member.pk,
                name=pi.name,
                role="负责人",
                person_months=Decimal("24.0"),
            )
        ]
        for _ in range(self.rng.randint(0, 2)):
            role, months = self.rng.choice(ROLES_IN_TEAM)
            rows.append(
                self.new(
                    TeamMember,
                    member_id=member.pk,
                    name=self.rng.choice(SURNAMES) + self.rng.choice(GIVEN),
                    role=role,
                    person_months=Decimal(months),
                )
            )
        return rows

    def reference(self, call, code):
        key = (call.year, code[:3])
        self.counters[key] = self.counters.get(key, 0) + 1
        return f"YRD-{call.year}-{key[1]}-{self.counters[key]:04d}"

    def snapshot(self, proposal, call, lead, members, experts, sections):
        """What grants.proposals.snapshots.freeze would store at submission, key for key."""
        return {
            "reference": proposal.reference,
            "call": {"id": call.pk, "title_zh": call.title_zh, "title_en": call.title_en},
            "lead": {"id": lead.pk, "name": lead.name},
            "title_zh": proposal.title_zh,
            "title_en": proposal.title_en,
            "primary_code": self.code(proposal.primary_code_id),
            "secondary_code": self.code(proposal.secondary_code_id),
            "keywords": proposal.keyword_list,
            "abstract_zh": proposal.abstract_zh,
            "abstract_en": proposal.abstract_en,
            "duration_months": proposal.duration_months,
            "industry_problem": proposal.industry_problem,
            "partner_enterprise": proposal.partner_enterprise,
            "sections": sections,
            "narrative_pdf": "",
            "narrative_pdf_name": "",
            "other_funding": proposal.other_funding,
            "other_funding_details": proposal.other_funding_details,
            "members": [self.frozen_member(**member) for member in members],
            "avoided_experts": [
                {"name": e.name, "institution": e.institution, "reason": e.reason} for e in experts
            ],
            "submitted_at": beijing(proposal.submitted_at).isoformat(),
        }

    def code(self, code):
        if code is None:
            return None
        discipline = self.disciplines[code]
        return {"code": code, "name_zh": discipline.name_zh, "name_en": discipline.name_en}

    def frozen_member(self, row, place, pi, lines, team):
        institution = place
        province = self.provinces[institution.province_id]
        return {
            "id": row.pk,
            "is_lead": row.is_lead,
            "institution_id": institution.pk,
            "institution_zh": institution.name_zh,
            "institution_en": institution.name_en,
            "province_code": province.code,
            "province_zh": province.name_zh,
            "province_en": province.name_en,
            "pi_id": row.pi_id,
            "pi_name": pi.name if pi else "",
            "team": [
                {"name": row.name, "role": row.role, "person_months": str(row.person_months)}
                for row in team
            ],
            "budget": [
                {"category": line.category, "year": line.year, "amount": str(line.amount)}
                for line in lines
            ],
        }

    def screen(self, proposal, call, lead):
        if call.status == CallStatus.OPEN:
            return
        if call is self.main_call and self.rng.random() < 0.01:
            proposal.status = ProposalStatus.WITHDRAWN
            self.audit(
                "proposal.withdrawn",
                proposal.submitted_at + timedelta(days=1),
                lead,
                proposal=proposal,
            )
            return
        at = call.closes_at + timedelta(days=self.rng.randint(3, 15))
        if call is self.main_call and self.rng.random() < 0.05:
            proposal.screening = Screening.INELIGIBLE
            proposal.screening_reason = "合作单位未按要求提供承诺函。"
        else:
            proposal.screening = Screening.ELIGIBLE
        self.audit(
            "proposal.screened",
            at,
            self.officer,
            proposal=proposal,
            before={"screening": "pending"},
            after={"screening": proposal.screening},
            note=proposal.screening_reason,
        )
