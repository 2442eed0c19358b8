"""The funding of the scale seed's decided call: decisions, shares, confirmations, payments."""

from datetime import timedelta
from decimal import Decimal

from grants.core.money import ZERO, allocate
from grants.funding import simulation
from grants.models import (
    AuditEntry,
    AwardShare,
    Contribution,
    Decision,
    FundingRound,
    Outcome,
    Payment,
    ProvincialConfirmation,
)
from grants.proposals import budget
from grants.proposals.snapshots import snapshot_budget_lines


class FundingStage:
    """The decided call's funding round, down the ranking the panels left."""

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
                        # The first year paid: the ledger reads ``paid``, ``paid_at`` dates it.
                        paid=amount if year == 1 else ZERO,
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


def summary_of(proposal):
    return budget.summarise(snapshot_budget_lines(proposal.snapshot))
