"""Links in the portal's mails and the fund's name in allauth's (grants/core/emails.py)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core import mail

from grants.core import emails
from grants.proposals import consortium_workflow
from tests.factories import make_call, make_proposal, make_user

REPO = Path(__file__).resolve().parents[3]
PORTAL_NAME_EN = "Yangtze River Delta Joint Fund for Basic Research"
PORTAL_NAME_ZH = "长三角基础研究联合基金"


def site_url_with(**environment):
    """SITE_URL as a fresh process reads the settings from ``environment``."""
    env = {key: value for key, value in os.environ.items() if key not in {"SITE_URL", "PORT"}}
    env.update(environment, DJANGO_SETTINGS_MODULE="portal.settings")
    result = subprocess.run(
        [sys.executable, "-c", "from django.conf import settings; print(settings.SITE_URL)"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


@pytest.mark.parametrize(
    ("environment", "expected"),
    [
        ({}, "http://127.0.0.1:8000"),
        ({"PORT": "8801"}, "http://127.0.0.1:8801"),
        ({"PORT": "8801", "SITE_URL": "https://portal.example.org/"}, "https://portal.example.org"),
    ],
)
def test_site_url_follows_the_served_port_unless_set(environment, expected):
    assert site_url_with(**environment) == expected


def test_make_run_hands_its_port_to_the_server_and_the_task_worker():
    dry_run = subprocess.run(
        ["make", "-n", "run", "PORT=8801"], cwd=REPO, capture_output=True, text=True, check=True
    ).stdout
    assert "PORT=8801 .venv/bin/python manage.py db_worker" in dry_run
    assert "PORT=8801 .venv/bin/python manage.py runserver 127.0.0.1:8801" in dry_run


def test_absolute_url_puts_the_site_url_before_the_path(settings):
    settings.SITE_URL = "http://127.0.0.1:8801"
    assert emails.absolute_url("/reviews/") == "http://127.0.0.1:8801/reviews/"


def test_a_partner_invitation_links_to_the_port_the_portal_is_served_on(settings, reference):
    settings.SITE_URL = "http://127.0.0.1:8801"
    lead = make_user(institution="复旦大学")
    proposal = make_proposal(make_call(), lead)
    member = consortium_workflow.member_add(
        proposal=proposal,
        actor=lead,
        institution=make_user(institution="浙江大学").institution,
        expected_version=proposal.version,
    )
    token = consortium_workflow.invitation_send(
        member=member, actor=lead, email="partner@example.org"
    )
    [message] = mail.outbox
    assert f"http://127.0.0.1:8801/invitations/{token}/" in message.body
    assert "8000" not in message.body


def test_an_assignment_ready_mail_links_to_the_site_url(settings, reference):
    settings.SITE_URL = "http://127.0.0.1:8801"
    call = make_call()
    emails.send_on_commit(["officer@example.org"], "assignment_ready", {"call": call})
    [message] = mail.outbox
    assert f"http://127.0.0.1:8801/office/calls/{call.code}/assignment/" in message.body


@pytest.mark.parametrize(
    ("language", "name"), [("en", PORTAL_NAME_EN), ("zh-hans", PORTAL_NAME_ZH)]
)
def test_the_sign_up_confirmation_greets_with_the_funds_name(client, db, language, name):
    client.post(
        "/accounts/signup/",
        {
            "email": "new@example.org",
            "password1": "a-long-pass-2026",
            "password2": "a-long-pass-2026",
        },
        headers={"accept-language": language},
    )
    [message] = mail.outbox
    assert name in message.body
    assert "testserver" not in message.body.split("\n")[0]
    assert "Hello from testserver" not in message.body


def test_the_password_reset_mail_greets_with_the_funds_name(client, reference):
    make_user("someone@example.org")
    client.post("/accounts/password/reset/", {"email": "someone@example.org"})
    [message] = mail.outbox
    assert f"Hello from {PORTAL_NAME_EN}!" in message.body
    assert message.subject.startswith("[YRD Joint Fund] ")
