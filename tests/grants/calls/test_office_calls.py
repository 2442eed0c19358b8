"""The fund office's call pages: create and edit drafts, frozen rules, deadline extensions and
the buttons that move a call along."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone

from grants.calls import call_workflow
from grants.core.errors import WorkflowError
from grants.funding import outcomes
from grants.models import AuditEntry, Call, CallStatus, Contribution, Role, Screening
from grants.models.calls import DeadlineExtension
from grants.proposals import proposal_workflow
from tests.factories import make_call, make_proposal, make_user


@pytest.fixture
def officer(reference):
    return make_user(roles=[Role.FUND_OFFICER])


@pytest.fixture
def office(client, officer):
    client.force_login(officer)
    return client


def call_data(**overrides):
    """Everything the call form posts, as a browser sends it (times in Beijing time)."""
    data = {
        "year": "2027",
        "code": "2027-materials",
        "title_zh": "2027 年度材料科学指南",
        "title_en": "2027 call: materials",
        "summary_zh": "",
        "summary_en": "",
        "discipline_areas": ["E", "B"],
        "opens_at": "2027-03-01T09:00",
        "closes_at": "2027-05-31T16:00",
        "review_deadline": "2027-07-15T16:00",
        "panel_date": "2027-08-20",
        "decision_date": "2027-09-30",
        "min_provinces": "2",
        "min_institutions": "2",
        "max_institutions": "6",
        "max_led_per_pi": "1",
        "max_participations_per_pi": "2",
        "min_duration_months": "24",
        "max_duration_months": "48",
        "attachment_max_mb": "20",
        "attachment_max_pages": "30",
        "max_direct_total": "3000000",
        "max_direct_per_year": "",
        "max_equipment_share": "0.40",
        "funding_model": "virtual",
        "balancing_share": "0",
        "reviewers_per_proposal": "5",
        "reviewer_min_load": "0",
        "reviewer_max_load": "6",
        "province_rule": "all",
        "coauthorship_years": "3",
        "overall_threshold": "3.0",
        "panel_min_provinces": "3",
        "panel_max_province_share": "0.40",
        "provincial_confirmation_required": "on",
        "contribution_310000": "30000000",
        "contribution_320000": "25000000",
        "contribution_330000": "25000000",
        "contribution_340000": "20000000.50",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


# ---- creating and editing drafts ------------------------------------------------------------


def test_new_call_starts_with_the_models_defaults(office):
    form = office.get("/office/calls/new/").context["form"]
    assert form["min_provinces"].value() == 2
    assert form["max_direct_total"].value() == Decimal("3000000")
    assert form["funding_model"].value() == "virtual"
    assert form["reviewers_per_proposal"].value() == 5
    assert form["year"].value() == timezone.localdate().year


def test_create_saves_every_rule_contributions_and_areas_as_a_draft(office, officer):
    response = office.post("/office/calls/new/", call_data())
    assert response.status_code == 302
    assert response["Location"] == "/office/calls/2027-materials/"
    call = Call.objects.get(code="2027-materials")
    assert call.status == CallStatus.DRAFT
    assert sorted(call.discipline_areas.values_list("code", flat=True)) == ["B", "E"]
    assert dict(Contribution.objects.filter(call=call).values_list("province_id", "amount")) == {
        "310000": Decimal("30000000.00"),
        "320000": Decimal("25000000.00"),
        "330000": Decimal("25000000.00"),
        "340000": Decimal("20000000.50"),
    }
    assert call.panel_date.isoformat() == "2027-08-20"
    entry = AuditEntry.objects.get(call=call, action="call.created")
    assert entry.actor == officer and entry.after["contributions"]["340000"] == "20000000.50"


def test_the_draw_at_the_funding_line_is_off_unless_ticked(office):
    office.post("/office/calls/new/", call_data())
    assert Call.objects.get(code="2027-materials").draw_at_funding_line is False
    office.post("/office/calls/new/", call_data(code="2027-draw", draw_at_funding_line="on"))
    assert Call.objects.get(code="2027-draw").draw_at_funding_line is True
    assert "Draw at the funding line" in office.get("/office/calls/2027-draw/").text


def test_typed_times_are_beijing_time_and_shown_back_as_typed(office):
    office.post("/office/calls/new/", call_data(opens_at="2027-03-01T09:00"))
    call = Call.objects.get(code="2027-materials")
    assert call.opens_at == datetime(2027, 3, 1, 1, 0, tzinfo=UTC)
    assert call.closes_at == datetime(2027, 5, 31, 8, 0, tzinfo=UTC)
    page = office.get("/office/calls/2027-materials/edit/")
    assert 'value="2027-03-01T09:00"' in page.text
    assert 'value="2027-05-31T16:00"' in page.text


@pytest.mark.parametrize(
    "overrides, field, message",
    [
        (
            {"closes_at": "2027-02-28T16:00"},
            "closes_at",
            "The deadline must come after the opening.",
        ),
        (
            {"closes_at": "2027-03-01T09:00"},
            "closes_at",
            "The deadline must come after the opening.",
        ),
        ({"opens_at": "2027-13-01T09:00"}, "opens_at", "Enter a valid date/time."),
        ({"closes_at": ""}, "closes_at", "This field is required."),
        (
            {"review_deadline": "2027-05-31T15:59"},
            "review_deadline",
            "Reviews can only be due after the call closes.",
        ),
        (
            {"panel_date": "2027-07-14"},
            "panel_date",
            "The panel meets on or after the review deadline.",
        ),
        (
            {"review_deadline": "", "panel_date": "2027-05-30"},
            "panel_date",
            "The panel can only meet after the call closes.",
        ),
        (
            {"decision_date": "2027-08-19"},
            "decision_date",
            "The decision comes on or after the panel.",
        ),
        (
            {"min_institutions": "4", "max_institutions": "3"},
            "max_institutions",
            "At least the minimum number of institutions.",
        ),
        (
            {"min_duration_months": "48", "max_duration_months": "24"},
            "max_duration_months",
            "At least the shortest duration.",
        ),
        ({"min_provinces": "5"}, "min_provinces", "There are only 4 funding provinces."),
        (
            {"max_led_per_pi": "2", "max_participations_per_pi": "1"},
            "max_participations_per_pi",
            "Leading a proposal counts as taking part: at least the number a PI may lead.",
        ),
        (
            {"max_direct_per_year": "4000000"},
            "max_direct_per_year",
            "The cap per year cannot exceed the cap on the whole.",
        ),
        (
            {"funding_model": "mixed", "balancing_share": "0"},
            "balancing_share",
            "The mixed model needs a balancing share above 0.",
        ),
        (
            {"balancing_share": "0.10"},
            "balancing_share",
            "Only the mixed model has a balancing share.",
        ),
        (
            {"reviewers_per_proposal": "2"},
            "reviewers_per_proposal",
            "Ensure this value is greater than or equal to 3.",
        ),
        ({"overall_threshold": "6"}, "overall_threshold", "Scores run from 0 to 5."),
        (
            {"contribution_320000": "-1"},
            "contribution_320000",
            "The amount cannot be negative.",
        ),
        ({"code": "new"}, "code", "This code is reserved: choose another."),
        (
            {"summary_en": "x" * 5001},
            "summary_en",
            "Ensure this value has at most 5000 characters (it has 5001).",
        ),
    ],
)
def test_call_form_puts_each_error_beside_its_field_and_keeps_the_input(
    office, overrides, field, message
):
    response = office.post("/office/calls/new/", call_data(**overrides))
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors[field] == [message]
    assert f'id="id_{field}_error"' in response.text
    # Nothing typed is lost: every other value comes back as it was sent.
    assert form["title_zh"].value() == "2027 年度材料科学指南"
    assert form["contribution_340000"].value() == "20000000.50"
    assert sorted(form["discipline_areas"].value()) == ["B", "E"]
    assert not Call.objects.filter(code__in=["2027-materials", "new"]).exists()


def test_code_must_be_unique(office, reference):
    make_call("taken", status_open=False)
    response = office.post("/office/calls/new/", call_data(code="taken"))
    assert response.context["form"].errors["code"] == ["Call with this Code already exists."]


def test_a_draft_may_wait_for_contributions_and_areas_but_cannot_open(office):
    data = call_data(discipline_areas=[], contribution_340000="")
    assert office.post("/office/calls/new/", data).status_code == 302
    call = Call.objects.get(code="2027-materials")
    assert not call.contributions.filter(province_id="340000").exists()
    page = office.get("/office/calls/2027-materials/")
    assert "No contribution from Anhui yet." in page.text
    assert "The call has no discipline areas." in page.text
    office.post("/office/calls/2027-materials/state/", {"action": "open"})
    call.refresh_from_db()
    assert call.status == CallStatus.DRAFT


def test_editing_a_draft_changes_rules_and_records_what_changed(office, officer):
    office.post("/office/calls/new/", call_data())
    response = office.post(
        "/office/calls/2027-materials/edit/",
        call_data(max_direct_total="2600000", contribution_330000="", title_en="Materials"),
    )
    assert response.status_code == 302
    call = Call.objects.get(code="2027-materials")
    assert call.max_direct_total == Decimal("2600000") and call.title_en == "Materials"
    assert not call.contributions.filter(province_id="330000").exists()
    entry = AuditEntry.objects.get(call=call, action="call.updated")
    assert sorted(entry.after) == ["contributions", "max_direct_total", "title_en"]
    assert entry.before["max_direct_total"] == "3000000.00"
    assert entry.after["max_direct_total"] == "2600000.00"


def test_edit_error_keeps_the_saved_code_in_the_page(office):
    office.post("/office/calls/new/", call_data())
    response = office.post(
        "/office/calls/2027-materials/edit/",
        call_data(code="renamed", closes_at="2027-01-01T00:00"),
    )
    assert response.status_code == 200
    assert response.context["form"]["code"].value() == "renamed"
    assert "Edit call 2027-materials" in response.text


def test_a_draft_can_be_opened_from_its_page(office, reference):
    make_call("ready", status_open=False)
    page = office.get("/office/calls/ready/")
    assert "Open the call now" in page.text
    assert office.post("/office/calls/ready/state/", {"action": "open"}).status_code == 302
    assert Call.objects.get(code="ready").status == CallStatus.OPEN


# ---- rules frozen after opening; deadline extensions --------------------------------------


def test_an_open_calls_edit_page_offers_only_the_deadline(office, reference):
    make_call("live")
    page = office.get("/office/calls/live/edit/")
    form = page.context["form"]
    assert sorted(form.fields) == ["closes_at", "reason"]
    assert "its rules are frozen" in page.text


def test_rules_cannot_change_after_opening(office, reference):
    call = make_call("live")
    before = call.closes_at
    office.post(
        "/office/calls/live/edit/",
        call_data(code="live", title_en="Changed", max_direct_total="9000000"),
    )
    call.refresh_from_db()
    assert call.title_en == "Test call"
    assert call.max_direct_total == Decimal("3000000")
    assert call.closes_at == before
    with pytest.raises(WorkflowError) as refused:
        call_workflow.call_update(
            call=call, actor=None, fields={"title_en": "Changed"}, areas=[], contributions={}
        )
    assert refused.value.code == "frozen"


def test_extending_the_deadline_is_recorded_and_emailed_to_leads_of_drafts(
    office, officer, reference
):
    call = make_call("live", max_participations_per_pi=5)
    partner = make_user(institution="浙江大学")
    draft_lead = make_user(institution="复旦大学", email="draft.lead@example.org")
    returned_lead = make_user(institution="南京大学", email="returned.lead@example.org")
    submitted_lead = make_user(institution="同济大学", email="submitted.lead@example.org")
    make_proposal(call, draft_lead, partners=[partner])
    returned = make_proposal(call, returned_lead, partners=[partner], submit=True)
    proposal_workflow.proposal_return(proposal=returned, actor=officer, reason="Fix the budget.")
    make_proposal(call, submitted_lead, partners=[partner], submit=True)
    old = call.closes_at
    mail.outbox.clear()

    response = office.post(
        "/office/calls/live/edit/",
        {"closes_at": "2030-01-15T16:00", "reason": "Server outage on the last day."},
    )

    assert response.status_code == 302
    call.refresh_from_db()
    new = datetime(2030, 1, 15, 8, 0, tzinfo=UTC)
    assert call.closes_at == new
    extension = DeadlineExtension.objects.get(call=call)
    assert (extension.old_closes_at, extension.new_closes_at) == (old, new)
    assert extension.by == officer and extension.reason == "Server outage on the last day."
    entry = AuditEntry.objects.get(call=call, action="call.deadline_extended")
    assert entry.after == {"closes_at": "2030-01-15T16:00:00+08:00"}
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["draft.lead@example.org", "returned.lead@example.org"]
    assert "2030年1月15日 16:00" in message.body and "Server outage" in message.body
    assert "截止" in message.subject or "Deadline extended" in message.subject
    page = office.get("/office/calls/live/")
    assert "Server outage on the last day." in page.text


@pytest.mark.parametrize(
    "shift, message",
    [
        (timedelta(hours=-1), "The new deadline must be later than the present one."),
        (timedelta(0), "The new deadline must be later than the present one."),
    ],
)
def test_deadline_can_only_move_later(office, reference, shift, message):
    call = make_call("live")
    typed = timezone.localtime(call.closes_at + shift).strftime("%Y-%m-%dT%H:%M:%S")
    response = office.post("/office/calls/live/edit/", {"closes_at": typed, "reason": "why"})
    assert response.status_code == 200
    assert response.context["form"].errors["closes_at"] == [message]
    assert response.context["form"]["reason"].value() == "why"
    assert not DeadlineExtension.objects.exists()


def test_an_over_long_extension_reason_is_refused_and_kept(office, reference):
    call = make_call("live")
    typed = timezone.localtime(call.closes_at + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%S")
    reason = "长" * 2001
    response = office.post("/office/calls/live/edit/", {"closes_at": typed, "reason": reason})
    assert response.status_code == 200
    assert response.context["form"].errors["reason"] == [
        "Ensure this value has at most 2000 characters (it has 2001)."
    ]
    assert reason in response.text
    assert not DeadlineExtension.objects.exists()


def test_a_passed_deadline_can_only_move_into_the_future(office, officer, reference):
    call = make_call("late", closes_in_days=-1)
    typed = timezone.localtime(call.closes_at + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    response = office.post("/office/calls/late/edit/", {"closes_at": typed, "reason": "why"})
    assert response.context["form"].errors["closes_at"] == [
        "The new deadline must be in the future."
    ]
    with pytest.raises(WorkflowError, match="later than now"):
        call_workflow.call_extend_deadline(
            call=call, actor=officer, closes_at=call.closes_at + timedelta(hours=1), reason="x"
        )


def test_a_closed_calls_deadline_no_longer_moves(office, officer, reference):
    call = make_call("done", closes_in_days=-1)
    call_workflow.call_close(call=call, actor=officer)
    page = office.get("/office/calls/done/edit/")
    assert page.context["form"] is None
    assert "can no longer move" in page.text
    with pytest.raises(WorkflowError) as refused:
        call_workflow.call_extend_deadline(
            call=call, actor=officer, closes_at=timezone.now() + timedelta(days=3), reason="x"
        )
    assert refused.value.code == "transition"


def test_extension_needs_a_reason(officer, reference):
    call = make_call("live")
    with pytest.raises(WorkflowError) as refused:
        call_workflow.call_extend_deadline(
            call=call, actor=officer, closes_at=call.closes_at + timedelta(days=1), reason="  "
        )
    assert refused.value.code == "reason"


# ---- moving a call along ----------------------------------------------------------------------


def test_buttons_walk_a_call_from_open_to_its_panel(office, officer, reference):
    call = make_call("walk", closes_in_days=30)
    proposal = make_proposal(
        call,
        make_user(institution="复旦大学"),
        partners=[make_user(institution="浙江大学")],
        submit=True,
    )
    Call.objects.filter(pk=call.pk).update(closes_at=timezone.now() - timedelta(seconds=1))

    def press(action):
        office.post("/office/calls/walk/state/", {"action": action})
        return Call.objects.get(pk=call.pk).status

    assert "Close the call" in office.get("/office/calls/walk/").text
    assert press("close") == CallStatus.CLOSED
    assert press("start_review") == CallStatus.CLOSED  # one proposal is not screened yet
    proposal_workflow.proposal_screen_eligible(proposal=proposal, actor=officer)
    assert press("start_review") == CallStatus.IN_REVIEW
    assert press("start_panel") == CallStatus.IN_PANEL
    # Deciding needs committed, confirmed funding (tests/grants/funding/test_decisions.py goes on from here).
    assert press("decide") == CallStatus.IN_PANEL
    page = office.get("/office/calls/walk/")
    actions = list(
        AuditEntry.objects.filter(call=call, proposal__isnull=True)
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == [
        "call.opened",
        "call.closed",
        "call.review_started",
        "call.panel_started",
    ]
    for action in actions:
        assert action in page.text


def test_the_deadline_decides_when_a_call_can_be_closed(office, reference):
    make_call("early")
    assert "Close the call" not in office.get("/office/calls/early/").text
    response = office.post("/office/calls/early/state/", {"action": "close"}, follow=True)
    assert "The deadline has not passed yet" in response.text
    assert Call.objects.get(code="early").status == CallStatus.OPEN


@pytest.mark.parametrize(
    "status, mover, allowed",
    [
        (CallStatus.DRAFT, call_workflow.call_close, False),
        (CallStatus.OPEN, call_workflow.call_start_review, False),
        (CallStatus.CLOSED, call_workflow.call_start_panel, False),
        (CallStatus.CLOSED, call_workflow.call_start_review, True),
        (CallStatus.IN_REVIEW, outcomes.call_decide, False),
        (CallStatus.IN_REVIEW, call_workflow.call_start_panel, True),
        (CallStatus.DECIDED, call_workflow.call_start_panel, False),
    ],
)
def test_calls_move_only_in_order(officer, reference, status, mover, allowed):
    call = make_call(status_open=False, closes_in_days=-1)
    Call.objects.filter(pk=call.pk).update(status=status)
    if allowed:
        assert mover(call=call, actor=officer).status != status
    else:
        with pytest.raises(WorkflowError) as refused:
            mover(call=call, actor=officer)
        assert refused.value.code == "transition"
        assert Call.objects.get(pk=call.pk).status == status


def test_a_call_is_decided_only_once_its_funding_is_final(officer, reference):
    call = make_call(status_open=False, closes_in_days=-1)
    Call.objects.filter(pk=call.pk).update(status=CallStatus.IN_PANEL)
    with pytest.raises(WorkflowError) as refused:
        outcomes.call_decide(call=call, actor=officer)
    assert refused.value.code == "not_final"


def test_ineligible_proposals_do_not_hold_up_the_review(officer, reference):
    call = make_call(closes_in_days=30)
    proposal = make_proposal(
        call,
        make_user(institution="复旦大学"),
        partners=[make_user(institution="浙江大学")],
        submit=True,
    )
    Call.objects.filter(pk=call.pk).update(
        status=CallStatus.CLOSED, closes_at=timezone.now() - timedelta(minutes=1)
    )
    proposal_workflow.proposal_screen_ineligible(
        proposal=proposal, actor=officer, reason="Duplicate."
    )
    assert call_workflow.call_start_review(call=call, actor=officer).status == CallStatus.IN_REVIEW
    assert call.proposals.get().screening == Screening.INELIGIBLE


def test_unknown_action_is_refused_with_a_message(office, reference):
    make_call("live")
    response = office.post("/office/calls/live/state/", {"action": "explode"}, follow=True)
    assert "Unknown action." in response.text


def test_office_call_list_shows_drafts_and_counts(office, reference):
    make_call("draft-one", status_open=False)
    call = make_call("open-one")
    make_proposal(
        call,
        make_user(institution="复旦大学"),
        partners=[make_user(institution="浙江大学")],
        submit=True,
    )
    page = office.get("/office/calls/")
    codes = [c.code for c in page.context["calls"]]
    assert "draft-one" in codes and "open-one" in codes
    counts = {c.code: c.proposal_count for c in page.context["calls"]}
    assert counts == {"draft-one": 0, "open-one": 1}


def test_call_titles_lose_invisible_characters_and_amounts_read_as_typed(office):
    data = call_data(
        title_zh="2027 年度\u202e材料\u200b科学指南",
        max_direct_total="３,０００,０００",
        max_direct_per_year=" 1,000,000.00 ",
        contribution_310000="30,000,000",
    )
    assert office.post("/office/calls/new/", data).status_code == 302
    call = Call.objects.get(code="2027-materials")
    assert call.title_zh == "2027 年度材料科学指南"
    assert (call.max_direct_total, call.max_direct_per_year) == (
        Decimal("3000000"),
        Decimal("1000000"),
    )
    assert call.contributions.get(province_id="310000").amount == Decimal("30000000")


@pytest.mark.parametrize(
    "field, typed, message",
    [
        ("max_direct_total", "1E+6", "Enter an amount in yuan in digits, e.g. 12,000.50."),
        ("max_direct_per_year", "1_000", "Enter an amount in yuan in digits, e.g. 12,000.50."),
        ("contribution_310000", "-1", "The amount cannot be negative."),
        ("contribution_320000", "Infinity", "Enter an amount in yuan in digits, e.g. 12,000.50."),
    ],
    ids=["exponent", "underscore", "negative", "infinity"],
)
def test_call_amounts_other_than_plain_numbers_are_refused_beside_the_field_and_kept(
    office, field, typed, message
):
    response = office.post("/office/calls/new/", call_data(**{field: typed}))
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors == {field: [message]}
    assert f'id="id_{field}_error"' in response.text
    assert form[field].value() == typed
    assert not Call.objects.filter(code="2027-materials").exists()


# ---- the next-step box ----------------------------------------------------------------------


def test_an_open_calls_next_step_is_to_wait_for_the_deadline_then_screen(office):
    call = make_call()
    response = office.get(f"/office/calls/{call.code}/")
    assert "The call closes on its own at" in response.text
    assert "Once it has closed, screen the submitted proposals" in response.text
    assert "last state" not in response.text


def test_a_decided_call_has_reached_its_last_state(office):
    call = make_call()
    call.status = CallStatus.DECIDED
    call.save()
    response = office.get(f"/office/calls/{call.code}/")
    assert "The call has reached its last state." in response.text
