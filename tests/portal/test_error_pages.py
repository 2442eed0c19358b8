"""The refused, missing and failed pages: the portal's layout, what the user can do next, in
both languages, with DEBUG off as in production."""

import pytest
from django.test import Client, RequestFactory
from django.utils import translation

from grants.models import Role
from portal.faults import server_error
from tests.factories import make_user

LANGUAGES = [
    ("en", "You may not open this page", "Page not found", "Something went wrong on our side"),
    ("zh-hans", "您无权打开此页面", "找不到页面", "服务器出了问题"),
]


@pytest.fixture(autouse=True)
def production_mode(settings):
    settings.DEBUG = False


@pytest.fixture
def applicant(reference):
    return make_user(institution="复旦大学")


@pytest.mark.parametrize(("language", "refused", "_missing", "_failed"), LANGUAGES)
def test_a_refused_page_keeps_the_layout_and_offers_the_dashboard(
    client, applicant, language, refused, _missing, _failed
):
    client.force_login(applicant)
    response = client.get("/office/calls/", headers={"accept-language": language})
    assert response.status_code == 403
    assert f'<html lang="{language}">' in response.text
    assert refused in response.text
    assert 'class="site-nav"' in response.text
    assert 'href="/dashboard/"' in response.text
    assert applicant.email in response.text


@pytest.mark.parametrize(("language", "refused", "_missing", "_failed"), LANGUAGES)
def test_a_missing_page_keeps_the_layout_and_offers_sign_in_and_the_calls(
    client, db, language, refused, _missing, _failed
):
    response = client.get("/no/such/page/", headers={"accept-language": language})
    assert response.status_code == 404
    assert f'<html lang="{language}">' in response.text
    assert _missing in response.text
    assert 'class="site-nav"' in response.text
    assert 'href="/accounts/login/?next=/no/such/page/"' in response.text
    assert 'href="/calls/"' in response.text


def test_a_missing_page_offers_a_signed_in_user_the_dashboard(client, applicant):
    client.force_login(applicant)
    response = client.get("/proposals/999999/edit/")
    assert response.status_code == 404
    assert 'href="/dashboard/"' in response.text


@pytest.mark.parametrize(("language", "refused", "_missing", "_failed"), LANGUAGES)
def test_a_server_error_shows_the_layout_and_what_to_do(
    client, db, monkeypatch, language, refused, _missing, _failed
):
    def fail(*args, **kwargs):
        raise RuntimeError("the call list broke")

    monkeypatch.setattr("grants.calls.views.CallFilter", fail)
    client = Client(raise_request_exception=False)
    response = client.get("/calls/", headers={"accept-language": language})
    assert response.status_code == 500
    assert f'<html lang="{language}">' in response.text
    assert _failed in response.text
    assert 'href="/"' in response.text
    assert "the call list broke" not in response.text


def test_the_server_error_page_needs_neither_the_database_nor_the_context_processors(settings):
    """No database marker: any query here fails the test, as it would with the database down."""
    settings.TEMPLATES = [
        {
            **settings.TEMPLATES[0],
            "OPTIONS": {
                **settings.TEMPLATES[0]["OPTIONS"],
                "context_processors": ["tests.portal.test_error_pages.broken_processor"],
            },
        }
    ]
    with translation.override("zh-hans"):
        response = server_error(RequestFactory().get("/calls/"))
    assert response.status_code == 500
    text = response.content.decode()
    assert "服务器出了问题" in text
    assert "长三角基础研究联合基金" in text


def broken_processor(request):
    raise RuntimeError("a context processor that fails")


def test_a_fund_officer_is_not_refused_where_an_applicant_is(client, reference):
    client.force_login(make_user(roles=[Role.FUND_OFFICER]))
    assert client.get("/office/calls/").status_code == 200
