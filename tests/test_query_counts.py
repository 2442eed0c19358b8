"""Every list and dashboard page runs as many queries for 20 rows as for one.

Each test renders a page for one row and for twenty (another user, call or panel, or the same
page after adding rows) and compares the queries of a warm request: the first request of
each pair fills the session and the caches.
"""

import re
from collections import Counter

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from grants.funding import decisions
from grants.models import Discipline, Role
from grants.proposals import consortium_workflow, proposal_workflow
from reviews.models import AssignmentRun, Panel
from tests.factories import make_call, make_proposal, make_user
from tests.reviews.factories import (
    make_assignment,
    make_panel_call,
    make_review_call,
    make_reviewer,
)

ROWS = 20
SCORES = ("3", "3.5", "4", "4.5", "5")
PLENTY = {"310000": 90_000_000, "320000": 90_000_000, "330000": 90_000_000, "340000": 90_000_000}


def page_queries(client, user, url):
    """(queries of a warm GET of ``url`` by ``user``, the response)."""
    client.logout()
    if user is not None:
        client.force_login(user)
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return captured, response


def assert_same_count(one, many):
    """Equal query counts; otherwise name the statements that ran once per row."""
    one_count, many_count = len(one), len(many)
    shapes = Counter(re.sub(r"\b\d+\b", "N", query["sql"]) for query in many)
    repeated = [f"{n} × {sql[:160]}" for sql, n in shapes.most_common(3) if n > 1]
    assert one_count == many_count, (
        f"{one_count} queries for 1 row, {many_count} for {ROWS}; repeated: {repeated}"
    )


# ---- public and applicant pages ---------------------------------------------------------------


def test_call_list(client, reference):
    make_call("first")
    one, response = page_queries(client, None, "/calls/")
    assert len(response.context["calls"]) == 1
    for number in range(ROWS - 1):
        make_call(f"call-{number}")
    many, response = page_queries(client, None, "/calls/")
    assert len(response.context["calls"]) == ROWS
    assert_same_count(one, many)


def applicant_with(rows, call):
    """An applicant leading ``rows`` drafts and invited into ``rows`` other consortia."""
    user = make_user(institution="复旦大学")
    for _ in range(rows):
        make_proposal(call, user, budget=False)
        inviter = make_user(institution="浙江大学")
        proposal = proposal_workflow.proposal_create(call=call, lead=inviter)
        member = consortium_workflow.member_add(
            proposal=proposal,
            actor=inviter,
            institution=user.institution,
            expected_version=proposal.version,
        )
        consortium_workflow.invitation_send(member=member, actor=inviter, email=user.email)
    return user


def dashboard_items(response, role):
    (section,) = [s for s in response.context["sections"] if s.role == role]
    return section.items


def test_applicant_dashboard(client, reference):
    call = make_call(max_led_per_pi=ROWS)
    one, response = page_queries(client, applicant_with(1, call), "/dashboard/")
    assert len(dashboard_items(response, "applicant")) == 1 + 1 + 1  # invitation, draft, call
    many, response = page_queries(client, applicant_with(ROWS, call), "/dashboard/")
    assert len(dashboard_items(response, "applicant")) == ROWS + ROWS + 1
    assert_same_count(one, many)


# ---- officers' dashboards and lists ---------------------------------------------------------------


def test_fund_officer_dashboard(client, reference):
    officer = make_user(roles=[Role.FUND_OFFICER])
    make_call("first")
    one, response = page_queries(client, officer, "/dashboard/")
    assert len(dashboard_items(response, Role.FUND_OFFICER)) == 1 + 1
    for number in range(ROWS - 1):
        make_call(f"call-{number}")
    many, response = page_queries(client, officer, "/dashboard/")
    assert len(dashboard_items(response, Role.FUND_OFFICER)) == 1 + ROWS
    assert_same_count(one, many)


def test_provincial_officer_dashboard(client, reference):
    officer = make_user(roles=[Role.PROVINCIAL_OFFICER], province="330000")
    make_proposal(make_call("first"), make_user(), partners=[make_user(institution="浙江大学")])
    one, response = page_queries(client, officer, "/dashboard/")
    # The province's records page, then a row per call.
    assert len(dashboard_items(response, Role.PROVINCIAL_OFFICER)) == 1 + 1
    for number in range(ROWS - 1):
        make_call(f"call-{number}")
    many, response = page_queries(client, officer, "/dashboard/")
    assert len(dashboard_items(response, Role.PROVINCIAL_OFFICER)) == 1 + ROWS
    assert_same_count(one, many)


def test_office_call_list(client, reference):
    officer = make_user(roles=[Role.FUND_OFFICER])
    make_call("first")
    one, response = page_queries(client, officer, "/office/calls/")
    for number in range(ROWS - 1):
        make_call(f"call-{number}", status_open=number % 2 == 0)
    many, response = page_queries(client, officer, "/office/calls/")
    assert len(response.context["calls"]) == ROWS
    assert_same_count(one, many)


def submitted_call(code, rows):
    call = make_call(code, max_participations_per_pi=rows + 1)
    partner = make_user(institution="浙江大学")
    for number in range(rows):
        lead = make_user(institution=["复旦大学", "南京大学", "中国科学技术大学"][number % 3])
        make_proposal(call, lead, partners=[partner], submit=True, title_en=f"P{number}")
    return call


@pytest.mark.parametrize(
    "query", ["", "?ordering=-total", "?province=330000&ordering=submitted_at", "?discipline=F"]
)
def test_office_proposal_list(client, reference, query):
    officer = make_user(roles=[Role.FUND_OFFICER])
    submitted_call("one", 1)
    submitted_call("many", ROWS)
    one, response = page_queries(client, officer, f"/office/calls/one/proposals/{query}")
    assert len(response.context["page"]) == 1
    many, response = page_queries(client, officer, f"/office/calls/many/proposals/{query}")
    assert len(response.context["page"]) == ROWS
    assert_same_count(one, many)


def test_provincial_proposal_list(client, reference):
    officer = make_user(roles=[Role.PROVINCIAL_OFFICER], province="330000")
    submitted_call("one", 1)
    submitted_call("many", ROWS)
    one, _ = page_queries(client, officer, "/office/calls/one/proposals/")
    many, response = page_queries(client, officer, "/office/calls/many/proposals/")
    assert len(response.context["page"]) == ROWS
    assert_same_count(one, many)


def test_reviewer_pool(client, reference):
    officer = make_user(roles=[Role.FUND_OFFICER])
    make_reviewer(disciplines=["F06", "E01"])
    one, _ = page_queries(client, officer, "/office/reviewers/")
    for _ in range(ROWS - 1):
        make_reviewer(institution="北京大学", disciplines=["F06", "E01"])
    many, response = page_queries(client, officer, "/office/reviewers/")
    assert len(response.context["page"].object_list) == ROWS
    assert_same_count(one, many)


def test_assignment_page(client, reference):
    officer = make_user(roles=[Role.FUND_OFFICER])
    reviewers = [make_reviewer(institution=place) for place in ("武汉大学", "北京大学", "中山大学")]

    def call_with_preview(rows):
        call, proposals = make_review_call(n_proposals=rows)
        pairs = [
            {"proposal": p.pk, "reviewer": r.pk, "affinity": 0.5, "explanation": "F06"}
            for p in proposals
            for r in reviewers
        ]
        AssignmentRun.objects.create(
            call=call,
            created_by=officer,
            status=AssignmentRun.Status.DONE,
            progress=100,
            result={
                "pairs": pairs,
                "shortfalls": [],
                "total": 0.5 * len(pairs),
                "weakest": 1.5,
                "complete": True,
            },
        )
        return call

    first, second = call_with_preview(1), call_with_preview(ROWS)
    one, response = page_queries(client, officer, f"/office/calls/{first.code}/assignment/")
    assert len(response.context["rows"]) == 1
    many, response = page_queries(client, officer, f"/office/calls/{second.code}/assignment/")
    assert len(response.context["rows"]) == ROWS
    assert_same_count(one, many)


def test_ledger(client, reference):
    officer = make_user(roles=[Role.FUND_OFFICER])
    first, _, first_officer = make_panel_call(scores=("4",), contributions=PLENTY)
    second, _, second_officer = make_panel_call(scores=("4",) * ROWS, contributions=PLENTY)
    decisions.funding_commit(call=first, actor=first_officer)
    decisions.funding_commit(call=second, actor=second_officer)
    one, response = page_queries(client, officer, f"/ledger/?call={first.code}")
    assert len(response.context["schedule"]) == 2  # Shanghai and Zhejiang pay their parts
    many, response = page_queries(client, officer, f"/ledger/?call={second.code}")
    assert len(response.context["schedule"]) == 2 * ROWS
    assert_same_count(one, many)


def test_funding_simulation_page(client, reference):
    first, _, first_officer = make_panel_call(scores=("4",), contributions=PLENTY)
    second, _, second_officer = make_panel_call(scores=SCORES * 4, contributions=PLENTY)
    one, response = page_queries(client, first_officer, f"/office/calls/{first.code}/funding/")
    assert len(response.context["rows"]) == 1
    many, response = page_queries(client, second_officer, f"/office/calls/{second.code}/funding/")
    assert len(response.context["rows"]) == ROWS
    assert_same_count(one, many)


def test_committed_funding_page(client, reference):
    first, _, first_officer = make_panel_call(scores=("4",), contributions=PLENTY)
    second, _, second_officer = make_panel_call(scores=SCORES * 4, contributions=PLENTY)
    decisions.funding_commit(call=first, actor=first_officer)
    decisions.funding_commit(call=second, actor=second_officer)
    one, response = page_queries(client, first_officer, f"/office/calls/{first.code}/funding/")
    assert len(response.context["decisions"]) == 1
    many, response = page_queries(client, second_officer, f"/office/calls/{second.code}/funding/")
    assert len(response.context["decisions"]) == ROWS
    assert_same_count(one, many)


# ---- reviewers and panels -------------------------------------------------------------------------


@pytest.fixture
def reviewers_with_rows(reference):
    """A reviewer with one assignment and one with twenty, invited or accepted."""
    call, proposals = make_review_call(n_proposals=ROWS)
    one = make_reviewer(institution="武汉大学")
    many = make_reviewer(institution="北京大学")
    make_assignment(proposals[0], one, accept=False)
    for number, proposal in enumerate(proposals):
        make_assignment(proposal, many, accept=number % 2 == 0)
    return one, many


def test_reviewer_dashboard(client, reviewers_with_rows):
    one_reviewer, many_reviewer = reviewers_with_rows
    one, response = page_queries(client, one_reviewer, "/dashboard/")
    assert len(dashboard_items(response, Role.REVIEWER)) == 1
    many, response = page_queries(client, many_reviewer, "/dashboard/")
    assert len(dashboard_items(response, Role.REVIEWER)) == ROWS
    assert_same_count(one, many)


def test_reviewer_list(client, reviewers_with_rows):
    one_reviewer, many_reviewer = reviewers_with_rows
    one, response = page_queries(client, one_reviewer, "/reviews/")
    assert len(response.context["items"]) == 1
    many, response = page_queries(client, many_reviewer, "/reviews/")
    assert len(response.context["items"]) == ROWS
    assert_same_count(one, many)


def test_reviewer_list_reads_its_rows_and_their_windows_in_one_query(client, reviewers_with_rows):
    _, many_reviewer = reviewers_with_rows
    captured, response = page_queries(client, many_reviewer, "/reviews/")
    assert len(response.context["rows"]) == ROWS
    tables = ("reviews_assignment", "reviews_review", "reviews_panelentry", "grants_fundinground")
    reading = [q for q in captured if any(f'"{table}"' in q["sql"] for table in tables)]
    assert len(reading) == 1
    assert '"grants_call"."summary_zh"' not in reading[0]["sql"]


def panels_chaired(chair, call, areas):
    for area in areas:
        Panel.objects.create(call=call, area=area, name=f"Panel {area.code}", chair=chair)


def test_chair_dashboard(client, reference):
    call = make_call()
    areas = list(Discipline.objects.order_by("code")[: ROWS + 1])
    one_chair = make_user(roles=[Role.PANEL_CHAIR])
    many_chair = make_user(roles=[Role.PANEL_CHAIR])
    panels_chaired(one_chair, call, areas[:1])
    panels_chaired(many_chair, call, areas[1:])
    one, response = page_queries(client, one_chair, "/dashboard/")
    assert len(dashboard_items(response, Role.PANEL_CHAIR)) == 1
    many, response = page_queries(client, many_chair, "/dashboard/")
    assert len(dashboard_items(response, Role.PANEL_CHAIR)) == ROWS
    assert_same_count(one, many)


def test_panel_list(client, reference):
    officer = make_user(roles=[Role.FUND_OFFICER])
    chair = make_user(roles=[Role.PANEL_CHAIR])
    first, second = make_call("first"), make_call("second")
    areas = list(Discipline.objects.order_by("code")[:ROWS])
    panels_chaired(chair, first, areas[:1])
    panels_chaired(chair, second, areas)
    one, response = page_queries(client, officer, "/office/calls/first/panels/")
    many, response = page_queries(client, officer, "/office/calls/second/panels/")
    assert len(response.context["panels"]) == ROWS
    assert_same_count(one, many)


@pytest.mark.parametrize("viewer", ["chair", "fund_officer"])
def test_panel_page(client, reference, viewer):
    first, _, _ = make_panel_call(scores=("4",))
    second, _, _ = make_panel_call(scores=tuple(SCORES[n % len(SCORES)] for n in range(ROWS)))
    one_panel, many_panel = Panel.objects.get(call=first), Panel.objects.get(call=second)
    officer = make_user(roles=[Role.FUND_OFFICER])
    one, response = page_queries(
        client, one_panel.chair if viewer == "chair" else officer, f"/panels/{one_panel.pk}/"
    )
    assert len(response.context["rows"]) == 1
    many, response = page_queries(
        client, many_panel.chair if viewer == "chair" else officer, f"/panels/{many_panel.pk}/"
    )
    assert len(response.context["rows"]) == ROWS
    assert_same_count(one, many)


# ---- the assignment page's published list and the ledger over every call ----------------------


@pytest.mark.parametrize(
    "query", ["", "?status=accepted&short=1", "?q=YRD&who=%E5%A4%A7%E5%AD%A6&proposal=1"]
)
def test_assignment_page_published(client, reference, query):
    officer = make_user(roles=[Role.FUND_OFFICER])
    reviewers = [make_reviewer(institution=place) for place in ("武汉大学", "北京大学", "中山大学")]

    def published_call(rows):
        # Four reviewers wanted, three invited: every proposal is short of one.
        call, proposals = make_review_call(n_proposals=rows, reviewers_per_proposal=4)
        for proposal in proposals:
            for number, reviewer in enumerate(reviewers):
                make_assignment(proposal, reviewer, accept=number % 2 == 0)
        return call

    first, second = published_call(1), published_call(ROWS)
    one, response = page_queries(client, officer, f"/office/calls/{first.code}/assignment/{query}")
    assert len(response.context["assignments"]) == 1
    many, response = page_queries(
        client, officer, f"/office/calls/{second.code}/assignment/{query}"
    )
    assert len(response.context["assignments"]) == ROWS
    assert_same_count(one, many)


def test_ledger_all_calls(client, reference):
    officer = make_user(roles=[Role.FUND_OFFICER])
    first, _, first_officer = make_panel_call(scores=("4",), contributions=PLENTY)
    decisions.funding_commit(call=first, actor=first_officer)
    one, response = page_queries(client, officer, "/ledger/")
    assert len(response.context["schedule"]) == 2
    second, _, second_officer = make_panel_call(scores=("4",) * ROWS, contributions=PLENTY)
    decisions.funding_commit(call=second, actor=second_officer)
    many, response = page_queries(client, officer, "/ledger/")
    assert len(response.context["schedule"]) == 2 * ROWS + 2
    assert_same_count(one, many)


def test_audit_log(client, reference):
    from grants.core.audit import record

    officer = make_user(roles=[Role.FUND_OFFICER])
    make_call("audited")  # its opening is the one entry
    one, response = page_queries(client, officer, "/office/audit/")
    assert len(response.context["rows"]) == 1
    for number in range(ROWS - 1):
        record(actor=make_user(), action="call.updated", call=make_call(f"audited-{number}"))
    many, response = page_queries(client, officer, "/office/audit/?action=call.updated")
    assert len(response.context["rows"]) == ROWS - 1
    assert_same_count(one, many)


# ---- what the signed-in pages leave out ------------------------------------------------------------


def columns_read(captured):
    """The SELECT lists of the captured queries, joined."""
    return " ".join(query["sql"].split(" FROM ")[0] for query in captured)


def test_applicant_dashboard_reads_no_decisions_before_a_call_is_decided(client, reference):
    captured, response = page_queries(client, applicant_with(2, make_call()), "/dashboard/")
    assert len(dashboard_items(response, "applicant")) == 2 + 2 + 1
    assert not [q for q in captured if '"grants_decision"' in q["sql"]]


@pytest.mark.parametrize("url", ["/reviews/", "/dashboard/"])
def test_reviewer_lists_leave_the_snapshots_out(client, reviewers_with_rows, url):
    _, many_reviewer = reviewers_with_rows
    captured, response = page_queries(client, many_reviewer, url)
    assignments = [q for q in captured if 'FROM "reviews_assignment"' in q["sql"]]
    assert '"grants_proposal"."title_zh"' in columns_read(assignments)
    assert '"grants_proposal"."snapshot"' not in columns_read(assignments)


def test_chair_dashboard_reads_the_panels_alone(client, reference):
    chair = make_user(roles=[Role.PANEL_CHAIR])
    panels_chaired(chair, make_call(), list(Discipline.objects.order_by("code")[:3]))
    captured, response = page_queries(client, chair, "/dashboard/")
    assert len(dashboard_items(response, Role.PANEL_CHAIR)) == 3
    (panels,) = [q["sql"] for q in captured if 'FROM "reviews_panel"' in q["sql"]]
    assert '"grants_call"' not in panels


def queries_from(captured, table):
    return [q["sql"] for q in captured if f'FROM "{table}"' in q["sql"]]


def test_proposal_page_reads_its_members_once(client, reference):
    lead = make_user(institution="复旦大学")
    proposal = make_proposal(
        make_call(), lead, partners=[make_user(institution="浙江大学")], submit=True
    )
    captured, response = page_queries(client, lead, f"/proposals/{proposal.pk}/")
    assert len(response.context["members"]) == 2
    assert len(queries_from(captured, "grants_consortiummember")) == 1
    # The discipline comes with the proposal; the call is not decided: no decision to read.
    assert not queries_from(captured, "grants_discipline")
    assert not [q for q in captured if '"grants_decision"' in q["sql"]]


def test_office_proposal_page_reads_the_pis_other_proposals_once(client, reference):
    officer = make_user(roles=[Role.FUND_OFFICER])
    call = make_call()
    lead, partner = make_user(institution="复旦大学"), make_user(institution="浙江大学")
    proposal = make_proposal(call, lead, partners=[partner], submit=True)
    make_proposal(call, partner, title_en="A draft of the partner's")
    captured, _ = page_queries(client, officer, f"/office/proposals/{proposal.pk}/")
    members = queries_from(captured, "grants_consortiummember")
    (others,) = [q for q in members if '"proposal_status"' in q]
    # Each membership counts once by its row: no DISTINCT to sort, the PIs read by a subquery.
    assert "DISTINCT" not in others
    assert 'IN (SELECT U0."pi_id"' in others


def test_call_page_reads_the_provinces_with_the_contributions(client, reference):
    call = make_call()
    captured, response = page_queries(client, make_user(), f"/calls/{call.code}/")
    assert len(response.context["call"].contributions.all()) == 4
    assert len(queries_from(captured, "grants_contribution")) == 1
    assert not queries_from(captured, "grants_province")
