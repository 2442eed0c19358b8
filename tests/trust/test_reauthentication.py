"""Committing funding and publishing assignments ask who is at the keyboard again."""

import re
import time

import pytest
from django.core import mail

from grants.models import Role
from grants.models.decisions import FundingRound
from reviews import workflow
from reviews.models import AssignmentRun
from tests.factories import PASSWORD, TOTP_SECRET, make_user, sign_in, totp_code
from tests.reviews.factories import make_panel_call, make_review_call, make_reviewer

POOLS = {"310000": 2_000_000, "320000": 1_000_000, "330000": 800_000, "340000": 1_000_000}


def is_committed(call):
    return FundingRound.objects.filter(call=call).exists()


@pytest.fixture
def panel_call(reference):
    return make_panel_call(contributions=POOLS)


@pytest.fixture
def finished_run(reference, django_capture_on_commit_callbacks):
    call, _ = make_review_call(n_proposals=1)
    for place in ["武汉大学", "北京大学", "清华大学"]:
        make_reviewer(institution=place)
    with django_capture_on_commit_callbacks(execute=True):
        run = workflow.run_start(call=call, actor=make_user(roles=[Role.FUND_OFFICER]))
    run.refresh_from_db()
    assert run.status == AssignmentRun.Status.DONE
    mail.outbox.clear()
    return call, run


def test_commit_asks_for_the_password_then_commits(client, panel_call):
    call, _, officer = panel_call
    sign_in(client, officer.email)  # even a sign-in a moment ago does not count
    url = f"/office/calls/{call.code}/funding/commit/"
    response = client.post(url)
    assert response["Location"] == f"/accounts/reauthenticate/?next={url.replace('/', '%2F')}"
    assert not is_committed(call)
    # The suspended POST is carried out once the password is confirmed.
    response = client.post(response["Location"], {"password": PASSWORD})
    assert response["Location"] == f"/office/calls/{call.code}/funding/"
    assert is_committed(call)


def test_commit_accepts_a_code_from_the_authenticator_app_instead(client, panel_call):
    call, _, officer = panel_call
    client.force_login(officer)
    url = f"/office/calls/{call.code}/funding/commit/"
    client.post(url)
    response = client.post(
        "/accounts/2fa/reauthenticate/", {"code": totp_code(TOTP_SECRET), "next": url}
    )
    assert response["Location"] == f"/office/calls/{call.code}/funding/"
    assert is_committed(call)


def test_a_wrong_password_commits_nothing(client, panel_call):
    call, _, officer = panel_call
    client.force_login(officer)
    url = f"/office/calls/{call.code}/funding/commit/"
    reauthenticate = client.post(url)["Location"]
    response = client.post(reauthenticate, {"password": "not-the-password"})
    assert response.status_code == 200
    assert not is_committed(call)


def test_re_authentication_lasts_five_minutes(client, panel_call, monkeypatch):
    call, _, officer = panel_call
    client.force_login(officer)
    url = f"/office/calls/{call.code}/funding/commit/"
    now = time.time()
    client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    monkeypatch.setattr(time, "time", lambda: now + 301)
    assert client.post(url)["Location"].startswith("/accounts/reauthenticate/")
    assert not is_committed(call)
    client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    monkeypatch.setattr(time, "time", lambda: now + 301 + 290)
    assert client.post(url)["Location"] == f"/office/calls/{call.code}/funding/"
    assert is_committed(call)


def test_publish_asks_for_the_password_then_invites_the_reviewers(client, finished_run):
    call, run = finished_run
    officer = run.created_by
    client.force_login(officer)
    url = f"/office/calls/{call.code}/assignment/{run.pk}/publish/"
    response = client.post(url)
    assert response["Location"].startswith("/accounts/reauthenticate/?next=")
    run.refresh_from_db()
    assert run.status == AssignmentRun.Status.DONE and not mail.outbox
    response = client.post(response["Location"], {"password": PASSWORD})
    assert response["Location"] == f"/office/calls/{call.code}/assignment/"
    run.refresh_from_db()
    assert run.status == AssignmentRun.Status.PUBLISHED
    assert mail.outbox


def the_form_with(page, field):
    """The action and hidden fields of the page's form that has ``field``, as a browser sends."""
    form = next(f for f in re.findall(r"<form.*?</form>", page, re.S) if f'name="{field}"' in f)
    action = re.search(r'action="([^"]*)"', form).group(1)
    hidden = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form))
    return action, hidden


@pytest.mark.parametrize(
    "field, wrong, right",
    [
        ("password", "not-the-password", lambda: PASSWORD),
        ("code", "000000", lambda: totp_code(TOTP_SECRET)),
    ],
    ids=["password", "authenticator-code"],
)
def test_publish_goes_ahead_after_one_mistyped_answer(client, finished_run, field, wrong, right):
    call, run = finished_run
    client.force_login(run.created_by)
    asked = client.post(f"/office/calls/{call.code}/assignment/{run.pk}/publish/", follow=True)
    if field == "code":
        asked = client.get(
            asked.request["PATH_INFO"].replace("/accounts/", "/accounts/2fa/"),
            {"next": f"/office/calls/{call.code}/assignment/{run.pk}/publish/"},
        )
    action, hidden = the_form_with(asked.content.decode(), field)

    typo = client.post(action, {**hidden, field: wrong})
    assert typo.status_code == 200 and typo.context["form"].errors[field]
    run.refresh_from_db()
    assert run.status == AssignmentRun.Status.DONE

    action, hidden = the_form_with(typo.content.decode(), field)
    response = client.post(action, {**hidden, field: right()})
    assert response["Location"] == f"/office/calls/{call.code}/assignment/"
    run.refresh_from_db()
    assert run.status == AssignmentRun.Status.PUBLISHED
