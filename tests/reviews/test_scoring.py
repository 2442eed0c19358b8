from dataclasses import replace
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reviews.scoring import (
    BELOW_CRITERION_THRESHOLD,
    BELOW_OVERALL_THRESHOLD,
    DEFAULT_CRITERIA,
    EXCELLENT,
    FAIR,
    FUNDABLE,
    GOOD,
    NOT_FUNDABLE,
    POOR,
    PRIORITY,
    TOO_FEW_REVIEWS,
    Criterion,
    RankEntry,
    aggregate,
    display_score,
    rank,
    rank_entry,
    rating_advice_error,
    review_score,
    validate_score,
)

D = Decimal
NA = None
EQUAL = (Criterion("a", D(1)), Criterion("b", D(1)))
SINGLE = (Criterion("a", D(1)),)
NO_CRITERION_THRESHOLD = (Criterion("a", D(1), D(0)), Criterion("b", D(1), D(0)))


def reviews_of(criteria, *rows):
    """Reviews written as rows of scores in criteria order; strings become Decimals."""
    keys = [c.key for c in criteria]
    return [
        {k: None if v is None else D(v) for k, v in zip(keys, row, strict=True)} for row in rows
    ]


# --- one score ----------------------------------------------------------------------------------

VALID_SCORES = [
    pytest.param(D(0), id="zero"),
    pytest.param(D(5), id="five"),
    pytest.param(D("2.5"), id="half-point"),
    pytest.param(D("3.0"), id="trailing-zero"),
    pytest.param(4, id="int"),
    pytest.param(None, id="n/a"),
]

INVALID_SCORES = [
    pytest.param(D("-0.5"), "from 0 to 5", id="negative"),
    pytest.param(D("5.5"), "from 0 to 5", id="above-five"),
    pytest.param(D("3.25"), "whole or half point", id="quarter-point"),
    pytest.param(D("NaN"), "from 0 to 5", id="nan"),
    pytest.param(3.0, "Decimal", id="float"),
    pytest.param("3", "Decimal", id="string"),
    pytest.param(True, "Decimal", id="bool"),
]


@pytest.mark.parametrize("value", VALID_SCORES)
def test_validate_score_accepts(value):
    assert validate_score(value) is None


@pytest.mark.parametrize("value, message", INVALID_SCORES)
def test_validate_score_refuses(value, message):
    assert message in validate_score(value)


# --- one review ---------------------------------------------------------------------------------

REVIEW_CASES = [
    pytest.param(
        {"excellence": D(5), "impact": D(4), "implementation": D(3), "collaboration": D(2)},
        DEFAULT_CRITERIA,
        D("3.7"),
        id="weighted-mean-of-default-criteria",
    ),
    pytest.param({"a": D(5), "b": NA}, EQUAL, D(5), id="n/a-never-counts-as-zero"),
    pytest.param(
        {"excellence": D(4), "impact": NA, "implementation": D(3), "collaboration": NA},
        DEFAULT_CRITERIA,
        D("3.6"),
        id="n/a-renormalises-the-remaining-weights",
    ),
    pytest.param({"a": D(4)}, EQUAL, D(4), id="missing-criterion-is-n/a"),
    pytest.param({"a": NA, "b": NA}, EQUAL, None, id="all-n/a-has-no-score"),
    pytest.param({}, EQUAL, None, id="empty-review-has-no-score"),
    pytest.param(
        {"a": D(5), "b": D(2)},
        (Criterion("a", D(2)), Criterion("b", D(1))),
        D(4),
        id="weights-need-not-add-up-to-one",
    ),
    pytest.param(
        {"a": D(5), "b": D(5), "c": D(4)},
        (*EQUAL, Criterion("c", D(1))),
        D(14) / D(3),
        id="thirds-rounded-once-at-28-digits",
    ),
]


@pytest.mark.parametrize("scores, criteria, expected", REVIEW_CASES)
def test_review_score(scores, criteria, expected):
    assert review_score(scores, criteria) == expected


# --- one proposal: mean, median, spread ---------------------------------------------------------

STATISTICS_CASES = [
    pytest.param(["4", "3", "5"], 3, D(4), D(4), D(2), id="odd-count"),
    pytest.param(["3", "4", "4.5", "5"], 4, D("4.125"), D("4.25"), D(2), id="median-of-even-count"),
    pytest.param(["3.5"], 1, D("3.5"), D("3.5"), D(0), id="single-review"),
    pytest.param(["4", NA, "2"], 2, D(3), D(3), D(2), id="all-n/a-review-left-out"),
    pytest.param([], 0, None, None, None, id="no-reviews"),
]


@pytest.mark.parametrize("scores, n_reviews, mean, median, spread", STATISTICS_CASES)
def test_aggregate_statistics(scores, n_reviews, mean, median, spread):
    result = aggregate(reviews_of(SINGLE, *[[score] for score in scores]), SINGLE)

    assert (result.n_reviews, result.mean, result.median, result.spread) == (
        n_reviews,
        mean,
        median,
        spread,
    )


def test_aggregate_mean_is_the_mean_of_review_scores():
    result = aggregate(reviews_of(EQUAL, ["5", NA], ["2", "3"], ["4", "4"]), EQUAL)

    assert result.review_scores == (D(5), D("2.5"), D(4))
    assert result.mean == D("11.5") / D(3)


def test_criterion_means_ignore_n_a():
    reviews = reviews_of(EQUAL, ["4", NA], ["3", "2"], [NA, NA])

    result = aggregate(reviews, EQUAL)

    assert result.criterion_means == {"a": D("3.5"), "b": D(2)}
    assert result.n_reviews == 2


def test_criterion_nobody_scored_has_no_mean_and_fails_nothing():
    result = aggregate(reviews_of(EQUAL, ["4", NA], ["4", NA], ["4", NA]), EQUAL)

    assert result.criterion_means == {"a": D(4), "b": None}
    assert (result.fundable, result.failed_criteria) == (True, ())


def test_mean_exactly_at_threshold_is_not_lost_to_rounding():
    # Four reviews whose n/a renormalise over 0.7 and 0.8: the true mean is exactly 3, and
    # dividing review by review in Decimal would give 2.999999999999999999999999998.
    criteria = tuple(replace(c, threshold=D(0)) for c in DEFAULT_CRITERIA)
    reviews = reviews_of(
        criteria,
        ["3", NA, "5", "3"],
        ["4.5", "0.5", NA, "4.5"],
        [NA, "5", "1", "4.5"],
        ["2", NA, "0.5", "2.5"],
    )

    result = aggregate(reviews, criteria)

    assert result.mean == D(3)
    assert result.fundable


# --- disagreement -------------------------------------------------------------------------------

DISAGREEMENT_CASES = [
    pytest.param([["3", "4"], ["5", "4"]], D(2), ("a",), id="exactly-two-points-apart"),
    pytest.param([["3", "4"], ["4.5", "4"]], D(2), (), id="one-and-a-half-points-apart"),
    pytest.param([["1", "1"], ["3", "3"]], D(2), ("a", "b"), id="every-criterion-named"),
    pytest.param([["3", NA], ["4", "5"], ["4", "0"]], D(2), ("b",), id="n/a-not-compared"),
    pytest.param([["5", "5"]], D(2), (), id="single-review-never-disagrees"),
    pytest.param([["3", "4"], ["4.5", "4"]], D("1.5"), ("a",), id="gap-is-configurable"),
]


@pytest.mark.parametrize("rows, gap, disagreeing", DISAGREEMENT_CASES)
def test_disagreement_flag(rows, gap, disagreeing):
    result = aggregate(reviews_of(EQUAL, *rows), EQUAL, disagreement_gap=gap)

    assert (result.disagreement, result.disagreement_on) == (bool(disagreeing), disagreeing)


# --- fundable -----------------------------------------------------------------------------------

FUNDABLE_CASES = [
    pytest.param(EQUAL, [["4", "4"]] * 3, {}, (), (), id="every-threshold-met"),
    pytest.param(EQUAL, [["3", "3"]] * 3, {}, (), (), id="exactly-at-thresholds-is-fundable"),
    pytest.param(
        NO_CRITERION_THRESHOLD,
        [["2.5", "3"]] * 3,
        {},
        (BELOW_OVERALL_THRESHOLD,),
        (),
        id="below-overall-threshold",
    ),
    pytest.param(
        EQUAL,
        [["4", "4"], ["3", "4"]] * 2,
        {"overall_threshold": D("3.8")},
        (BELOW_OVERALL_THRESHOLD,),
        (),
        id="overall-threshold-is-configurable",
    ),
    pytest.param(
        EQUAL,
        [["5", "2.5"]] * 3,
        {},
        (BELOW_CRITERION_THRESHOLD,),
        ("b",),
        id="one-criterion-below-its-threshold",
    ),
    pytest.param(
        (Criterion("a", D(1)), Criterion("b", D(1), D(2))),
        [["5", "2.5"]] * 3,
        {},
        (),
        (),
        id="threshold-per-criterion",
    ),
    pytest.param(EQUAL, [["4", "4"]] * 2, {}, (TOO_FEW_REVIEWS,), (), id="too-few-valid-reviews"),
    pytest.param(
        EQUAL,
        [["4", "4"], ["4", "4"], [NA, NA]],
        {},
        (TOO_FEW_REVIEWS,),
        (),
        id="all-n/a-review-is-not-a-valid-review",
    ),
    pytest.param(EQUAL, [["4", "4"]] * 2, {"min_reviews": 2}, (), (), id="minimum-is-configurable"),
    pytest.param(
        EQUAL,
        [["2", "1"]],
        {},
        (TOO_FEW_REVIEWS, BELOW_OVERALL_THRESHOLD, BELOW_CRITERION_THRESHOLD),
        ("a", "b"),
        id="every-reason-given",
    ),
    pytest.param(EQUAL, [], {}, (TOO_FEW_REVIEWS,), (), id="no-reviews"),
]


@pytest.mark.parametrize("criteria, rows, options, reasons, failed", FUNDABLE_CASES)
def test_fundable(criteria, rows, options, reasons, failed):
    result = aggregate(reviews_of(criteria, *rows), criteria, **options)

    assert (result.fundable, result.reasons, result.failed_criteria) == (
        not reasons,
        reasons,
        failed,
    )


# --- invalid input ------------------------------------------------------------------------------

INVALID_AGGREGATES = [
    pytest.param([{"a": D(4), "z": D(4)}], EQUAL, {}, "unknown criteria", id="unknown-criterion"),
    pytest.param([{"a": D("4.2")}], EQUAL, {}, "half point", id="invalid-score"),
    pytest.param([{"a": 4.0}], EQUAL, {}, "Decimal", id="float-score"),
    pytest.param([], (), {}, "At least one criterion", id="no-criteria"),
    pytest.param([], (*EQUAL, Criterion("a", D(1))), {}, "unique", id="duplicate-criterion"),
    pytest.param([], (Criterion("a", D(0)),), {}, "positive", id="zero-weight"),
    pytest.param([], (Criterion("a", D(1), D(6)),), {}, "from 0 to 5", id="threshold-above-5"),
    pytest.param([], EQUAL, {"overall_threshold": D(-1)}, "from 0 to 5", id="overall-negative"),
    pytest.param([], EQUAL, {"disagreement_gap": D(0)}, "positive", id="zero-gap"),
    pytest.param([], EQUAL, {"min_reviews": 0}, "at least 1", id="min-reviews-zero"),
]


@pytest.mark.parametrize("reviews, criteria, options, message", INVALID_AGGREGATES)
def test_aggregate_refuses_invalid_input(reviews, criteria, options, message):
    with pytest.raises(ValueError, match=message):
        aggregate(reviews, criteria, **options)


# --- display ------------------------------------------------------------------------------------

DISPLAY_CASES = [
    pytest.param(D("4.125"), 2, "4.13", id="half-up"),
    pytest.param(D(14) / D(3), 2, "4.67", id="thirds"),
    pytest.param(D(4), 1, "4.0", id="one-place"),
    pytest.param(None, 2, "—", id="no-score"),
]


@pytest.mark.parametrize("value, places, expected", DISPLAY_CASES)
def test_display_score(value, places, expected):
    assert display_score(value, places) == expected


# --- NSFC overall rating and funding advice -----------------------------------------------------

RATING_ADVICE_CASES = [
    pytest.param(EXCELLENT, PRIORITY, True, id="excellent-priority"),
    pytest.param(EXCELLENT, FUNDABLE, False, id="excellent-fundable"),
    pytest.param(EXCELLENT, NOT_FUNDABLE, False, id="excellent-not-fundable"),
    pytest.param(GOOD, PRIORITY, True, id="good-priority"),
    pytest.param(GOOD, FUNDABLE, True, id="good-fundable"),
    pytest.param(GOOD, NOT_FUNDABLE, False, id="good-not-fundable"),
    pytest.param(FAIR, PRIORITY, False, id="fair-priority"),
    pytest.param(FAIR, FUNDABLE, False, id="fair-fundable"),
    pytest.param(FAIR, NOT_FUNDABLE, True, id="fair-not-fundable"),
    pytest.param(POOR, PRIORITY, False, id="poor-priority"),
    pytest.param(POOR, FUNDABLE, False, id="poor-fundable"),
    pytest.param(POOR, NOT_FUNDABLE, True, id="poor-not-fundable"),
]


@pytest.mark.parametrize("rating, advice, agrees", RATING_ADVICE_CASES)
def test_rating_and_advice_must_agree(rating, advice, agrees):
    assert (rating_advice_error(rating, advice) is None) == agrees


def test_rating_advice_error_says_what_is_allowed_in_both_languages():
    assert rating_advice_error(GOOD, NOT_FUNDABLE) == (
        "综合评价为“良”时，资助意见只能是“优先资助”或“可资助”。",
        "With the overall rating “good”, the funding advice can only be “priority funding” or "
        "“fundable”.",
    )


@pytest.mark.parametrize(
    "rating, advice", [("great", PRIORITY), (GOOD, "maybe")], ids=["rating", "advice"]
)
def test_rating_advice_refuses_unknown_values(rating, advice):
    with pytest.raises(ValueError, match="Unknown"):
        rating_advice_error(rating, advice)


# --- ranking ------------------------------------------------------------------------------------


def entry(key, score, first="3", second="3", provinces=2):
    means = tuple(None if m is None else D(m) for m in (first, second))
    return RankEntry(key, None if score is None else D(score), means, provinces)


RANK_CASES = [
    pytest.param([entry("A", "4.0"), entry("B", "4.5")], ["B", "A"], id="higher-score-first"),
    pytest.param(
        [entry("A", "4", first="4"), entry("B", "4", first="4.5")],
        ["B", "A"],
        id="tie-then-first-criterion",
    ),
    pytest.param(
        [entry("A", "4", second="3.5"), entry("B", "4", second="4")],
        ["B", "A"],
        id="tie-then-second-criterion",
    ),
    pytest.param(
        [entry("A", "4", provinces=2), entry("B", "4", provinces=3)],
        ["B", "A"],
        id="tie-then-more-provinces",
    ),
    pytest.param(
        [entry("P-002", "4"), entry("P-001", "4")], ["P-001", "P-002"], id="tie-then-reference"
    ),
    pytest.param(
        [entry("A", "4", first="3", provinces=4), entry("B", "4", first="3.5", provinces=2)],
        ["B", "A"],
        id="criterion-before-provinces",
    ),
    pytest.param(
        [entry("A", "4.5", first="2"), entry("B", "4", first="5")],
        ["A", "B"],
        id="score-before-criterion",
    ),
    pytest.param([entry("A", None), entry("B", "0")], ["B", "A"], id="no-score-ranks-last"),
    pytest.param(
        [entry("A", "4", first=None), entry("B", "4", first="0")],
        ["B", "A"],
        id="criterion-nobody-scored-ranks-after-a-number",
    ),
]


@pytest.mark.parametrize("entries, order", RANK_CASES)
def test_rank_tie_breaks(entries, order):
    assert [e.key for e in rank(entries)] == order


# Every tie-break in play at once: D on score, C on the first criterion, B on provinces,
# A before E on reference, F without a score last.
MIXED_FIELD = [
    entry("A", "4", first="4"),
    entry("B", "4", first="4", provinces=3),
    entry("C", "4", first="4.5"),
    entry("D", "4.5", first="1"),
    entry("E", "4", first="4"),
    entry("F", None, first="5", provinces=4),
]


@given(st.permutations(MIXED_FIELD))
def test_rank_does_not_depend_on_input_order(entries):
    assert [e.key for e in rank(entries)] == ["D", "C", "B", "A", "E", "F"]


def test_rank_entry_from_aggregate():
    result = aggregate(reviews_of(EQUAL, ["4", "3"], ["5", "3"], ["4.5", "3"]), EQUAL)

    assert rank_entry("P-001", result, 3) == RankEntry("P-001", D("3.75"), (D("4.5"), D(3)), 3)
