import random
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from grants.core.money import to_fen
from grants.funding.simulation import (
    MIXED,
    MODELS,
    REAL,
    VIRTUAL,
    Request,
    merged_ranking,
    not_funded_reason,
    simulate,
)

SH, JS, ZJ, AH = "310000", "320000", "330000", "340000"
BJ = "110000"  # Beijing: may appear in a consortium, puts no money into the fund
FUNDERS = (SH, JS, ZJ, AH)


def yuan(amounts):
    return {province: Decimal(amount) for province, amount in amounts.items()}


def req(key, amounts, fundable=True):
    return Request(key, f"Proposal {key}", yuan(amounts), fundable)


def funded_keys(outcome):
    return [award.proposal for award in outcome.funded]


def skips(outcome):
    return [(skip.proposal, skip.province, skip.shortfall) for skip in outcome.skipped]


# --- virtual common pot: each province pays its own institutions -------------------------------

VIRTUAL_CASES = [
    pytest.param(
        [req("P1", {SH: "400000", AH: "300000"}), req("P2", {SH: "500000", AH: "200000"})],
        {SH: "1000000", AH: "1000000"},
        ["P1", "P2"],
        [],
        {SH: "100000", AH: "500000"},
        id="each-province-pays-its-own-share",
    ),
    pytest.param(
        [
            req("P1", {SH: "300000", AH: "600000"}),
            req("P2", {SH: "200000", AH: "500000"}),
            req("P3", {SH: "200000", AH: "300000"}),
        ],
        {SH: "2000000", AH: "1000000"},
        ["P1", "P3"],
        [("P2", AH, Decimal("100000"))],
        {SH: "1500000", AH: "100000"},
        id="skip-rule-big-one-skipped-for-anhui-next-smaller-funded",
    ),
    pytest.param(
        [req("P1", {ZJ: "150000", AH: "250000"})],
        {ZJ: "100000", AH: "100000"},
        [],
        [("P1", ZJ, Decimal("50000"))],
        {ZJ: "100000", AH: "100000"},
        id="first-short-province-in-code-order-is-named",
    ),
    pytest.param(
        [req("P1", {SH: "100000", BJ: "50000"}), req("P2", {SH: "100000"})],
        {SH: "1000000"},
        ["P2"],
        [("P1", BJ, Decimal("50000"))],
        {SH: "900000"},
        id="province-with-no-pool-at-all",
    ),
    pytest.param(
        [req("P1", {SH: "100000", AH: "0.01"}), req("P2", {SH: "100000", AH: "0"})],
        {SH: "1000000", AH: "0"},
        ["P2"],
        [("P1", AH, Decimal("0.01"))],
        {SH: "900000", AH: "0"},
        id="empty-pool-pays-nothing-but-a-zero-share-needs-nothing",
    ),
    pytest.param(
        [req("P1", {AH: "500000.00"}), req("P2", {AH: "0.01"})],
        {AH: "500000.00"},
        ["P1"],
        [("P2", AH, Decimal("0.01"))],
        {AH: "0"},
        id="exact-fit-empties-the-pool",
    ),
    pytest.param([], {SH: "1000000"}, [], [], {SH: "1000000"}, id="empty-ranking"),
]


@pytest.mark.parametrize("ranking, pools, funded, skipped, pools_after", VIRTUAL_CASES)
def test_virtual_pot_funds_down_the_ranking(ranking, pools, funded, skipped, pools_after):
    outcome = simulate(ranking, yuan(pools))

    assert funded_keys(outcome) == funded
    assert skips(outcome) == skipped
    assert outcome.reserve == [key for key, _, _ in skipped]
    assert outcome.pools_after == yuan(pools_after)


def test_virtual_award_charges_exactly_the_request():
    outcome = simulate([req("P1", {SH: "400000", AH: "300000"})], yuan({SH: "1e6", AH: "1e6"}))

    (award,) = outcome.funded
    assert (award.rank, award.total) == (1, Decimal("700000"))
    assert award.amounts == award.requested == yuan({SH: "400000", AH: "300000"})
    assert award.from_balancing == {}


def test_skip_lists_every_short_province():
    outcome = simulate([req("P1", {ZJ: "150000", AH: "250000"})], yuan({ZJ: "1e5", AH: "1e5"}))

    assert outcome.skipped[0].shortfalls == yuan({ZJ: "50000", AH: "150000"})


# --- real common pot: the best proposals first, whatever their provinces -----------------------

REAL_CASES = [
    pytest.param(
        [req("P1", {AH: "800000"})],
        {SH: "1000000", AH: "100000"},
        [("P1", {SH: "727272.73", AH: "72727.27"})],
        [],
        {SH: "272727.27", AH: "27272.73"},
        id="common-pot-pays-beyond-the-own-province-charged-by-remaining-pools",
    ),
    pytest.param(
        [
            req("P1", {SH: "500000", AH: "300000"}),
            req("P2", {AH: "300000"}),
            req("P3", {SH: "150000"}),
        ],
        {SH: "600000", AH: "400000"},
        [("P1", {SH: "480000", AH: "320000"}), ("P3", {SH: "90000", AH: "60000"})],
        [("P2", None, Decimal("100000"))],
        {SH: "30000", AH: "20000"},
        id="skip-rule-common-pot-short-cheaper-one-funded",
    ),
    pytest.param(
        [req("P1", {SH: "0.01"}), req("P2", {JS: "0.02"})],
        {SH: "0.02", JS: "0.01"},
        [("P1", {SH: "0.01", JS: "0"}), ("P2", {SH: "0.01", JS: "0.01"})],
        [],
        {SH: "0", JS: "0"},
        id="last-fen-spent-without-overdrawing-a-pool",
    ),
    pytest.param(
        [req("P1", {BJ: "100000"})],
        {SH: "100000", AH: "0"},
        [("P1", {SH: "100000", AH: "0"})],
        [],
        {SH: "0", AH: "0"},
        id="province-with-no-pool-paid-from-the-common-pot",
    ),
]


@pytest.mark.parametrize("ranking, pools, funded, skipped, pools_after", REAL_CASES)
def test_real_pot_funds_down_the_ranking(ranking, pools, funded, skipped, pools_after):
    outcome = simulate(ranking, yuan(pools), model=REAL)

    assert [(award.proposal, award.amounts) for award in outcome.funded] == [
        (key, yuan(amounts)) for key, amounts in funded
    ]
    assert skips(outcome) == skipped
    assert outcome.pools_after == yuan(pools_after)


def test_real_skip_names_the_common_pot_not_a_province():
    outcome = simulate([req("P1", {AH: "2"})], yuan({SH: "1"}), model=REAL)

    skip = outcome.skipped[0]
    assert (skip.province, skip.shortfall, skip.shortfalls) == (None, Decimal("1"), {})


# --- mixed: provincial pots plus a balancing pot ------------------------------------------------

MIXED_CASES = [
    pytest.param(
        [req("P1", {AH: "600000"})],
        {SH: "1000000", AH: "500000"},
        Decimal("0.20"),
        [("P1", {AH: "400000"}, {AH: "200000"})],
        [],
        {SH: "800000", AH: "0"},
        Decimal("100000"),
        id="balancing-pot-covers-a-gap",
    ),
    pytest.param(
        [
            req("P1", {AH: "600000"}),
            req("P2", {AH: "150000"}),
            req("P3", {AH: "100000"}),
            req("P4", {SH: "100000"}),
        ],
        {SH: "1000000", AH: "500000"},
        Decimal("0.20"),
        [
            ("P1", {AH: "400000"}, {AH: "200000"}),
            ("P3", {AH: "0"}, {AH: "100000"}),
            ("P4", {SH: "100000"}, {}),
        ],
        [("P2", AH, Decimal("50000"))],
        {SH: "700000", AH: "0"},
        Decimal("0"),
        id="balancing-pot-runs-dry",
    ),
    pytest.param(
        [
            req("P1", {ZJ: "100000", AH: "120000"}),
            req("P2", {ZJ: "10000", AH: "30000"}),
            req("P3", {SH: "80000"}),
        ],
        {SH: "100000", ZJ: "100000", AH: "100000"},
        Decimal("0.5"),
        [
            ("P1", {ZJ: "50000", AH: "50000"}, {ZJ: "50000", AH: "70000"}),
            ("P3", {SH: "50000"}, {SH: "30000"}),
        ],
        [("P2", AH, Decimal("10000"))],
        {SH: "0", ZJ: "0", AH: "0"},
        Decimal("0"),
        id="gaps-covered-together-or-not-at-all",
    ),
    pytest.param(
        [req("P1", {SH: "100000", BJ: "10000"})],
        {SH: "1000000"},
        Decimal("0.20"),
        [],
        [("P1", BJ, Decimal("10000"))],
        {SH: "800000"},
        Decimal("200000"),
        id="province-with-no-pool-draws-nothing-from-the-balancing-pot",
    ),
    pytest.param(
        [req("P1", {AH: "100000"})],
        {SH: "1000000", AH: "500000"},
        Decimal("0"),
        [("P1", {AH: "100000"}, {})],
        [],
        {SH: "1000000", AH: "400000"},
        Decimal("0"),
        id="zero-share-behaves-like-the-virtual-pot",
    ),
]


@pytest.mark.parametrize(
    "ranking, pools, share, funded, skipped, pools_after, balancing_after", MIXED_CASES
)
def test_mixed_pots_fund_down_the_ranking(
    ranking, pools, share, funded, skipped, pools_after, balancing_after
):
    outcome = simulate(ranking, yuan(pools), model=MIXED, balancing_share=share)

    assert [(a.proposal, a.amounts, a.from_balancing) for a in outcome.funded] == [
        (key, yuan(own), yuan(balancing)) for key, own, balancing in funded
    ]
    assert skips(outcome) == skipped
    assert outcome.pools_after == yuan(pools_after)
    assert outcome.balancing_after == balancing_after


def test_mixed_balancing_pot_takes_the_share_of_every_pool():
    outcome = simulate([], yuan({SH: "1000000", AH: "333.33"}), MIXED, Decimal("0.20"))

    assert outcome.balancing_in == yuan({SH: "200000", AH: "66.67"})
    assert outcome.pools_after == yuan({SH: "800000", AH: "266.66"})
    assert outcome.balancing_after == Decimal("200066.67")


# --- below threshold, reserve -------------------------------------------------------------------


@pytest.mark.parametrize("model", MODELS)
def test_below_threshold_is_neither_funded_nor_reserve(model):
    ranking = [
        req("P1", {SH: "100"}, fundable=False),
        req("P2", {SH: "100"}),
        req("P3", {SH: "901"}),
        req("P4", {SH: "100"}, fundable=False),
    ]

    outcome = simulate(ranking, yuan({SH: "1000"}), model=model)

    assert funded_keys(outcome) == ["P2"]
    assert outcome.reserve == ["P3"]
    assert outcome.below_threshold == ["P1", "P4"]
    assert outcome.pools_after == yuan({SH: "900"})


def test_reserve_keeps_ranking_order():
    ranking = [req(key, {AH: "600"}) for key in ("P1", "P2", "P3", "P4")]

    outcome = simulate(ranking, yuan({AH: "1000"}))

    assert outcome.reserve == ["P2", "P3", "P4"]
    assert [skip.rank for skip in outcome.skipped] == [2, 3, 4]


# --- cuts ---------------------------------------------------------------------------------------

CUT_CASES = [
    pytest.param(
        {SH: "333333.33", AH: "666666.67"},
        Decimal("10"),
        {SH: "300000.00", AH: "600000.00"},
        id="ten-percent-split-to-the-fen",
    ),
    pytest.param(
        {SH: "100.01", AH: "100.00"},
        Decimal("33"),
        {SH: "67.01", AH: "67.00"},
        id="total-rounded-once-half-up",
    ),
    pytest.param(
        {SH: "0.01", JS: "0.01", AH: "0.01"},
        Decimal("50"),
        {SH: "0.01", JS: "0.01", AH: "0.00"},
        id="leftover-fen-by-largest-remainder-then-code-order",
    ),
    pytest.param(
        {SH: "1000", JS: "1000", AH: "1000"},
        Decimal("12.5"),
        {SH: "875", JS: "875", AH: "875"},
        id="fractional-percentage",
    ),
    pytest.param({SH: "100", AH: "200"}, Decimal("0"), {SH: "100", AH: "200"}, id="no-cut"),
    pytest.param({SH: "100", AH: "200"}, Decimal("100"), {SH: "0", AH: "0"}, id="full-cut"),
]


@pytest.mark.parametrize("amounts, cut, expected", CUT_CASES)
def test_cut_reduces_each_province_in_proportion(amounts, cut, expected):
    pools = {province: Decimal("1e7") for province in amounts}

    outcome = simulate([req("P1", amounts)], pools, cuts={"P1": cut})

    (award,) = outcome.funded
    assert award.requested == award.amounts == yuan(expected)
    total = sum(yuan(amounts).values())
    assert award.total == to_fen(total * (100 - cut) / 100)
    assert award.cut == cut


def test_cut_can_bring_a_proposal_within_the_pool():
    ranking = [req("P1", {AH: "1000000"})]
    pools = yuan({AH: "900000"})

    assert funded_keys(simulate(ranking, pools)) == []
    assert funded_keys(simulate(ranking, pools, cuts={"P1": Decimal("10")})) == ["P1"]


# --- validation ---------------------------------------------------------------------------------

INVALID_CASES = [
    pytest.param({"ranking": [req("P1", {SH: "-1"})]}, "negative", id="negative-request"),
    pytest.param({"pools": {SH: Decimal("-0.01")}}, "negative", id="negative-pool"),
    pytest.param({"pools": {SH: Decimal("0.001")}}, "whole number of fen", id="sub-fen-pool"),
    pytest.param({"pools": {SH: 1000.0}}, "must be a Decimal", id="float-pool"),
    pytest.param({"cuts": {"P1": Decimal("-1")}}, "between 0 and 100", id="negative-cut"),
    pytest.param({"cuts": {"P1": Decimal("100.5")}}, "between 0 and 100", id="cut-above-100"),
    pytest.param({"cuts": {"P9": Decimal("10")}}, "not in the ranking", id="cut-unknown-proposal"),
    pytest.param({"model": "shared"}, "Unknown funding model", id="unknown-model"),
    pytest.param(
        {"model": MIXED, "balancing_share": Decimal("1.5")}, "between 0 and 1", id="share-above-1"
    ),
    pytest.param(
        {"balancing_share": Decimal("0.2")}, "only applies to the 'mixed'", id="share-not-mixed"
    ),
    pytest.param(
        {"ranking": [req("P1", {SH: "1"}), req("P1", {SH: "2"})]}, "more than once", id="duplicate"
    ),
]


@pytest.mark.parametrize("changes, message", INVALID_CASES)
def test_invalid_input_is_refused(changes, message):
    arguments = {"ranking": [req("P1", {SH: "100"})], "pools": yuan({SH: "1000"}), **changes}

    with pytest.raises(ValueError, match=message):
        simulate(**arguments)


# --- properties ---------------------------------------------------------------------------------


def fen_amounts(max_yuan):
    return st.integers(0, max_yuan * 100).map(lambda fen: Decimal(fen).scaleb(-2))


@st.composite
def scenarios(draw):
    pools = draw(st.dictionaries(st.sampled_from(FUNDERS), fen_amounts(10_000_000)))
    amounts = st.dictionaries(st.sampled_from((*FUNDERS, BJ)), fen_amounts(3_000_000), max_size=4)
    n = draw(st.integers(0, 25))
    ranking = [Request(i, f"P{i}", draw(amounts), draw(st.booleans())) for i in range(n)]
    percentages = st.decimals(0, 100, places=2)
    cuts = draw(st.dictionaries(st.integers(0, n - 1), percentages)) if n else {}
    model = draw(st.sampled_from(MODELS))
    share = draw(st.decimals(0, 1, places=2)) if model == MIXED else Decimal(0)
    return {
        "ranking": ranking,
        "pools": pools,
        "model": model,
        "balancing_share": share,
        "cuts": cuts,
    }


@given(scenarios())
def test_no_pool_ever_goes_negative(scenario):
    outcome = simulate(**scenario)

    assert all(amount >= 0 for amount in outcome.pools_after.values())
    assert outcome.balancing_after >= 0


@given(scenarios())
def test_money_is_conserved_to_the_fen_per_province(scenario):
    outcome = simulate(**scenario)

    for province, initial in scenario["pools"].items():
        charged = sum(award.amounts.get(province, 0) for award in outcome.funded)
        balancing_in = outcome.balancing_in.get(province, 0)
        assert charged + outcome.pools_after[province] + balancing_in == initial
    from_balancing = sum(sum(award.from_balancing.values()) for award in outcome.funded)
    assert from_balancing + outcome.balancing_after == sum(outcome.balancing_in.values())


@given(scenarios())
def test_every_award_adds_up_to_its_cut_request(scenario):
    outcome = simulate(**scenario)

    originals = {request.proposal: request.amounts for request in scenario["ranking"]}
    for award in outcome.funded:
        paid = sum(award.amounts.values()) + sum(award.from_balancing.values())
        assert paid == award.total == sum(award.requested.values())
        original = sum(originals[award.proposal].values())
        assert award.total == to_fen(original * (100 - award.cut) / 100)


@given(scenarios())
def test_every_proposal_is_funded_skipped_or_below_threshold_once(scenario):
    outcome = simulate(**scenario)

    ranks = [award.rank for award in outcome.funded] + [skip.rank for skip in outcome.skipped]
    below = [request.proposal for request in scenario["ranking"] if not request.fundable]
    everything = funded_keys(outcome) + outcome.reserve + outcome.below_threshold
    assert sorted(everything) == [request.proposal for request in scenario["ranking"]]
    assert outcome.below_threshold == below
    assert sorted(ranks) == [key + 1 for key in sorted(set(everything) - set(below))]
    assert all(skip.shortfall > 0 for skip in outcome.skipped)


@given(scenarios())
def test_simulation_is_deterministic(scenario):
    assert simulate(**scenario) == simulate(**scenario)


# --- speed --------------------------------------------------------------------------------------


@pytest.mark.parametrize("model, share", [(VIRTUAL, 0), (REAL, 0), (MIXED, Decimal("0.2"))])
def test_twenty_thousand_proposals_are_each_placed_once_within_the_pools(model, share):
    # Its speed is measured by bench/funding_bench.py (docs/performance.md), not asserted here.
    rng = random.Random(2025)
    ranking = [
        Request(i, f"P{i}", {p: Decimal(rng.randint(0, 30_000_000)).scaleb(-2) for p in provinces})
        for i in range(20_000)
        for provinces in [rng.sample(FUNDERS, rng.randint(1, 4))]
    ]
    pools = {province: Decimal("500000000.00") for province in FUNDERS}

    outcome = simulate(ranking, pools, model=model, balancing_share=Decimal(share))

    placed = [award.proposal for award in outcome.funded] + [
        skip.proposal for skip in outcome.skipped
    ]
    assert sorted(placed + outcome.below_threshold) == list(range(20_000))
    assert outcome.funded and outcome.skipped
    for province in FUNDERS:
        assert outcome.charged.get(province, Decimal(0)) <= pools[province]


# ---- one call-wide ranking from the panels' locked orders -------------------------------------

MERGE_CASES = [
    # panels, each a list of (key, score) in its locked order -> the merged keys
    ([], []),
    ([[], []], []),
    ([[("a", 5), ("b", 3)]], ["a", "b"]),
    # A panel's own order is kept even when a later entry scores higher (d after c).
    ([[("a", 5), ("b", 3)], [("c", 4), ("d", 4.5)]], ["a", "c", "d", "b"]),
    # Equal scores: the panel listed first takes the place.
    ([[("a", 4)], [("b", 4)]], ["a", "b"]),
    ([[("b", 4)], [("a", 4)]], ["b", "a"]),
    ([[("a", 4), ("b", 4)], [("c", 4)]], ["a", "b", "c"]),
    # An empty panel among others changes nothing.
    ([[("a", 2)], [], [("b", 3), ("c", 1)]], ["b", "a", "c"]),
    # Unscored entries (mapped below every score by the caller) come last.
    ([[("a", None), ("b", 1)], [("c", 0)]], ["c", "a", "b"]),
]


@pytest.mark.parametrize("panels, merged", MERGE_CASES)
def test_panels_merge_by_score_without_reordering_any_panel(panels, merged):
    def score(row):
        return Decimal(-1) if row[1] is None else Decimal(row[1])

    assert [key for key, _score in merged_ranking(panels, score)] == merged


@given(st.lists(st.lists(st.integers(0, 5), max_size=8), max_size=5))
def test_merging_keeps_every_entry_and_every_panel_s_order(scores):
    panels = [
        [(panel, place, score) for place, score in enumerate(row)]
        for panel, row in enumerate(scores)
    ]
    merged = merged_ranking(panels, lambda row: row[2])
    assert sorted(merged) == sorted(entry for panel in panels for entry in panel)
    for panel in panels:
        assert [entry for entry in merged if entry in panel] == panel


# --- why a proposal is not funded -------------------------------------------------------------

# (reviews.scoring's reasons, codes kept, English, Chinese)
REASON_CASES = {
    "too few reviews": (
        ("too_few_reviews",),
        ("too_few_reviews",),
        "too few valid reviews",
        "有效评审意见不足",
    ),
    "overall threshold": (
        ("below_overall_threshold",),
        ("below_overall_threshold",),
        "below the overall threshold",
        "总分低于资助线",
    ),
    "criterion threshold": (
        ("below_criterion_threshold",),
        ("below_criterion_threshold",),
        "below a criterion's threshold",
        "单项评分低于门槛",
    ),
    "several, in scoring's order whatever the input order": (
        ("below_criterion_threshold", "too_few_reviews"),
        ("too_few_reviews", "below_criterion_threshold"),
        "too few valid reviews; below a criterion's threshold",
        "有效评审意见不足；单项评分低于门槛",
    ),
    "repeated codes once": (
        ("too_few_reviews", "too_few_reviews"),
        ("too_few_reviews",),
        "too few valid reviews",
        "有效评审意见不足",
    ),
    "none recorded": ((), (), "not fundable", "未达资助条件"),
    "unknown codes are never shown raw": (("mystery",), (), "not fundable", "未达资助条件"),
}


@pytest.mark.parametrize(
    ("reasons", "codes", "english", "chinese"), REASON_CASES.values(), ids=REASON_CASES
)
def test_not_funded_reason(reasons, codes, english, chinese):
    reason = not_funded_reason(reasons)
    assert (reason.codes, reason.message_en, reason.message_zh) == (codes, english, chinese)


def test_a_high_score_with_too_few_reviews_is_not_funded_for_that_reason():
    ranking = [
        Request("P1", "P1", yuan({SH: 100}), fundable=False, reasons=("too_few_reviews",)),
        req("P2", {SH: 100}),
    ]
    outcome = simulate(ranking, yuan({SH: 1000}))
    assert funded_keys(outcome) == ["P2"]
    assert outcome.below_threshold == ["P1"]
    assert outcome.not_fundable_because["P1"].message_en == "too few valid reviews"
    assert "P2" not in outcome.not_fundable_because
