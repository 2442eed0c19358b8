"""A reviewer's affinity for a proposal, in [0, 1], and why: from NSFC discipline codes,
keywords and, when the reviewer's publications are on file, how close their papers' text is to
the proposal's (reviews.publication_rules). Pure. reviews.candidate_arrays scores a whole call
with these weights as arrays and words the assigned pairs' reasons with ``affinity``, which
stays the per-pair rule its tests compare against.
"""

from __future__ import annotations

from collections.abc import Iterable

DISCIPLINE_WEIGHT = 0.7
KEYWORD_WEIGHT = 0.3
# The papers' share when the reviewer has publications on file; codes and keywords keep the
# rest in their proportions. A reviewer with none is scored on codes and keywords alone, not
# marked down for papers the office never imported (docs/publications.md).
TEXT_WEIGHT = 0.3
# Score of the deepest level at which a proposal code and a reviewer code agree.
EXACT_CODE = 1.0
SAME_PARENT = 0.6  # same second-level code, e.g. F0601 and F0602, or F0601 and F06
SAME_DEPARTMENT = 0.3  # same letter, e.g. F0601 and F02
# Shared keywords count up to this many: a proposal has 3 to 5, so three shared is full marks
# and a reviewer with a long keyword list is not penalised as Jaccard would.
KEYWORD_CAP = 3
# Scores are rounded to this many decimals, so that equal evidence gives equal scores.
DIGITS = 6

_LEVELS = (
    (EXACT_CODE, "exact match"),
    (SAME_PARENT, "same parent"),
    (SAME_DEPARTMENT, "same department"),
)


def affinity(
    proposal_codes: str | Iterable[str],
    proposal_keywords: Iterable[str],
    reviewer_codes: str | Iterable[str],
    reviewer_keywords: Iterable[str],
    text_similarity: float | None = None,
) -> tuple[float, str]:
    """Affinity in [0, 1] of a reviewer for a proposal, and why, from NSFC codes, keywords and
    ``text_similarity`` (in [0, 1]; None when the reviewer has no publications on file)."""
    discipline, matched = _discipline(clean_codes(proposal_codes), clean_codes(reviewer_codes))
    shared = _shared_keywords(proposal_keywords, reviewer_keywords)
    keywords = min(len(shared), KEYWORD_CAP) / KEYWORD_CAP
    score = DISCIPLINE_WEIGHT * discipline + KEYWORD_WEIGHT * keywords
    parts = [matched] + ([f"keywords: {', '.join(shared)}"] if shared else [])
    if text_similarity is None:
        return round(score, DIGITS), "; ".join(parts)
    text = min(max(text_similarity, 0.0), 1.0)
    score = (1 - TEXT_WEIGHT) * score + TEXT_WEIGHT * text
    parts.append(
        f"components: discipline {discipline:.2f}, keywords {keywords:.2f}, papers {text:.2f}"
    )
    return round(score, DIGITS), "; ".join(parts)


def clean_codes(codes: str | Iterable[str]) -> list[str]:
    """The codes as compared: stripped, upper case, blanks dropped."""
    items = [codes] if isinstance(codes, str) else codes
    return [code.strip().upper() for code in items if code and code.strip()]


def _discipline(proposal_codes: list[str], reviewer_codes: list[str]) -> tuple[float, str]:
    best, text = 0.0, "no discipline match"
    for ours in proposal_codes:
        for theirs in reviewer_codes:
            level = _level(ours, theirs)
            if level is not None and _LEVELS[level][0] > best:
                best, text = _LEVELS[level][0], _describe(level, ours, theirs)
    return best, text


def _level(ours: str, theirs: str) -> int | None:
    """0 exact, 1 same parent (second-level code), 2 same department (letter), None."""
    if ours == theirs:
        return 0
    if len(ours) >= 3 and len(theirs) >= 3 and ours[:3] == theirs[:3]:
        return 1
    if ours[0] == theirs[0]:
        return 2
    return None


def _describe(level: int, ours: str, theirs: str) -> str:
    if level == 0:
        return f"discipline {ours} exact match"
    shared = ours[:3] if level == 1 else ours[0]
    return f"discipline {ours} ~ {theirs}: {_LEVELS[level][1]} {shared}"


def _shared_keywords(ours: Iterable[str], theirs: Iterable[str]) -> list[str]:
    """Our keywords the reviewer also lists, case- and spacing-insensitive, in our order."""
    known = {normal_keyword(word) for word in theirs}
    shared, seen = [], set()
    for word in ours:
        normal = normal_keyword(word)
        if normal and normal in known and normal not in seen:
            seen.add(normal)
            shared.append(word.strip())
    return shared


def normal_keyword(word: str) -> str:
    """A keyword as compared: spacing collapsed, case folded."""
    return " ".join(word.split()).casefold()
