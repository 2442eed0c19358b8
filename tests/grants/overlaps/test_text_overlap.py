"""The text overlap: its quality on the labelled set, its scores and the shared passages."""

import pytest

from grants.core import text_similarity
from grants.overlaps import text_overlap
from grants.overlaps.text_overlap import Document, TextIndex, shared_passages, similar_pairs
from tests.grants.overlaps import factories_textoverlap as labelled_set


@pytest.mark.parametrize("language", ["zh", "en"])
def test_copies_reordered_and_partly_copied_texts_are_found_at_the_threshold(language):
    queries, truth = labelled_set.labelled(language)
    pairs = TextIndex(labelled_set.corpus(language), language).pairs(queries)
    measured = labelled_set.measure(pairs, truth)
    hits = predicted = expected = 0
    for kind in labelled_set.MUST_FIND:
        precision, recall, found, wanted = measured[kind]
        hits += round(precision * found)
        predicted += found
        expected += wanted
    assert hits / expected >= 0.95
    assert hits / predicted >= 0.90
    # Unrelated texts of the same discipline raise no alarm.
    assert measured["unrelated"][2] == 0


@pytest.mark.parametrize(
    "text, language",
    [
        ("本项目研究高熵合金涂层。", "zh"),
        ("This project studies coatings.", "en"),
        ("基于 deep learning 的缺陷检测方法研究", "zh"),
        ("", "en"),
        ("球差校正 Titan", "zh"),
        ("Titan Themis 球差", "en"),  # a few characters in English
    ],
)
def test_the_language_of_a_text(text, language):
    assert text_overlap.language_of(text) == language


def test_chinese_is_compared_only_with_chinese():
    zh = "长三角城市群臭氧污染的区域协同控制研究，定量解析挥发性有机物的区域传输贡献。"
    corpus = [Document("zh", "zh", zh), Document("en", "en", "Ozone pollution control " * 5)]
    pairs = similar_pairs([Document("q", "en", zh)], corpus)
    assert pairs == []
    pairs = similar_pairs([Document("q", "zh", zh)], corpus)
    assert [(p.a, p.b, p.language, p.score) for p in pairs] == [("q", "zh", "zh", 1.0)]


def test_a_query_in_the_corpus_pairs_once_and_never_with_itself():
    texts = labelled_set.corpus("en")[:3]
    copy = Document("en:9", "en", texts[0].text)
    corpus = [*texts, copy]
    pairs = TextIndex(corpus, "en").pairs(corpus)
    assert [(p.a, p.b) for p in pairs] == [("en:0", "en:9")]
    assert 0 <= pairs[0].score <= 1


@pytest.mark.parametrize(
    "queries, corpus",
    [
        ([Document("q", "zh", "文本文本")], []),  # nothing to compare with
        ([], [Document("c", "zh", "文本文本")]),
        ([Document("q", "en", "the of and")], [Document("c", "en", "the of and")]),  # stop words
        ([Document("q", "zh", "。。")], [Document("c", "zh", "，，")]),  # punctuation only
    ],
)
def test_nothing_to_compare_finds_nothing(queries, corpus):
    assert similar_pairs(queries, corpus) == []


def test_scores_are_kept_chunk_by_chunk():
    queries, _ = labelled_set.labelled("zh")
    index = TextIndex(labelled_set.corpus("zh"), "zh")
    assert index.pairs(queries, chunk=7) == index.pairs(queries)


@pytest.mark.parametrize(
    "a, b, language, passages",
    [
        # Reordered: each sentence found where it stands in the other text.
        (
            "第一句话讲高熵合金涂层。第二句话讲钝化膜的形成过程。",
            "第二句话讲钝化膜的形成过程！第一句话讲高熵合金涂层。",
            "zh",
            ["第一句话讲高熵合金涂层", "第二句话讲钝化膜的形成过程"],
        ),
        # Punctuation and spacing inside a passage do not break it.
        (
            "We propose glass fibre composites, whose matrix heals after damage.",
            "Here we propose glass fibre composites whose matrix heals after damage!",
            "en",
            ["We propose glass fibre composites, whose matrix heals after damage"],
        ),
        ("短句相同。", "短句相同。", "zh", []),  # under eight characters
        ("Nothing in common here at all.", "Entirely different words are used.", "en", []),
    ],
)
def test_shared_passages(a, b, language, passages):
    spans = shared_passages(a, b, language)
    assert [a[start:end] for start, end, _, _ in spans] == passages
    for start_a, end_a, start_b, end_b in spans:
        assert (
            text_overlap._tokens(a[start_a:end_a], language)[0][0]
            == (text_overlap._tokens(b[start_b:end_b], language)[0][0])
        )


def test_in_a_large_corpus_what_every_text_says_weighs_nothing():
    import random

    rng = random.Random(3)

    def invented(size):
        return "".join(chr(rng.randint(0x4E00, 0x4E00 + 3000)) for _ in range(size))

    boilerplate = "本项目拟开展系统研究并提出新方法"
    corpus = [
        Document(f"zh:{i}", "zh", boilerplate + invented(120))
        for i in range(text_similarity.MAX_DF_FROM)
    ]
    index = TextIndex(corpus, "zh")
    query = Document("q", "zh", boilerplate + invented(120))
    assert index.pairs([query], threshold=0.05) == []  # only the boilerplate is shared
    copy = Document("copy", "zh", corpus[7].text)
    assert [(p.b, p.score) for p in index.pairs([copy])] == [("zh:7", 1.0)]
