"""The labelled set of text overlaps, built from the abstracts of corpus_abstracts_*.py, and
the synthetic corpus the benchmark measures speed on.

Each abstract is indexed as itself ("zh:3"). The queries are its variants, each labelled with
the corpus texts it truly overlaps:

- copy: the abstract verbatim (with its title);
- reordered: its sentences in another order;
- partly: its first half of sentences followed by the second half of another discipline's
  abstract (so it truly overlaps both);
- paraphrase: lightly reworded, word for word from a table of synonyms;
- unrelated: the abstract itself against all the others, its sibling of the same discipline
  among them: any pair found is a false alarm.
"""

import random
import re

from grants.overlaps.text_overlap import Document
from tests.grants.overlaps.corpus_abstracts_en import ABSTRACTS_EN, SYNONYMS_EN
from tests.grants.overlaps.corpus_abstracts_zh import ABSTRACTS_ZH, SYNONYMS_ZH

CORPORA = {"zh": (ABSTRACTS_ZH, SYNONYMS_ZH), "en": (ABSTRACTS_EN, SYNONYMS_EN)}
KINDS = ("copy", "reordered", "partly", "paraphrase", "unrelated")
MUST_FIND = ("copy", "reordered", "partly")


def sentences(text, language):
    if language == "zh":
        return [part + "。" for part in text.split("。") if part]
    return [part.strip() for part in re.split(r"(?<=\.)\s+", text) if part.strip()]


def join(parts, language):
    return ("" if language == "zh" else " ").join(parts)


def full_text(title, abstract, language):
    return f"{title}{'。' if language == 'zh' else '. '}{abstract}"


def paraphrase(text, synonyms):
    for word, other in synonyms.items():
        text = text.replace(word, other)
    return text


def corpus(language):
    abstracts, _ = CORPORA[language]
    return [
        Document(f"{language}:{index}", language, full_text(title, abstract, language))
        for index, (_, title, abstract) in enumerate(abstracts)
    ]


def labelled(language):
    """(queries, truth): the variant Documents and {query key: (kind, set of corpus keys it
    overlaps)}."""
    abstracts, synonyms = CORPORA[language]
    rng = random.Random(16)
    queries, truth = [], {}

    def add(kind, index, text, sources):
        key = f"{kind}:{language}:{index}"
        queries.append(Document(key, language, text))
        truth[key] = (kind, {f"{language}:{source}" for source in sources})

    for index, (discipline, title, abstract) in enumerate(abstracts):
        parts = sentences(abstract, language)
        add("copy", index, full_text(title, abstract, language), [index])
        shuffled = parts[:]
        while shuffled == parts:
            rng.shuffle(shuffled)
        add("reordered", index, full_text(title, join(shuffled, language), language), [index])
        other = (index + 5) % len(abstracts)
        if abstracts[other][0] == discipline:
            other = (other + 2) % len(abstracts)
        other_parts = sentences(abstracts[other][2], language)
        half = (len(parts) + 1) // 2
        mixed = parts[:half] + other_parts[len(other_parts) // 2 :]
        add("partly", index, join(mixed, language), [index, other])
        add(
            "paraphrase", index, paraphrase(full_text(title, abstract, language), synonyms), [index]
        )
    for document in corpus(language):
        queries.append(Document(f"unrelated:{document.key}", language, document.text))
        truth[f"unrelated:{document.key}"] = ("unrelated", {document.key})  # itself, skipped
    return queries, truth


def measure(pairs, truth):
    """{kind: (precision, recall, found, expected)} of ``pairs`` (text_overlap.Pair) against
    ``truth``; for "unrelated" the pairs found are all false alarms."""
    found = {}
    for pair in pairs:
        if pair.a.startswith("unrelated:") and pair.b == pair.a.removeprefix("unrelated:"):
            continue
        found.setdefault(pair.a, set()).add(pair.b)
    result = {}
    for kind in KINDS:
        keys = [key for key, (k, _) in truth.items() if k == kind]
        if kind == "unrelated":
            expected = 0
            hits = 0
            predicted = sum(len(found.get(key, set()) - truth[key][1]) for key in keys)
        else:
            expected = sum(len(truth[key][1]) for key in keys)
            hits = sum(len(found.get(key, set()) & truth[key][1]) for key in keys)
            predicted = sum(len(found.get(key, set())) for key in keys)
        precision = hits / predicted if predicted else 1.0
        recall = hits / expected if expected else 1.0
        result[kind] = (precision, recall, predicted, expected)
    return result


# ---- a synthetic corpus for speed -----------------------------------------------------------


def _chain(language):
    """An order-2 Markov chain over the abstracts' characters (Chinese) or words (English)."""
    abstracts, _ = CORPORA[language]
    chain = {}
    for _, title, abstract in abstracts:
        text = full_text(title, abstract, language)
        units = list(text) if language == "zh" else text.split()
        for a, b, c in zip(units, units[1:], units[2:], strict=False):
            chain.setdefault((a, b), []).append(c)
    return chain


def synthetic_texts(language, count, seed=7, length=None):
    """``count`` texts shaped like the abstracts (Markov-chained from them, with a share of
    invented terms so the vocabulary grows with the corpus as real abstracts' does): every
    pair shares common phrases, none shares whole passages."""
    rng = random.Random(seed)
    chain = _chain(language)
    starts = list(chain)
    length = length or (300 if language == "zh" else 160)
    texts = []
    for _ in range(count):
        state = rng.choice(starts)
        units = list(state)
        while len(units) < length:
            if rng.random() < 0.06:  # a term of this project: a made-up word
                units.append(_invented(rng, language))
            following = chain.get(state)
            if not following:
                state = rng.choice(starts)
                units.extend(state)
                continue
            unit = rng.choice(following)
            units.append(unit)
            state = (state[1], unit)
        texts.append(("" if language == "zh" else " ").join(units))
    return texts


def _invented(rng, language):
    if language == "zh":
        return "".join(chr(rng.randint(0x4E00, 0x4E00 + 3500)) for _ in range(rng.randint(2, 4)))
    letters = "abcdefghiklmnoprstuvy"
    return "".join(rng.choice(letters) for _ in range(rng.randint(5, 10)))
