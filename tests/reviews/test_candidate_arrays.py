"""The array rules (reviews.candidate_arrays, reviews.conflict_masks) against the per-pair
references they replace in routing: affinity.affinity and conflicts.conflicts."""

import random
from collections import Counter

import numpy as np
import pytest

from reviews import affinity, candidate_arrays, conflicts
from reviews.conflict_masks import REASON_ORDER, PoolConflicts, first_reason_counts
from reviews.conflicts import ALL_CONSORTIUM, LEAD_ONLY, ProposalSide, ReviewerSide

CODES = ["F0601", "F0602", "F06", "F02", "F", "f0601 ", "A0101", "A01", "A0102", "B05", " ", ""]
KEYWORDS = ["deep learning", "Deep  Learning", "graphs", "GRAPHS", "optics", " ", "soil", "robots"]
PROVINCES = ["310000", "320000", "330000", "340000", "420000", None]
NAMES = ["张三", "李四", "王五", "Anna Li", "anna  li", "赵六"]


def generated(seed, n_proposals=30, n_reviewers=60, papers=True):
    """A call whose reviewers hit every conflict kind, with and without institution, province,
    codes, keywords and papers."""
    rng = random.Random(seed)
    user_ids = [1000 + i for i in range(n_reviewers)]
    tokens = [f"name:{n}" for n in NAMES] + [f"user:{u}" for u in user_ids[:10]]
    sides = [
        ReviewerSide(
            user_id=u,
            name=rng.choice(NAMES) + rng.choice(["", " ", str(i)]),
            institution_id=rng.choice([None, 1, 2, 3, 4, 5, 6]),
            province_code=rng.choice(PROVINCES),
            in_call_proposals=rng.random() < 0.05,
            declared_people=frozenset(rng.sample(user_ids, rng.choice([0, 0, 0, 1, 2]))),
            declared_proposals=frozenset(rng.sample(range(n_proposals + 1), rng.choice([0, 0, 1]))),
            coauthors=frozenset(rng.sample(tokens, rng.choice([0, 0, 1, 2]))),
        )
        for i, u in enumerate(user_ids)
    ]
    pool = candidate_arrays.Pool(
        sides=sides,
        codes=[rng.sample(CODES, rng.choice([0, 1, 2, 3])) for _ in user_ids],
        keywords=[rng.sample(KEYWORDS, rng.choice([0, 1, 3, 5])) for _ in user_ids],
        has_papers=[papers and rng.random() < 0.6 for _ in user_ids],
    )
    proposal_sides = []
    for key in range(n_proposals):
        provinces = frozenset(rng.sample(PROVINCES, rng.choice([1, 2, 3])))
        proposal_sides.append(
            ProposalSide(
                key=key,
                institution_ids=frozenset(rng.sample([1, 2, 3, 4, 5, 6], rng.choice([1, 2]))),
                province_codes=provinces,
                lead_province=rng.choice([*provinces, ""]),
                pi_ids=frozenset(rng.sample(user_ids + [1, 2, 3], rng.choice([1, 2, 3]))),
                avoid_names=frozenset(
                    conflicts.normalise_name(n) for n in rng.sample(NAMES, rng.choice([0, 1]))
                ),
                member_tokens=frozenset(rng.sample(tokens, rng.choice([0, 1, 3]))),
            )
        )
    applications = candidate_arrays.Applications(
        sides=proposal_sides,
        codes=[rng.sample(CODES, rng.choice([0, 1, 2])) for _ in proposal_sides],
        keywords=[rng.sample(KEYWORDS, rng.choice([0, 3, 5])) for _ in proposal_sides],
        texts=[
            {
                r: rng.choice([round(rng.random(), 6), rng.randint(0, 20) / 20 + 5e-7, 1.2])
                for r in range(n_reviewers)
                if pool.has_papers[r] and rng.random() < 0.7
            }
            for _ in proposal_sides
        ],
    )
    return applications, pool


def reference_text(applications, pool, p, r):
    return applications.texts[p].get(r, 0.0) if pool.has_papers[r] else None


def reference_loop(applications, pool, province_rule, top):
    """routing.build_instance's scoring loop before the arrays, pair by pair."""
    candidates, excluded_all = [], []
    for p, side in enumerate(applications.sides):
        excluded, scored = Counter(), []
        for r, reviewer in enumerate(pool.sides):
            found = conflicts.conflicts(side, reviewer, province_rule)
            if found:
                excluded[found[0].code] += 1
                continue
            value, why = affinity.affinity(
                applications.codes[p],
                applications.keywords[p],
                pool.codes[r],
                pool.keywords[r],
                reference_text(applications, pool, p, r),
            )
            scored.append((value, r, why))
        scored.sort(key=lambda item: (-item[0], item[1]))
        candidates.extend((p, r, value, why) for value, r, why in scored[:top])
        excluded_all.append(dict(excluded))
    return candidates, excluded_all


CASES = [
    pytest.param(seed, rule, papers, id=f"seed{seed}-{rule}-{'papers' if papers else 'none'}")
    for seed in (1, 2, 3)
    for rule in (ALL_CONSORTIUM, LEAD_ONLY)
    for papers in (True, False)
]


@pytest.mark.parametrize(("seed", "rule", "papers"), CASES)
def test_the_array_scores_are_affinitys_per_pair_scores(seed, rule, papers):
    applications, pool = generated(seed, papers=papers)
    profiles = candidate_arrays.PoolProfiles(pool.codes, pool.keywords, pool.has_papers)
    scores = profiles.scores(applications.codes, applications.keywords, applications.texts)
    expected = np.array(
        [
            [
                affinity.affinity(
                    applications.codes[p],
                    applications.keywords[p],
                    pool.codes[r],
                    pool.keywords[r],
                    reference_text(applications, pool, p, r),
                )[0]
                for r in range(len(pool.sides))
            ]
            for p in range(len(applications.sides))
        ]
    )
    assert np.abs(scores - expected).max() <= 1e-9
    # Exactly equal, not only close: ties must fall as they did pair by pair.
    assert np.array_equal(scores, expected)


@pytest.mark.parametrize(("seed", "rule", "papers"), CASES)
def test_the_masks_and_first_reasons_are_conflicts_per_pair(seed, rule, papers):
    applications, pool = generated(seed, papers=papers)
    masks = PoolConflicts(pool.sides)
    seen = Counter()
    for side in applications.sides:
        first = masks.first_reasons(side, rule)
        expected = [conflicts.conflicts(side, reviewer, rule) for reviewer in pool.sides]
        assert [REASON_ORDER[n - 1] if n else None for n in first] == [
            found[0].code if found else None for found in expected
        ]
        counts = first_reason_counts(first)
        by_pair = Counter(found[0].code for found in expected if found)
        # Same counts, and the labels in the order the pairs met them.
        assert list(counts.items()) == list(by_pair.items())
        seen.update(code for found in expected for code in (c.code for c in found))
    assert set(seen) == set(REASON_ORDER), "the generated call misses a conflict kind"


@pytest.mark.parametrize(
    ("seed", "rule", "n_reviewers", "top"),
    [
        (4, ALL_CONSORTIUM, 300, 150),
        (5, LEAD_ONLY, 300, 150),
        (6, ALL_CONSORTIUM, 60, 150),  # fewer allowed reviewers than the cut
        (7, LEAD_ONLY, 60, 7),
    ],
)
def test_the_cut_and_its_ties_are_the_old_loops(seed, rule, n_reviewers, top, monkeypatch):
    monkeypatch.setattr(candidate_arrays, "BLOCK", 7)  # several blocks, the last one short
    applications, pool = generated(seed, n_proposals=20, n_reviewers=n_reviewers)
    scored = candidate_arrays.score_call(applications, pool, rule, top)
    expected, excluded = reference_loop(applications, pool, rule, top)
    got = scored.candidates
    assert list(
        zip(got.proposal.tolist(), got.reviewer.tolist(), got.affinity.tolist(), strict=True)
    ) == [(p, r, value) for p, r, value, _why in expected]
    assert [got.explain(p, r) for p, r, _value, _why in expected] == [
        why for *_pair, why in expected
    ]
    assert scored.excluded == excluded


def test_progress_is_told_before_each_block(monkeypatch):
    monkeypatch.setattr(candidate_arrays, "BLOCK", 8)
    applications, pool = generated(8, n_proposals=20)
    done = []
    candidate_arrays.score_call(applications, pool, ALL_CONSORTIUM, 5, progress=done.append)
    assert done == [0, 8, 16]


def test_no_proposals_gives_no_candidates():
    applications, pool = generated(9, n_proposals=0)
    scored = candidate_arrays.score_call(applications, pool, ALL_CONSORTIUM, 5)
    assert len(scored.candidates) == 0
    assert scored.excluded == []


@pytest.mark.parametrize(
    "value",
    [0.0370365, 0.5200005, 0.1234565, 0.9999995, 0.0, 1.0, 0.52, 2.5e-7, 0.3 * 0.123455],
)
def test_rounding_is_pythons(value):
    values = np.array([value, value + 1e-12, value - 1e-12])
    assert candidate_arrays.round_like_python(values).tolist() == [
        round(v, affinity.DIGITS) for v in values.tolist()
    ]
