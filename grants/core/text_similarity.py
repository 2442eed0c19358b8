"""Text similarity: sparse TF-IDF vectors of short texts and their cosine, for both the
overlap check (the same research written twice) and the reviewers' expertise (a proposal
against a reviewer's papers).

Chinese is compared only with Chinese and English only with English: character 2- and 3-grams
for Chinese (which has no spaces between words), words and word pairs for English, hashed into
a fixed number of columns (scikit-learn's HashingVectorizer), weighed by TF-IDF and
L2-normalised, so the dot product of two rows is their cosine.

``TextIndex(corpus, language)`` weighs the corpus once and ``TextIndex.pairs(queries,
threshold)`` compares queries with it in chunks of rows, keeping only the pairs at or above the
threshold, so 20,000 x 20,000 never lives in memory at once.

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
