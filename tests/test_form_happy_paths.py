"""Every URL that takes a POST has a test that posts valid data through its view and checks
the effect, or a written reason why not; so a form that can never succeed cannot ship again.

The list of POST URLs comes from the URL resolver (as in tests/test_permission_matrix.py), so a
new one without an entry fails ``test_every_post_url_has_a_happy_path_or_a_reason``. To add an
entry, either

- write the test in this file under ``@happy_path("url_name")``, or
- point at an existing test: ``ELSEWHERE["url_name"] = "tests/path.py::test_name"``, or
- give a reason: ``NOT_COVERED["url_name"] = "why"``.

A view takes a POST when a ``require_POST``/``require_http_methods`` decorator lets POST
through, or, for an undecorated function view, when its code reads ``request.POST`` or
``request.FILES`` or compares ``request.method``; a class-based view when it has ``post``.
Every "post" row of the permission matrix counts too, whatever the code looks like.
"""

import importlib
import inspect
import re
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import URLPattern, URLResolver, get_resolver, path
from django.views.decorators.http import require_POST

from grants.funding import decisions
from grants.models import (
    AuditEntry,
    CallStatus,
    Institution,
    Invitation,
    MemberStatus,
    Proposal,
    ProposalStatus,
    Role,
)
from grants.models.decisions import ProvincialConfirmation
from grants.proposals import consortium_workflow
from tests.factories import make_call, make_proposal, make_user
from tests.grants.proposals.test_budget_views import grid

# Django's admin is generated from the models and tested by Django: its forms are not ours.
FOREIGN_PREFIXES = {
    "admin/": "Django's admin site, generated from the models and tested by Django."
}

HAPPY_PATHS = {}  # url name -> test function in this file


def happy_path(*url_names):
    def register(test):
        for name in url_names:
            HAPPY_PATHS[name] = test
        return test

    return register


# url name -> "tests/path.py::test_name": a happy-path test that already exists elsewhere.
ELSEWHERE = {
    "report_expert_assign": "tests/grants/projects/test_final_review.py::test_the_office_sends_the_final_report_to_an_expert_who_recommends",
    "report_expert_review": "tests/grants/projects/test_final_review.py::test_the_office_sends_the_final_report_to_an_expert_who_recommends",
    "report_detail": "tests/grants/projects/test_report_form.py::test_the_lead_saves_a_draft_with_milestones_spending_and_outputs",
    "report_decide": "tests/grants/projects/test_report_decisions.py::test_the_office_returns_a_report_with_a_reason_mailed_to_the_consortium",
    "payments_record": "tests/grants/projects/test_payments_year.py::test_a_run_pays_what_is_outstanding_and_audits",
    "instalment_pay": "tests/grants/projects/test_payments.py::test_a_valid_payment_posted_is_recorded_and_shown",
    "assignment_reopen": "tests/reviews/test_review_closing.py::test_the_office_reopens_a_review_after_a_confirmation_with_its_reason",
    "export_retry": "tests/reviews/test_jobs.py::test_retrying_a_failed_export_builds_it_again_on_the_same_row",
    "proposal_discard": "tests/grants/proposals/test_draft_views.py::test_discarding_removes_the_draft_from_every_page",
    "profile": "tests/grants/accounts/test_profile.py::test_profile_saves_and_returns_to_where_the_user_was_going",
    "proposal_edit": "tests/grants/proposals/test_proposal_edit.py::test_draft_saves_any_subset_of_fields",
    "proposal_submit": "tests/grants/proposals/test_proposal_edit.py::test_submit_from_the_page",
    "member_invite": "tests/grants/proposals/test_consortium_views.py::test_a_good_invitation_is_sent_and_the_lead_returns_to_the_page",
    "budget_member": "tests/grants/proposals/test_budget_views.py::test_partner_edits_only_their_own_part",
    "office_call_create": "tests/grants/calls/test_office_calls.py::test_create_saves_every_rule_contributions_and_areas_as_a_draft",
    "office_call_edit": "tests/grants/calls/test_office_calls.py::test_editing_a_draft_changes_rules_and_records_what_changed",
    "office_call_transition": "tests/grants/calls/test_office_calls.py::test_a_draft_can_be_opened_from_its_page",
    "office_call_open_data": "tests/grants/opendata/test_open_data_pages.py::test_the_office_publishes_a_decided_call_from_its_page_and_the_log_says_so",
    "office_call_criteria": "tests/reviews/test_criteria_views.py::test_editing_a_drafts_criteria_saves_them_in_order_and_records_the_change",
    "office_screen": "tests/grants/office/test_office_screening.py::test_mark_eligible",
    "office_return": "tests/grants/office/test_office_screening.py::test_return_for_correction_while_open",
    "review_accept": "tests/reviews/test_views.py::test_content_is_hidden_until_the_reviewer_accepts_with_a_declaration",
    "review_form": "tests/reviews/test_views.py::test_submitting_keeps_na_out_and_stores_scores",
    "assignment_add": "tests/reviews/test_views.py::test_an_added_reviewer_is_invited_and_the_filters_stay",
    "expert_invite": "tests/reviews/test_pool.py::test_officer_invites_from_the_pool_page",
    "expert_invitation_revoke": "tests/reviews/test_pool.py::test_officer_revokes_a_pending_invitation",
    "expert_invitation": "tests/reviews/test_pool.py::test_new_expert_signs_up_and_lands_back_on_the_invitation",
    "reviewer_import": "tests/reviews/test_pool.py::test_import_creates_verified_reviewers_without_a_password",
    "reviewer_settings": "tests/reviews/test_pool.py::test_settings_save_load_and_availability",
    "panel_book_request": "tests/reviews/test_export_views.py::test_who_may_ask_for_a_panel_book",
    "proposals_export_request": "tests/reviews/test_export_views.py::test_a_long_list_offers_a_background_export_that_keeps_the_filters",
    "funding_commit": "tests/trust/test_reauthentication.py::test_commit_asks_for_the_password_then_commits",
    "funding_draw_seed": "tests/grants/funding/test_draw_pages.py::test_an_officer_fixes_a_typed_seed",
    "funding_draw_witness": "tests/grants/funding/test_draw_pages.py::test_an_officer_records_a_fund_officer_as_witness",
    "funding_draw_run": "tests/grants/funding/test_draw_pages.py::test_an_officer_holds_the_draw_and_the_pages_show_it",
    "funding_draw_annul": "tests/grants/funding/test_draw_pages.py::test_an_officer_annuls_the_draw_with_a_reason",
    "assignment_publish": "tests/trust/test_reauthentication.py::test_publish_asks_for_the_password_then_invites_the_reviewers",
    "assignment_run": "tests/e2e/test_office.py::test_an_officer_runs_the_assignment_publishes_it_and_commits_funding",
    "account_signup": "tests/grants/accounts/test_accounts.py::test_signup_needs_email_verification_before_login",
    "account_login": "tests/grants/accounts/test_accounts.py::test_verified_user_signs_in_with_email",
    "account_confirm_email": "tests/grants/accounts/test_accounts.py::test_signup_needs_email_verification_before_login",
    "account_reset_password": "tests/grants/accounts/test_accounts.py::test_password_reset_sends_a_link",
    "change_new": "tests/grants/projects/test_change_pages.py::test_the_lead_asks_for_a_reallocation_on_the_project_page",
    "change_decide": "tests/grants/projects/test_change_pages.py::test_the_provinces_consent_then_the_office_decides",
    "change_withdraw": "tests/grants/projects/test_change_pages.py::test_the_lead_withdraws_a_pending_change",
    "change_consent": "tests/grants/projects/test_change_pages.py::test_the_provinces_consent_then_the_office_decides",
    "project_suspend": "tests/grants/projects/test_change_pages.py::test_the_office_suspends_and_terminates_from_the_project_page",
    "project_resume": "tests/grants/projects/test_change_pages.py::test_the_office_suspends_and_terminates_from_the_project_page",
    "project_terminate": "tests/grants/projects/test_change_pages.py::test_the_office_suspends_and_terminates_from_the_project_page",
    "refund_receive": "tests/grants/projects/test_refunds.py::test_the_province_records_money_received_back",
    "milestone_add": "tests/grants/projects/test_task_book_milestones.py::test_the_lead_adds_a_milestone",
    "milestone_edit": "tests/grants/projects/test_task_book_milestones.py::test_the_lead_edits_and_deletes_a_milestone",
    "milestone_delete": "tests/grants/projects/test_task_book_milestones.py::test_the_lead_edits_and_deletes_a_milestone",
    "task_book_issue": "tests/grants/projects/test_task_book_signing.py::test_issuing_freezes_what_is_signed_and_tells_every_party",
    "task_book_sign": "tests/grants/projects/test_task_book_signing.py::test_every_party_signs_and_the_last_signature_starts_the_project",
    "external_records_import": "tests/grants/overlaps/test_records_import.py::test_a_good_file_creates_its_records",
    "shared_instruments_import": "tests/grants/overlaps/test_records_import.py::test_instruments_import_update_and_list",
}
# overlaps: screening
# The JSON API and its tokens page.
_API_TESTS = "tests/grants/api/"
NOT_COVERED_API = {
    "api_not_found": "Every method on an unknown /api/ path answers 404: there is nothing to post."
}
ELSEWHERE["api_tokens"] = (
    _API_TESTS + "test_api_tokens.py::test_an_officer_makes_a_token_with_the_code_and_sees_it_once"
)
ELSEWHERE["api_token_revoke"] = (
    _API_TESTS + "test_api_tokens.py::test_the_owner_revokes_a_token_and_it_stops_working"
)
ELSEWHERE["api_call_confirm"] = (
    _API_TESTS + "test_api_writes.py::test_a_provincial_officer_confirms_the_provinces_share"
)
ELSEWHERE["api_payment_disburse"] = (
    _API_TESTS + "test_api_writes.py::test_a_province_records_a_payment_on_its_instalment"
)
ELSEWHERE["api_records_import"] = (
    _API_TESTS + "test_api_writes.py::test_the_fund_office_imports_other_funders_records"
)
ELSEWHERE["overlap_run"] = (
    "tests/grants/overlaps/test_screening_pages.py::test_run_the_check_starts_a_run_and_shows_its_progress"
)
ELSEWHERE["overlap_resolve"] = (
    "tests/grants/overlaps/test_screening_pages.py::test_duplicate_flows_into_the_proposals_screening"
)
# reviews: reviewers' publications
ELSEWHERE["publications_import"] = (
    "tests/reviews/test_publications.py::"
    "test_office_import_adds_the_sample_and_a_second_import_updates_in_place"
)
ELSEWHERE["my_publications"] = (
    "tests/reviews/test_publications.py::test_reviewer_uploads_their_orcid_works_and_sees_them"
)
ELSEWHERE["my_publication_delete"] = (
    "tests/reviews/test_publications.py::"
    "test_reviewer_removes_one_of_their_publications_but_not_anothers"
)

ELSEWHERE["ranking_fit_start"] = (
    "tests/reviews/test_calibration_views.py::test_the_office_starts_a_fit_and_reads_the_intervals"
)

_ALLAUTH = (
    "allauth's own page: its forms are tested by django-allauth; the sign-up, sign-in and "
    "password-reset journeys the portal relies on are covered through ELSEWHERE and tests/e2e."
)

# url name -> why no happy-path test is registered.
NOT_COVERED = {
    **NOT_COVERED_API,
    **{
        name: _ALLAUTH
        for name in (
            "account_logout",
            "account_reauthenticate",
            "account_request_reauthentication_code",
            "account_confirm_reauthentication_code",
            "account_email",
            "account_change_password",
            "account_set_password",
            "account_confirm_login_code",
            "account_reset_password_from_key",
            "mfa_authenticate",
            "mfa_reauthenticate",
            "mfa_activate_totp",
            "mfa_deactivate_totp",
            "mfa_generate_recovery_codes",
            "mfa_add_webauthn",
            "mfa_reauthenticate_webauthn",
            "mfa_remove_webauthn",
            "mfa_edit_webauthn",
        )
    },
}


# ---- which URLs take a POST -----------------------------------------------------------------


def _patterns(resolver=None, prefix=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if route.startswith(tuple(FOREIGN_PREFIXES)):
            continue
        if isinstance(entry, URLResolver):
            yield from _patterns(entry, route)
        elif isinstance(entry, URLPattern):
            yield entry.name, entry.callback


def _allowed_methods(view):
    """The methods a require_http_methods decorator (require_POST, require_GET, require_safe)
    limits the view to, or None when no such decorator wraps it."""
    layer = view
    while layer is not None:
        code = getattr(layer, "__code__", None)
        if code and "request_method_list" in code.co_freevars:
            cell = layer.__closure__[code.co_freevars.index("request_method_list")]
            return set(cell.cell_contents)
        layer = getattr(layer, "__wrapped__", None)
    return None


READS_A_FORM = re.compile(r"request\.(POST|FILES)\b|request\.method\s*[!=]=\s*[\"']POST[\"']")


def takes_post(view):
    view_class = getattr(view, "view_class", None)
    if view_class is not None:
        return hasattr(view_class, "post")
    allowed = _allowed_methods(view)
    if allowed is not None:
        return "POST" in allowed
    return bool(READS_A_FORM.search(inspect.getsource(inspect.unwrap(view))))


def post_url_names():
    from tests.test_permission_matrix import MATRIX

    names = {name for name, view in _patterns() if takes_post(view)}
    return names | {key.split(" ")[0] for key, (method, *_) in MATRIX.items() if method == "post"}


def _test_exists(pointer):
    path, name = pointer.split("::")
    module = importlib.import_module(path.removesuffix(".py").replace("/", "."))
    return callable(getattr(module, name, None))


def test_every_post_url_has_a_happy_path_or_a_reason():
    registered = set(HAPPY_PATHS) | set(ELSEWHERE) | set(NOT_COVERED)
    missing = sorted(post_url_names() - registered)
    assert not missing, (
        "URLs that take a POST without a happy-path test or a reason (see this file's "
        f"docstring): {missing}"
    )


@require_POST
def _a_new_form(request):
    return None


# The portal's URLs plus one new form, for the test below.
urlpatterns = [
    *get_resolver("portal.urls").url_patterns,
    path("new-form/", _a_new_form, name="new_form"),
]


@pytest.mark.urls(__name__)
def test_a_new_post_url_without_an_entry_is_caught():
    registered = set(HAPPY_PATHS) | set(ELSEWHERE) | set(NOT_COVERED)
    assert post_url_names() - registered == {"new_form"}


def test_the_registry_names_only_post_urls_once_each():
    posts = post_url_names()
    entries = [*HAPPY_PATHS, *ELSEWHERE, *NOT_COVERED]
    assert sorted(set(entries) - posts) == []
    assert len(entries) == len(set(entries))
    assert all(reason.strip() for reason in NOT_COVERED.values())


def test_every_pointer_names_a_test_that_exists():
    assert [pointer for pointer in ELSEWHERE.values() if not _test_exists(pointer)] == []


@pytest.mark.parametrize(
    "view, expected",
    [
        ("grants.proposals.views.proposals.proposal_submit", True),  # require_POST
        ("grants.proposals.views.proposals.proposal_edit", True),  # reads request.POST
        ("grants.proposals.views.proposals.proposal_detail", False),
        ("grants.site.views.dashboard", False),
        ("django.views.i18n.set_language", True),
    ],
)
def test_post_urls_are_recognised_by_their_decorator_or_their_code(view, expected):
    module, name = view.rsplit(".", 1)
    assert takes_post(getattr(importlib.import_module(module), name)) is expected


# ---- the applicant's forms ------------------------------------------------------------------


@pytest.fixture
def consortium(reference):
    lead = make_user(institution="复旦大学")
    partner = make_user(institution="浙江大学")
    proposal = make_proposal(make_call(), lead, partners=[partner])
    return lead, partner, proposal


@happy_path("set_language")
def test_set_language_switches_to_chinese(client, reference):
    response = client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/calls/"})
    assert response.status_code == 302 and response["Location"] == "/calls/"
    assert client.get("/").text.count('lang="zh-hans"') >= 1


@happy_path("switch_language")
def test_switch_language_keeps_what_was_typed_for_the_page(client, consortium):
    lead, _, proposal = consortium
    client.force_login(lead)
    edit = f"/proposals/{proposal.pk}/edit/"
    response = client.post(
        f"/language/?next={edit}", {"language": "zh-hans", "title_zh": "换语言前输入"}
    )
    assert response.status_code == 302
    assert 'value="换语言前输入"' in client.get(edit).text


@happy_path("institution_request")
def test_an_institution_request_reaches_the_fund_office(client, reference):
    officer = make_user(roles=[Role.FUND_OFFICER])
    applicant = make_user()
    client.force_login(applicant)
    mail.outbox.clear()
    response = client.post(
        "/institutions/request/",
        {"name_zh": "新研究所", "name_en": "New Institute", "province": "320000", "city": "南京"},
    )
    assert response.status_code == 302, response.context["form"].errors
    assert AuditEntry.objects.filter(action="institution.requested", actor=applicant).exists()
    assert [m.to for m in mail.outbox] == [[officer.email]]


@happy_path("proposal_start")
def test_applying_to_an_open_call_starts_a_draft(client, reference):
    call = make_call()
    lead = make_user(institution="复旦大学")
    client.force_login(lead)
    response = client.post(f"/calls/{call.code}/apply/")
    proposal = Proposal.objects.get(call=call, lead=lead)
    assert response["Location"] == f"/proposals/{proposal.pk}/edit/"
    assert proposal.status == ProposalStatus.DRAFT


@happy_path("proposal_withdraw")
def test_the_lead_withdraws_a_submitted_proposal(client, reference):
    lead = make_user(institution="复旦大学")
    proposal = make_proposal(
        make_call(), lead, partners=[make_user(institution="浙江大学")], submit=True
    )
    client.force_login(lead)
    response = client.post(f"/proposals/{proposal.pk}/withdraw/")
    assert response["Location"] == f"/proposals/{proposal.pk}/"
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.WITHDRAWN


@happy_path("member_add")
def test_the_lead_adds_a_partner_institution(client, consortium):
    lead, _, proposal = consortium
    anhui = Institution.objects.get(name_zh="安徽大学")
    client.force_login(lead)
    response = client.post(
        f"/proposals/{proposal.pk}/consortium/add/",
        {"institution": anhui.pk, "version": proposal.version},
    )
    assert response["Location"] == f"/proposals/{proposal.pk}/consortium/"
    member = proposal.members.get(institution=anhui)
    assert member.status == MemberStatus.PENDING and member.pi is None


@happy_path("member_revoke")
def test_the_lead_removes_a_partner(client, consortium):
    lead, partner, proposal = consortium
    member = proposal.members.get(pi=partner)
    client.force_login(lead)
    response = client.post(
        f"/proposals/{proposal.pk}/consortium/{member.pk}/revoke/", {"version": proposal.version}
    )
    assert response["Location"] == f"/proposals/{proposal.pk}/consortium/"
    member.refresh_from_db()
    assert member.status == MemberStatus.REVOKED


@happy_path("budget_preview")
def test_the_budget_preview_totals_what_is_typed(client, consortium):
    lead, _, proposal = consortium
    member = proposal.members.get(is_lead=True)
    client.force_login(lead)
    response = client.post(
        f"/proposals/{proposal.pk}/budget/{member.pk}/preview/", grid(operations_1="200000")
    )
    assert response.status_code == 200 and response.context["preview"]["valid"]
    assert response.context["preview"]["member_totals"].direct == Decimal("200000")
    assert not member.budget_lines.filter(amount=Decimal("200000")).exists()  # nothing saved


@happy_path("invitation")
def test_an_invited_pi_accepts_and_joins_the_consortium(client, reference):
    lead = make_user(institution="复旦大学")
    proposal = make_proposal(make_call(), lead, budget=False)
    partner = make_user(institution="浙江大学")
    member = consortium_workflow.member_add(
        proposal=proposal,
        actor=lead,
        institution=partner.institution,
        expected_version=proposal.version,
    )
    token = consortium_workflow.invitation_send(member=member, actor=lead, email=partner.email)
    client.force_login(partner)
    response = client.post(f"/invitations/{token}/", {"answer": "accept"})
    assert response["Location"] == f"/proposals/{proposal.pk}/budget/{member.pk}/"
    member.refresh_from_db()
    assert member.status == MemberStatus.ACCEPTED and member.pi == partner
    assert Invitation.objects.get(member=member).used_at is not None


# ---- reviewers and the fund office ------------------------------------------------------------


@pytest.fixture
def assigned(reference):
    from tests.reviews.factories import make_assignment, make_review_call, make_reviewer

    call, (proposal, _) = make_review_call()
    call.status = CallStatus.IN_REVIEW
    call.save(update_fields=["status"])
    reviewer = make_reviewer()
    return reviewer, make_assignment(proposal, reviewer, accept=False)


@happy_path("review_decline")
def test_a_reviewer_declines_an_invitation(client, assigned):
    reviewer, assignment = assigned
    client.force_login(reviewer)
    response = client.post(f"/reviews/{assignment.pk}/decline/", {"reason": "没有时间"})
    assert response.status_code == 302
    assignment.refresh_from_db()
    assert assignment.status == "declined"


@happy_path("review_conflict")
def test_a_reviewer_declares_a_conflict(client, assigned):
    reviewer, assignment = assigned
    client.force_login(reviewer)
    response = client.post(
        f"/reviews/{assignment.pk}/conflict/", {"kind": "coauthor", "note": "合作发表论文"}
    )
    assert response.status_code == 302
    assignment.refresh_from_db()
    assert assignment.status == "conflict"


@pytest.fixture
def panel_done(reference):
    from tests.reviews.factories import make_panel_call

    return make_panel_call(provincial_confirmation_required=True)


@happy_path("funding_confirm")
def test_a_provincial_officer_confirms_the_provinces_share(client, panel_done):
    call, _, officer = panel_done
    decisions.funding_commit(call=call, actor=officer)
    provincial = make_user(roles=[Role.PROVINCIAL_OFFICER], province="310000")
    client.force_login(provincial)
    response = client.post(f"/office/calls/{call.code}/funding/confirm/", {})
    assert response.status_code == 302
    assert ProvincialConfirmation.objects.filter(call=call, province_id="310000").exists()


# ---- panels ---------------------------------------------------------------------------------


def _panel_people():
    from tests.reviews.factories import make_reviewer

    chair = make_user(institution="清华大学", roles=[Role.PANEL_CHAIR])
    members = [make_reviewer(institution=place) for place in ("北京大学", "武汉大学", "中山大学")]
    return chair, members


@pytest.fixture
def open_panel(reference):
    from grants.models import Discipline
    from reviews import panels as reviews_panels
    from reviews import workflow as reviews_workflow
    from tests.reviews.factories import (
        full_review,
        make_assignment,
        make_review_call,
        make_reviewer,
    )

    call, proposals = make_review_call(n_proposals=2)
    chair, members = _panel_people()
    panel = reviews_panels.panel_create(
        call=call,
        area=Discipline.objects.get(code="F"),
        name="F panel",
        chair=chair,
        members=members,
        actor=make_user(roles=[Role.FUND_OFFICER]),
    )
    reviewer = make_reviewer(institution="四川大学")
    for proposal, score in zip(proposals, ("5", "2"), strict=True):
        reviews_workflow.review_save(
            assignment=make_assignment(proposal, reviewer),
            reviewer=reviewer,
            data=full_review(excellence=score),
            submit=True,
        )
    return panel, chair, proposals


@happy_path("panel_list")
def test_the_fund_office_creates_a_panel(client, reference):
    from grants.models import Discipline
    from reviews.models import Panel
    from tests.reviews.factories import make_review_call

    call, _ = make_review_call(n_proposals=1)
    chair, members = _panel_people()
    officer = make_user(roles=[Role.FUND_OFFICER])
    client.force_login(officer)
    response = client.post(
        f"/office/calls/{call.code}/panels/",
        {
            "name": "F panel",
            "area": Discipline.objects.get(code="F").pk,
            "chair": chair.pk,
            "members": [member.pk for member in members],
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    panel = Panel.objects.get(call=call)
    assert (panel.name, panel.chair) == ("F panel", chair)
    assert set(panel.members.all()) == set(members)


@happy_path("panel_consensus")
def test_the_chair_records_a_consensus_score(client, open_panel):
    panel, chair, (high, _) = open_panel
    entry = panel.entries.get(proposal=high)
    client.force_login(chair)
    response = client.post(
        f"/panels/{panel.pk}/entries/{entry.pk}/consensus/",
        {"score": "4.5", "comment": "专家组一致认可"},
    )
    assert response["Location"] == f"/panels/{panel.pk}/"
    entry.refresh_from_db()
    assert (entry.consensus_score, entry.consensus_comment) == (Decimal("4.5"), "专家组一致认可")


def test_a_consensus_score_off_the_scale_is_refused(client, open_panel):
    panel, chair, (high, _) = open_panel
    entry = panel.entries.get(proposal=high)
    client.force_login(chair)
    response = client.post(
        f"/panels/{panel.pk}/entries/{entry.pk}/consensus/", {"score": "7"}, follow=True
    )
    assert "from 0 to 5 in half points" in response.text
    entry.refresh_from_db()
    assert entry.consensus_score is None


@happy_path("panel_lock")
def test_the_chair_locks_the_ranking(client, open_panel):
    panel, chair, (high, low) = open_panel
    client.force_login(chair)
    response = client.post(
        f"/panels/{panel.pk}/lock/", {f"place_{high.pk}": "1", f"place_{low.pk}": "2"}
    )
    assert response["Location"] == f"/panels/{panel.pk}/"
    panel.refresh_from_db()
    assert panel.locked_at
    assert [e.proposal_id for e in panel.entries.order_by("position")] == [high.pk, low.pk]


@happy_path("assignment_adjust")
def test_the_fund_office_removes_a_proposed_pair_before_publishing(client, reference):
    from reviews import workflow as reviews_workflow
    from reviews.models import AssignmentRun
    from tests.reviews.factories import make_review_call, make_reviewer

    call, _ = make_review_call(n_proposals=1)
    for place in ["武汉大学", "北京大学", "清华大学"]:
        make_reviewer(institution=place)
    officer = make_user(roles=[Role.FUND_OFFICER])
    run = reviews_workflow.run_start(call=call, actor=officer)
    run.refresh_from_db()
    assert run.status == AssignmentRun.Status.DONE
    pair = run.result["pairs"][0]
    client.force_login(officer)
    response = client.post(
        f"/office/calls/{call.code}/assignment/{run.pk}/adjust/",
        {"proposal": pair["proposal"], "reviewer": pair["reviewer"], "action": "remove"},
        follow=True,
    )
    assert "Assignment adjusted." in response.text
    run.refresh_from_db()
    assert pair not in run.result["pairs"]
