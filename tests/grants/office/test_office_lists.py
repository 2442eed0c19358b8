"""The officers' proposal lists: filters, sorting, counts, pagination, the provincial limit, the
CSV export and the query counts."""

import csv
import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from grants.calls import call_workflow
from grants.funding import decisions
from grants.models import BudgetCategory, Discipline, Institution, Proposal, Role, Screening
from grants.models.decisions import Decision, FundingRound, Outcome
from grants.proposals import consortium_workflow, proposal_workflow
from reviews import panels as reviews_panels
from reviews import workflow as reviews_workflow
from reviews.ranking import computed_order
from tests.factories import make_call, make_proposal, make_user
from tests.reviews.factories import full_review, make_assignment, make_reviewer


@pytest.fixture
def officer(reference):
    return make_user(roles=[Role.FUND_OFFICER])


def with_budget(proposal, lead, cells):
    """Replace the lead institution's budget lines before submission."""
    member = proposal.members.get(is_lead=True)
    consortium_workflow.member_budget_save(
        member=member,
        actor=lead,
        cells=cells,
        team=[],
        expected_digest=consortium_workflow.lines_digest(member),
    )
    return proposal_workflow.proposal_submit(proposal=proposal, actor=lead)


@pytest.fixture
def listed(reference):
    """Three listed proposals and a draft:

    shanghai: Fudan (Shanghai) + Zhejiang University, F0601, a formula in its English title
    battery:  Nanjing University (Jiangsu) + USTC (Anhui), E03, more money, equipment too
    grid:     SJTU (Shanghai) + Southeast University (Jiangsu), F04, withdrawn
    draft:    Hefei University of Technology (Anhui) + Zhejiang University of Technology
    """
    call = make_call("c1")
    shanghai = make_proposal(
        call,
        make_user(institution="复旦大学", name="李领衔"),
        partners=[make_user(institution="浙江大学")],
        submit=True,
        title_zh="可信视觉大模型",
        title_en='=HYPERLINK("http://evil.example","click")',
        primary_code=Discipline.objects.get(code="F0601"),
    )
    battery_lead = make_user(institution="南京大学")
    battery = with_budget(
        make_proposal(
            call,
            battery_lead,
            partners=[make_user(institution="中国科学技术大学")],
            title_zh="固态电池复合电极",
            title_en="Solid-state battery electrodes",
            primary_code=Discipline.objects.get(code="E03"),
        ),
        battery_lead,
        {
            (BudgetCategory.EQUIPMENT, 1): Decimal("200000"),
            **{(BudgetCategory.OPERATIONS, year): Decimal("100000") for year in (1, 2, 3)},
        },
    )
    grid_lead = make_user(institution="上海交通大学")
    grid = make_proposal(
        call,
        grid_lead,
        partners=[make_user(institution="东南大学")],
        submit=True,
        title_en="Grid dispatch",
        primary_code=Discipline.objects.get(code="F04"),
    )
    proposal_workflow.proposal_withdraw(proposal=grid, actor=grid_lead)
    draft = make_proposal(
        call,
        make_user(institution="合肥工业大学"),
        partners=[make_user(institution="浙江工业大学")],
    )
    Proposal.objects.filter(pk=battery.pk).update(screening=Screening.ELIGIBLE)
    return call, {"shanghai": shanghai, "battery": battery, "grid": grid, "draft": draft}


def references(response, proposals):
    names = {p.reference: name for name, p in proposals.items()}
    return [names[p.reference] for p in response.context["page"]]


def test_fund_office_lists_every_non_draft_proposal(client, officer, listed):
    call, proposals = listed
    client.force_login(officer)
    response = client.get("/office/calls/c1/proposals/")
    # By reference: YRD-2026-E03-…, YRD-2026-F04-…, YRD-2026-F06-…
    assert references(response, proposals) == ["battery", "grid", "shanghai"]
    assert f'href="/office/proposals/{proposals["shanghai"].pk}/"' in response.text


@pytest.mark.parametrize(
    "query, expected",
    [
        ("status=withdrawn", ["grid"]),
        ("status=submitted", ["battery", "shanghai"]),
        ("screening=eligible", ["battery"]),
        ("screening=pending", ["grid", "shanghai"]),
        ("province=340000", ["battery"]),
        ("province=310000", ["grid", "shanghai"]),
        ("province=320000", ["battery", "grid"]),
        ("province=330000", ["shanghai"]),
        ("discipline=F", ["grid", "shanghai"]),
        ("discipline=f06", ["shanghai"]),
        ("discipline=F0601", ["shanghai"]),
        ("discipline=E03", ["battery"]),
        ("discipline=H", []),
        ("province=310000&status=submitted", ["shanghai"]),
    ],
)
def test_filters(client, officer, listed, query, expected):
    _call, proposals = listed
    client.force_login(officer)
    response = client.get(f"/office/calls/c1/proposals/?{query}")
    assert references(response, proposals) == expected


def test_filter_by_institution(client, officer, listed):
    _call, proposals = listed
    client.force_login(officer)
    ustc = Institution.objects.get(name_zh="中国科学技术大学")
    response = client.get(f"/office/calls/c1/proposals/?institution={ustc.pk}")
    assert references(response, proposals) == ["battery"]


@pytest.mark.parametrize(
    "ordering, expected",
    [
        ("reference", ["battery", "grid", "shanghai"]),
        ("-reference", ["shanghai", "grid", "battery"]),
        ("-total", ["battery"]),  # the other two ask for the same amount
        ("title", ["shanghai", "grid", "battery"]),
        ("-submitted_at", ["grid", "battery", "shanghai"]),
    ],
)
def test_sorting(client, officer, listed, ordering, expected):
    _call, proposals = listed
    client.force_login(officer)
    response = client.get(f"/office/calls/c1/proposals/?ordering={ordering}")
    assert references(response, proposals)[: len(expected)] == expected


@pytest.mark.parametrize("ordering", ["-total", "total"])
def test_a_proposal_without_a_total_comes_last_either_way(client, officer, listed, ordering):
    _call, proposals = listed
    Proposal.objects.filter(pk=proposals["battery"].pk).update(requested_total=None)
    client.force_login(officer)
    response = client.get(f"/office/calls/c1/proposals/?ordering={ordering}")
    # grid and shanghai ask for the same amount: by reference then.
    assert references(response, proposals) == ["grid", "shanghai", "battery"]


def test_the_sort_by_total_and_the_provincial_scope_have_their_indexes(db):
    with connection.cursor() as cursor:
        members = connection.introspection.get_constraints(cursor, "grants_consortiummember")
        proposals = connection.introspection.get_constraints(cursor, "grants_proposal")
    scope = members["member_institution_status"]
    assert scope["columns"] == ["institution_id", "status", "proposal_id"]
    # PostgreSQL's alone (grants/migrations/0023_office_list_indexes.py).
    by_total = proposals.get("proposal_call_total_desc")
    if connection.vendor == "postgresql":
        assert by_total["columns"] == ["call_id", "requested_total", "reference", "id"]
        assert by_total["orders"] == ["ASC", "DESC", "ASC", "ASC"]
    else:
        assert by_total is None


def test_totals_are_direct_plus_computed_indirect(client, officer, listed):
    _call, proposals = listed
    client.force_login(officer)
    rows = {p.reference: p for p in client.get("/office/calls/c1/proposals/").context["page"]}
    battery = rows[proposals["battery"].reference]
    # Direct 500,000 + 300,000; indirect 30% of (800,000 - 200,000 equipment) = 180,000.
    assert (battery.direct_total, battery.total) == (Decimal("800000.00"), Decimal("980000.00"))
    assert rows[proposals["shanghai"].reference].total == Decimal("780000.00")


def test_counts_by_province_and_department(client, officer, listed):
    client.force_login(officer)
    response = client.get("/office/calls/c1/proposals/")
    assert [(p.code, n) for p, n in response.context["by_province"]] == [
        ("310000", 2),
        ("320000", 2),
        ("330000", 1),
        ("340000", 1),
    ]
    assert [(str(d.code), n) for d, n in response.context["by_department"]] == [("E", 1), ("F", 2)]
    filtered = client.get("/office/calls/c1/proposals/?province=340000")
    assert [(p.code, n) for p, n in filtered.context["by_province"]] == [
        ("320000", 1),
        ("340000", 1),
    ]


def listed_count(client, path):
    """The page's count of proposals, with the queries the page ran."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    page = response.context["page"]
    assert page.paginator.count == len(page)  # every proposal here fits on the first page
    assert page.paginator.count == sum(n for _department, n in response.context["by_department"])
    return page.paginator.count, [query["sql"] for query in queries]


@pytest.mark.parametrize(
    "query, expected",
    [
        ("", 3),
        ("status=withdrawn", 1),
        ("screening=pending&ordering=-total", 2),
        ("province=320000", 2),
        ("discipline=F", 2),
        ("discipline=H", 0),
    ],
)
def test_the_count_is_the_departments_counts_added_up(client, officer, listed, query, expected):
    # Every proposal lies in one group of the counts, so the paginator runs no COUNT of its own.
    client.force_login(officer)
    count, queries = listed_count(client, f"/office/calls/c1/proposals/?{query}")
    assert count == expected
    assert not [sql for sql in queries if "COUNT(*)" in sql]


@pytest.mark.parametrize(
    "query, expected", [("outcome=none", 1), ("outcome=funded&score_max=4", 1), ("score_min=3", 3)]
)
def test_the_count_follows_the_outcome_and_score_filters(client, officer, decided, query, expected):
    client.force_login(officer)
    assert listed_count(client, f"/office/calls/decided/proposals/?{query}")[0] == expected


def test_a_provincial_officers_count_is_their_provinces_proposals(client, listed):
    client.force_login(make_user(roles=[Role.PROVINCIAL_OFFICER], province="330000"))
    assert listed_count(client, "/office/calls/c1/proposals/")[0] == 1
    assert listed_count(client, "/office/calls/c1/proposals/?status=withdrawn")[0] == 0


def test_pages_of_fifty(client, officer, listed, monkeypatch):
    from grants.office import views as office

    _call, proposals = listed
    monkeypatch.setattr(office, "PAGE_SIZE", 2)
    client.force_login(officer)
    second = client.get("/office/calls/c1/proposals/?ordering=reference&page=2")
    assert references(second, proposals) == ["shanghai"]
    assert "ordering=reference&amp;page=1" in second.text


def test_page_size_is_fifty():
    from grants.office import views as office

    assert office.PAGE_SIZE == 50


# ---- review scores and funding outcomes -----------------------------------------------------

# Zhejiang's pool pays two shares of ¥390,000 (what each proposal asks of each province).
POOLS = {"310000": 2_000_000, "320000": 1_000_000, "330000": 800_000, "340000": 1_000_000}
EVERYWHERE = ("excellence", "impact", "implementation", "collaboration")


def scored(value):
    return dict.fromkeys(EVERYWHERE, value)


# Three reviews per proposal; None is n/a.
REVIEWS = {
    "top": [scored("4.5")] * 3,
    "second": [scored("4")] * 3,
    "third": [
        scored("3.5"),
        scored("3.5"),
        {"excellence": "4", "impact": None, "implementation": "3", "collaboration": "4"},
    ],
    "weak": [scored("2.5")] * 3,
}
# The n/a review scores (0.3 × 4 + 0.2 × 3 + 0.2 × 4) / 0.7 = 26/7, so third's mean is 25/7.


@pytest.fixture
def decided(reference):
    """A call whose funding is committed. Each proposal is Fudan + Zhejiang University:

    top:     4.5 from every reviewer, funded
    second:  4 from every reviewer, funded
    third:   25/7 ≈ 3.57 (an n/a left out), on the reserve list once Zhejiang's pool ran out
    weak:    2.5 from every reviewer, below the overall threshold of 3
    dropped: screened ineligible, so never reviewed and never decided
    """
    call = make_call("decided", contributions=POOLS, reviewers_per_proposal=3)
    proposals = {
        name: make_proposal(
            call,
            make_user(institution="复旦大学"),
            partners=[make_user(institution="浙江大学")],
            submit=True,
        )
        for name in ("top", "second", "third", "weak", "dropped")
    }
    officer = make_user(roles=[Role.FUND_OFFICER])
    call.closes_at = timezone.now() - timedelta(seconds=1)
    call.save()
    call = call_workflow.call_close(call=call, actor=officer)
    for name, proposal in proposals.items():
        if name == "dropped":
            proposal_workflow.proposal_screen_ineligible(
                proposal=proposal, actor=officer, reason="合作单位不足。"
            )
        else:
            proposal_workflow.proposal_screen_eligible(proposal=proposal, actor=officer)
    call = call_workflow.call_start_review(call=call, actor=officer)
    reviewers = [make_reviewer(institution=place) for place in ("武汉大学", "北京大学", "中山大学")]
    for name, reviews in REVIEWS.items():
        for reviewer, scores in zip(reviewers, reviews, strict=True):
            reviews_workflow.review_save(
                assignment=make_assignment(proposals[name], reviewer),
                reviewer=reviewer,
                data=full_review(**scores),
                submit=True,
            )
    chair = make_user(institution="清华大学", roles=[Role.PANEL_CHAIR])
    panel = reviews_panels.panel_create(
        call=call,
        area=Discipline.objects.get(code="F"),
        name="F",
        chair=chair,
        members=reviewers,
        actor=officer,
    )
    reviews_panels.panel_lock(panel=panel, actor=chair, order=computed_order(panel), reasons={})
    call = call_workflow.call_start_panel(call=call, actor=officer)
    decisions.funding_commit(call=call, actor=officer)
    return call, proposals


def test_the_list_shows_each_score_and_outcome(client, officer, decided):
    _call, proposals = decided
    client.force_login(officer)
    response = client.get("/office/calls/decided/proposals/")
    rows = {p.pk: p for p in response.context["page"]}
    assert rows[proposals["top"].pk].score == Decimal("4.5")
    # The column keeps 12 places (reviews.scoring.sortable_score); the exact mean is kept too.
    assert rows[proposals["third"].pk].score == Decimal("3.571428571429")
    assert rows[proposals["third"].pk].review_result["mean"] == str(Decimal(25) / Decimal(7))
    assert rows[proposals["dropped"].pk].score is None
    assert [rows[p.pk].outcome for p in proposals.values()] == [
        Outcome.FUNDED,
        Outcome.FUNDED,
        Outcome.RESERVE,
        Outcome.BELOW_THRESHOLD,
        "",
    ]
    assert '<th scope="col" class="num">Review score</th>' in response.text
    assert '<td class="num" data-score>3.57</td>' in response.text
    # The true reason, as reviews.scoring gave it when funding was committed.
    assert "Not funded: below the overall threshold; below a criterion&#x27;s threshold" in (
        response.text
    )


@pytest.mark.parametrize(
    "query, expected",
    [
        ("score_min=4", ["top", "second"]),
        ("score_min=4.5", ["top"]),  # the bounds are included
        ("score_max=2.5", ["weak"]),
        # 25/7 is above 3.5; with the n/a counted as 0 it would be 3.2 and listed.
        ("score_max=3.5", ["weak"]),
        ("score_min=3.5&score_max=4", ["second", "third"]),
        ("score_min=0", ["top", "second", "third", "weak"]),  # no score is not 0
        ("score_min=&score_max=", ["top", "second", "third", "weak", "dropped"]),
        ("outcome=funded", ["top", "second"]),
        ("outcome=reserve", ["third"]),
        ("outcome=below_threshold", ["weak"]),
        ("outcome=none", ["dropped"]),
        ("outcome=funded&score_max=4", ["second"]),
        ("outcome=reserve&screening=eligible", ["third"]),
    ],
)
def test_score_and_outcome_filters(client, officer, decided, query, expected):
    _call, proposals = decided
    client.force_login(officer)
    response = client.get(f"/office/calls/decided/proposals/?{query}")
    assert references(response, proposals) == expected


def test_a_score_bound_outside_0_to_5_is_shown_beside_its_field_as_typed(client, officer, decided):
    client.force_login(officer)
    response = client.get("/office/calls/decided/proposals/?score_min=6")
    assert response.context["filter"].form.errors["score_min"] == [
        "Ensure this value is less than or equal to 5."
    ]
    assert 'name="score_min" value="6"' in response.text
    # As with every filter, a bound that is not valid filters nothing.
    assert len(response.context["page"]) == 5


def test_score_filter_counts_follow_the_filter(client, officer, decided):
    client.force_login(officer)
    response = client.get("/office/calls/decided/proposals/?score_min=4")
    assert [(p.code, n) for p, n in response.context["by_province"]] == [
        ("310000", 2),
        ("330000", 2),
    ]


@pytest.mark.parametrize(
    "ordering, expected",
    [
        ("-score", ["top", "second", "third", "weak", "dropped"]),
        # Unscored proposals come last either way.
        ("score", ["weak", "third", "second", "top", "dropped"]),
    ],
)
def test_sorting_by_score(client, officer, decided, ordering, expected):
    _call, proposals = decided
    client.force_login(officer)
    response = client.get(f"/office/calls/decided/proposals/?ordering={ordering}")
    assert references(response, proposals) == expected


def test_sorting_by_score_pages_through_ties(client, officer, decided, monkeypatch):
    from grants.office import views as office

    _call, proposals = decided
    monkeypatch.setattr(office, "PAGE_SIZE", 2)
    client.force_login(officer)
    pages = [
        references(
            client.get(f"/office/calls/decided/proposals/?ordering=-score&page={n}"), proposals
        )
        for n in (1, 2, 3)
    ]
    assert pages == [["top", "second"], ["third", "weak"], ["dropped"]]


def test_csv_has_the_score_and_outcome(client, officer, decided):
    _call, proposals = decided
    client.force_login(officer)
    header, *rows = read_csv(client.get("/office/calls/decided/proposals/export/?ordering=-score"))
    assert header[-2:] == ["Review score", "Funding outcome"]
    assert [row[0] for row in rows] == [p.reference for p in proposals.values()]
    assert [row[-2:] for row in rows] == [
        ["4.50", "Funded"],
        ["4.00", "Funded"],
        ["3.57", "Reserve list"],
        ["2.50", "Not funded: below the overall threshold; below a criterion's threshold"],
        ["", ""],
    ]


def test_csv_follows_the_score_and_outcome_filters(client, officer, decided):
    _call, proposals = decided
    client.force_login(officer)
    _header, *rows = read_csv(
        client.get("/office/calls/decided/proposals/export/?score_min=3&outcome=reserve")
    )
    assert [row[0] for row in rows] == [proposals["third"].reference]


def test_provincial_officers_see_scores_and_outcomes_of_their_proposals(client, decided):
    _call, proposals = decided
    client.force_login(make_user(roles=[Role.PROVINCIAL_OFFICER], province="330000"))
    response = client.get("/office/calls/decided/proposals/?outcome=funded&ordering=score")
    assert references(response, proposals) == ["second", "top"]
    other = make_user(roles=[Role.PROVINCIAL_OFFICER], province="340000")
    client.force_login(other)
    assert references(client.get("/office/calls/decided/proposals/?score_min=0"), proposals) == []


# ---- provincial officers --------------------------------------------------------------------


@pytest.mark.parametrize(
    "province, expected",
    [
        ("310000", ["grid", "shanghai"]),
        ("320000", ["battery", "grid"]),
        ("330000", ["shanghai"]),
        ("340000", ["battery"]),
    ],
)
def test_provincial_officers_see_only_proposals_with_their_institutions(
    client, listed, province, expected
):
    _call, proposals = listed
    client.force_login(make_user(roles=[Role.PROVINCIAL_OFFICER], province=province))
    response = client.get("/office/calls/c1/proposals/")
    assert references(response, proposals) == expected
    export = client.get("/office/calls/c1/proposals/export/").content.decode("utf-8-sig")
    for name, proposal in proposals.items():
        if proposal.reference:
            assert (proposal.reference in export) == (name in expected)


def test_provincial_officer_never_sees_other_provinces_even_by_filtering(client, listed):
    _call, proposals = listed
    officer = make_user(roles=[Role.PROVINCIAL_OFFICER], province="340000")
    client.force_login(officer)
    for query in ("province=310000", "province=330000", "status=withdrawn", "discipline=F"):
        assert references(client.get(f"/office/calls/c1/proposals/?{query}"), proposals) == []
    page = client.get("/office/calls/c1/proposals/")
    assert proposals["shanghai"].title_zh not in page.text
    # Each row opens the officer's read-only page (tests/grants/office/test_office_proposal_read.py).
    assert f'href="/office/proposals/{proposals["battery"].pk}/"' in page.text


def test_provincial_officers_own_proposals_elsewhere_stay_out_of_the_list(client, listed):
    call, proposals = listed
    officer = make_user(roles=[Role.PROVINCIAL_OFFICER], province="340000", institution="南京大学")
    own = make_proposal(call, officer, partners=[make_user(institution="西湖大学")], submit=True)
    client.force_login(officer)
    response = client.get("/office/calls/c1/proposals/")
    assert own.reference not in [p.reference for p in response.context["page"]]


def test_provincial_officers_do_not_see_draft_calls(client, reference):
    make_call("not-yet", status_open=False)
    client.force_login(make_user(roles=[Role.PROVINCIAL_OFFICER], province="310000"))
    assert client.get("/office/calls/not-yet/proposals/").status_code == 404


# ---- CSV ------------------------------------------------------------------------------------


def read_csv(response):
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_csv_opens_in_excel_with_chinese_totals_and_no_formulas(client, officer, listed):
    _call, proposals = listed
    client.force_login(officer)
    response = client.get("/office/calls/c1/proposals/export/")
    assert 'filename="c1-proposals.csv"' in response["Content-Disposition"]
    header, *rows = read_csv(response)
    assert header == [
        "Reference",
        "Title (Chinese)",
        "Title (English)",
        "Lead PI",
        "Lead institution",
        "Provinces",
        "Primary discipline code",
        "Status",
        "Screening",
        "Submitted at (Beijing time)",
        "Direct costs (yuan)",
        "Total (yuan)",
        "Review score",
        "Funding outcome",
    ]
    by_reference = {row[0]: row for row in rows}
    assert len(rows) == 3
    shanghai = by_reference[proposals["shanghai"].reference]
    assert shanghai[1] == "可信视觉大模型"
    assert shanghai[2] == '\'=HYPERLINK("http://evil.example","click")'
    assert shanghai[3] == "李领衔"
    assert shanghai[4] == "Fudan University"
    assert shanghai[5] == "Shanghai; Zhejiang"
    assert shanghai[6:9] == ["F0601", "Submitted", "Not screened yet"]
    assert shanghai[9] == timezone.localtime(proposals["shanghai"].submitted_at).strftime(
        "%Y-%m-%d %H:%M"
    )
    assert shanghai[10:] == ["600000.00", "780000.00", "", ""]  # not reviewed, not decided
    battery = by_reference[proposals["battery"].reference]
    assert battery[1] == "固态电池复合电极" and battery[5] == "Jiangsu; Anhui"
    assert battery[8] == "Eligible" and battery[10:12] == ["800000.00", "980000.00"]
    assert sum(Decimal(row[11]) for row in rows) == Decimal("2540000.00")


def test_csv_follows_the_filters(client, officer, listed):
    _call, proposals = listed
    client.force_login(officer)
    _header, *rows = read_csv(client.get("/office/calls/c1/proposals/export/?province=340000"))
    assert [row[0] for row in rows] == [proposals["battery"].reference]


@pytest.mark.parametrize(
    "text, cell",
    [
        ("=1+1", "'=1+1"),
        ("+86 21", "'+86 21"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        (" =HYPERLINK(1)", "' =HYPERLINK(1)"),
        ("\n=1+1", "'\n=1+1"),
        ("长三角 = 协同", "长三角 = 协同"),
        ("", ""),
        (None, ""),
    ],
)
def test_csv_cells_never_start_a_formula(text, cell):
    from grants.core.csv_cells import csv_safe

    assert csv_safe(text) == cell


# ---- query counts ---------------------------------------------------------------------------


def many_proposals(count):
    """``count`` proposals, each with a submitted review and a funding decision, so the lists
    run every query that scores and outcomes need."""
    call = make_call("busy", max_participations_per_pi=count + 1)
    partner = make_user(institution="浙江大学")
    reviewer = make_reviewer()
    proposals = []
    for number in range(count):
        lead = make_user(institution=["复旦大学", "南京大学", "中国科学技术大学"][number % 3])
        proposal = make_proposal(call, lead, partners=[partner], submit=True, title_en=f"P{number}")
        reviews_workflow.review_save(
            assignment=make_assignment(proposal, reviewer),
            reviewer=reviewer,
            data=full_review(),
            submit=True,
        )
        proposals.append(proposal)
    # The rows a committed funding round leaves; committing itself is tested in test_decisions.
    funding_round = FundingRound.objects.create(
        call=call, committed_by=make_user(roles=[Role.FUND_OFFICER]), model=call.funding_model
    )
    for rank, proposal in enumerate(proposals, 1):
        Decision.objects.create(
            round=funding_round, proposal=proposal, rank=rank, outcome=Outcome.RESERVE
        )
    return call


@pytest.mark.parametrize("count", [1, 20])
@pytest.mark.parametrize(
    "query", ["ordering=-total", "ordering=-score&score_min=1&score_max=5&outcome=reserve"]
)
def test_list_query_count_does_not_grow_with_rows(
    client, officer, reference, django_assert_num_queries, count, query
):
    many_proposals(count)
    client.force_login(officer)
    client.get("/office/calls/busy/proposals/")  # warm the session and caches
    with django_assert_num_queries(11):
        response = client.get(f"/office/calls/busy/proposals/?{query}")
    assert len(response.context["page"]) == count
    assert {(p.score, p.outcome) for p in response.context["page"]} == {
        (Decimal("3.9"), Outcome.RESERVE)
    }


@pytest.mark.parametrize("count", [1, 20])
def test_export_query_count_does_not_grow_with_rows(
    client, officer, reference, django_assert_num_queries, count
):
    many_proposals(count)
    client.force_login(officer)
    client.get("/office/calls/busy/proposals/export/")
    with django_assert_num_queries(6):
        response = client.get("/office/calls/busy/proposals/export/?ordering=-score")
    rows = read_csv(response)
    assert len(rows) == count + 1
    assert {tuple(row[-2:]) for row in rows[1:]} == {("3.90", "Reserve list")}


@pytest.mark.parametrize("count", [1, 20])
def test_provincial_list_query_count_does_not_grow_with_rows(
    client, reference, django_assert_num_queries, count
):
    many_proposals(count)
    client.force_login(make_user(roles=[Role.PROVINCIAL_OFFICER], province="330000"))
    client.get("/office/calls/busy/proposals/")
    with django_assert_num_queries(11):
        response = client.get("/office/calls/busy/proposals/")
    assert len(response.context["page"]) == count


def read_workbook(response):
    import openpyxl

    return openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def test_the_workbook_has_the_csv_rows_typed_and_a_sheet_per_province(client, officer, decided):
    from grants.core.xlsx import MONEY_FORMAT

    _call, proposals = decided
    client.force_login(officer)
    query = "?ordering=-score"
    header, *csv_rows = read_csv(client.get(f"/office/calls/decided/proposals/export/{query}"))
    response = client.get(f"/office/calls/decided/proposals/export/xlsx/{query}")
    assert response["Content-Disposition"] == 'attachment; filename="decided-proposals.xlsx"'
    book = read_workbook(response)
    assert book.sheetnames == ["All", "Shanghai", "Zhejiang"]
    sheet = book["All"]
    assert [cell.value for cell in sheet[1]] == header
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == "A1:N6"
    assert [row[0].value for row in sheet.iter_rows(min_row=2)] == [r[0] for r in csv_rows]
    top = sheet[2]
    assert top[9].is_date
    assert top[10].data_type == "n" and top[10].number_format == MONEY_FORMAT
    assert f"{top[11].value:.2f}" == csv_rows[0][11]
    assert top[12].value == 4.5
    assert sheet.cell(row=6, column=13).value is None  # the unreviewed one has no score
    assert book["Zhejiang"].max_row == 6  # every consortium has a Zhejiang partner


def test_a_long_list_is_offered_as_a_background_workbook(
    client, officer, decided, monkeypatch, django_capture_on_commit_callbacks
):
    from reviews import exports
    from reviews.models import ExportJob

    client.force_login(officer)
    monkeypatch.setattr(exports, "SYNC_CSV_ROWS", 1)
    offer = client.get("/office/calls/decided/proposals/export/xlsx/?ordering=-score")
    assert b'name="format" value="xlsx"' in offer.content
    assert b"Prepare the Excel workbook" in offer.content
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/office/calls/decided/proposals/export/background/",
            {"query": "ordering=-score", "format": "xlsx"},
        )
    job = ExportJob.objects.get()
    assert (job.file_format, job.filename, job.total, job.done) == (
        "xlsx",
        "decided-proposals.xlsx",
        5,
        5,
    )
    download = client.get(f"/exports/{job.pk}/download/")
    assert download["Content-Type"].startswith("application/vnd.openxmlformats")
    book = read_workbook(download)
    assert book.sheetnames == ["All", "Shanghai", "Zhejiang"]
    assert book["All"].max_row == 6
