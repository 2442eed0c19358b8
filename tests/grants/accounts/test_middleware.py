"""The admin's sign-in page and who it sends where (grants/accounts/middleware.py)."""

import pytest

from grants.accounts.registration import user_totp_set
from tests.factories import TOTP_SECRET, make_user

# More than any honest chain of redirects; a loop reaches it.
MAX_REDIRECTS = 5


def follow(client, path):
    """The chain of pages a browser visits from ``path``, stopping after MAX_REDIRECTS."""
    visited, response = [path], client.get(path)
    while response.status_code in (301, 302) and len(visited) <= MAX_REDIRECTS:
        visited.append(response["Location"])
        response = client.get(response["Location"])
    return visited, response


def test_a_signed_in_user_without_staff_rights_is_refused_the_admin_not_looped(client, reference):
    client.force_login(make_user(institution="复旦大学"))
    visited, response = follow(client, "/admin/")
    assert response.status_code == 403
    assert visited == ["/admin/", "/admin/login/?next=/admin/"]
    assert "You may not open this page" in response.text
    assert 'class="site-nav"' in response.text


def test_a_superuser_without_staff_rights_is_refused_too(client, reference):
    user = make_user(institution="复旦大学")
    user.is_superuser = True
    user.save()
    user_totp_set(user=user, secret=TOTP_SECRET)
    client.force_login(user)
    _visited, response = follow(client, "/admin/")
    assert response.status_code == 403


def test_an_anonymous_visitor_of_the_admin_goes_to_the_portal_sign_in(client, db):
    visited, response = follow(client, "/admin/")
    assert visited[-1] == "/accounts/login/?next=/admin/"
    assert response.status_code == 200


@pytest.mark.parametrize("path", ["/admin/", "/admin/login/"])
def test_staff_with_a_second_factor_reach_the_admin_index(client, admin_user, path):
    client.force_login(admin_user)
    visited, response = follow(client, path)
    assert response.status_code == 200
    assert visited[-1] == "/admin/"
