"""Redis unreachable: pages still render and login rate limits still apply, counted in local
memory (portal/cache.py), with the cache configured exactly as settings.py configures it."""

import logging
import runpy
import socket
from pathlib import Path

import pytest
from django.core.cache import cache

from portal import cache as fallback_cache
from tests.factories import PASSWORD, make_user

SETTINGS = Path(__file__).resolve().parents[2] / "portal" / "settings.py"


def closed_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # nothing listens once the probe is closed


@pytest.fixture
def redis_down(settings, monkeypatch):
    """REDIS_URL pointing at a port where nothing listens, read by the settings module."""
    monkeypatch.setenv("REDIS_URL", f"redis://127.0.0.1:{closed_port()}/0")
    settings.CACHES = runpy.run_path(str(SETTINGS))["CACHES"]
    assert settings.CACHES["default"]["BACKEND"] == "portal.cache.FallbackRedisCache"
    yield cache
    cache.fallback.clear()


def test_pages_render_while_redis_is_down(client, reference, redis_down, caplog):
    user = make_user()
    with caplog.at_level(logging.WARNING, logger="portal.cache"):
        assert client.get("/").status_code == 200
        assert client.get("/accounts/login/").status_code == 200
        wrong = client.post("/accounts/login/", {"login": user.email, "password": "wrong"})
    assert wrong.status_code == 200 and wrong.context["form"].errors
    assert "Redis cache unavailable" in caplog.text


def test_failed_logins_are_still_rate_limited_while_redis_is_down(client, reference, redis_down):
    user = make_user()
    for _ in range(5):
        client.post("/accounts/login/", {"login": user.email, "password": "wrong"})
    response = client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    assert response.status_code == 429 or "Too many" in response.text
    assert "_auth_user_id" not in client.session


def test_the_right_password_still_signs_in_while_redis_is_down(client, reference, redis_down):
    user = make_user()
    response = client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302


class FlakyRedis:
    """Stands in for Redis's client: fails while ``down``, counts the attempts."""

    def __init__(self):
        self.down = True
        self.attempts = 0
        self.stored = {}

    def get(self, key, default):
        self.attempts += 1
        if self.down:
            from redis.exceptions import ConnectionError

            raise ConnectionError("refused")
        return self.stored.get(key, default)


@pytest.fixture
def flaky(monkeypatch):
    backend = fallback_cache.FallbackRedisCache("redis://127.0.0.1:1/0", {})
    client = FlakyRedis()
    monkeypatch.setattr(type(backend), "_cache", client)
    clock = [1000.0]
    monkeypatch.setattr(fallback_cache.time, "monotonic", lambda: clock[0])
    return backend, client, clock


def test_redis_is_left_alone_for_a_while_after_it_failed(flaky):
    backend, client, clock = flaky
    backend.fallback.set("k", "local")
    assert backend.get("k") == "local"
    assert backend.get("k") == "local"
    assert client.attempts == 1  # the second read did not wait on Redis again

    clock[0] += fallback_cache.RETRY_SECONDS
    client.down = False
    client.stored[backend.make_and_validate_key("k")] = "shared"
    assert backend.get("k") == "shared"
    assert client.attempts == 2 and backend.down_until == 0.0
