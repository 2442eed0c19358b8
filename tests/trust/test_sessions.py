"""A session ends after SESSION_IDLE_SECONDS without a request; every request restarts the clock."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import make_user

IDLE = 2 * 60 * 60


@pytest.fixture
def clock(monkeypatch):
    """Move Django's clock forward without waiting."""
    real_now = timezone.now
    offset = timedelta()

    def advance(seconds):
        nonlocal offset
        offset += timedelta(seconds=seconds)

    monkeypatch.setattr(timezone, "now", lambda: real_now() + offset)
    return advance


def test_idle_session_expires_and_asks_to_sign_in_again(client, reference, settings, clock):
    assert settings.SESSION_COOKIE_AGE == IDLE and settings.SESSION_SAVE_EVERY_REQUEST
    client.force_login(make_user())
    assert client.get("/dashboard/").status_code == 200
    clock(IDLE + 1)
    response = client.get("/dashboard/")
    assert response["Location"] == "/accounts/login/?next=/dashboard/"


def test_activity_keeps_the_session_alive(client, reference, clock):
    client.force_login(make_user())
    for _ in range(3):
        clock(IDLE - 60)
        assert client.get("/dashboard/").status_code == 200


def test_idle_time_comes_from_the_environment(monkeypatch):
    import importlib

    from portal import settings as portal_settings

    monkeypatch.setenv("SESSION_IDLE_SECONDS", "900")
    try:
        assert importlib.reload(portal_settings).SESSION_COOKIE_AGE == 900
    finally:
        monkeypatch.delenv("SESSION_IDLE_SECONDS")
        importlib.reload(portal_settings)
