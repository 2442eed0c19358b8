"""reviews.publication_rules: which records are one paper, who co-authored recently, and how
close a proposal's text is to a reviewer's papers."""

import pytest

from reviews.publication_rules import (
    Author,
    Paper,
    PaperIndex,
    match_key,
    normalise_doi,
    normalise_orcid,
    person_tokens,
    recent_coauthors,
    window_start,
)


@pytest.mark.parametrize(
    ("doi", "title", "year", "key"),
    [
        ("10.1000/ABC.1", "Anything", 2024, "doi:10.1000/abc.1"),
        ("https://doi.org/10.1000/abc.1", "", None, "doi:10.1000/abc.1"),
        ("doi: 10.1000/abc.1", "", None, "doi:10.1000/abc.1"),
        ("", "Graph Learning, for Robots!", 2024, "title:graphlearningforrobots:2024"),
        ("", "图 学习：机器人", 2023, "title:图学习机器人:2023"),
        ("  ", "No year", None, "title:noyear:"),
    ],
)
def test_a_paper_is_its_doi_or_its_title_and_year(doi, title, year, key):
    assert match_key(doi, title, year) == key


@pytest.mark.parametrize(
    ("value", "orcid"),
    [
        ("0000-0002-1825-0097", "0000-0002-1825-0097"),
        ("https://orcid.org/0000-0002-1694-233x", "0000-0002-1694-233X"),
        ("not an id", ""),
        ("", ""),
    ],
)
def test_orcid_ids_are_read_from_bare_ids_and_addresses(value, orcid):
    assert normalise_orcid(value) == orcid


def test_doi_normalisation_keeps_the_doi_itself():
    assert normalise_doi(" HTTP://dx.doi.org/10.5555/X ") == "10.5555/x"


def test_person_tokens_name_the_account_the_orcid_and_the_name():
    assert person_tokens(5, "Li  Wei", "0000-0002-1825-0097") == {
        "user:5",
        "orcid:0000-0002-1825-0097",
        "name:liwei",
    }
    assert person_tokens(None, "", "") == frozenset()


def test_the_window_counts_the_call_year_and_the_years_before():
    assert window_start(2026, 3) == 2023


def paper(owner, year, *, doi="", title="A paper", authors=()):
    return Paper(owner=owner, title=title, year=year, doi=doi, authors=tuple(authors))


@pytest.mark.parametrize(
    ("papers", "others", "since", "expected"),
    [
        (
            [paper(1, 2024, authors=[Author("Wang Wu"), Author("X", "0000-0002-1825-0097")])],
            [],
            2023,
            {"name:wangwu", "name:x", "orcid:0000-0002-1825-0097"},
        ),
        ([paper(1, 2020, authors=[Author("Wang Wu")])], [], 2023, None),
        ([paper(1, None, authors=[Author("Wang Wu")])], [], 2023, None),
        ([paper(1, 2025, doi="10.1/a")], [paper(2, 2025, doi="10.1/A")], 2023, {"user:2"}),
        (
            [paper(1, 2025, title="Same Title")],
            [paper(2, 2025, title="same title.")],
            2023,
            {"user:2"},
        ),
        ([paper(1, 2025, title="Same")], [paper(2, 2024, title="Same")], 2023, set()),
        ([paper(1, 2025, doi="10.1/a")], [paper(2, 2019, doi="10.1/a")], 2023, set()),
    ],
    ids=[
        "authors-by-name-and-orcid",
        "paper-before-the-window",
        "paper-of-unknown-year",
        "same-doi-held-by-another-account",
        "same-title-and-year-held-by-another-account",
        "same-title-other-year-is-another-paper",
        "other-record-outside-the-window",
    ],
)
def test_recent_coauthors(papers, others, since, expected):
    found = recent_coauthors(papers, since, [*papers, *others])
    assert found.get(1) == (None if expected is None else frozenset(expected))


ZH_PAPER = "基于深度强化学习的长江口水沙输运预测方法研究，结合遥感观测与数值模拟"
EN_PAPER = "Deep reinforcement learning forecasts of sediment transport in the Yangtze estuary"


def test_papers_close_to_the_proposal_score_higher_in_either_language():
    index = PaperIndex(
        [
            Paper(1, ZH_PAPER, 2024),
            Paper(2, "高温合金焊接接头的疲劳寿命评估与微观组织演化", 2024),
            Paper(3, EN_PAPER, 2024),
        ]
    )
    found = index.similarities(
        {
            "p": [
                "深度强化学习预测长江口水沙输运",
                "Forecasting sediment transport in the Yangtze",
            ],
        }
    )["p"]
    assert found[1] > 0.1 and found[3] > 0.1
    assert found.get(2, 0.0) == 0.0


def test_only_the_closest_papers_count_and_a_long_career_is_not_diluted():
    close = [Paper(1, ZH_PAPER, 2024)] * 3
    wide = close + [Paper(1, f"无关主题{i}号材料的热力学性质测量", 2024) for i in range(10)]
    query = {"p": [ZH_PAPER]}
    assert PaperIndex(wide).similarities(query)["p"][1] == pytest.approx(
        PaperIndex(close).similarities(query)["p"][1], abs=0.05
    )


def test_a_proposal_in_a_language_no_paper_uses_scores_nothing():
    assert PaperIndex([Paper(1, ZH_PAPER, 2024)]).similarities({"p": [EN_PAPER]}) == {}
