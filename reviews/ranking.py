"""A panel's ranking: aggregate each proposal's submitted reviews and order them with the
fund's tie-break rules. Reads the database; the arithmetic lives in reviews.scoring."""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from grants.models import MemberStatus

from . import scoring
from .models import Review

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


def _scores(review):
    return {
        key: (Decimal(value) if value not in (None, "") else None)
        for key, value in review.scores.items()
    }


def rows_for(panel):
    from .workflow import criteria_for, plain_criteria

    criteria = plain_criteria(criteria_for(panel.call))
    entries = list(
        panel.entries.select_related("proposal").prefetch_related("proposal__members__institution")
    )
    reviews = {}
    for review in Review.objects.filter(
        assignment__proposal__in=[e.proposal_id for e in entries], submitted_at__isnull=False
    ).select_related("assignment"):
        reviews.setdefault(review.assignment.proposal_id, []).append(_scores(review))
    rows = []
    for entry in entries:
        provinces = {
            m.institution.province_id
            for m in entry.proposal.members.all()
            if m.status == MemberStatus.ACCEPTED
        }
        score = scoring.aggregate(
            reviews.get(entry.proposal_id, []),
            criteria,
            overall_threshold=panel.call.overall_threshold,
        )
        rows.append(RankedRow(entry=entry, score=score, provinces=len(provinces)))
    return rows


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
