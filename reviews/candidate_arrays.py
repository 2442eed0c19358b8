"""A call's candidate pairs scored with numpy, a block of proposals against the whole pool.

Pure. The same scores as reviews.affinity.affinity (its weights and rounding, imported) and
the same exclusions as reviews.conflicts (through reviews.conflict_masks), without a Python
call per pair: a call of 5,000 proposals and 3,000 reviewers has 15 million pairs. The
reasons are worded by affinity.affinity, and only for the pairs the solver assigns.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse

from reviews import affinity
from reviews.assignment_data import Candidates
from reviews.conflict_masks import ALLOWED, PoolConflicts, first_reason_counts
from reviews.conflicts import ProposalSide, ReviewerSide

# Proposals scored at once: a block's arrays are BLOCK x reviewers (3,000: 6 MB each).
BLOCK = 250


@dataclass(frozen=True)
class Pool:
    """The reviewers, in the positions the candidates name."""

    sides: Sequence[ReviewerSide]
    codes: Sequence[Sequence[str]]
    keywords: Sequence[Sequence[str]]
    has_papers: Sequence[bool]  # publications on file: scored with the papers' similarity


@dataclass(frozen=True)
class Applications:
    """The proposals, in the positions the candidates name."""

    sides: Sequence[ProposalSide]
    codes: Sequence[Sequence[str]]
    keywords: Sequence[Sequence[str]]
    # Per proposal, reviewer position -> the papers' similarity; a reviewer with papers who is
    # absent scores 0 on them.
    texts: Sequence[Mapping[int, float]]


@dataclass(frozen=True)
class Scored:
    candidates: Candidates
    excluded: list[dict]  # per proposal, {conflict code: reviewers it excluded first}


def score_call(
    proposals: Applications,
    pool: Pool,
    province_rule: str,
    top: int,
    progress: Callable[[int], None] = lambda done: None,
) -> Scored:
    """Per proposal, its ``top`` best allowed reviewers (affinity descending, then reviewer
    position), and how many reviewers each conflict left out. ``progress(proposals done)``
    is called before each block."""
    conflicts = PoolConflicts(pool.sides)
    profiles = PoolProfiles(pool.codes, pool.keywords, pool.has_papers)
    parts, excluded = [], []
    for start in range(0, len(proposals.sides), BLOCK):
        progress(start)
        block = range(start, min(start + BLOCK, len(proposals.sides)))
        first = np.stack(
            [conflicts.first_reasons(proposals.sides[i], province_rule) for i in block]
        ).reshape(len(block), conflicts.size)
        excluded.extend(first_reason_counts(row) for row in first)
        scores = profiles.scores(
            [proposals.codes[i] for i in block],
            [proposals.keywords[i] for i in block],
            [proposals.texts[i] for i in block],
        )
        parts.append(best_allowed(scores, first == ALLOWED, start, top))
    candidates = Candidates.concatenate(parts) if parts else Candidates.from_pairs([])
    return Scored(
        candidates=Candidates(
            candidates.proposal,
            candidates.reviewer,
            candidates.affinity,
            explain=_explainer(proposals, pool),
        ),
        excluded=excluded,
    )


class PoolProfiles:
    """The pool's codes and keywords indexed once: codes by level, keywords as a sparse
    reviewer x keyword matrix."""

    def __init__(self, codes, keywords, has_papers):
        self.size = len(codes)
        self._has_papers = np.asarray(has_papers, dtype=bool).reshape(self.size)
        self._exact, self._parent, self._letter = (defaultdict(list) for _ in range(3))
        for position, theirs in enumerate(codes):
            for code in affinity.clean_codes(theirs):
                self._exact[code].append(position)
                self._letter[code[0]].append(position)
                if len(code) >= 3:
                    self._parent[code[:3]].append(position)
        self._by_code: dict[str, np.ndarray] = {}
        self._column: dict[str, int] = {}
        rows, columns = [], []
        for position, words in enumerate(keywords):
            for normal in {affinity.normal_keyword(w) for w in words} - {""}:
                rows.append(position)
                columns.append(self._column.setdefault(normal, len(self._column)))
        self._keywords = sparse.csr_matrix(
            (np.ones(len(rows), dtype=np.int32), (rows, columns)),
            shape=(self.size, len(self._column)),
        )

    def scores(self, codes, keywords, texts) -> np.ndarray:
        """affinity.affinity's score of every reviewer for each proposal, as rows."""
        discipline = np.stack([self.discipline(c) for c in codes]).reshape(len(codes), self.size)
        keyword_share = np.minimum(self.shared_keywords(keywords), affinity.KEYWORD_CAP)
        score = affinity.DISCIPLINE_WEIGHT * discipline + affinity.KEYWORD_WEIGHT * (
            keyword_share / affinity.KEYWORD_CAP
        )
        text = np.zeros_like(score)
        for row, found in enumerate(texts):
            if found:
                text[row, list(found)] = list(found.values())
        with_papers = (1 - affinity.TEXT_WEIGHT) * score + affinity.TEXT_WEIGHT * np.clip(
            text, 0.0, 1.0
        )
        return round_like_python(np.where(self._has_papers, with_papers, score))

    def discipline(self, proposal_codes) -> np.ndarray:
        """Per reviewer, the deepest level at which one of its codes meets one of ours."""
        best = np.zeros(self.size)
        for code in affinity.clean_codes(proposal_codes):
            np.maximum(best, self._code_levels(code), out=best)
        return best

    def _code_levels(self, code: str) -> np.ndarray:
        if code not in self._by_code:
            levels = np.zeros(self.size)
            matches = [
                (affinity.SAME_DEPARTMENT, self._letter.get(code[0], [])),
                (affinity.SAME_PARENT, self._parent.get(code[:3], []) if len(code) >= 3 else []),
                (affinity.EXACT_CODE, self._exact.get(code, [])),
            ]
            for value, positions in matches:
                levels[positions] = np.maximum(levels[positions], value)
            self._by_code[code] = levels
        return self._by_code[code]

    def shared_keywords(self, keywords) -> np.ndarray:
        """Per proposal and reviewer, how many of the proposal's distinct keywords it lists."""
        rows, columns = [], []
        for row, words in enumerate(keywords):
            for normal in {affinity.normal_keyword(w) for w in words}:
                if normal in self._column:
                    rows.append(row)
                    columns.append(self._column[normal])
        ours = sparse.csr_matrix(
            (np.ones(len(rows), dtype=np.int32), (rows, columns)),
            shape=(len(keywords), len(self._column)),
        )
        return (ours @ self._keywords.T).toarray()


def round_like_python(values: np.ndarray) -> np.ndarray:
    """``round(value, affinity.DIGITS)`` for each value. np.round scales before rounding, so it
    can round the other way within a hair of a half; those few go through Python's round,
    which keeps the old pair-by-pair scores and their ties exactly."""
    scale = 10.0**affinity.DIGITS
    scaled = values * scale
    rounded = np.rint(scaled) / scale
    near_half = np.flatnonzero(np.abs(scaled - np.floor(scaled) - 0.5) < 1e-3)
    flat = rounded.reshape(-1)
    flat[near_half] = [round(v, affinity.DIGITS) for v in values.reshape(-1)[near_half].tolist()]
    return rounded


def best_allowed(scores: np.ndarray, allowed: np.ndarray, first_row: int, top: int) -> Candidates:
    """Per row, the ``top`` allowed columns of highest score (ties: lower column first), as
    candidates numbered from ``first_row``."""
    ranked = np.where(allowed, scores, -np.inf)
    order = np.argsort(-ranked, axis=1, kind="stable")[:, :top]
    kept = np.arange(order.shape[1]) < allowed.sum(axis=1)[:, None]
    rows = np.broadcast_to(np.arange(len(scores))[:, None], order.shape)
    return Candidates(
        proposal=(rows[kept] + first_row).astype(np.int64),
        reviewer=order[kept].astype(np.int64),
        affinity=ranked[rows, order][kept],
    )


def _explainer(proposals: Applications, pool: Pool) -> Callable[[int, int], str]:
    def explain(p: int, r: int) -> str:
        text = proposals.texts[p].get(r, 0.0) if pool.has_papers[r] else None
        return affinity.affinity(
            proposals.codes[p], proposals.keywords[p], pool.codes[r], pool.keywords[r], text
        )[1]

    return explain
