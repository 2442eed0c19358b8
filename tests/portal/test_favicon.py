from django.contrib.staticfiles import finders

from tests.factories import make_user


def test_every_page_links_the_svg_icon(client, db):
    response = client.get("/")
    assert (
        '<link rel="icon" href="/static/portal/favicon.svg" type="image/svg+xml">' in response.text
    )
    assert finders.find("portal/favicon.svg")


def test_favicon_ico_sends_the_browser_to_the_svg_icon(client, db):
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"] == "/static/portal/favicon.svg"


def test_favicon_ico_is_not_held_back_by_an_unfinished_profile(client, reference):
    client.force_login(make_user(complete=False))
    assert client.get("/favicon.ico")["Location"] == "/static/portal/favicon.svg"
