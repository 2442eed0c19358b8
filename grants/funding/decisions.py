"""Funding a call down its locked ranking, and the provinces' confirmations.

The arithmetic is grants.funding.simulation (pure); this module reads the ranking and the pools from the
database, shows the simulation, and commits it in one transaction that locks the call and its
pools, so two officers committing at once can never spend a province's money twice. The ledger
and the payments are grants.funding.payments; what the consortium learns once the call is
decided, grants.funding.outcomes.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Case, F, JSONField, When
from django.db.models.fields.json import KeyTransform
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from grants.core.audit import record
from grants.core.errors import WorkflowError
from grants.core.money import ZERO, allocate
from grants.funding import lottery, simulation
from grants.models import Call, Contribution, Proposal, Province
from grants.models.decisions import (
    AwardShare,
    Decision,
    FundingDraw,
    FundingRound,
    Outcome,
    Payment,
    ProvincialConfirmation,
)
from grants.models.reference import in_reader_language
from grants.proposals import budget
from grants.proposals.snapshots import frozen_requests, snapshot_budget_lines
from reviews import calibration

# ---- the ranking and the requests -----------------------------------------------------------


@dataclass(frozen=True)
class RankedPlace:
    """A proposal of the call's ranking as funding reads it: plain values, since the simulation
    reads every ranked proposal of the call on each request."""

    pk: int
    reference: str
    title_zh: str
    title_en: str
    score: Decimal | None  # the chair's consensus score, otherwise the reviewers' mean
    fundable: bool  # above the call's thresholds, as reviews.scoring decided
    reasons: tuple[str, ...]  # reviews.scoring's reasons when not fundable
    requested: dict[str, Decimal]  # per province, frozen at submission
    requested_total: Decimal | None

    @property
    def title(self):
        return in_reader_language(self.title_zh, self.title_en)


def locked_ranking(call):
    """The call's ranking: each locked panel's order, merged by score so that no panel's own
    order is ever changed (grants.funding.simulation.merged_ranking); None until every panel is locked."""
    from reviews.models import Panel
    from reviews.ranking import unreviewed_score

    panels = list(Panel.objects.filter(call=call).values_list("pk", "locked_at"))
    if not panels or any(locked_at is None for _pk, locked_at in panels):
        return None
    unreviewed = unreviewed_score(call)
    orders = {pk: [] for pk, _locked_at in panels}
    # Sorted here, not in SQL: the database sorted the wide rows on disk (three times slower).
    for entry in sorted(_entries(call), key=lambda e: (e.panel_id, e.position or 0, e.pk)):
        orders[entry.panel_id].append(_place(entry, unreviewed))
    return simulation.merged_ranking([orders[pk] for pk, _locked_at in panels], _merge_score)


def _entries(call):
    """Every panel entry of the call, with what funding needs of its proposal, as tuples: its
    stored mean and verdict, not the whole stored review result (a JSON document), whose
    decoding for every ranked proposal was most of the simulation's time. Of that document
    only the reasons are read, and only for the proposals that are not fundable."""
    from reviews.models import PanelEntry

    return (
        PanelEntry.objects.filter(panel__call=call)
        .order_by()
        .annotate(
            reference=F("proposal__reference"),
            title_zh=F("proposal__title_zh"),
            title_en=F("proposal__title_en"),
            requested=F("proposal__requested_by_province"),
            requested_total=F("proposal__requested_total"),
            mean=F("proposal__review_score"),
            fundable=F("proposal__review_fundable"),
            reasons=Case(
                When(
                    proposal__review_fundable=False,
                    then=KeyTransform("reasons", "proposal__review_result"),
                ),
                output_field=JSONField(),
            ),
        )
        .values_list(
            "pk",
            "panel_id",
            "position",
            "consensus_score",
            "proposal_id",
            "reference",
            "title_zh",
            "title_en",
            "requested",
            "requested_total",
            "mean",
            "fundable",
            "reasons",
            named=True,
        )
    )


def _place(entry, unreviewed):
    return RankedPlace(
        pk=entry.proposal_id,
        reference=entry.reference,
        title_zh=entry.title_zh,
        title_en=entry.title_en,
        # The mean as the lists sort it (reviews.scoring.sortable_score says why that order
        # is the exact one).
        score=entry.consensus_score if entry.consensus_score is not None else entry.mean,
        # None: no submitted review yet.
        fundable=unreviewed.fundable if entry.fundable is None else entry.fundable,
        reasons=unreviewed.reasons if entry.fundable is None else tuple(entry.reasons or ()),
        requested=frozen_requests(entry.requested),
        requested_total=entry.requested_total,
    )


def _merge_score(place):
    return place.score if place.score is not None else Decimal(-1)


def requested_by_province(proposal) -> dict:
    """What the proposal asked for per province (direct + indirect), and the whole budget
    summary, from its frozen snapshot."""
    summary = budget.summarise(snapshot_budget_lines(proposal.snapshot))
    return {code: totals.total for code, totals in summary.by_province.items()}, summary


def requests_for(places):
    """The funding requests of the ranked places, from the amounts frozen at submission."""
    return [
        simulation.Request(
            proposal=place.pk,
            label=place.reference,
            amounts=place.requested,
            fundable=place.fundable,
            reasons=place.reasons,
        )
        for place in places
    ]


def pools_for(call):
    return {c.province_id: c.amount for c in call.contributions.all()}


@dataclass
class Simulation:
    rows: list
    outcome: simulation.Outcome
    pools: dict


def simulate_call(call, cuts=None, *, with_draw=True):
    """Funding down the locked ranking; with the call's draw at the funding line, once run,
    filling its group's places in the drawn order (``with_draw=False``: the ranking as the
    panels locked it, which is what the draw itself reads)."""
    rows = locked_ranking(call)
    if rows is None:
        raise WorkflowError(
            _("Every panel of the call must lock its ranking first."), code="not_locked"
        )
    if with_draw:
        rows = _with_drawn_order(call, rows)
    pools = pools_for(call)
    share = call.balancing_share if call.funding_model == simulation.MIXED else Decimal(0)
    try:
        outcome = simulation.simulate(
            requests_for(rows), pools, call.funding_model, share, cuts or {}
        )
    except ValueError as error:
        raise WorkflowError(str(error), code="input") from error
    return Simulation(rows=rows, outcome=outcome, pools=pools)


def _with_drawn_order(call, rows):
    if not call.draw_at_funding_line:
        return rows
    order = (
        FundingDraw.objects.filter(call=call, annulled_at__isnull=True, drawn_at__isnull=False)
        .values_list("order", flat=True)
        .first()
    )
    return lottery.reordered(rows, order, key=lambda place: place.pk) if order else rows


# ---- the draw at the funding line, as committing sees it ---------------------------------


def rank_intervals(fit):
    """Each proposal's 90 % rank interval in the fit."""
    return {
        estimate.proposal_id: lottery.Interval(estimate.rank_90_low, estimate.rank_90_high)
        for estimate in fit.estimates.all()
    }


def line_and_group(call, fit, plain=None):
    """The ranking as the panels locked it, the fit's intervals, the line and its group."""
    plain = plain or simulate_call(call, with_draw=False)
    intervals = rank_intervals(fit)
    line = lottery.funding_line(plain.outcome)
    group = lottery.group_at_line(requests_for(plain.rows), intervals, line)
    return plain, intervals, line, group


COMMIT_REFUSALS = {
    lottery.DRAW_UNDER_WAY: _("A draw at the funding line is under way: run it or annul it first."),
    lottery.DRAW_NO_FIT: _(
        "This call draws at the funding line: fit the calibrated ranking first, so that its "
        "intervals show who straddles the line."
    ),
    lottery.DRAW_OWED: _(
        "Proposals straddle the funding line and this call draws there: hold the draw before "
        "committing funding."
    ),
}


def commit_refusal(call, plain=None):
    """Why the call's funding may not be committed yet because of its draw (a WorkflowError to
    raise or show), or None. ``plain``: the funding without the draw and without cuts, when
    the caller has it already."""
    if not call.draw_at_funding_line:
        return None
    draw = FundingDraw.objects.filter(call=call, annulled_at__isnull=True).first()
    drawn, under_way = draw is not None and draw.drawn_at is not None, draw is not None
    group = None
    if not drawn and not under_way:
        fit = calibration.latest_fit(call)
        group = None if fit is None else line_and_group(call, fit, plain)[3]
    code = lottery.commit_waits_for(
        draws_at_line=True, drawn=drawn, under_way=under_way and not drawn, group=group
    )
    return None if code is None else WorkflowError(COMMIT_REFUSALS[code], code=code)


# ---- committing -------------------------------------------------------------------------------


@transaction.atomic
def funding_commit(*, call, actor, cuts=None):
    """Write the decisions, the provinces' shares and the payment schedule, all or nothing."""
    call = Call.objects.select_for_update().get(pk=call.pk)
    list(Contribution.objects.select_for_update().filter(call=call))  # lock the pools
    if FundingRound.objects.filter(call=call).exists():
        raise WorkflowError(
            _("Funding for this call has already been committed."), code="committed"
        )
    if call.status != "in_panel":
        raise WorkflowError(
            _("Funding is committed while the call is in its panel stage."), code="state"
        )
    refusal = commit_refusal(call)
    if refusal is not None:
        raise refusal
    simulated = simulate_call(call, cuts)
    outcome = simulated.outcome
    funding_round = FundingRound.objects.create(
        call=call,
        committed_by=actor,
        model=call.funding_model,
        cuts={str(k): str(v) for k, v in (cuts or {}).items()},
        final_at=None if call.provincial_confirmation_required else timezone.now(),
    )
    balancing_left = dict(outcome.balancing_in)
    ranks = {place.pk: position for position, place in enumerate(simulated.rows, 1)}
    # The ranking's rows leave the snapshots out; the funded ones' are needed for the schedule.
    funded = Proposal.objects.in_bulk([award.proposal for award in outcome.funded])
    for award in outcome.funded:
        decision = Decision.objects.create(
            round=funding_round,
            proposal=funded[award.proposal],
            rank=award.rank,
            outcome=Outcome.FUNDED,
            cut=award.cut,
            total=award.total,
        )
        _write_shares(decision, award, balancing_left, funded[award.proposal])
    # Thousands of rows without shares or payments: one insert per batch, not per row.
    Decision.objects.bulk_create(
        [
            *(
                Decision(
                    round=funding_round,
                    proposal_id=skip.proposal,
                    rank=skip.rank,
                    outcome=Outcome.RESERVE,
                    skipped_for_id=skip.province,
                    shortfall=skip.shortfall,
                )
                for skip in outcome.skipped
            ),
            *(
                Decision(
                    round=funding_round,
                    proposal_id=key,
                    rank=ranks[key],
                    outcome=Outcome.BELOW_THRESHOLD,
                    reasons=list(outcome.not_fundable_because[key].codes),
                )
                for key in outcome.below_threshold
            ),
        ],
        batch_size=500,
    )
    record(
        actor=actor,
        action="funding.committed",
        call=call,
        after={
            "funded": len(outcome.funded),
            "reserve": len(outcome.skipped),
            "total": str(outcome.funded_total),
            "cuts": funding_round.cuts,
            **_draw_seed(call),
        },
    )
    return funding_round


def _draw_seed(call):
    """The seed of the draw the funding followed, for the audit entry; nothing without one."""
    if not call.draw_at_funding_line:
        return {}
    seed = (
        FundingDraw.objects.filter(call=call, annulled_at__isnull=True, drawn_at__isnull=False)
        .values_list("seed", flat=True)
        .first()
    )
    return {"draw_seed": seed} if seed else {}


def _write_shares(decision, award, balancing_left, proposal):
    """One AwardShare per paying province, and its payments spread over the project years in
    proportion to the proposal's budget per year."""
    balancing_total = sum(award.from_balancing.values(), ZERO)
    # The balancing pot's money is charged to the provinces that put it in, in proportion to
    # what each still has in it, so no province's part is ever overdrawn.
    balancing_parts = allocate(balancing_total, balancing_left) if balancing_total else {}
    for code, part in balancing_parts.items():
        balancing_left[code] -= part
    _, summary = requested_by_province(proposal)
    year_weights = {year: totals.total for year, totals in summary.by_year.items()} or {
        1: Decimal(1)
    }
    for code in sorted(set(award.requested) | set(award.amounts) | set(balancing_parts)):
        share = AwardShare.objects.create(
            decision=decision,
            province_id=code,
            received=award.requested.get(code, ZERO),
            charged=award.amounts.get(code, ZERO),
            balancing=balancing_parts.get(code, ZERO),
        )
        for year, amount in allocate(share.committed, year_weights).items():
            Payment.objects.create(share=share, year=year, amount=amount)


@transaction.atomic
def province_confirm(*, call, actor, province_code):
    funding_round = FundingRound.objects.select_for_update().filter(call=call).first()
    if funding_round is None:
        raise WorkflowError(_("There is no committed funding to confirm yet."), code="nothing")
    ProvincialConfirmation.objects.get_or_create(
        call=call, province_id=province_code, defaults={"confirmed_by": actor}
    )
    record(actor=actor, action="funding.confirmed", call=call, after={"province": province_code})
    funding_provinces = set(Province.objects.filter(is_funding=True).values_list("code", flat=True))
    confirmed = set(call.confirmations.values_list("province_id", flat=True))
    if funding_provinces <= confirmed and funding_round.final_at is None:
        funding_round.final_at = timezone.now()
        funding_round.save(update_fields=["final_at"])
        record(actor=actor, action="funding.final", call=call)
    return funding_round
