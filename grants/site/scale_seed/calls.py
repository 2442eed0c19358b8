"""The three calls of the scale seed: open, in its panel stage, and decided the year before."""

import math
from datetime import datetime, timedelta

from django.core.management.base import CommandError
from django.utils import timezone

from grants.models import AuditEntry, Call, CallStatus, Contribution
from grants.site.scale_seed.common import K, money
from reviews.criteria import DEFAULT_CRITERIA
from reviews.models import Criterion

OPEN_SHARE, DECIDED_SHARE = 0.05, 0.05


class CallsStage:
    """The three calls, ``open_call``, ``main_call`` and ``decided_call``, with their areas,
    contributions, criteria and opening audit entries."""

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
