"""reviews.conflicts' hard rules for one proposal against a whole reviewer pool at once.

Pure: the pool's ReviewerSides become arrays and inverted indexes once, then each proposal
costs a few array comparisons instead of one conflicts.conflicts call per reviewer. The rules
themselves stay in reviews.conflicts (the per-pair reference every other path asks); the tests
hold the two equal.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

import numpy as np

from reviews.conflicts import ProposalSide, ReviewerSide, excluded_provinces, normalise_name

# conflicts.conflicts' order: a reviewer excluded for several reasons is counted under the first.
REASON_ORDER = (
    "applicant_in_call",
    "same_institution",
    "same_province",
    "declared",
    "avoidance_list",
    "coauthorship",
)
ALLOWED = 0  # in first_reasons: 0 allowed, i + 1 for REASON_ORDER[i]


class PoolConflicts:
    """The pool's conflict data as arrays over reviewer positions (the order of ``sides``)."""

    def __init__(self, sides: Sequence[ReviewerSide]):
        self.size = len(sides)
        self._position = {side.user_id: i for i, side in enumerate(sides)}
        self._in_call = np.array([side.in_call_proposals for side in sides], dtype=bool)
        self._institution = _codes([side.institution_id for side in sides], skip_none=True)
        # None is a province like any other here: conflicts tests ``in`` on the raw values.
        self._province = _codes([side.province_code for side in sides], skip_none=False)
        # The rare conflicts by inverted index: key -> reviewer positions.
        self._declared_people = _index(
            (p, i) for i, s in enumerate(sides) for p in s.declared_people
        )
        self._declared_proposals = _index(
            (k, i) for i, s in enumerate(sides) for k in s.declared_proposals
        )
        self._names = _index((normalise_name(s.name), i) for i, s in enumerate(sides))
        self._coauthors = _index((t, i) for i, s in enumerate(sides) for t in s.coauthors)

    def first_reasons(self, proposal: ProposalSide, province_rule: str) -> np.ndarray:
        """Per reviewer, ALLOWED or 1 + the position in REASON_ORDER of its first conflict."""
        first = np.zeros(self.size, dtype=np.int8)
        # Latest reason first, so that an earlier one overwrites it.
        for number in range(len(REASON_ORDER), 0, -1):
            hits = self._hits(REASON_ORDER[number - 1], proposal, province_rule)
            if hits is not None and len(hits):
                first[hits] = number
        return first

    def _hits(self, code: str, proposal: ProposalSide, province_rule: str):
        """The reviewers ``code`` excludes from ``proposal``: a mask, positions, or None."""
        if code == "applicant_in_call":
            mask = self._in_call.copy()
            mask[[self._position[u] for u in proposal.pi_ids if u in self._position]] = True
            return mask
        if code == "same_institution":
            return self._institution.among(proposal.institution_ids)
        if code == "same_province":
            return self._province.among(excluded_provinces(proposal, province_rule))
        if code == "declared":
            return _lookup(self._declared_people, proposal.pi_ids) + _lookup(
                self._declared_proposals, [proposal.key]
            )
        if code == "avoidance_list":
            return _lookup(self._names, proposal.avoid_names)
        return _lookup(self._coauthors, proposal.member_tokens)


class _Codes:
    """A column of hashable values as small integers, to test membership in a set by isin."""

    def __init__(self, numbers: np.ndarray, number_of: dict):
        self.numbers, self.number_of = numbers, number_of

    def among(self, values) -> np.ndarray | None:
        wanted = [self.number_of[v] for v in values if v in self.number_of]
        if not wanted:
            return None
        if len(wanted) == 1:
            return self.numbers == wanted[0]
        return np.isin(self.numbers, wanted)


def _codes(values: list, *, skip_none: bool) -> _Codes:
    number_of: dict = {}
    for value in values:
        if not (skip_none and value is None):
            number_of.setdefault(value, len(number_of))
    # -1 never matches: a reviewer without an institution shares none.
    numbers = np.array([number_of.get(v, -1) for v in values], dtype=np.int64)
    return _Codes(numbers, number_of)


def _index(pairs) -> dict:
    found = defaultdict(list)
    for key, position in pairs:
        found[key].append(position)
    return dict(found)


def _lookup(index: dict, keys) -> list:
    return [position for key in keys for position in index.get(key, ())]


def first_reason_counts(first: np.ndarray) -> dict:
    """{conflict code: reviewers it excludes first}, in the order the reasons first occur over
    the reviewers, as counting conflicts.conflicts' first reason pair by pair would build it."""
    seen = np.flatnonzero(first)
    if not len(seen):
        return {}
    numbers, start, counts = np.unique(first[seen], return_index=True, return_counts=True)
    order = np.argsort(start)
    return {REASON_ORDER[numbers[i] - 1]: int(counts[i]) for i in order}
