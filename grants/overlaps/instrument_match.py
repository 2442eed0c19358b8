"""An instrument to buy, matched against the Yangtze River Delta shared large-instrument
catalogue: "球差校正透射电子显微镜" finds "球差校正透射电镜 Titan Themis".

Names are compared as TF-IDF vectors (scikit-learn) over the catalogue's own weights, so what
every entry says ("显微镜", "system") weighs little and what tells them apart ("透射" against
"扫描") much: Chinese runs as character 2- and 3-grams, Latin runs (English names, makes and
model numbers) as lowercased words. The score is their cosine, in [0, 1].

Pure: plain values in, plain values out; no Django.
"""

from __future__ import annotations

import re
from functools import lru_cache

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

# From this score a catalogue entry is a likely match: the applicant says why it cannot serve.
MATCH_THRESHOLD = 0.4

_CJK_RUN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")
_LATIN_WORD = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_ENGLISH_FILLER = {"a", "an", "and", "for", "of", "the", "with", "system", "instrument"}


def features(name: str) -> list[str]:
    """The n-grams a name is compared by: Chinese character 2- and 3-grams of each run of
    Chinese (a lone character as itself), and the Latin words (and their hyphen-split parts), lowercased."""
    grams = []
    for run in _CJK_RUN.findall(name):
        if len(run) == 1:
            grams.append(run)
        for size in (2, 3):
            grams += [run[i : i + size] for i in range(len(run) - size + 1)]
    for word in _LATIN_WORD.findall(name.lower()):
        parts = word.split("-")
        for part in [word] + (parts if len(parts) > 1 else []):
            if part not in _ENGLISH_FILLER:
                grams.append(part[:-1] if len(part) > 4 and part.endswith("s") else part)
    return grams


_MODEL_NOISE = re.compile(r"[\s\-_·,，.。/]+")


def _model_named(name: str, model: str) -> bool:
    """Whether ``name`` spells out the entry's model ("JEM-F200"): a model number of four or
    more characters names one instrument, whatever words surround it."""
    model = _MODEL_NOISE.sub("", (model or "").casefold())
    return len(model) >= 4 and model in _MODEL_NOISE.sub("", name.casefold())


def _text(item) -> str:
    return f"{item.name} {getattr(item, 'model', '') or ''}"


@lru_cache(maxsize=8)
def _index(texts: tuple[str, ...]):
    vectorizer = TfidfVectorizer(analyzer=features, sublinear_tf=True, dtype=np.float32)
    return vectorizer, vectorizer.fit_transform(texts)


def matches(name: str, catalogue, limit: int = 3, threshold: float = MATCH_THRESHOLD):
    """The catalogue entries most like the instrument ``name``: a list of up to ``limit``
    (entry, score) pairs, best first, each scoring at least ``threshold`` (score a float in
    [0, 1], rounded to 3 places). ``catalogue`` is a sequence of objects with ``name`` and
    ``model`` attributes (SharedInstrument rows, or any such records); an empty name or
    catalogue matches nothing. The catalogue's weights are kept for the last few catalogues,
    so a page asking for several lines pays for them once."""
    catalogue = list(catalogue)
    if not name.strip() or not catalogue or not features(name):
        return []
    try:
        vectorizer, matrix = _index(tuple(_text(item) for item in catalogue))
    except ValueError:  # no entry has a single usable character
        return []
    scores = (matrix @ vectorizer.transform([name]).T).toarray().ravel()
    named = [_model_named(name, getattr(item, "model", "")) for item in catalogue]
    scores = np.where(named, 1.0, scores)
    order = np.argsort(-scores, kind="stable")[:limit]
    return [
        (catalogue[i], round(min(1.0, float(scores[i])), 3))
        for i in order
        if scores[i] >= threshold
    ]
