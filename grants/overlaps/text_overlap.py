"""Text overlap: the same research written twice, between proposals of the fund (this call and
earlier ones, funded or not) and other funders' records.

Each text is a ``Document(key, language, text)``: a proposal's title, abstract and sections in
one language, or an external record's title and abstract. Chinese is compared only with
Chinese and English only with English. The score is the cosine of sparse, L2-normalised TF-IDF
vectors (scikit-learn): character 2- and 3-grams for Chinese (which has no spaces between
words), words and word pairs for English. TF-IDF ignores order, so reordered sentences still
score as copies; a text half copied from another scores about 0.3-0.7.

``similar_pairs`` compares queries with a corpus, each language apart, through the index of
grants/core/text_similarity.py (the reviewers' expertise uses it too). ``shared_passages(a, b, language)`` finds the passages the two texts share, in
any order, as character spans for highlighting side by side.

Pure: plain values in, plain values out; no Django.
"""

from __future__ import annotations

import re

from grants.core.text_similarity import (  # noqa: F401  (the overlap check's vocabulary)
    CHUNK,
    LANGUAGES,
    THRESHOLD,
    Document,
    Pair,
    TextIndex,
    language_of,
)

_NOT_WORD = re.compile(r"[\W_]+")
_WORD = re.compile(r"\w+")


def similar_pairs(queries, corpus, threshold=THRESHOLD, chunk=CHUNK) -> list[Pair]:
    """The pairs of ``queries`` and ``corpus`` (lists of Document) sharing text, each language
    apart, best first: a list of Pair(a=query key, b=corpus key, language, score in [0, 1])."""
    found = []
    for language in LANGUAGES:
        found += TextIndex(corpus, language).pairs(queries, threshold, chunk)
    found.sort(key=lambda pair: (-pair.score, pair.a, pair.b))
    return found


# ---- the passages two texts share -----------------------------------------------------------

# The shortest shared run worth showing: eight Chinese characters, or five English words.
PASSAGE_TOKENS = {"zh": 8, "en": 5}


def _tokens(text: str, language: str):
    """(token, start, end) of each character (Chinese) or word (English), punctuation and
    whitespace skipped."""
    if language == "zh":
        return [
            (character.lower(), index, index + 1)
            for index, character in enumerate(text)
            if not _NOT_WORD.fullmatch(character)
        ]
    return [(match.group().lower(), match.start(), match.end()) for match in _WORD.finditer(text)]


def shared_passages(a: str, b: str, language: str, min_tokens: int | None = None):
    """The passages of ``a`` found in ``b``, in whatever order they stand there: a list of
    (start_a, end_a, start_b, end_b) character offsets (ends exclusive, so ``a[start_a:end_a]``
    is the passage), in the order of ``a``. A passage is at least ``min_tokens`` characters
    (Chinese) or words (English) long, PASSAGE_TOKENS by default; punctuation and spacing may
    differ inside it."""
    size = min_tokens or PASSAGE_TOKENS[language]
    ta, tb = _tokens(a, language), _tokens(b, language)
    wa, wb = [token for token, _, _ in ta], [token for token, _, _ in tb]
    starts = {}
    for j in range(len(wb) - size + 1):
        starts.setdefault(tuple(wb[j : j + size]), []).append(j)
    spans, i = [], 0
    while i <= len(wa) - size:
        best_j, best_length = None, 0
        for j in starts.get(tuple(wa[i : i + size]), ())[:20]:
            length = size
            while (
                i + length < len(wa) and j + length < len(wb) and wa[i + length] == wb[j + length]
            ):
                length += 1
            if length > best_length:
                best_j, best_length = j, length
        if best_j is None:
            i += 1
            continue
        last_a, last_b = i + best_length - 1, best_j + best_length - 1
        spans.append((ta[i][1], ta[last_a][2], tb[best_j][1], tb[last_b][2]))
        i += best_length
    return spans
