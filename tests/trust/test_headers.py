"""Security headers on every page, and Django's deployment checklist under production settings."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from grants.models import Role
from tests.factories import make_user

ROOT = Path(__file__).resolve().parents[2]


def directives(response):
    policy = response["Content-Security-Policy"]
    return {
        name: values
        for name, *values in (part.split() for part in policy.split(";") if part.strip())
    }


@pytest.fixture
def officer(reference):
    return make_user(roles=[Role.FUND_OFFICER])


@pytest.mark.parametrize(
    "path", ["/", "/calls/", "/dashboard/", "/office/calls/", "/accounts/2fa/", "/ledger/"]
)
def test_pages_carry_a_policy_without_inline_code(client, officer, path):
    client.force_login(officer)
    response = client.get(path)
    assert response.status_code == 200
    policy = directives(response)
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["default-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["object-src"] == ["'none'"] and policy["base-uri"] == ["'none'"]
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]


@pytest.mark.parametrize("path", ["/", "/accounts/login/", "/accounts/signup/"])
def test_signed_out_pages_deny_framing_and_sniffing(client, reference, path):
    response = client.get(path)
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert directives(response)["frame-ancestors"] == ["'none'"]


def test_htmx_is_loaded_from_our_static_files_and_injects_no_styles(client, reference):
    html = client.get("/").text
    assert '<script src="/static/django_htmx/htmx-2.min.js" defer></script>' in html
    assert '"includeIndicatorStyles": false' in html


def production_environment():
    """The variables .ci/run sets for its deploy check."""
    return {
        **{name: value for name, value in os.environ.items() if not name.startswith("DJANGO")},
        "DEBUG": "0",
        "SECRET_KEY": "ci-" + secrets.token_urlsafe(48),
        "ALLOWED_HOSTS": "portal.example.org",
        "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/postgres",
        "EMAIL_HOST": "smtp.example.org",
        "DJANGO_SETTINGS_MODULE": "portal.settings",
    }


def run_in_production(*args):
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env=production_environment(),
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_deploy_check_is_clean_under_production_settings():
    result = run_in_production("manage.py", "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_settings_force_https_and_secure_cookies():
    script = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS >= 31536000, "
        "s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
        "s.SESSION_COOKIE_HTTPONLY, s.X_FRAME_OPTIONS, s.SECURE_REFERRER_POLICY, "
        "s.MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN)"
    )
    result = run_in_production("-c", script)
    assert result.stdout.split() == [
        "True",
        "True",
        "True",
        "True",
        "True",
        "True",
        "DENY",
        "same-origin",
        "False",
    ], result.stderr
