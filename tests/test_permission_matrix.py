"""Every page of the portal × every role, with the status each must get.

The list of pages comes from the URL resolver, so a new page without a row here fails
``test_every_page_is_in_the_matrix``: nobody has to remember to add it.

The scenario: an open call; a draft led by a Fudan (Shanghai) PI with an accepted Zhejiang
partner and a pending Anhui partner; a submitted proposal led by the same PI with the same
partner. The submitted proposal is assigned to one reviewer who accepted and to another who
declared a conflict; a third reviewer has no assignment; a panel has a chair and members. Rows
keyed "<page> <ownership>" request the same page on another object (the conflicted reviewer's
own assignment). Roles act in the order of ROLES, the ones allowed to change things last, so
refused attempts run against the same state.
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from grants.models import Role
from grants.proposals import consortium_workflow
from tests.factories import make_call, make_proposal, make_user
from tests.grants.api.matrix_api import API_ROWS
from tests.grants.api.matrix_api import extend_scenario as extend_api_scenario
from tests.grants.funding.matrix_draws import DRAW_ROWS
from tests.grants.office.matrix_office import OFFICE_ROWS
from tests.grants.office.matrix_office import extend_scenario as extend_office_scenario
from tests.grants.opendata.matrix_opendata import OPENDATA_ROWS
from tests.grants.overlaps.matrix_records import RECORDS_ROWS
from tests.grants.overlaps.matrix_screening import SCREENING_ROWS
from tests.grants.overlaps.matrix_screening import extend_scenario as extend_screening_scenario
from tests.grants.projects.matrix_projects import PROJECT_ROWS, extend_payments_scenario
from tests.grants.projects.matrix_projects import extend_scenario as extend_project_scenario
from tests.matrix_roles import LOGIN, OUTSIDERS, POST_SIGNED_OUT, PROFILE, SIGNED_OUT
from tests.reviews.matrix_exports import extend_scenario as extend_export_scenario
from tests.reviews.matrix_publications import PUBLICATION_ROWS
from tests.reviews.matrix_publications import extend_scenario as extend_publication_scenario
from tests.reviews.matrix_reviews import CONFLICTED_OWN_ROWS, REVIEW_ROWS
from tests.reviews.matrix_reviews import extend_scenario as extend_review_scenario

# Third-party and framework pages tested by their own projects.
FOREIGN_PREFIXES = ("accounts/", "admin/", "i18n/")


def our_url_names(resolver=None, prefix=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if route.startswith(FOREIGN_PREFIXES):
            continue
        if isinstance(entry, URLResolver):
            yield from our_url_names(entry, route)
        elif isinstance(entry, URLPattern):
            yield entry.name


@pytest.fixture
def scenario(reference):
    lead = make_user(institution="复旦大学")
    partner = make_user(institution="浙江大学")
    call = make_call()
    submitted = make_proposal(call, lead, partners=[partner], submit=True)
    call.max_led_per_pi = 2
    call.max_participations_per_pi = 3
    call.save()
    draft = make_proposal(call, lead, partners=[partner])
    pending = consortium_workflow.member_add(
        proposal=draft,
        actor=lead,
        institution=make_user(institution="安徽大学").institution,
        expected_version=draft.version,
    )
    token = consortium_workflow.invitation_send(
        member=pending, actor=lead, email="new.partner@example.org"
    )
    draft.refresh_from_db()
    users = {
        "anonymous": None,
        "incomplete": make_user(complete=False),
        "other_applicant": make_user(institution="南京大学"),
        "reviewer_assigned": make_user(roles=[Role.REVIEWER], institution="武汉大学"),
        "reviewer_unassigned": make_user(roles=[Role.REVIEWER], institution="山东大学"),
        "reviewer_conflicted": make_user(roles=[Role.REVIEWER], institution="吉林大学"),
        "panel_chair": make_user(roles=[Role.PANEL_CHAIR], institution="清华大学"),
        "officer_other_province": make_user(roles=[Role.PROVINCIAL_OFFICER], province="340000"),
        "officer_same_province": make_user(roles=[Role.PROVINCIAL_OFFICER], province="310000"),
        "fund_officer": make_user(roles=[Role.FUND_OFFICER]),
        "partner": partner,
        "lead": lead,
    }
    lead_member = draft.members.get(is_lead=True)
    partner_member = draft.members.get(pi=partner)
    values = {
        "call": call.code,
        "draft": draft.pk,
        "submitted": submitted.pk,
        "lead_member": lead_member.pk,
        "partner_member": partner_member.pk,
        "pending_member": pending.pk,
        "token": token,
    }
    for extend in SCENARIO_EXTENSIONS:
        extend(users, values)
    return users, values


ROLES = [
    "anonymous",
    "incomplete",
    "other_applicant",
    "reviewer_unassigned",
    "reviewer_conflicted",
    "reviewer_assigned",
    "panel_member",
    "panel_chair",
    "officer_other_province",
    "officer_same_province",
    "fund_officer",
    "partner",
    "lead",
]

# page name: (method, path, {role: expected}); roles not listed expect "*".
MATRIX = {
    "home": ("get", "/", {"*": 200}),
    # The browser's icon, for everyone before any sign-in, profile or second factor.
    "favicon": ("get", "/favicon.ico", {"*": 302}),
    "dashboard": ("get", "/dashboard/", {"*": 200, **SIGNED_OUT}),
    "profile": ("get", "/profile/", {"*": 200, "anonymous": LOGIN}),
    # Switching language works for everyone; without a token the POST is refused like any other.
    "switch_language": ("post", "/language/?next=/", {"*": 302}),
    "institution_request": ("get", "/institutions/request/", {"*": 200, **SIGNED_OUT}),
    "call_list": ("get", "/calls/", {"*": 200, "incomplete": PROFILE}),
    "call_detail": ("get", "/calls/{call}/", {"*": 200, "incomplete": PROFILE}),
    "proposal_start": (
        "post",
        "/calls/{call}/apply/",
        {
            **POST_SIGNED_OUT,
            "*": 302,
            "officer_other_province": 302,
        },
    ),
    "proposal_detail": (
        "get",
        "/proposals/{draft}/",
        {
            **SIGNED_OUT,
            **OUTSIDERS,
            "partner": 200,
            "lead": 302,
        },
    ),
    "proposal_edit": (
        "get",
        "/proposals/{draft}/edit/",
        {**SIGNED_OUT, **OUTSIDERS, "partner": 403, "lead": 200},
    ),
    "proposal_submit": (
        "post",
        "/proposals/{draft}/submit/",
        {
            **POST_SIGNED_OUT,
            **OUTSIDERS,
            "partner": 403,
            "lead": 302,
        },
    ),
    "proposal_withdraw": (
        "post",
        "/proposals/{submitted}/withdraw/",
        {
            **POST_SIGNED_OUT,
            **OUTSIDERS,
            "officer_same_province": 403,
            "fund_officer": 403,
            "partner": 403,
            "lead": 302,
        },
    ),
    # The confirmation page; the discard itself is tested in tests/grants/proposals/test_draft_views.py.
    "proposal_discard": (
        "get",
        "/proposals/{draft}/discard/",
        {**SIGNED_OUT, **OUTSIDERS, "partner": 403, "lead": 200},
    ),
    "proposal_pdf": (
        "get",
        "/proposals/{submitted}/pdf/",
        {
            **SIGNED_OUT,
            **OUTSIDERS,
            "officer_same_province": 200,
            "fund_officer": 200,
            "partner": 200,
            "lead": 200,
        },
    ),
    "narrative_download": (
        "get",
        "/proposals/{submitted}/narrative/",
        {
            **SIGNED_OUT,
            **OUTSIDERS,
            "officer_same_province": 404,
            "fund_officer": 404,
            "partner": 404,
            "lead": 404,  # no narrative PDF attached: readers get 404 too
        },
    ),
    "consortium": (
        "get",
        "/proposals/{draft}/consortium/",
        {**SIGNED_OUT, **OUTSIDERS, "partner": 200, "lead": 200},
    ),
    "member_add": (
        "post",
        "/proposals/{draft}/consortium/add/",
        {
            **POST_SIGNED_OUT,
            **OUTSIDERS,
            "partner": 403,
            "lead": 200,  # posted empty: the page again, the error beside the field
        },
    ),
    "member_invite": (
        "post",
        "/proposals/{draft}/consortium/{pending_member}/invite/",
        {
            **POST_SIGNED_OUT,
            **OUTSIDERS,
            "partner": 403,
            "lead": 200,  # posted empty: the page again, the error beside the field
        },
    ),
    "member_revoke": (
        "post",
        "/proposals/{draft}/consortium/{pending_member}/revoke/",
        {
            **POST_SIGNED_OUT,
            **OUTSIDERS,
            "partner": 403,
            "lead": 302,
        },
    ),
    "budget": (
        "get",
        "/proposals/{draft}/budget/",
        {**SIGNED_OUT, **OUTSIDERS, "partner": 200, "lead": 200},
    ),
    "budget_member": (
        "get",
        "/proposals/{draft}/budget/{partner_member}/",
        {
            **SIGNED_OUT,
            **OUTSIDERS,
            "partner": 200,
            "lead": 403,
        },
    ),
    "budget_preview": (
        "post",
        "/proposals/{draft}/budget/{lead_member}/preview/",
        {
            **POST_SIGNED_OUT,
            **OUTSIDERS,
            "partner": 403,
            "lead": 200,
        },
    ),
    "invitation": ("get", "/invitations/{token}/", {"*": 200, "incomplete": PROFILE}),
}


# Each area keeps its own rows and scenario additions beside its tests.
MATRIX.update(OFFICE_ROWS)
MATRIX.update(DRAW_ROWS)
MATRIX.update(REVIEW_ROWS)
MATRIX.update(CONFLICTED_OWN_ROWS)
MATRIX.update(PROJECT_ROWS)
MATRIX.update(SCREENING_ROWS)
MATRIX.update(RECORDS_ROWS)
MATRIX.update(API_ROWS)
MATRIX.update(OPENDATA_ROWS)
MATRIX.update(PUBLICATION_ROWS)
SCENARIO_EXTENSIONS = [
    extend_office_scenario,
    extend_review_scenario,
    extend_export_scenario,
    extend_project_scenario,
    extend_payments_scenario,
    extend_screening_scenario,
    extend_api_scenario,
    extend_publication_scenario,
]


def test_every_page_is_in_the_matrix():
    # A row's key is the URL's name, optionally followed by a space and the ownership it tests.
    covered = {key.split(" ")[0] for key in MATRIX}
    missing = sorted(set(our_url_names()) - covered)
    assert not missing, f"pages without a row in the permission matrix: {missing}"


@pytest.mark.parametrize("page", MATRIX)
def test_page_gives_each_role_its_expected_status(client, scenario, page):
    users, values = scenario
    method, template, expected = MATRIX[page]
    path = template.format(**values)
    failures = []
    for role in ROLES:
        client.logout()
        if users[role] is not None:
            client.force_login(users[role])
        want = expected.get(role, expected.get("*"))
        response = getattr(client, method)(path)
        got = response.status_code
        if want == LOGIN:
            ok = got == 302 and response["Location"].startswith("/accounts/login/")
        elif want == PROFILE:
            ok = got == 302 and response["Location"].startswith("/profile/")
        else:
            ok = got == want
        if not ok:
            failures.append(f"{role}: expected {want}, got {got} {response.get('Location', '')}")
    assert not failures, f"{method.upper()} {path}\n" + "\n".join(failures)
