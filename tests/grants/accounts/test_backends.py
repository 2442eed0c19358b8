"""The signed-in user, its roles and its second factor come from one query on every request,
and from nothing kept between requests."""

import pytest
from allauth.mfa.models import Authenticator
from django.db import connection
from django.test.utils import CaptureQueriesContext

from grants.accounts.backends import ModelBackend
from grants.accounts.permissions import needs_mfa_setup, officer_province_code, roles_of
from grants.accounts.registration import role_grant
from grants.models import Province, Role, RoleGrant
from tests.factories import make_user, sign_in

pytestmark = pytest.mark.django_db


def query_count(client, path):
    client.get(path)
    with CaptureQueriesContext(connection) as captured:
        client.get(path)
    return len(captured)


def test_user_roles_and_second_factor_are_read_in_one_query(reference):
    user = make_user(roles=[Role.PROVINCIAL_OFFICER], province="320000")
    make_user(roles=[Role.FUND_OFFICER])  # someone else's rows stay out
    with CaptureQueriesContext(connection) as captured:
        loaded = ModelBackend().get_user(user.pk)
    assert len(captured) == 1
    assert loaded == user
    with CaptureQueriesContext(connection) as captured:
        assert roles_of(loaded) == {Role.PROVINCIAL_OFFICER, "applicant"}
        assert officer_province_code(loaded) == "320000"
        assert needs_mfa_setup(loaded) is False
    assert len(captured) == 0


def test_a_user_with_several_roles_gets_them_all(reference):
    user = make_user(roles=[Role.REVIEWER, Role.PANEL_CHAIR, Role.FUND_OFFICER])
    assert roles_of(ModelBackend().get_user(user.pk)) == {
        Role.REVIEWER,
        Role.PANEL_CHAIR,
        Role.FUND_OFFICER,
        "applicant",
    }


def test_an_inactive_or_missing_user_is_not_signed_in(reference):
    user = make_user()
    user.is_active = False
    user.save()
    assert ModelBackend().get_user(user.pk) is None
    assert ModelBackend().get_user(user.pk + 1000) is None


def test_a_signed_in_page_reads_the_session_then_the_user_with_its_roles(client, reference):
    client.force_login(make_user(roles=[Role.FUND_OFFICER]))
    # /i18n/setlang/ answers a GET asking for JSON with 204 and reads nothing of its own.
    client.defaults["HTTP_ACCEPT"] = "application/json"
    assert query_count(client, "/i18n/setlang/") == 2


def test_a_role_withdrawn_counts_from_the_next_request(client, reference):
    officer = make_user(roles=[Role.FUND_OFFICER])
    client.force_login(officer)
    assert client.get("/office/calls/").status_code == 200
    RoleGrant.objects.filter(user=officer).delete()
    assert client.get("/office/calls/").status_code == 403


def test_a_role_granted_counts_from_the_next_request(client, reference):
    user = make_user()
    client.force_login(user)
    assert client.get("/office/calls/").status_code == 403
    role_grant(
        user=user, role=Role.PROVINCIAL_OFFICER, province=Province.objects.get(code="310000")
    )
    # A new staff role without a second factor sends them to set one up first.
    assert client.get("/office/calls/")["Location"] == "/accounts/2fa/totp/activate/"


def test_a_second_factor_removed_counts_from_the_next_request(client, reference):
    reviewer = make_user(roles=[Role.REVIEWER])
    client.force_login(reviewer)
    assert client.get("/dashboard/").status_code == 200
    Authenticator.objects.filter(user=reviewer).delete()
    assert client.get("/dashboard/")["Location"] == "/accounts/2fa/totp/activate/"


def test_two_users_on_one_worker_each_get_their_own_roles(client, reference):
    officer = make_user(roles=[Role.FUND_OFFICER])
    applicant = make_user()
    other = client.__class__()
    client.force_login(officer)
    other.force_login(applicant)
    for _ in range(2):
        assert client.get("/office/calls/").status_code == 200
        assert other.get("/office/calls/").status_code == 403


def test_signing_in_through_allauth_uses_the_same_loading(client, reference):
    officer = make_user(roles=[Role.FUND_OFFICER])
    sign_in(client, officer.email)
    assert client.session["_auth_user_backend"] == "grants.accounts.backends.AuthenticationBackend"
    client.defaults["HTTP_ACCEPT"] = "application/json"
    assert query_count(client, "/i18n/setlang/") == 2
