"""The office's overlap pages: the call's list with its filters and the check's progress, a
flag's page, clearing and marking duplicates, who sees what, and the duplicate in the
proposal's screening."""

from decimal import Decimal

import pytest

from grants.models import (
    AuditEntry,
    BudgetCategory,
    BudgetLine,
    FlagStatus,
    OverlapFlag,
    OverlapKind,
    OverlapRun,
    Role,
    Screening,
)
from grants.overlaps import screening
from tests.factories import make_call, make_proposal, make_user
from tests.grants.overlaps.factories_screening import (
    SHARED,
    TEXT_B,
    make_flag,
    make_instrument,
    make_run,
)


@pytest.fixture
def officer(reference):
    return make_user(roles=[Role.FUND_OFFICER])


@pytest.fixture
def office(client, officer):
    client.force_login(officer)
    return client


@pytest.fixture
def call(reference):
    return make_call("overlap-call")


@pytest.fixture
def shanghai(call):
    """Fudan (Shanghai) with Zhejiang University."""
    lead = make_user(institution="复旦大学")
    return make_proposal(call, lead, partners=[make_user(institution="浙江大学")], submit=True)


@pytest.fixture
def elsewhere(call):
    """Nanjing University (Jiangsu) with Anhui University: no Shanghai member."""
    lead = make_user(institution="南京大学")
    return make_proposal(call, lead, partners=[make_user(institution="安徽大学")], submit=True)


def url(call, *parts):
    return "/".join([f"/office/calls/{call.code}/overlaps", *map(str, parts)]) + "/"


# ---- the call's list ------------------------------------------------------------------------


def test_list_shows_flags_by_score_with_both_sides(office, call, shanghai, elsewhere):
    low = make_flag(shanghai, other=elsewhere, score="0.400")
    high = make_flag(elsewhere, other=shanghai, score="0.950")
    page = office.get(url(call))
    assert list(page.context["page"]) == [high, low]
    assert shanghai.reference in page.text and elsewhere.reference in page.text
    assert "0.950" in page.text and "To screen" in page.text


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("kind=text", ["text"]),
        ("kind=person", ["person"]),
        ("score_min=0.8", ["text"]),
        ("status=duplicate", ["person"]),
        ("status=cleared", []),
        ("", ["text", "person"]),
    ],
)
def test_list_filters(office, call, shanghai, elsewhere, query, expected):
    make_flag(shanghai, other=elsewhere, score="0.900")
    make_flag(
        shanghai,
        kind=OverlapKind.PERSON,
        other=elsewhere,
        score="0.500",
        status=FlagStatus.DUPLICATE,
        reason="Same PI",
    )
    page = office.get(url(call) + "?" + query)
    assert [flag.kind for flag in page.context["page"]] == expected


def test_list_refuses_a_score_out_of_range_beside_the_field(office, call, shanghai):
    make_flag(shanghai)
    page = office.get(url(call) + "?score_min=5")
    assert page.status_code == 200
    assert page.context["filter"].form.errors["score_min"]
    assert 'value="5"' in page.text  # what was typed stays


def test_list_pages_fifty_at_a_time(office, call, shanghai):
    for n in range(51):
        make_flag(shanghai, key=f"text:zh:external:{n}", score="0.500")
    first = office.get(url(call))
    assert len(first.context["page"]) == 50 and "Page 1 of 2" in first.text
    assert len(office.get(url(call) + "?page=2").context["page"]) == 1


def test_provincial_officer_sees_only_flags_of_their_province(client, call, shanghai, elsewhere):
    mine = make_flag(shanghai, other=elsewhere)
    make_flag(elsewhere, other=shanghai)
    client.force_login(make_user(roles=[Role.PROVINCIAL_OFFICER], province="310000"))
    page = client.get(url(call))
    assert list(page.context["page"]) == [mine]
    # The other side is a Jiangsu-Anhui proposal: not named to Shanghai's officer.
    assert elsewhere.reference not in page.text and "another proposal" in page.text
    assert "Run the check" not in page.text


def test_list_links_from_the_call_office_page(office, call):
    assert url(call) in office.get(f"/office/calls/{call.code}/").text


# ---- running the check ----------------------------------------------------------------------


@pytest.fixture
def queued(monkeypatch):
    started = []

    def fake_start(call, actor):
        run = OverlapRun.objects.create(call=call, started_by=actor, total=4)
        started.append(run)
        return run

    monkeypatch.setattr(screening, "start_check", fake_start)
    return started


def test_run_the_check_starts_a_run_and_shows_its_progress(office, call, officer, queued):
    response = office.post(url(call, "run"))
    assert response.status_code == 302 and len(queued) == 1
    page = office.get(url(call))
    assert page.context["run"] == queued[0]
    assert "0 of 4 proposals checked" in page.text
    assert f'hx-get="{url(call, "runs", queued[0].pk)}"' in page.text


def test_run_is_not_started_twice(office, call, officer, queued):
    make_run(call, officer, status=OverlapRun.Status.RUNNING)
    office.post(url(call, "run"))
    assert queued == []


def test_provincial_officer_may_not_run_the_check(client, call, queued):
    client.force_login(make_user(roles=[Role.PROVINCIAL_OFFICER], province="310000"))
    assert client.post(url(call, "run")).status_code == 403
    assert queued == []


def test_progress_fragment_polls_until_done(office, call, officer):
    run = make_run(call, officer, status=OverlapRun.Status.RUNNING, done=2, total=5)
    fragment = office.get(url(call, "runs", run.pk), HTTP_HX_REQUEST="true")
    assert "2 of 5 proposals checked" in fragment.text and "hx-trigger" in fragment.text
    assert "HX-Refresh" not in fragment
    OverlapRun.objects.filter(pk=run.pk).update(status=OverlapRun.Status.DONE, done=5)
    fragment = office.get(url(call, "runs", run.pk), HTTP_HX_REQUEST="true")
    assert fragment["HX-Refresh"] == "true" and "hx-trigger" not in fragment.text


def test_start_check_hands_over_to_the_engine(monkeypatch, call, officer):
    import sys
    import types

    engine = types.ModuleType("grants.overlaps.checks")
    engine.overlap_check_start = lambda *, call, actor: ("queued", call, actor)
    monkeypatch.setitem(sys.modules, "grants.overlaps.checks", engine)
    assert screening.start_check(call, officer) == ("queued", call, officer)


# ---- one flag -------------------------------------------------------------------------------


def test_flag_page_highlights_the_shared_passages_on_both_sides(office, call, shanghai, elsewhere):
    flag = make_flag(shanghai, other=elsewhere)
    page = office.get(url(call, flag.pk))
    assert page.text.count(f"<mark>{SHARED}</mark>") == 2
    assert "前人工作：" in page.text  # the other side's own text around it
    assert elsewhere.reference in page.text


def test_provincial_officer_sees_only_their_side_of_another_province(
    client, call, shanghai, elsewhere
):
    flag = make_flag(shanghai, other=elsewhere)
    client.force_login(make_user(roles=[Role.PROVINCIAL_OFFICER], province="310000"))
    page = client.get(url(call, flag.pk))
    assert page.status_code == 200
    assert page.text.count(f"<mark>{SHARED}</mark>") == 1
    assert TEXT_B[:5] not in page.text and elsewhere.reference not in page.text
    assert "another proposal" in page.text and "0.900" in page.text
    assert "Screen this overlap" not in page.text


def test_provincial_officer_reads_both_sides_when_both_are_theirs(client, call, shanghai):
    lead = make_user(institution="上海交通大学")
    other = make_proposal(call, lead, partners=[make_user(institution="南京大学")], submit=True)
    flag = make_flag(shanghai, other=other)
    client.force_login(make_user(roles=[Role.PROVINCIAL_OFFICER], province="310000"))
    page = client.get(url(call, flag.pk))
    assert page.text.count(f"<mark>{SHARED}</mark>") == 2 and other.reference in page.text


def test_provincial_officer_of_another_province_gets_404(client, call, shanghai):
    flag = make_flag(shanghai)
    client.force_login(make_user(roles=[Role.PROVINCIAL_OFFICER], province="340000"))
    assert client.get(url(call, flag.pk)).status_code == 404


def test_flag_of_another_call_is_not_found_under_this_one(office, call, shanghai):
    flag = make_flag(shanghai)
    other_call = make_call("another-call")
    assert office.get(url(other_call, flag.pk)).status_code == 404


def test_applicants_never_see_flags(client, call, shanghai):
    flag = make_flag(shanghai)
    client.force_login(shanghai.lead)
    assert client.get(url(call)).status_code == 403
    assert client.get(url(call, flag.pk)).status_code == 403


def test_instrument_flag_shows_the_line_the_match_and_the_reason(office, call, shanghai):
    line = BudgetLine.objects.create(
        member=shanghai.members.get(is_lead=True),
        category=BudgetCategory.EQUIPMENT,
        year=2,
        amount=Decimal("650000"),
        instrument="透射电子显微镜",
        shared_instrument_reason="需要每天连续使用低温样品杆。",
    )
    flag = make_flag(
        shanghai,
        kind=OverlapKind.INSTRUMENT,
        instrument=make_instrument(),
        budget_line=line,
        key="instrument:line:1:ref:SH-0001",
    )
    page = office.get(url(call, flag.pk))
    for shown in (
        "透射电子显微镜",
        "JEM-F200",
        "SH-0001",
        "需要每天连续使用低温样品杆。",
        "¥650,000.00",
    ):
        assert shown in page.text


def test_person_flag_shows_the_people_and_the_proposals(client, call, shanghai, elsewhere):
    flag = make_flag(
        shanghai,
        kind=OverlapKind.PERSON,
        other=elsewhere,
        evidence={
            "people": [{"name": "王芳", "institution": "复旦大学", "matched_by": "orcid"}],
            "proposals": [shanghai.reference, elsewhere.reference],
        },
    )
    client.force_login(make_user(roles=[Role.PROVINCIAL_OFFICER], province="310000"))
    page = client.get(url(call, flag.pk))
    assert "王芳" in page.text and "matched by orcid" in page.text
    assert page.context["involved"] == [(shanghai.reference, True), (elsewhere.reference, False)]


# ---- screening a flag -----------------------------------------------------------------------


def test_clear_a_flag(office, call, officer, shanghai):
    flag = make_flag(shanghai)
    response = office.post(url(call, flag.pk, "screen"), {"status": "cleared"})
    assert response.status_code == 302
    flag.refresh_from_db()
    assert flag.status == FlagStatus.CLEARED and flag.resolved_by == officer
    entry = AuditEntry.objects.get(action="overlap.cleared")
    assert entry.proposal == shanghai and entry.before == {"status": "open", "reason": ""}
    page = office.get(url(call, flag.pk))
    assert "Cleared" in page.text and officer.name in page.text


def test_duplicate_needs_a_reason(office, call, shanghai):
    flag = make_flag(shanghai)
    page = office.post(url(call, flag.pk, "screen"), {"status": "duplicate", "reason": " "})
    assert page.status_code == 200
    assert "Give the reason why this is a duplicate." in page.text
    flag.refresh_from_db()
    assert flag.status == FlagStatus.OPEN


def test_duplicate_flows_into_the_proposals_screening(office, call, shanghai, elsewhere):
    flag = make_flag(shanghai, other=elsewhere)
    reason = "与南京大学的申请内容相同"
    office.post(url(call, flag.pk, "screen"), {"status": "duplicate", "reason": reason})
    flag.refresh_from_db()
    assert flag.status == FlagStatus.DUPLICATE and flag.reason == reason
    assert AuditEntry.objects.filter(action="overlap.duplicate", proposal=shanghai).exists()
    page = office.get(f"/office/proposals/{shanghai.pk}/")
    screening_section = page.text.split('id="screening"')[1].split("</section>")[0]
    assert reason in screening_section and "Marked a duplicate" in screening_section
    shanghai.refresh_from_db()
    assert shanghai.screening == Screening.PENDING  # the officer still decides


def test_proposal_page_lists_open_and_duplicate_flags_not_cleared(office, shanghai, elsewhere):
    open_flag = make_flag(shanghai, other=elsewhere, score="0.700")
    make_flag(shanghai, kind=OverlapKind.TEAM, score="0.600", status=FlagStatus.CLEARED)
    duplicate = make_flag(
        shanghai, kind=OverlapKind.PERSON, status=FlagStatus.DUPLICATE, reason="Same PI"
    )
    page = office.get(f"/office/proposals/{shanghai.pk}/")
    assert page.context["overlap_flags"] == [duplicate, open_flag]


def test_provincial_page_names_only_readable_other_proposals(client, shanghai, elsewhere):
    make_flag(shanghai, other=elsewhere)
    client.force_login(make_user(roles=[Role.PROVINCIAL_OFFICER], province="310000"))
    page = client.get(f"/office/proposals/{shanghai.pk}/")
    overlaps = page.text.split('id="overlaps"')[1].split("</section>")[0]
    assert "another proposal" in overlaps and elsewhere.reference not in overlaps


def test_open_a_flag_again(office, call, shanghai):
    flag = make_flag(shanghai, status=FlagStatus.CLEARED)
    office.post(url(call, flag.pk, "screen"), {"status": "open"})
    flag.refresh_from_db()
    assert flag.status == FlagStatus.OPEN and flag.resolved_at is None


def test_provincial_officer_may_not_screen(client, call, shanghai):
    flag = make_flag(shanghai)
    client.force_login(make_user(roles=[Role.PROVINCIAL_OFFICER], province="310000"))
    assert client.post(url(call, flag.pk, "screen"), {"status": "cleared"}).status_code == 403
    assert OverlapFlag.objects.get(pk=flag.pk).status == FlagStatus.OPEN


# ---- queries --------------------------------------------------------------------------------


@pytest.mark.parametrize("province", [None, "310000"])
def test_list_runs_as_many_queries_for_twenty_flags_as_for_one(
    client, officer, call, shanghai, elsewhere, province
):
    from tests.test_query_counts import ROWS, assert_same_count, page_queries

    reader = make_user(roles=[Role.PROVINCIAL_OFFICER], province=province) if province else officer
    make_run(call, officer, status=OverlapRun.Status.DONE)
    make_flag(shanghai, other=elsewhere, key="text:zh:first")
    one, _ = page_queries(client, reader, url(call))
    for n in range(ROWS - 1):
        make_flag(shanghai, other=elsewhere, key=f"text:en:{n}", score="0.500")
    many, response = page_queries(client, reader, url(call))
    assert len(response.context["page"]) == ROWS
    assert_same_count(one, many)
