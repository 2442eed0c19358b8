"""The navigation is rendered once per kind of reader and kept (grants.templatetags.navigation):
every reader must still get exactly the menu partials/nav.html gives them, with their own
page's CSRF token in the sign-out form."""

import re

import pytest
from django.template import engines
from django.test import Client

from grants.models import Role
from tests.factories import make_user, sign_in

pytestmark = pytest.mark.usefixtures("reference")

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def nav_of(content):
    html = content.decode()
    return html[html.index('<nav class="site-nav"') : html.index("</nav>")]


def rendered_afresh(response):
    """partials/nav.html rendered the ordinary way for the response's own request and token."""
    request = response.wsgi_request
    template = engines["django"].from_string('{% include "partials/nav.html" %}')
    return template.render({"csrf_token": TOKEN.search(response.content.decode())[1]}, request)


def test_each_reader_gets_the_menu_the_template_gives_them():
    readers = [
        None,
        make_user(),
        make_user(roles=[Role.FUND_OFFICER]),
        make_user(roles=[Role.PROVINCIAL_OFFICER], province="320000"),
        make_user(roles=[Role.REVIEWER]),
    ]
    for language in ("en", "zh-hans"):
        for reader in readers:
            client = Client()
            if reader:
                client.force_login(reader)
            client.cookies["django_language"] = language
            response = client.get("/calls/")
            assert rendered_afresh(response) in nav_of(response.content)


def test_readers_with_other_roles_get_other_menus_from_the_same_process():
    officer, applicant = make_user(roles=[Role.FUND_OFFICER]), make_user()
    client = Client()
    client.force_login(officer)
    assert "/office/" in nav_of(client.get("/calls/").content)
    client.force_login(applicant)
    assert "/office/" not in nav_of(client.get("/calls/").content)


def test_the_menu_speaks_the_readers_language():
    client = Client()
    client.force_login(make_user())
    client.cookies["django_language"] = "zh-hans"
    assert ">退出</button>" in nav_of(client.get("/calls/").content)
    client.cookies["django_language"] = "en"
    assert ">Sign out</button>" in nav_of(client.get("/calls/").content)


def test_the_sign_out_form_carries_the_pages_own_token_and_signs_out():
    user = make_user()
    client = Client(enforce_csrf_checks=True)
    sign_in(client, user.email)
    page = client.get("/calls/").content.decode()
    tokens = set(TOKEN.findall(page))
    assert len(tokens) == 1  # the language switch and the sign-out form share the page's token
    response = client.post("/accounts/logout/", {"csrfmiddlewaretoken": tokens.pop()})
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
