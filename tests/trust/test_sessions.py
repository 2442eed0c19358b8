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


# ---- sessions in the database, the row rewritten once a minute at most (portal/sessions.py) ----


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


def test_a_page_reads_the_session_row_and_leaves_it_alone(client, reference):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(make_user())
    client.get("/dashboard/")
    with CaptureQueriesContext(connection) as captured:
        client.get("/dashboard/")
    statements = [q["sql"] for q in captured]
    assert len([sql for sql in statements if "django_session" in sql]) == 1
    assert [sql for sql in statements if "django_session" in sql][0].startswith("SELECT")
    assert not [sql for sql in statements if "SAVEPOINT" in sql]


def test_the_row_is_rewritten_once_its_copy_is_a_minute_old(client, reference, clock):
    from portal.sessions import REFRESH_SECONDS

    client.force_login(make_user())
    first = stored_expiry(client)
    clock(REFRESH_SECONDS - 1)
    assert session_writes(client) == []
    clock(1)
    assert len(session_writes(client)) == 1
    assert (stored_expiry(client) - first).total_seconds() == pytest.approx(REFRESH_SECONDS, abs=1)


def test_near_the_idle_limit_the_row_is_the_deadline(client, reference, clock):
    client.force_login(make_user())
    clock(30)
    assert session_writes(client) == []  # the row keeps the sign-in's expiry
    clock(IDLE - 29)  # the row's expiry passed a second ago, the last request IDLE - 29 ago
    assert client.get("/dashboard/")["Location"] == "/accounts/login/?next=/dashboard/"


def test_a_change_to_the_session_is_written_at_once(client, reference):
    from django.contrib.sessions.models import Session

    from portal.sessions import SessionStore

    client.force_login(make_user())
    client.get("/dashboard/")
    session = client.session
    session["kept"] = "yes"
    session.save()
    row = Session.objects.get(session_key=session.session_key)
    assert SessionStore().decode(row.session_data)["kept"] == "yes"


def test_a_change_made_in_place_is_written_at_once(reference):
    from portal.sessions import SessionStore

    session = SessionStore()
    session["items"] = []
    session.save()
    loaded = SessionStore(session.session_key)
    loaded["items"].append("kept")  # no assignment, so Django does not mark it modified
    assert not loaded.modified
    loaded.save()
    assert SessionStore(session.session_key)["items"] == ["kept"]


def test_signing_out_ends_the_session_for_another_client_with_the_same_cookie(
    client, reference, settings
):
    from django.test import Client

    client.force_login(make_user())
    assert client.get("/dashboard/").status_code == 200
    other = Client()  # another browser tab, or another app server, holding the same cookie
    other.cookies[settings.SESSION_COOKIE_NAME] = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert other.get("/dashboard/").status_code == 200
    assert client.post("/accounts/logout/").status_code == 302
    assert other.get("/dashboard/")["Location"] == "/accounts/login/?next=/dashboard/"
