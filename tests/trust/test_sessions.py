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


# ---- sessions read from the cache, kept in the database (portal/sessions.py) -------------------


def session_writes(client, url="/dashboard/"):
    """The statements of one GET that write the session table."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return [q["sql"] for q in captured if "django_session" in q["sql"] and "SELECT" not in q["sql"]]


def stored_expiry(client):
    from django.contrib.sessions.models import Session

    return Session.objects.get(session_key=client.session.session_key).expire_date


def test_a_page_reads_the_session_from_the_cache_and_leaves_its_row_alone(client, reference):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(make_user())
    client.get("/dashboard/")
    with CaptureQueriesContext(connection) as captured:
        client.get("/dashboard/")
    assert not [q for q in captured if "django_session" in q["sql"]]


def test_the_row_is_rewritten_once_its_copy_is_a_minute_old(client, reference, clock):
    from portal.sessions import REFRESH_SECONDS

    client.force_login(make_user())
    first = stored_expiry(client)
    clock(REFRESH_SECONDS - 1)
    assert session_writes(client) == []
    clock(1)
    assert len(session_writes(client)) == 1
    assert (stored_expiry(client) - first).total_seconds() == pytest.approx(REFRESH_SECONDS, abs=1)


def test_a_cache_flush_signs_nobody_out(client, reference, clock):
    from django.core.cache import cache

    client.force_login(make_user())
    clock(IDLE - 60)
    assert client.get("/dashboard/").status_code == 200
    cache.clear()
    clock(IDLE - 60)
    assert client.get("/dashboard/").status_code == 200


def test_after_a_cache_flush_the_idle_limit_still_holds(client, reference, clock):
    from django.core.cache import cache

    client.force_login(make_user())
    clock(30)
    assert client.get("/dashboard/").status_code == 200  # the cache's copy only
    cache.clear()
    clock(IDLE - 29)  # the row's copy is IDLE + 1 old, the last request IDLE - 29 ago
    assert client.get("/dashboard/")["Location"] == "/accounts/login/?next=/dashboard/"


def test_a_change_to_the_session_is_written_at_once(client, reference):
    from django.core.cache import cache

    client.force_login(make_user())
    session = client.session
    session["kept"] = "yes"
    session.save()
    cache.clear()
    assert client.session["kept"] == "yes"


def test_the_row_keeps_the_session_alive_when_the_cache_is_down(
    client, reference, monkeypatch, clock
):
    from django.core.cache.backends.locmem import LocMemCache

    client.force_login(make_user())
    clock(1)

    def down(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(LocMemCache, "set", down)
    assert len(session_writes(client)) == 1
