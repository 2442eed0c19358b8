"""API tokens: made on the profile with a second factor, shown once, stored hashed, revoked,
expired, limited by scope and throttled."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.utils import timezone

from grants.api.authentication import TokenRateThrottle
from grants.api.tokens import api_token_create, api_token_revoke, digest_of
from grants.models import ApiToken, AuditEntry, Role, TokenScope
from tests.factories import TOTP_SECRET, make_user, totp_code
from tests.grants.api.factories import bearer


@pytest.fixture
def officer(reference):
    return make_user(roles=[Role.PROVINCIAL_OFFICER], province="310000")


def test_an_officer_makes_a_token_with_the_code_and_sees_it_once(client, officer):
    client.force_login(officer)
    response = client.post(
        "/profile/api-tokens/",
        {"name": "Payments script", "scope": "write", "days": "30", "code": totp_code(TOTP_SECRET)},
    )
    assert response.status_code == 302
    page = client.get("/profile/api-tokens/").content.decode()
    token = ApiToken.objects.get(user=officer)
    secret = page.split('<code id="new-token">')[1].split("</code>")[0]
    assert token.digest == digest_of(secret) and secret not in (token.digest, token.prefix)
    assert token.scope == TokenScope.WRITE
    assert token.expires_at.date() == (timezone.now() + timedelta(days=30)).date()
    assert secret not in client.get("/profile/api-tokens/").content.decode()
    assert AuditEntry.objects.filter(action="api_token.created", actor=officer).count() == 1


def test_a_wrong_code_makes_no_token_and_keeps_what_was_typed(client, officer):
    client.force_login(officer)
    response = client.post(
        "/profile/api-tokens/",
        {"name": "Payments script", "scope": "read", "days": "30", "code": "000000"},
    )
    assert response.status_code == 200
    assert "This code is wrong or has been used already." in response.content.decode()
    assert 'value="Payments script"' in response.content.decode()
    assert not ApiToken.objects.exists()


def test_an_applicant_may_not_make_tokens(client, reference):
    client.force_login(make_user())
    assert client.get("/profile/api-tokens/").status_code == 403


def test_the_owner_revokes_a_token_and_it_stops_working(client, officer):
    headers = bearer(officer)
    assert client.get("/api/v1/calls/", **headers).status_code == 200
    client.force_login(officer)
    token = ApiToken.objects.get(user=officer)
    assert client.post(f"/profile/api-tokens/{token.pk}/revoke/").status_code == 302
    client.logout()
    response = client.get("/api/v1/calls/", **headers)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "authentication_failed"
    assert AuditEntry.objects.filter(action="api_token.revoked").count() == 1


def test_an_expired_token_is_refused(client, officer):
    headers = bearer(officer)
    ApiToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert client.get("/api/v1/calls/", **headers).status_code == 401


def test_a_read_token_may_not_write(client, officer, reference):
    response = client.post("/api/v1/calls/nothing/confirmation/", **bearer(officer))
    assert response.status_code == 403
    assert "write scope" in response.json()["error"]["message"]


def test_use_is_noted_at_most_once_a_minute(client, officer):
    headers = bearer(officer)
    client.get("/api/v1/calls/", **headers)
    first = ApiToken.objects.get().last_used_at
    client.get("/api/v1/calls/", **headers)
    assert first is not None and ApiToken.objects.get().last_used_at == first


def test_revoking_twice_writes_one_entry(officer):
    token, _secret = api_token_create(user=officer, name="x")
    api_token_revoke(token=token, actor=officer)
    api_token_revoke(token=token, actor=officer)
    assert AuditEntry.objects.filter(action="api_token.revoked").count() == 1


def test_the_command_prints_a_working_token(client, officer, capsys):
    call_command("api_token", officer.email, "--scope", "write", "--days", "7")
    secret = capsys.readouterr().out.strip()
    assert ApiToken.objects.get(digest=digest_of(secret)).scope == TokenScope.WRITE
    assert client.get("/api/v1/calls/", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 200


def test_requests_past_the_rate_are_throttled_per_token(client, officer, monkeypatch):
    monkeypatch.setattr(TokenRateThrottle, "THROTTLE_RATES", {"api": "2/min"})
    cache.clear()
    first, second = bearer(officer), bearer(officer)
    statuses = [client.get("/api/v1/calls/", **first).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    assert client.get("/api/v1/calls/", **second).status_code == 200
    cache.clear()


def test_the_profile_links_officers_to_their_tokens(client, officer):
    client.force_login(officer)
    assert 'href="/profile/api-tokens/"' in client.get("/profile/").content.decode()
    client.force_login(make_user())
    assert 'href="/profile/api-tokens/"' not in client.get("/profile/").content.decode()
