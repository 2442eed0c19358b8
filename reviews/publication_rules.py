"""Reviewers' publications as plain data: which two records are the same paper, who a
reviewer wrote with recently, and how close their papers are to a proposal.

Pure: plain values in, plain values out; no Django. Text similarity is the overlap check's
(grants/core/text_similarity.py): TF-IDF cosine, Chinese character 2-3-grams, English words.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from grants.core.text_similarity import Document, TextIndex, language_of

_DOI_PREFIX = re.compile(r"^(https?://(dx\.)?doi\.org/|doi:\s*)", re.IGNORECASE)
_NOT_WORD = re.compile(r"[\W_]+")
_ORCID = re.compile(r"(\d{4}-\d{4}-\d{4}-\d{3}[\dX])", re.IGNORECASE)
# A proposal is compared with this many of a reviewer's papers: the closest few say what the
# reviewer knows; averaging all of them would punish a broad career. A reviewer with fewer
# close papers counts the missing ones as 0: one matching paper is weaker evidence than three.
BEST_PAPERS = 3
# A cosine below this is the noise any two texts of a field share: not counted, which also
# keeps the products sparse for thousands of reviewers.
MIN_SIMILARITY = 0.05


@dataclass(frozen=True)
class Author:
    name: str
    orcid: str = ""


@dataclass(frozen=True)
class Paper:
    owner: int  # the reviewer's user id
    title: str
    year: int | None
    doi: str = ""
    abstract: str = ""
    authors: tuple[Author, ...] = ()


def normalise_doi(doi: str) -> str:
    """A DOI as one key: the resolver prefix gone, lowercased (DOIs are case-insensitive)."""
    return _DOI_PREFIX.sub("", (doi or "").strip()).strip().lower()


def normalise_orcid(value: str) -> str:
    """The 16-character iD out of a bare iD or an https://orcid.org/ address, or ""."""
    found = _ORCID.search(value or "")
    return found.group(1).upper() if found else ""


def normalise_title(title: str) -> str:
    """A title with case, spacing and punctuation gone, so two records of a paper agree."""
    return _NOT_WORD.sub("", title or "").casefold()


def normalise_name(name: str) -> str:
    """As reviews.conflicts names people: spacing and case do not count."""
    return "".join((name or "").split()).casefold()


def match_key(doi: str, title: str, year: int | None) -> str:
    """Which paper a record is: its DOI, or its title and year when it has no DOI."""
    doi = normalise_doi(doi)
    if doi:
        return f"doi:{doi}"
    return f"title:{normalise_title(title)}:{year or ''}"


def person_tokens(user_id: int | None, name: str, orcid: str = "") -> frozenset:
    """The ways a person can be recognised in an authors list: their account, their ORCID iD,
    their name."""
    tokens = set()
    if user_id is not None:
        tokens.add(f"user:{user_id}")
    if normalise_orcid(orcid):
        tokens.add(f"orcid:{normalise_orcid(orcid)}")
    if normalise_name(name):
        tokens.add(f"name:{normalise_name(name)}")
    return frozenset(tokens)


def window_start(call_year: int, years: int) -> int:
    """The first year a shared paper counts in: ``years`` whole years before the call's year,
    and the call's year itself (3 years for a call closing in 2026: 2023 to 2026)."""
    return call_year - years


def recent_coauthors(
    papers: Sequence[Paper], since_year: int, others: Sequence[Paper] = ()
) -> dict[int, frozenset]:
    """Per reviewer (``owner``), the tokens of everyone they published with from ``since_year``
    on: each co-author of their papers (by ORCID iD and by name) and every other pool member
    (``others``: their papers) who holds the same paper (same DOI, or same title and year).
    A paper of unknown year does not count: it cannot be placed inside the window."""
    recent = [p for p in papers if p.year is not None and p.year >= since_year]
    holders: dict[str, set[int]] = {}
    for paper in [*recent, *others]:
        if paper.year is not None and paper.year >= since_year:
            holders.setdefault(_key(paper), set()).add(paper.owner)
    found: dict[int, set] = {}
    for paper in recent:
        tokens = found.setdefault(paper.owner, set())
        for author in paper.authors:
            tokens |= person_tokens(None, author.name, author.orcid)
        tokens |= {f"user:{owner}" for owner in holders[_key(paper)] if owner != paper.owner}
    return {owner: frozenset(tokens) for owner, tokens in found.items()}


def _key(paper: Paper) -> str:
    return match_key(paper.doi, paper.title, paper.year)


# ---- expertise: a proposal's text against a reviewer's papers ---------------------------------


class PaperIndex:
    """The reviewers' papers, weighed once per language; ``similarity`` asks it per pair."""

    def __init__(self, papers: Sequence[Paper]):
        documents = [
            Document(str(i), language_of(text), text)
            for i, text in enumerate(_paper_text(p) for p in papers)
        ]
        self._owners = [p.owner for p in papers]
        self._indexes = {
            language: TextIndex(documents, language) for language in {d.language for d in documents}
        }

    def similarities(self, proposals: dict) -> dict:
        """Per proposal key (``proposals``: key -> its texts, one per language), per reviewer,
        the mean cosine of the proposal with the reviewer's BEST_PAPERS closest papers, in
        whichever of the proposal's languages scores higher. Reviewers under MIN_SIMILARITY
        are left out (read: 0)."""
        queries = {language: [] for language in self._indexes}
        keys = {}
        for key, texts in proposals.items():
            for text in (t for t in texts if t.strip()):
                language = language_of(text)
                if language in queries:
                    keys[f"q{len(keys)}"] = key
                    queries[language].append(Document(f"q{len(keys) - 1}", language, text))
        scores: dict = {}
        for language, documents in queries.items():
            for pair in self._indexes[language].pairs(documents, threshold=MIN_SIMILARITY):
                per_language = scores.setdefault(keys[pair.a], {}).setdefault(language, {})
                per_language.setdefault(self._owners[int(pair.b)], []).append(pair.score)
        return {key: _best_language(per_language) for key, per_language in scores.items()}


def _best_language(per_language: dict) -> dict:
    best: dict = {}
    for owners in per_language.values():
        for owner, values in owners.items():
            best[owner] = max(best.get(owner, 0.0), _best_mean(values))
    return best


def _best_mean(values: list[float]) -> float:
    best = sorted(values, reverse=True)[:BEST_PAPERS]
    return round(sum(best) / BEST_PAPERS, 6)


def _paper_text(paper: Paper) -> str:
    return f"{paper.title}\n{paper.abstract}".strip()


def proposal_text(title: str, abstract: str, keywords: Iterable[str]) -> str:
    return "\n".join([title or "", abstract or "", " ".join(keywords)]).strip()
