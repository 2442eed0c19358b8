"""The panels of the scale seed, each locked in the order reviews.ranking computes."""

from collections import defaultdict
from datetime import timedelta
from decimal import Decimal

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator

from grants.funding import simulation
from grants.models import AuditEntry, MemberStatus, RoleGrant, User
from grants.site.scale_seed.common import seeded_criteria
from reviews import scoring
from reviews.models import Panel, PanelEntry


class PanelsStage:
    """The locked panels of the main and the decided call and their merged ranking per call
    (``rankings``), which the funding follows."""

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


def merged(queues):
    """The panels' orders merged by score, by the rule grants.funding.decisions.locked_ranking uses
    (no consensus scores are seeded, so the reviewers' mean is the shown score)."""

    def score(row):
        mean = row[3].mean
        return mean if mean is not None else Decimal(-1)

    return simulation.merged_ranking(queues, score)
