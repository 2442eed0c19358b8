"""The funding simulation page: the funded proposals and the next places, the rest a page away,
and cuts typed on one page kept on the others."""

from decimal import Decimal

import pytest

from grants.funding import views as funding_views
from grants.models import Proposal, Role
from tests.factories import make_user
from tests.reviews.factories import make_panel_call


def rows(count, funded):
    return [{"position": position, "award": position in funded} for position in range(1, count + 1)]


def places(shown):
    return [item["position"] for item in shown]


# (rows, funded places, next places, first page limit, page size, ?rest=, shown places, links)
CASES = {
    "everything fits": (5, {1, 2}, 3, 99, 2, None, [1, 2, 3, 4, 5], None),
    "nothing funded: the first places": (
        5,
        set(),
        2,
        99,
        2,
        None,
        [1, 2],
        {"next": 1, "next_first": 3, "funding_line": None},
    ),
    "funded and the next places": (
        9,
        {1, 3},
        2,
        99,
        2,
        None,
        [1, 2, 3, 4, 5],
        {"next": 1, "next_first": 6, "funding_line": None},
    ),
    "the first page of the rest": (
        9,
        {1, 3},
        2,
        99,
        2,
        "1",
        [6, 7],
        {
            "on_rest_page": True,
            "previous": None,
            "next": 2,
            "next_first": 8,
            "first": 6,
            "last": 7,
            "total": 9,
            "funding_line": None,
        },
    ),
    "the last page of the rest": (
        9,
        {1, 3},
        2,
        99,
        2,
        "2",
        [8, 9],
        {
            "on_rest_page": True,
            "previous": 1,
            "next": None,
            "next_first": 10,
            "first": 8,
            "last": 9,
            "total": 9,
            "funding_line": None,
        },
    ),
    "a page past the end shows the last": (9, {1, 3}, 2, 99, 2, "99", [8, 9], None),
    # Funded places beyond the first page's limit: the first page stops at the limit and
    # links to the page holding the last funded place (places 3-4, 5-6, 7-8: page 3).
    "many funded: the first page is capped": (
        10,
        {1, 2, 3, 4, 5, 6, 7},
        2,
        2,
        2,
        None,
        [1, 2],
        {"next": 1, "next_first": 3, "funding_line": {"place": 7, "page": 3}},
    ),
    "many funded: the page of the funding line": (
        10,
        {1, 2, 3, 4, 5, 6, 7},
        2,
        2,
        2,
        "3",
        [7, 8],
        {
            "on_rest_page": True,
            "previous": 2,
            "next": 4,
            "next_first": 9,
            "first": 7,
            "last": 8,
            "total": 10,
            "funding_line": {"place": 7, "page": 3},
        },
    ),
    "the funding line right after the limit": (
        6,
        {1, 2, 3},
        1,
        2,
        2,
        None,
        [1, 2],
        {"next": 1, "next_first": 3, "funding_line": {"place": 3, "page": 1}},
    ),
}


@pytest.mark.parametrize(
    ("count", "funded", "next_places", "limit", "page_size", "rest", "shown", "links"),
    CASES.values(),
    ids=CASES,
)
def test_shown_rows(monkeypatch, count, funded, next_places, limit, page_size, rest, shown, links):
    monkeypatch.setattr(funding_views, "NEXT_PLACES", next_places)
    monkeypatch.setattr(funding_views, "FIRST_PAGE_LIMIT", limit)
    monkeypatch.setattr(funding_views, "REST_PAGE_SIZE", page_size)
    got, got_links = funding_views._shown_rows(rows(count, funded), rest)
    assert places(got) == shown
    if links is not None or rest is None:
        assert got_links == links


@pytest.fixture
def panel_call(reference):
    # Each proposal asks 390,000 of Shanghai and of Zhejiang: only the first fits.
    pools = {"310000": 500_000, "320000": 10_000_000, "330000": 500_000, "340000": 10_000_000}
    return make_panel_call(scores=("4.5", "4", "3.5"), contributions=pools)


def test_the_page_shows_the_funded_places_and_keeps_the_others_cuts(
    client, panel_call, monkeypatch
):
    call, (first, second, third), _officer = panel_call
    monkeypatch.setattr(funding_views, "NEXT_PLACES", 0)
    client.force_login(make_user(roles=[Role.FUND_OFFICER]))
    url = f"/office/calls/{call.code}/funding/?cut_{third.pk}=10"

    response = client.get(url)

    assert [award.proposal for award in response.context["simulation"].outcome.funded] == [first.pk]
    assert [item["place"].pk for item in response.context["rows"]] == [first.pk]
    assert [item["place"].requested_total for item in response.context["rows"]] == [
        first.requested_total
    ]
    assert response.context["hidden_cuts"] == {third.pk: 10}
    assert [(str(label), n) for label, n in response.context["outcome_counts"]] == [
        ("Funded", 1),
        ("Reserve list", 2),
        ("Not funded", 0),
    ]
    # The cut of a place not shown travels hidden in both the simulate and the commit form.
    assert response.content.decode().count(f'name="cut_{third.pk}" value="10"') == 2
    assert f"?cut_{third.pk}=10&amp;rest=1" in response.content.decode()

    rest = client.get(url + "&rest=1")

    assert [item["place"].pk for item in rest.context["rows"]] == [second.pk, third.pk]
    assert rest.context["hidden_cuts"] == {}
    assert f'id="cut-{third.pk}" name="cut_{third.pk}" form="simulate-form" value="10"' in (
        rest.content.decode()
    )


def test_committed_decisions_come_a_page_at_a_time_in_ranking_order(
    client, panel_call, monkeypatch
):
    from grants.funding import decisions

    call, (first, second, third), officer = panel_call
    decisions.funding_commit(call=call, actor=officer)
    monkeypatch.setattr(funding_views, "DECISIONS_PAGE_SIZE", 2)
    client.force_login(officer)
    url = f"/office/calls/{call.code}/funding/"

    response = client.get(url)

    assert [d.proposal_id for d in response.context["decisions"]] == [first.pk, second.pk]
    # Only the first fits the pools of 500,000; the others wait on the reserve list.
    assert [(str(label), n) for label, n in response.context["outcome_counts"]] == [
        ("Funded", 1),
        ("Reserve list", 2),
    ]
    assert "?page=2" in response.content.decode()

    following = client.get(url + "?page=2")

    assert [d.proposal_id for d in following.context["decisions"]] == [third.pk]
    assert "Page 2 of 2" in following.content.decode()


def test_a_large_funded_list_links_to_the_funding_line(client, reference, monkeypatch):
    # Ample pools fund all three; a first page of one place links to the page of the third.
    call, (first, second, third), _officer = make_panel_call(
        scores=("4.5", "4", "3.5"),
        contributions={code: 10_000_000 for code in ("310000", "320000", "330000", "340000")},
    )
    monkeypatch.setattr(funding_views, "FIRST_PAGE_LIMIT", 1)
    monkeypatch.setattr(funding_views, "REST_PAGE_SIZE", 1)
    client.force_login(make_user(roles=[Role.FUND_OFFICER]))
    url = f"/office/calls/{call.code}/funding/"

    response = client.get(url)

    assert [item["place"].pk for item in response.context["rows"]] == [first.pk]
    assert 'href="?rest=2#place-3"' in response.content.decode()
    line = client.get(url + "?rest=2")
    assert [item["place"].pk for item in line.context["rows"]] == [third.pk]
    assert 'id="place-3"' in line.content.decode()


@pytest.mark.parametrize(
    "typed, cut, message",
    [
        ("１０", 10, None),
        (" 12.5 ", Decimal("12.5"), None),
        ("1E+1", None, "“1E+1” is not a percentage."),
        ("1_0", None, "“1_0” is not a percentage."),
        ("-5", None, "A cut is a percentage from 0 to 100."),
        ("101", None, "A cut is a percentage from 0 to 100."),
    ],
    ids=["full-width", "padded", "exponent", "underscore", "negative", "above-100"],
)
def test_cuts_are_read_as_plain_percentages(client, panel_call, typed, cut, message):
    call, (_first, _second, third), _officer = panel_call
    client.force_login(make_user(roles=[Role.FUND_OFFICER]))
    response = client.get(f"/office/calls/{call.code}/funding/", {f"cut_{third.pk}": typed})
    assert response.status_code == 200
    assert response.context["cuts"] == ({third.pk: cut} if cut else {})
    shown = [str(m) for m in response.context["messages"]]
    assert shown == ([message] if message else [])


def with_too_few_reviews(proposal):
    """The stored verdict of a proposal two of whose three reviews were withdrawn: its score
    stays high, yet it is not fundable."""
    proposal.refresh_from_db()
    result = {**proposal.review_result, "fundable": False, "reasons": ["too_few_reviews"]}
    Proposal.objects.filter(pk=proposal.pk).update(
        review_fundable=False, review_count=1, review_result=result
    )


def test_the_simulation_names_provinces_and_gives_the_true_reason(client, panel_call):
    call, (first, second, _third), officer = panel_call
    with_too_few_reviews(first)
    client.force_login(officer)

    page = client.get(f"/office/calls/{call.code}/funding/").content.decode()

    row = page[page.index(f'data-proposal="{first.pk}"') :]
    row = row[: row.index("</tr>")]
    assert "4.50" in row and "too few valid reviews" in row and "threshold" not in row
    assert "Shanghai: 39.00 万 Zhejiang: 39.00 万" in row
    assert "310000:" not in page and "330000:" not in page
    assert first.title_en in page


def test_committed_decisions_show_titles_province_names_and_the_reason(client, panel_call):
    from grants.funding import decisions

    call, (first, second, _third), officer = panel_call
    with_too_few_reviews(first)
    decisions.funding_commit(call=call, actor=officer)
    client.force_login(officer)

    page = client.get(f"/office/calls/{call.code}/funding/").content.decode()

    assert "Not funded: too few valid reviews" in page
    assert "Shanghai: ¥390,000.00" in page and "310000:" not in page
    assert second.title_en in page
    chinese = client.get(
        f"/office/calls/{call.code}/funding/", HTTP_ACCEPT_LANGUAGE="zh-hans"
    ).content.decode()
    assert "不予资助：有效评审意见不足" in chinese
    assert "上海市: ¥390,000.00" in chinese
