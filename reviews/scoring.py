"""Turn reviewers' scores into one score per proposal, check ratings, and rank proposals.

Pure: plain values in, plain values out. The rules are in DOMAIN.md (Review):

- A review scores each criterion 0-5 in half points, or leaves it "n/a" (``None``). An n/a is
  left out, never counted as 0, and the weights of the criteria that were scored are
  renormalised, so a review [5, n/a] with equal weights scores 5.
- A proposal's score is the mean of its reviews' weighted means; thresholds on that mean and on
  every criterion's mean, plus a minimum number of valid reviews, make it fundable.
- Proposals rank by score, then by the first criterion, then the second, then by the number of
  provinces in the consortium, then by reference, so the order never depends on input order.

Exactness: scores are Decimal in and Decimal out, never float. Renormalising weights and taking
means divide, and a Decimal division rounds at 28 digits; rounded parts can add up to 2.999...9
where the true mean is 3, which would fail a threshold or break a tie that is really a tie.
So sums are kept as exact fractions inside, and each result becomes a Decimal by one division at
the very end (``_decimal``). Rounding to a few places happens only for people to read, in
``display_score``, which templates and exports call.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

MAX_SCORE = Decimal(5)


@dataclass(frozen=True)
class Criterion:
    key: str
    weight: Decimal  # relative: weights need not add up to 1
    threshold: Decimal = Decimal("3")  # the criterion's mean must reach it to be fundable


# Horizon-style: excellence, impact and implementation, plus the cross-province collaboration
# the Decision asks of every consortium (NSFC's "team and conditions" sits there too).
DEFAULT_CRITERIA = (
    Criterion("excellence", Decimal("0.3")),
    Criterion("impact", Decimal("0.3")),
    Criterion("implementation", Decimal("0.2")),
    Criterion("collaboration", Decimal("0.2")),
)

NSFC_MIN_VALID_REVIEWS = 3

# Why a proposal is not fundable (ProposalScore.reasons).
TOO_FEW_REVIEWS = "too_few_reviews"
BELOW_OVERALL_THRESHOLD = "below_overall_threshold"
BELOW_CRITERION_THRESHOLD = "below_criterion_threshold"


@dataclass(frozen=True)
class ProposalScore:
    n_reviews: int  # reviews with at least one score; all-n/a reviews count for nothing
    review_scores: tuple[Decimal, ...]  # each valid review's weighted mean, in input order
    mean: Decimal | None  # None: no valid review
    median: Decimal | None
    spread: Decimal | None  # highest review score minus lowest
    criterion_means: dict[str, Decimal | None]  # in criteria order; None: nobody scored it
    disagreement: bool
    disagreement_on: tuple[str, ...]  # criteria where reviewers differ by the gap or more
    fundable: bool
    reasons: tuple[str, ...]  # why not fundable; empty when fundable
    failed_criteria: tuple[str, ...]  # criteria whose mean is below their threshold


def validate_score(value) -> str | None:
    """The error for one criterion score, or None when it is valid (None itself means n/a)."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        return f"A score must be a Decimal from 0 to 5, not {type(value).__name__}."
    if not Decimal(value).is_finite() or not 0 <= value <= MAX_SCORE:
        return f"A score must be from 0 to 5, not {value}."
    if (value * 2) % 1:
        return f"A score must be a whole or half point, such as 3 or 3.5, not {value}."
    return None


def review_score(
    scores: Mapping[str, Decimal | None], criteria: Sequence[Criterion] = DEFAULT_CRITERIA
) -> Decimal | None:
    """One review's weighted mean over the criteria it scored; None if it scored none."""
    _check_criteria(criteria)
    return _decimal(_weighted_mean(scores, criteria))


def aggregate(
    reviews: Sequence[Mapping[str, Decimal | None]],
    criteria: Sequence[Criterion] = DEFAULT_CRITERIA,
    overall_threshold: Decimal = Decimal("3"),
    disagreement_gap: Decimal = Decimal("2"),
    min_reviews: int = NSFC_MIN_VALID_REVIEWS,
) -> ProposalScore:
    """Everything the panel sees about one proposal's mail reviews.

    A criterion every reviewer marked n/a has no mean and fails no threshold: n/a is never 0.
    """
    _check_aggregate_settings(criteria, overall_threshold, disagreement_gap, min_reviews)
    exact = [_weighted_mean(review, criteria) for review in reviews]
    valid = [score for score in exact if score is not None]
    by_criterion = {
        c.key: [r[c.key] for r in reviews if r.get(c.key) is not None] for c in criteria
    }
    means = {key: _mean(scores) for key, scores in by_criterion.items()}
    disagreeing = tuple(
        key for key, scores in by_criterion.items() if _differ(scores, disagreement_gap)
    )
    failed = tuple(c.key for c in criteria if _below(means[c.key], c.threshold))
    mean = _mean(valid)
    reasons = _reasons(len(valid), min_reviews, mean, overall_threshold, failed)
    return ProposalScore(
        n_reviews=len(valid),
        review_scores=tuple(_decimal(score) for score in valid),
        mean=_decimal(mean),
        median=_decimal(_median(valid)),
        spread=_decimal(max(valid) - min(valid)) if valid else None,
        criterion_means={key: _decimal(value) for key, value in means.items()},
        disagreement=bool(disagreeing),
        disagreement_on=disagreeing,
        fundable=not reasons,
        reasons=reasons,
        failed_criteria=failed,
    )


def display_score(value: Decimal | None, places: int = 2) -> str:
    """The one place a score is rounded: for reading only, never to compare or rank."""
    if value is None:
        return "—"
    return str(value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


# --- keeping a score in the database ------------------------------------------------------------

# The list's score column keeps 12 decimal places: SQLite reads a decimal column back through a
# float (15 significant digits), so 12 places are exact on both databases. Two different means
# of half-point scores under weights of a few decimal places differ by far more than 10**-12,
# and so does a mean from any half-point threshold, so rounding there never reorders two
# proposals nor moves one across a bound. The exact score stays in score_as_plain's JSON.
SORTABLE_PLACES = 12


def sortable_score(value: Decimal | None) -> Decimal | None:
    """The mean as the database column holds it, for filtering and sorting in SQL."""
    if value is None:
        return None
    return value.quantize(Decimal(1).scaleb(-SORTABLE_PLACES), rounding=ROUND_HALF_UP)


def review_values(stored: Mapping[str, str | None]) -> dict[str, Decimal | None]:
    """A review's scores as the database keeps them (strings, "" or None for n/a), as Decimals."""
    return {key: None if value in (None, "") else Decimal(value) for key, value in stored.items()}


def proposal_fields(score: ProposalScore | None) -> dict:
    """What a proposal keeps of its reviews' aggregate: its mean to filter and sort on, the
    number of valid reviews, whether it is fundable (funding reads it for every ranked
    proposal) and the whole exact score; all empty (``None``) while no review is submitted."""
    if score is None:
        return {
            "review_score": None,
            "review_count": 0,
            "review_fundable": None,
            "review_result": None,
        }
    return {
        "review_score": sortable_score(score.mean),
        "review_count": score.n_reviews,
        "review_fundable": score.fundable,
        "review_result": score_as_plain(score),
    }


def score_as_plain(score: ProposalScore) -> dict:
    """The score as JSON, every Decimal as its exact string, so score_from_plain gives it back
    unchanged."""
    return {
        "n_reviews": score.n_reviews,
        "review_scores": [str(value) for value in score.review_scores],
        "mean": _text(score.mean),
        "median": _text(score.median),
        "spread": _text(score.spread),
        # Pairs, not an object: PostgreSQL's jsonb reorders an object's keys, and the ranking's
        # tie-breaks read the criteria in their order.
        "criterion_means": [[key, _text(value)] for key, value in score.criterion_means.items()],
        "disagreement": score.disagreement,
        "disagreement_on": list(score.disagreement_on),
        "fundable": score.fundable,
        "reasons": list(score.reasons),
        "failed_criteria": list(score.failed_criteria),
    }


def score_from_plain(data: Mapping) -> ProposalScore:
    return ProposalScore(
        n_reviews=data["n_reviews"],
        review_scores=tuple(Decimal(value) for value in data["review_scores"]),
        mean=_number(data["mean"]),
        median=_number(data["median"]),
        spread=_number(data["spread"]),
        criterion_means={key: _number(value) for key, value in data["criterion_means"]},
        disagreement=data["disagreement"],
        disagreement_on=tuple(data["disagreement_on"]),
        fundable=data["fundable"],
        reasons=tuple(data["reasons"]),
        failed_criteria=tuple(data["failed_criteria"]),
    )


def _text(value):
    return None if value is None else str(value)


def _number(text):
    return None if text is None else Decimal(text)


# --- exact arithmetic ---------------------------------------------------------------------------


def _weighted_mean(scores, criteria):
    unknown = set(scores) - {c.key for c in criteria}
    if unknown:
        raise ValueError(f"Scores for unknown criteria: {sorted(map(str, unknown))}.")
    scored = [(c.weight, scores[c.key]) for c in criteria if scores.get(c.key) is not None]
    for _, score in scored:
        if error := validate_score(score):
            raise ValueError(error)
    if not scored:
        return None
    total = sum(Fraction(weight) * Fraction(score) for weight, score in scored)
    return total / sum(Fraction(weight) for weight, _ in scored)


def _mean(values):
    if not values:
        return None
    return sum(Fraction(value) for value in values) / len(values)


def _median(values):
    if not values:
        return None
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


def _below(exact, threshold):
    # Nothing scored is not below anything: n/a is never a 0.
    return exact is not None and exact < Fraction(threshold)


def _differ(scores, gap):
    return len(scores) > 1 and max(scores) - min(scores) >= gap


def _decimal(value):
    """An exact fraction as a Decimal, rounded once (to the context's 28 digits)."""
    if value is None:
        return None
    return Decimal(value.numerator) / Decimal(value.denominator)


def _reasons(n_reviews, min_reviews, mean, overall_threshold, failed_criteria):
    reasons = []
    if n_reviews < min_reviews:
        reasons.append(TOO_FEW_REVIEWS)
    if _below(mean, overall_threshold):
        reasons.append(BELOW_OVERALL_THRESHOLD)
    if failed_criteria:
        reasons.append(BELOW_CRITERION_THRESHOLD)
    return tuple(reasons)


# --- NSFC overall rating and funding advice -----------------------------------------------------

EXCELLENT, GOOD, FAIR, POOR = "excellent", "good", "fair", "poor"
PRIORITY, FUNDABLE, NOT_FUNDABLE = "priority", "fundable", "not_fundable"

RATING_ZH = {EXCELLENT: "优", GOOD: "良", FAIR: "中", POOR: "差"}
ADVICE_ZH = {PRIORITY: "优先资助", FUNDABLE: "可资助", NOT_FUNDABLE: "不予资助"}
ADVICE_EN = {PRIORITY: "priority funding", FUNDABLE: "fundable", NOT_FUNDABLE: "not fundable"}

ADVICE_FOR_RATING = {
    EXCELLENT: (PRIORITY,),
    GOOD: (PRIORITY, FUNDABLE),
    FAIR: (NOT_FUNDABLE,),
    POOR: (NOT_FUNDABLE,),
}


def rating_advice_error(rating: str, advice: str) -> tuple[str, str] | None:
    """(message in Chinese, message in English) when the advice contradicts the rating."""
    if rating not in ADVICE_FOR_RATING:
        raise ValueError(f"Unknown overall rating {rating!r}.")
    if advice not in ADVICE_ZH:
        raise ValueError(f"Unknown funding advice {advice!r}.")
    allowed = ADVICE_FOR_RATING[rating]
    if advice in allowed:
        return None
    allowed_zh = "或".join(f"“{ADVICE_ZH[a]}”" for a in allowed)
    allowed_en = " or ".join(f"“{ADVICE_EN[a]}”" for a in allowed)
    return (
        f"综合评价为“{RATING_ZH[rating]}”时，资助意见只能是{allowed_zh}。",
        f"With the overall rating “{rating}”, the funding advice can only be {allowed_en}.",
    )


# --- ranking ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RankEntry:
    key: str  # the proposal reference: the last tie-break, so the order is always the same
    score: Decimal | None
    criterion_means: Sequence[Decimal | None]  # in criteria order
    provinces: int  # funding provinces in the consortium


def rank_entry(key: str, score: ProposalScore, provinces: int) -> RankEntry:
    return RankEntry(key, score.mean, tuple(score.criterion_means.values()), provinces)


def rank(entries: Iterable[RankEntry]) -> list[RankEntry]:
    """Best first: score, first criterion, second criterion, more provinces, then reference."""
    return sorted(entries, key=_rank_key)


def _rank_key(entry):
    first, second = (*entry.criterion_means, None, None)[:2]
    return (
        _descending(entry.score),
        _descending(first),
        _descending(second),
        -entry.provinces,
        entry.key,
    )


def _descending(value):
    # A missing value (no valid review, or n/a from everyone) ranks after every number.
    return (value is None, -value if value is not None else 0)


# --- validation ---------------------------------------------------------------------------------


def _check_criteria(criteria):
    if not criteria:
        raise ValueError("At least one criterion is needed.")
    if len({c.key for c in criteria}) != len(criteria):
        raise ValueError("Criterion keys must be unique.")
    for c in criteria:
        if not isinstance(c.weight, Decimal | int) or not c.weight > 0:
            raise ValueError(f"Weight of {c.key!r} must be a positive Decimal, not {c.weight!r}.")
        _check_threshold(c.threshold, f"threshold of {c.key!r}")


def _check_aggregate_settings(criteria, overall_threshold, disagreement_gap, min_reviews):
    _check_criteria(criteria)
    _check_threshold(overall_threshold, "overall threshold")
    if not isinstance(disagreement_gap, Decimal | int) or not disagreement_gap > 0:
        raise ValueError(f"Disagreement gap must be a positive Decimal, not {disagreement_gap!r}.")
    if isinstance(min_reviews, bool) or not isinstance(min_reviews, int) or min_reviews < 1:
        raise ValueError(f"Minimum number of reviews must be at least 1, not {min_reviews!r}.")


def _check_threshold(value, what):
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise ValueError(f"The {what} must be a Decimal, not {value!r}.")
    if not Decimal(value).is_finite() or not 0 <= value <= MAX_SCORE:
        raise ValueError(f"The {what} must be from 0 to 5, not {value}.")
