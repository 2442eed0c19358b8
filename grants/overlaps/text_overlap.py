"""Text overlap: the same research written twice, between proposals of the fund (this call and
earlier ones, funded or not) and other funders' records.

Each text is a ``Document(key, language, text)``: a proposal's title, abstract and sections in
one language, or an external record's title and abstract. Chinese is compared only with
Chinese and English only with English. The score is the cosine of sparse, L2-normalised TF-IDF
vectors (scikit-learn): character 2- and 3-grams for Chinese (which has no spaces between
words), words and word pairs for English. TF-IDF ignores order, so reordered sentences still
score as copies; a text half copied from another scores about 0.3-0.7.

``TextIndex(corpus, language)`` weighs the corpus once and
``TextIndex.pairs(queries, threshold)`` compares queries with it in chunks of rows, keeping only
the pairs at or above the threshold, so 20,000 x 20,000 never lives in memory at once. ``similar_pairs`` does both steps for
both languages. ``shared_passages(a, b, language)`` finds the passages the two texts share, in
any order, as character spans for highlighting side by side.

Pure: plain values in, plain values out; no Django.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
from sklearn.feature_extraction.text import HashingVectorizer
from sklearn.preprocessing import normalize

LANGUAGES = ("zh", "en")
# Chosen on the labelled set of tests/grants/overlaps (bench/overlap_bench.py prints it):
# copies score 1, reordered copies above 0.93, half-copied texts 0.33-0.69, lightly reworded
# ones above 0.8, unrelated texts of the same discipline under 0.1.
THRESHOLD = 0.3
# Query rows multiplied with the corpus at a time: the product of one chunk is at most
# CHUNK x len(corpus) scores, a few hundred megabytes at 40,000 documents.
CHUNK = 256
# N-grams are hashed into this many columns (scikit-learn's HashingVectorizer): no vocabulary
# to hold, so the corpus of 40,000 texts builds in half the time and a fraction of the memory,
# and a new text's n-grams all count. Collisions at this size are rare enough not to matter.
FEATURES = 2**22
# An n-gram found in more than this share of a large corpus ("研究", "this project will") says
# nothing about a pair and makes the product dense: it weighs nothing there. A corpus under
# MAX_DF_FROM texts is too small to tell what is common.
MAX_DF = 0.05
MAX_DF_FROM = 1000

_NOT_WORD = re.compile(r"[\W_]+")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Document:
    key: str
    language: str  # "zh" or "en"
    text: str


@dataclass(frozen=True)
class Pair:
    """``a`` (a query's key) and ``b`` (a corpus key) share text in ``language``."""

    a: str
    b: str
    language: str
    score: float


def language_of(text: str) -> str:
    """ "zh" when a fifth or more of the text's letters are Chinese characters, else "en"."""
    letters = _NOT_WORD.sub("", text)
    if not letters:
        return "en"
    return "zh" if len(_CJK.findall(letters)) * 5 >= len(letters) else "en"


def normalise_zh(text: str) -> str:
    """Chinese for character n-grams: punctuation and whitespace gone, Latin lowercased."""
    return _NOT_WORD.sub("", text).lower()


def _hasher(language: str) -> HashingVectorizer:
    common = {"n_features": FEATURES, "alternate_sign": False, "norm": None, "dtype": np.float32}
    if language == "zh":
        return HashingVectorizer(
            analyzer="char", ngram_range=(2, 3), preprocessor=normalise_zh, **common
        )
    if language == "en":
        return HashingVectorizer(
            analyzer="word", ngram_range=(1, 2), lowercase=True, stop_words="english", **common
        )
    raise ValueError(f"unknown language {language!r}")


class TextIndex:
    """The TF-IDF vectors of one language's corpus, built once and queried many times: term
    frequencies sublinear (1 + log tf), inverse document frequencies smoothed as scikit-learn's
    TfidfTransformer does, rows L2-normalised."""

    def __init__(self, corpus: list[Document], language: str):
        self.language = language
        self.keys = [document.key for document in corpus if document.language == language]
        texts = [document.text for document in corpus if document.language == language]
        self._hasher = _hasher(language)
        self._transposed = None
        if not texts:
            return
        counts = self._hasher.transform(texts)
        frequency = np.bincount(counts.indices, minlength=FEATURES)
        idf = np.log((1 + len(texts)) / (1 + frequency)) + 1
        if len(texts) >= MAX_DF_FROM:
            idf[frequency > MAX_DF * len(texts)] = 0
        self._idf = idf.astype(np.float32)
        self._transposed = self._weigh(counts).T.tocsr()

    def _weigh(self, counts):
        counts.data = (1 + np.log(counts.data)) * self._idf[counts.indices]
        counts.eliminate_zeros()
        return normalize(counts)

    def vectors(self, texts: list[str]):
        """The L2-normalised TF-IDF vectors of ``texts`` (a sparse matrix, a row each)."""
        return self._weigh(self._hasher.transform(texts))

    def pairs(self, queries: list[Document], threshold: float = THRESHOLD, chunk: int = CHUNK):
        """Every (query, corpus document) of this language scoring at least ``threshold``, as
        Pair(a=query key, b=corpus key, language, score), best first. A query never pairs with
        itself (same key); two queries that are both in the corpus pair once, as (the smaller
        key, the larger)."""
        queries = [document for document in queries if document.language == self.language]
        if self._transposed is None or not queries:
            return []
        query_keys = {document.key for document in queries}
        found = []
        for start in range(0, len(queries), chunk):
            block = queries[start : start + chunk]
            scores = (
                self.vectors([document.text for document in block]) @ self._transposed
            ).tocsr()
            for row, document in enumerate(block):
                begin, end = scores.indptr[row], scores.indptr[row + 1]
                values = scores.data[begin:end]
                for position in np.nonzero(values >= threshold)[0]:
                    other = self.keys[scores.indices[begin + position]]
                    if other == document.key or (other in query_keys and other < document.key):
                        continue
                    score = min(1.0, float(values[position]))
                    found.append(Pair(document.key, other, self.language, round(score, 3)))
        found.sort(key=lambda pair: (-pair.score, pair.a, pair.b))
        return found


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
