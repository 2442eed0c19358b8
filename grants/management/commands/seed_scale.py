"""Build a large, realistic dataset for benchmarks: ``manage.py seed_scale --proposals 20000
--reviewers 5000 --seed 1``.

Three calls: one open (drafts and fresh submissions), one in its panel stage (most of the
proposals: submitted, screened, assigned, reviewed, ranked by locked panels) and one decided
the year before (funding committed, confirmed by the provinces, the first year paid). Consortia
have 2-4 members, mostly from the four funding provinces, some unfunded partners from
elsewhere; every member has a PI, a team and budget lines.

The rows are written with ``bulk_create`` and explicit primary keys, NOT through
grants.workflow and reviews.workflow: those lock, check, audit and e-mail one object at a
time, which is right for people and far too slow for 20,000 proposals (each submission alone
takes a row lock, a reference counter and a snapshot read). The dataset has the same shapes
the workflow writes, built in memory instead:

- snapshots have exactly the keys and values of grants.proposals.snapshots.freeze;
- reference numbers follow grants.workflow.reference_number and the counters are advanced,
  so proposals submitted later get the next numbers;
- audit entries record creation, submission, screening, each submitted review, the calls'
  moves, the panels and the funding;
- panels are locked in the order reviews.ranking computes from the reviews;
- the decided call's decisions, shares and payments are what grants.funding.simulation.simulate gives
  and grants.funding.decisions.funding_commit writes.

Timestamps are set explicitly (the auto_now fields are switched off while writing), so
submissions, reviews and decisions fall in each call's real timeline. The same seed gives the
same data; run it on a database without a scale dataset.
"""

import hashlib
import math
import random
import time
from collections import Counter, defaultdict
from contextlib import contextmanager
from datetime import datetime, timedelta
from decimal import Decimal

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import encrypt
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.db.models import Max
from django.test.utils import override_settings
from django.utils import timezone

from grants.accounts.permissions import MFA_ROLES
from grants.core.money import ZERO, allocate
from grants.funding import simulation
from grants.models import (
    AuditEntry,
    AvoidedExpert,
    AwardShare,
    BudgetCategory,
    BudgetLine,
    Call,
    CallStatus,
    ConsortiumMember,
    Contribution,
    Decision,
    Discipline,
    FundingRound,
    Institution,
    Invitation,
    MemberStatus,
    OtherFunding,
    Outcome,
    Payment,
    Proposal,
    ProposalStatus,
    Province,
    ProvincialConfirmation,
    Role,
    RoleGrant,
    Screening,
    TeamMember,
    User,
)
from grants.models.proposals import ReferenceCounter
from grants.proposals import budget
from grants.proposals.snapshots import frozen_fields, snapshot_budget_lines
from grants.site.demo import GIVEN, KEYWORDS, SURNAMES, password_hash
from reviews import affinity as reviews_affinity
from reviews import scoring
from reviews.criteria import DEFAULT_CRITERIA
from reviews.models import (
    Assignment,
    AssignmentRun,
    AssignmentStatus,
    Criterion,
    Panel,
    PanelEntry,
    Review,
    ReviewerProfile,
)

PREFIX = "scale."
K = 3  # reviewers per proposal
OPEN_SHARE, DECIDED_SHARE = 0.05, 0.05
PROVINCE_OFFICES = {
    "310000": "shanghai",
    "320000": "jiangsu",
    "330000": "zhejiang",
    "340000": "anhui",
}
DEPARTMENT_WEIGHTS = {"A": 6, "B": 8, "C": 9, "D": 6, "E": 16, "F": 22, "G": 5, "H": 12, "T": 6}
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


def money(yuan: int) -> Decimal:
    return Decimal(f"{yuan}.00")


def beijing(moment):
    return timezone.localtime(moment)


@contextmanager
def explicit_timestamps(model_list):
    """Let bulk_create keep the timestamps we give instead of stamping "now" on every row."""
    fields = [
        field
        for model in model_list
        for field in model._meta.concrete_fields
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
    ]
    saved = [(field, field.auto_now, field.auto_now_add) for field in fields]
    for field in fields:
        field.auto_now = field.auto_now_add = False
    try:
        yield fields
    finally:
        for field, auto_now, auto_now_add in saved:
            field.auto_now, field.auto_now_add = auto_now, auto_now_add


class Seeder:
    def __init__(self, *, proposals, reviewers, seed, write):
        self.n_proposals, self.n_reviewers = proposals, reviewers
        self.rng = random.Random(seed)
        self.seed = seed
        self.write = write
        self.now = timezone.now().replace(microsecond=0)
        self.rows = defaultdict(list)
        self.next_id = {}
        self.counters = {}
        self.stats = Counter()
        self.password = password_hash()
        self.with_totp = set()
        self.totp_secret = encrypt(settings.DEMO_TOTP_SECRET)

    # ---- plumbing ---------------------------------------------------------------------------

    def new(self, model, /, **fields):
        """An unsaved row with the next primary key, queued for insertion."""
        if model not in self.next_id:
            self.next_id[model] = (model.objects.aggregate(top=Max("pk"))["top"] or 0) + 1
        row = model(pk=self.next_id[model], **fields)
        self.next_id[model] += 1
        self.rows[model].append(row)
        return row

    def link(self, through, **fields):
        self.rows[through].append(through(**fields))

    def update_columns(self, model, rows, names):
        """Write ``names`` of rows already inserted: one prepared UPDATE run for every row.
        Django's bulk_update builds a CASE WHEN per row and column instead, which took longer
        than computing the values (half a minute for the scores on PostgreSQL)."""
        fields = [model._meta.get_field(name) for name in names]
        quote = connection.ops.quote_name
        assignments = ", ".join(f"{quote(field.column)} = %s" for field in fields)
        sql = (
            f"UPDATE {quote(model._meta.db_table)} SET {assignments} "
            f"WHERE {quote(model._meta.pk.column)} = %s"
        )
        values = [
            [field.get_db_prep_save(getattr(row, field.attname), connection) for field in fields]
            + [row.pk]
            for row in rows
        ]
        with connection.cursor() as cursor:
            cursor.executemany(sql, values)

    def flush(self, *model_list):
        """Insert the queued rows, parents before children (``model_list`` is in that order)."""
        with explicit_timestamps(model_list) as stamped:
            for model in model_list:
                rows = self.rows.pop(model, [])
                for field in stamped:
                    if field.model is model:
                        for row in rows:
                            if getattr(row, field.attname) is None:
                                setattr(row, field.attname, self.now)
                batch = max(100, min(2000, 30000 // len(model._meta.concrete_fields)))
                model.objects.bulk_create(rows, batch_size=batch)
                self.stats[model._meta.label] += len(rows)

    @contextmanager
    def stage(self, name):
        # CPU time too: on a shared machine the wall clock also counts other people's work.
        started, cpu = time.perf_counter(), time.process_time()
        yield
        wall, cpu = time.perf_counter() - started, time.process_time() - cpu
        self.write(f"  {name:<34} {wall:7.1f} s  (CPU {cpu:5.1f} s)")

    def audit(self, action, at, actor=None, proposal=None, call=None, **details):
        self.new(
            AuditEntry,
            at=at,
            actor_id=actor.pk if actor else None,
            action=action,
            proposal_id=proposal.pk if proposal else None,
            call_id=call.pk if call else proposal.call_id,
            **details,
        )

    # ---- reference data -----------------------------------------------------------------------

    def load_reference(self):
        if not Province.objects.exists():
            call_command("import_reference", verbosity=0, stdout=open("/dev/null", "w"))
        self.provinces = {p.code: p for p in Province.objects.all()}
        institutions = list(Institution.objects.select_related("province").order_by("pk"))
        self.funding_codes = sorted(c for c, p in self.provinces.items() if p.is_funding)
        self.delta = defaultdict(list)
        for institution in institutions:
            if institution.province.is_funding:
                self.delta[institution.province_id].append(institution)
        self.outside = [i for i in institutions if not i.province.is_funding]
        self.institutions = institutions
        self.disciplines = {d.code: d for d in Discipline.objects.all()}
        self.departments = sorted(code for code, d in self.disciplines.items() if not d.parent_id)
        self.codes = {
            dept: sorted(c for c in self.disciplines if c.startswith(dept) and len(c) > 1)
            for dept in self.departments
        }
        self.dept_weights = [DEPARTMENT_WEIGHTS.get(dept, 5) for dept in self.departments]
        for year, area, last in ReferenceCounter.objects.values_list("year", "area", "last"):
            self.counters[(year, area)] = last

    # ---- people -------------------------------------------------------------------------------

    def person(
        self, email, institution, *, title=User.Title.PROFESSOR, codes=(), keywords="", at=None
    ):
        name = self.rng.choice(SURNAMES) + self.rng.choice(GIVEN)
        user = self.new(
            User,
            email=email,
            name=name,
            institution_id=institution.pk,
            title=title,
            keywords=keywords,
            password=self.password,
            date_joined=at or self.now - timedelta(days=500),
        )
        self.new(EmailAddress, user_id=user.pk, email=email, verified=True, primary=True)
        for code in codes:
            self.link(User.disciplines.through, user_id=user.pk, discipline_id=code)
        return user

    def grant(self, user, role, province=None):
        """The role, and for a staff role the authenticator app the portal then demands (on
        the demo's published secret, as seed_demo gives its staff)."""
        if role in MFA_ROLES and user.pk not in self.with_totp:
            self.with_totp.add(user.pk)
            self.new(
                Authenticator,
                user_id=user.pk,
                type=Authenticator.Type.TOTP,
                data={"secret": self.totp_secret},
                created_at=self.now - timedelta(days=450),
            )
        self.new(
            RoleGrant,
            user=user,
            role=role,
            province_id=province,
            granted_at=self.now - timedelta(days=450),
        )

    def seed_staff(self):
        anchor = {code: places[0] for code, places in self.delta.items()}
        self.officer = self.person(
            f"{PREFIX}officer@example.org", anchor["310000"], title=User.Title.RESEARCHER
        )
        self.grant(self.officer, Role.FUND_OFFICER)
        self.provincial = {}
        for code, word in PROVINCE_OFFICES.items():
            user = self.person(
                f"{PREFIX}{word}@example.org", anchor[code], title=User.Title.RESEARCHER
            )
            self.grant(user, Role.PROVINCIAL_OFFICER, code)
            self.provincial[code] = user
        self.chairs = []

    def chair(self):
        """A panel chair from outside the delta, one per panel; the first is scale.chair@."""
        number = len(self.chairs)
        email = (
            f"{PREFIX}chair@example.org"
            if number == 0
            else f"{PREFIX}chair{number:02d}@example.org"
        )
        user = self.person(email, self.outside[number % len(self.outside)])
        self.grant(user, Role.PANEL_CHAIR)
        self.chairs.append(user)
        return user

    def seed_reviewers(self):
        """Experts from every province with institutions, the delta over-represented."""
        self.reviewers = []
        delta_places = [i for places in self.delta.values() for i in places]
        for number in range(1, self.n_reviewers + 1):
            place = self.rng.choice(delta_places if self.rng.random() < 0.35 else self.outside)
            dept = self.pick_department()
            codes = [self.rng.choice(self.codes[dept])]
            if self.rng.random() < 0.3:
                codes.append(self.rng.choice(self.codes[self.pick_department()]))
            codes = sorted(set(codes))
            words = self.rng.sample(KEYWORDS.get(dept, KEYWORDS["T"]), 2)
            user = self.person(
                f"{PREFIX}reviewer{number:05d}@example.org",
                place,
                codes=codes,
                keywords=", ".join(words),
            )
            self.grant(user, Role.REVIEWER)
            profile = self.new(
                ReviewerProfile, user=user, max_reviews_per_call=self.rng.randint(12, 20)
            )
            self.reviewers.append(
                {
                    "user": user,
                    "province": place.province_id,
                    "institution": place.pk,
                    "codes": codes,
                    "keywords": words,
                    "departments": {code[0] for code in codes},
                    "capacity": profile.max_reviews_per_call,
                }
            )
        self.by_department = defaultdict(list)
        for index, reviewer in enumerate(self.reviewers):
            for dept in reviewer["departments"]:
                self.by_department[dept].append(index)

    def pick_department(self):
        return self.rng.choices(self.departments, self.dept_weights)[0]

    # ---- calls --------------------------------------------------------------------------------

    def deadline(self, days):
        day = timezone.localdate(self.now) + timedelta(days=days)
        return timezone.make_aware(datetime(day.year, day.month, day.day, 16, 0))

    def seed_calls(self):
        year = timezone.localdate(self.now).year
        n_open = max(2, round(self.n_proposals * OPEN_SHARE))
        n_decided = max(3, round(self.n_proposals * DECIDED_SHARE))
        n_main = self.n_proposals - n_open - n_decided
        if n_main < 3:
            raise CommandError("Give at least 10 proposals.")
        load = math.ceil(1.5 * K * max(n_main, n_decided) / max(1, self.n_reviewers))
        common = {"allow_unfunded_partners": True, "reviewers_per_proposal": K}
        self.open_call = self.call(
            f"scale-{year}-open",
            year,
            f"{year} 年度开放指南（规模测试）",
            "Open call (scale data)",
            n_open,
            ["E", "F"],
            CallStatus.OPEN,
            opens=-30,
            closes=45,
            **common,
        )
        self.main_call = self.call(
            f"scale-{year}-main",
            year,
            "长三角联合基金年度项目指南（规模测试）",
            "Annual joint call (scale data)",
            n_main,
            self.departments,
            CallStatus.IN_PANEL,
            opens=-150,
            closes=-90,
            review_deadline=self.deadline(-10),
            reviewer_max_load=max(6, load),
            **common,
        )
        self.decided_call = self.call(
            f"scale-{year - 1}-decided",
            year - 1,
            "上一年度联合指南（规模测试）",
            "Last year's joint call (scale data)",
            n_decided,
            self.departments,
            CallStatus.DECIDED,
            opens=-420,
            closes=-360,
            review_deadline=self.deadline(-300),
            reviewer_max_load=max(6, load),
            decision_date=timezone.localdate(self.now) - timedelta(days=260),
            **common,
        )
        self.flush(Call, Call.discipline_areas.through, Contribution, Criterion, AuditEntry)

    def call(self, code, year, title_zh, title_en, size, areas, status, *, opens, closes, **fields):
        opens_at = self.now + timedelta(days=opens)
        call = self.new(
            Call,
            code=code,
            year=year,
            title_zh=title_zh,
            title_en=title_en,
            summary_zh="面向长三角区域协同发展的跨省基础研究。",
            summary_en="Cross-provincial basic research for the delta's joint development.",
            status=status,
            opens_at=opens_at,
            closes_at=self.deadline(closes),
            created_at=opens_at - timedelta(days=20),
            updated_at=opens_at,
            **fields,
        )
        call.size = size
        for area in areas:
            self.link(Call.discipline_areas.through, call_id=call.pk, discipline_id=area)
        # About a fifth of the requests can be paid; each province in its usual proportion.
        pot = size * 360_000
        for province, share in zip(self.funding_codes, (30, 25, 25, 20), strict=True):
            self.new(
                Contribution, call=call, province_id=province, amount=money(pot * share // 100)
            )
        for order, (key, zh, en, weight) in enumerate(DEFAULT_CRITERIA):
            self.new(
                Criterion, call=call, key=key, name_zh=zh, name_en=en, weight=weight, order=order
            )
        self.audit("call.created", call.created_at, self.officer, call=call)
        self.audit("call.opened", opens_at, self.officer, call=call, after={"status": "open"})
        return call

    # ---- proposals ----------------------------------------------------------------------------

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

    # ---- assignment and reviews ---------------------------------------------------------------

    def seed_reviews(self):
        for call in (self.decided_call, self.main_call):
            self.assign_and_review(call)
        self.flush(AssignmentRun, Assignment, Review, AuditEntry)
        self.store_scores()

    def store_scores(self):
        """Each reviewed proposal's stored score, as reviews.workflow.proposal_score_refresh
        leaves it after the last submitted review: the aggregate in submission order."""
        criteria = seeded_criteria()
        scored = []
        for call in (self.decided_call, self.main_call):
            for proposal, facts in self.in_review(call):
                if not facts["submitted"]:
                    continue
                reviews = [scoring.review_values(row[2]) for row in sorted(facts["submitted"])]
                score = scoring.aggregate(
                    reviews, criteria, overall_threshold=call.overall_threshold
                )
                for name, value in scoring.proposal_fields(score).items():
                    setattr(proposal, name, value)
                facts["stored_score"] = score
                scored.append(proposal)
        self.update_columns(Proposal, scored, list(scoring.proposal_fields(None)))

    def in_review(self, call):
        return [
            (proposal, facts)
            for proposal, facts in self.proposals[call.pk]
            if proposal.status == ProposalStatus.SUBMITTED
            and proposal.screening == Screening.ELIGIBLE
        ]

    def assign_and_review(self, call):
        """k reviewers per proposal with no conflict (province rule, institution) and room
        left, the best of a sample of the department's experts; most answer and review."""
        started = call.closes_at + timedelta(days=25)
        self.audit("call.closed", call.closes_at, None, call=call, after={"status": "closed"})
        self.audit(
            "call.review_started", started, self.officer, call=call, after={"status": "in_review"}
        )
        loads = Counter()
        pairs = []
        for proposal, facts in self.in_review(call):
            chosen = self.choose_reviewers(call, facts, loads)
            declines = 1 if len(chosen) > K and self.rng.random() < 0.03 else 0
            facts["submitted"] = []  # (submitted at, review id, scores)
            for index, (reviewer, affinity, why) in enumerate(chosen[: K + declines]):
                loads[reviewer.pk] += 1
                item = self.assign(
                    call,
                    proposal,
                    facts,
                    reviewer,
                    affinity,
                    why,
                    started,
                    declined=index < declines,
                )
                pairs.append(
                    {
                        "proposal": proposal.pk,
                        "reviewer": item.reviewer_id,
                        "affinity": float(item.affinity),
                        "explanation": why,
                    }
                )
        total = round(sum(p["affinity"] for p in pairs), 4)
        self.new(
            AssignmentRun,
            call=call,
            created_by=self.officer,
            created_at=started,
            status=AssignmentRun.Status.PUBLISHED,
            progress=100,
            result={
                "pairs": pairs,
                "shortfalls": [],
                "total": total,
                "weakest": None,
                "complete": True,
            },
        )
        self.audit(
            "assignment.published",
            started,
            self.officer,
            call=call,
            after={"assignments": len(pairs)},
        )

    def choose_reviewers(self, call, facts, loads):
        places = [m["place"] for m in facts["members"] if m["pi"]]
        provinces = {place.province_id for place in places}
        institutions = {place.pk for place in places}
        pool = self.by_department.get(facts["code"][0]) or range(len(self.reviewers))
        found = self.sample(pool, provinces, institutions, loads, call)
        if len(found) <= K:
            found += [
                i
                for i in self.sample(
                    range(len(self.reviewers)), provinces, institutions, loads, call
                )
                if i not in found
            ]
        scored = []
        codes = [facts["code"]]
        keywords = facts["keywords"]
        for index in found:
            reviewer = self.reviewers[index]
            affinity, why = reviews_affinity.affinity(
                codes, keywords, reviewer["codes"], reviewer["keywords"]
            )
            scored.append((affinity, -index, index, why))
        scored.sort(reverse=True)
        picked = [row for row in scored[:K]]
        if len({self.reviewers[row[2]]["province"] for row in picked}) == 1:
            other = next(
                (
                    row
                    for row in scored[K:]
                    if self.reviewers[row[2]]["province"]
                    != self.reviewers[picked[0][2]]["province"]
                ),
                None,
            )
            if other:
                picked[-1] = other
        picked += [row for row in scored if row not in picked][:1]
        return [
            (self.reviewers[index]["user"], affinity, why) for affinity, _, index, why in picked
        ]

    def sample(self, pool, provinces, institutions, loads, call, want=8):
        found = []
        start = self.rng.randrange(len(pool))
        for step in range(len(pool)):
            index = pool[(start + step) % len(pool)]
            reviewer = self.reviewers[index]
            if (
                reviewer["province"] in provinces
                or reviewer["institution"] in institutions
                or loads[reviewer["user"].pk] >= min(reviewer["capacity"], call.reviewer_max_load)
            ):
                continue
            found.append(index)
            if len(found) == want:
                break
        return found

    def assign(self, call, proposal, facts, reviewer, affinity, why, started, declined):
        rng = self.rng
        answered = started + timedelta(days=rng.randint(1, 7), hours=rng.randint(0, 23))
        roll = rng.random()
        if declined:
            status, fate = AssignmentStatus.DECLINED, "declined"
        elif call is self.main_call and roll < 0.03:
            status, fate = AssignmentStatus.INVITED, "waiting"
        elif call is self.main_call and roll < 0.07:
            status, fate = AssignmentStatus.ACCEPTED, "draft"
        else:
            status, fate = AssignmentStatus.ACCEPTED, "submitted"
        item = self.new(
            Assignment,
            call_id=call.pk,
            proposal_id=proposal.pk,
            reviewer_id=reviewer.pk,
            status=status,
            affinity=Decimal(str(round(affinity, 4))),
            explanation=why[:300],
            decline_reason="时间冲突，无法按期完成评审。" if declined else "",
            no_conflict_declared_at=answered if status == AssignmentStatus.ACCEPTED else None,
            invited_at=started,
            answered_at=None if fate == "waiting" else answered,
        )
        if fate in {"submitted", "draft"}:
            data = self.review_data(facts["quality"])
            submitted = (
                answered + timedelta(days=rng.randint(3, 30)) if fate == "submitted" else None
            )
            review = self.new(
                Review,
                assignment_id=item.pk,
                submitted_at=submitted,
                updated_at=submitted or answered + timedelta(days=2),
                **data,
            )
            if submitted:
                facts["submitted"].append((submitted, review.pk, data["scores"]))
                self.audit("review.submitted", submitted, reviewer, proposal=proposal)
        return item

    def review_data(self, quality):
        rng = self.rng
        base = quality + rng.gauss(0, 0.4)
        scores = {}
        for key, *_ in DEFAULT_CRITERIA:
            if key == "collaboration" and rng.random() < 0.02:
                scores[key] = None  # n/a
                continue
            halves = min(10, max(1, round((base + rng.gauss(0, 0.3)) * 2)))
            scores[key] = str(Decimal(halves) / 2)
        given = [Decimal(v) for v in scores.values() if v is not None]
        mean = sum(given) / len(given)
        if mean >= Decimal("4.3"):
            rating, advice = scoring.EXCELLENT, scoring.PRIORITY
        elif mean >= Decimal("3.5"):
            rating, advice = (
                scoring.GOOD,
                rng.choice([scoring.FUNDABLE, scoring.FUNDABLE, scoring.PRIORITY]),
            )
        elif mean >= Decimal("2.5"):
            rating, advice = scoring.FAIR, scoring.NOT_FUNDABLE
        else:
            rating, advice = scoring.POOR, scoring.NOT_FUNDABLE
        return {
            "scores": scores,
            "justifications": {key: "论证较充分，依据明确。" for key in scores},
            "comments_for_applicants": "研究目标明确，跨省分工合理；建议进一步细化技术路线。",
            "confidential_comments": "",
            "rating": rating,
            "advice": advice,
        }

    # ---- panels -------------------------------------------------------------------------------

    def seed_panels(self):
        self.rankings = {}
        for call, locked in (
            (self.main_call, self.now - timedelta(days=3)),
            (self.decided_call, self.now - timedelta(days=280)),
        ):
            self.panels_for(call, locked)
        self.flush(
            User,
            EmailAddress,
            RoleGrant,
            Authenticator,
            Panel,
            Panel.members.through,
            PanelEntry,
            AuditEntry,
        )

    def panels_for(self, call, locked):
        """One panel per department, members from five provinces outside the delta, locked
        in the computed order of reviews.ranking."""
        unreviewed = scoring.aggregate(
            [], seeded_criteria(), overall_threshold=call.overall_threshold
        )
        by_dept = defaultdict(list)
        for proposal, facts in self.in_review(call):
            by_dept[facts["code"][0]].append((proposal, facts))
        outsiders = [r for r in self.reviewers if r["province"] not in self.funding_codes]
        queues = []
        for dept in sorted(by_dept):
            chair = self.chair() if call is self.main_call or not self.chairs else self.chairs[0]
            panel = self.new(
                Panel,
                call=call,
                area_id=dept,
                name=f"{self.disciplines[dept].name_zh}会评组 {dept}",
                chair=chair,
                locked_at=locked,
                locked_by=chair,
            )
            members, seen = [], set()
            for reviewer in self.rng.sample(outsiders, len(outsiders)):
                if reviewer["province"] not in seen:
                    members.append(reviewer["user"])
                    seen.add(reviewer["province"])
                if len(members) == 5:
                    break
            for user in members:
                self.link(Panel.members.through, panel_id=panel.pk, user_id=user.pk)
            rows = []
            for proposal, facts in by_dept[dept]:
                # The panel ranks what the proposal keeps, as reviews.ranking does.
                score = facts.get("stored_score") or unreviewed
                provinces = len(
                    {
                        m["place"].province_id
                        for m in facts["members"]
                        if m["row"].status == MemberStatus.ACCEPTED
                    }
                )
                rows.append(
                    (
                        scoring.rank_entry(proposal.reference, score, provinces),
                        proposal,
                        facts,
                        score,
                    )
                )
            order = {
                entry.key: place
                for place, entry in enumerate(scoring.rank([row[0] for row in rows]), 1)
            }
            rows.sort(key=lambda row: order[row[0].key])
            for entry, proposal, facts, score in rows:
                self.new(
                    PanelEntry,
                    panel_id=panel.pk,
                    proposal_id=proposal.pk,
                    position=order[entry.key],
                )
                facts["score"] = score
            queues.append(rows)
            self.audit(
                "panel.created",
                locked - timedelta(days=10),
                self.officer,
                call=call,
                after={"panel": panel.pk, "members": [m.pk for m in members]},
            )
            self.audit("panel.locked", locked, chair, call=call, after={"panel": panel.pk})
        self.audit(
            "call.panel_started", locked, self.officer, call=call, after={"status": "in_panel"}
        )
        self.rankings[call.pk] = merged(queues)

    # ---- funding ------------------------------------------------------------------------------

    def seed_funding(self):
        """Fund the decided call down its locked ranking, as grants.funding.decisions.funding_commit
        would, then confirm, decide and pay the first year."""
        call = self.decided_call
        committed = self.now - timedelta(days=270)
        rows = self.rankings[call.pk]
        summaries = {proposal.pk: summary_of(proposal) for _entry, proposal, _facts, _score in rows}
        requests = [
            simulation.Request(
                proposal=proposal.pk,
                label=proposal.reference,
                amounts={
                    code: totals.total
                    for code, totals in summaries[proposal.pk].by_province.items()
                },
                fundable=score.fundable,
                reasons=score.reasons,
            )
            for _entry, proposal, _facts, score in rows
        ]
        pools = {c.province_id: c.amount for c in Contribution.objects.filter(call=call)}
        outcome = simulation.simulate(requests, pools, call.funding_model, Decimal(0), {})
        funding_round = self.new(
            FundingRound,
            call=call,
            committed_by=self.officer,
            committed_at=committed,
            model=call.funding_model,
            cuts={},
            final_at=committed + timedelta(days=5),
        )
        proposals = {proposal.pk: proposal for _e, proposal, _f, _s in rows}
        ranks = {proposal.pk: place for place, (_e, proposal, _f, _s) in enumerate(rows, 1)}
        paid = committed + timedelta(days=20)
        for award in outcome.funded:
            decision = self.new(
                Decision,
                round=funding_round,
                proposal=proposals[award.proposal],
                rank=award.rank,
                outcome=Outcome.FUNDED,
                cut=award.cut,
                total=award.total,
            )
            year_weights = {
                year: t.total for year, t in summaries[award.proposal].by_year.items()
            } or {1: Decimal(1)}
            for code in sorted(set(award.requested) | set(award.amounts)):
                share = self.new(
                    AwardShare,
                    decision=decision,
                    province_id=code,
                    received=award.requested.get(code, ZERO),
                    charged=award.amounts.get(code, ZERO),
                    balancing=ZERO,
                )
                for year, amount in allocate(share.committed, year_weights).items():
                    self.new(
                        Payment,
                        share=share,
                        year=year,
                        amount=amount,
                        paid_at=paid if year == 1 else None,
                    )
        for skip in outcome.skipped:
            self.new(
                Decision,
                round=funding_round,
                proposal=proposals[skip.proposal],
                rank=skip.rank,
                outcome=Outcome.RESERVE,
                skipped_for_id=skip.province,
                shortfall=skip.shortfall,
            )
        for key in outcome.below_threshold:
            self.new(
                Decision,
                round=funding_round,
                proposal=proposals[key],
                rank=ranks[key],
                outcome=Outcome.BELOW_THRESHOLD,
                reasons=list(outcome.not_fundable_because[key].codes),
            )
        self.audit(
            "funding.committed",
            committed,
            self.officer,
            call=call,
            after={
                "funded": len(outcome.funded),
                "reserve": len(outcome.skipped),
                "total": str(outcome.funded_total),
                "cuts": {},
            },
        )
        for code, officer in self.provincial.items():
            at = committed + timedelta(days=1 + self.funding_codes.index(code))
            self.new(
                ProvincialConfirmation,
                call=call,
                province_id=code,
                confirmed_by=officer,
                confirmed_at=at,
            )
            self.audit("funding.confirmed", at, officer, call=call, after={"province": code})
        self.audit("funding.final", funding_round.final_at, self.provincial["340000"], call=call)
        self.audit(
            "call.decided",
            committed + timedelta(days=10),
            self.officer,
            call=call,
            after={"status": "decided"},
        )
        self.audit(
            "payments.recorded", paid, self.officer, call=call, after={"year": 1, "province": None}
        )
        self.flush(FundingRound, Decision, AwardShare, Payment, ProvincialConfirmation, AuditEntry)

    # ---- finishing ----------------------------------------------------------------------------

    def finish(self):
        """Advance the reference counters and, on PostgreSQL, the primary-key sequences and
        the planner's statistics."""
        existing = {(c.year, c.area): c for c in ReferenceCounter.objects.all()}
        for (year, area), last in sorted(self.counters.items()):
            counter = existing.get((year, area))
            if counter is None:
                ReferenceCounter.objects.create(year=year, area=area, last=last)
            elif counter.last < last:
                ReferenceCounter.objects.filter(pk=counter.pk).update(last=last)
        seeded = [
            model
            for model in self.next_id
            if isinstance(model, type) and issubclass(model, models.Model)
        ]
        statements = connection.ops.sequence_reset_sql(no_style(), seeded)
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)

    def gather_statistics(self):
        """The tables' statistics for the query planner. On PostgreSQL also what autovacuum
        does to new tables some time later: until then the planner takes them for empty and
        picks plans that are slow at this size, and an index-only scan reads the table anyway
        (no visibility map). A database in use is in that state; a freshly seeded one is not
        until this runs."""
        if connection.vendor != "postgresql" or connection.in_atomic_block:
            # VACUUM cannot run inside a transaction (a test's, say): ANALYZE alone then.
            statement = "ANALYZE"
        else:
            statement = "VACUUM ANALYZE"
        with self.stage(f"statistics ({statement})"), connection.cursor() as cursor:
            cursor.execute(statement)

    def run(self):
        if User.objects.filter(email=f"{PREFIX}officer@example.org").exists():
            raise CommandError("This database already holds a scale dataset; use a fresh one.")
        with self.stage("reference data"):
            self.load_reference()
        with self.stage("officers and reviewers"):
            self.seed_staff()
            self.seed_reviewers()
            self.flush(
                User,
                EmailAddress,
                User.disciplines.through,
                RoleGrant,
                Authenticator,
                ReviewerProfile,
            )
        with self.stage("calls"):
            self.seed_calls()
        with self.stage("proposals, consortia, budgets"):
            self.seed_proposals()
        with self.stage("assignments and reviews"):
            self.seed_reviews()
        with self.stage("panels and locked rankings"):
            self.seed_panels()
        with self.stage("funding of the decided call"):
            self.seed_funding()
        with self.stage("counters and sequences"):
            self.finish()


def seeded_criteria():
    """The criteria every seeded call has: the fund's defaults."""
    return tuple(
        scoring.Criterion(key, weight, Decimal("3.0")) for key, _zh, _en, weight in DEFAULT_CRITERIA
    )


def summary_of(proposal):
    return budget.summarise(snapshot_budget_lines(proposal.snapshot))


def merged(queues):
    """The panels' orders merged by score, by the rule grants.funding.decisions.locked_ranking uses
    (no consensus scores are seeded, so the reviewers' mean is the shown score)."""

    def score(row):
        mean = row[3].mean
        return mean if mean is not None else Decimal(-1)

    return simulation.merged_ranking(queues, score)


class Command(BaseCommand):
    help = (
        "Build a large, realistic dataset with bulk inserts (bypassing the per-object "
        "workflow) for benchmarks: calls, consortia, budgets, submitted and screened "
        "proposals, reviewers, assignments, reviews, locked panels and a decided call."
    )

    def add_arguments(self, parser):
        parser.add_argument("--proposals", type=int, default=20_000)
        parser.add_argument("--reviewers", type=int, default=5_000)
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args, proposals, reviewers, seed, **options):
        if proposals < 10 or reviewers < 10:
            raise CommandError("Give at least 10 proposals and 10 reviewers.")
        write = self.stdout.write
        write(
            f"Seeding {proposals:,} proposals and {reviewers:,} reviewers (seed {seed}) on {connection.vendor}:"
        )
        started, cpu = time.perf_counter(), time.process_time()
        seeder = Seeder(proposals=proposals, reviewers=reviewers, seed=seed, write=write)
        # With DEBUG on, Django keeps and formats every statement it runs: with bulk inserts of
        # thousands of values that costs more than the inserts themselves.
        with override_settings(DEBUG=False), transaction.atomic():
            seeder.run()
        seeder.gather_statistics()
        wall, cpu = time.perf_counter() - started, time.process_time() - cpu
        write(f"  {'total':<34} {wall:7.1f} s  (CPU {cpu:5.1f} s)")
        write(
            "Rows: "
            + ", ".join(
                f"{label} {count:,}"
                for label, count in sorted(seeder.stats.items())
                if "." in label
            )
        )
        write(
            f"Sign in as {PREFIX}officer@example.org, {PREFIX}chair@example.org, "
            f"{PREFIX}reviewer00001@example.org or {PREFIX}lead00001@example.org "
            "(the demo password)."
        )
