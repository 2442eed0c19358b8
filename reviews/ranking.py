"""A panel's ranking: each proposal's stored review score (kept by reviews.workflow) ordered
with the fund's tie-break rules. Reads the database; the arithmetic lives in reviews.scoring."""

from dataclasses import dataclass, fields
from decimal import Decimal

from django.core.paginator import Paginator
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from grants.models import ConsortiumMember, MemberStatus
from grants.models.reference import in_reader_language
from reviews import scoring
from reviews.criteria import criteria_for, plain_criteria

REASON_LABELS = {
    scoring.TOO_FEW_REVIEWS: _("too few valid reviews"),
    scoring.BELOW_OVERALL_THRESHOLD: _("below the overall threshold"),
    scoring.BELOW_CRITERION_THRESHOLD: _("below a criterion's threshold"),
}


@dataclass
class RankedRow:
    entry: object  # PanelEntry
    score: scoring.ProposalScore
    provinces: int
    position: int = 0

    @property
    def proposal(self):
        return self.entry.proposal

    @property
    def not_fundable_because(self):
        return [REASON_LABELS[reason] for reason in self.score.reasons]

    @property
    def shown_score(self):
        """The chair's consensus score when recorded, otherwise the reviewers' mean."""
        if self.entry.consensus_score is not None:
            return self.entry.consensus_score
        return self.score.mean


@dataclass(frozen=True)
class RankedProposal:
    """What rankings show and fund of a proposal, read as plain values: building thousands of
    model instances cost more than everything else the funding page does."""

    pk: int
    reference: str | None
    title_zh: str
    title_en: str
    requested_total: Decimal | None
    requested_by_province: dict | None
    review_result: dict | None

    @property
    def title(self):
        return in_reader_language(self.title_zh, self.title_en)


@dataclass(frozen=True)
class RankedEntry:
    pk: int
    position: int | None
    consensus_score: Decimal | None
    consensus_comment: str
    reorder_reason: str
    provinces: int
    proposal: RankedProposal


ENTRY_FIELDS = ("pk", "position", "consensus_score", "consensus_comment", "reorder_reason")
PROPOSAL_FIELDS = tuple(f.name for f in fields(RankedProposal))


def rows_for(panel, entries=None):
    """One row per entry (of the panel, or ``entries``) with its proposal's stored score
    (reviews.workflow keeps it equal to reviews.scoring's aggregate of the submitted reviews)
    and its number of funding provinces."""
    unreviewed = unreviewed_score(panel.call)
    return [
        RankedRow(
            entry=entry, score=stored_score(entry.proposal, unreviewed), provinces=entry.provinces
        )
        for entry in map(_entry, entries if entries is not None else entries_for(panel))
    ]


def entries_for(panel):
    """The panel's entries with what a ranking needs of their proposals, as plain values."""
    return panel.entries.annotate(provinces=_accepted_provinces()).values(
        *ENTRY_FIELDS, "provinces", *(f"proposal__{name}" for name in PROPOSAL_FIELDS)
    )


def _entry(values):
    proposal = RankedProposal(**{name: values[f"proposal__{name}"] for name in PROPOSAL_FIELDS})
    return RankedEntry(
        **{name: values[name] for name in ENTRY_FIELDS},
        provinces=values["provinces"],
        proposal=proposal,
    )


def locked_page(panel, number, per_page):
    """One page of a locked ranking, read in its stored order: only that page's rows load."""
    page = Paginator(entries_for(panel).order_by("position", "pk"), per_page).get_page(number)
    rows = rows_for(panel, page.object_list)
    for row in rows:
        row.position = row.entry.position
    return page, rows


def unreviewed_score(call):
    """reviews.scoring's aggregate of no review under the call's criteria: what a proposal
    scores while none of its reviews is submitted."""
    return scoring.aggregate(
        [], plain_criteria(criteria_for(call)), overall_threshold=call.overall_threshold
    )


def stored_score(proposal, unreviewed):
    """The proposal's stored aggregate, or ``unreviewed`` (the aggregate of no review) while
    none of its reviews is submitted."""
    if proposal.review_result is None:
        return unreviewed
    return scoring.score_from_plain(proposal.review_result)


def _accepted_provinces():
    members = (
        ConsortiumMember.objects.filter(
            proposal=OuterRef("proposal_id"), status=MemberStatus.ACCEPTED
        )
        .order_by()
        .values("proposal")
        .annotate(n=Count("institution__province", distinct=True))
        .values("n")
    )
    return Coalesce(Subquery(members, output_field=IntegerField()), 0)


def computed_rows(panel):
    """Rows in the computed order: the chair's consensus score where recorded, otherwise the
    reviewers' mean, then the tie-breaks of reviews.scoring.rank."""
    rows = {row.proposal.reference or str(row.proposal.pk): row for row in rows_for(panel)}
    order = scoring.rank(
        scoring.RankEntry(
            key=key,
            score=row.shown_score,
            criterion_means=list(row.score.criterion_means.values()),
            provinces=row.provinces,
        )
        for key, row in rows.items()
    )
    return _numbered([rows[entry.key] for entry in order])


def ranked_rows(panel):
    """The locked order once the chair has locked the ranking, the computed one before."""
    if not panel.locked_at:
        return computed_rows(panel)
    return _numbered(sorted(rows_for(panel), key=lambda row: row.entry.position or 0))


def computed_order(panel):
    return [row.proposal.pk for row in computed_rows(panel)]


def _numbered(rows):
    for position, row in enumerate(rows, 1):
        row.position = position
    return rows
