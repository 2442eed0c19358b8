"""Every page of the portal × every role, with the status each must get.

The list of pages comes from the URL resolver, so a new page without a row here fails
``test_every_page_is_in_the_matrix``: nobody has to remember to add it.
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from grants.models import Role
from tests.factories import make_user

# Third-party and framework pages tested by their own projects.
FOREIGN_PREFIXES = ("accounts/", "admin/", "i18n/")

ROLES = {
    "anonymous": None,
    "incomplete": {"complete": False},
    "applicant": {"institution": "复旦大学"},
    "fund_officer": {"roles": [Role.FUND_OFFICER]},
    "provincial_officer": {"roles": [Role.PROVINCIAL_OFFICER], "province": "310000"},
    "reviewer": {"roles": [Role.REVIEWER], "institution": "武汉大学"},
    "panel_chair": {"roles": [Role.PANEL_CHAIR], "institution": "清华大学"},
}

LOGIN = 302  # sent to the sign-in page
PROFILE = 302  # sent to complete the profile first

# page name: (path, {role: status}); roles not listed expect the "*" entry.
MATRIX = {
    "home": ("/", {"*": 200}),
    "dashboard": ("/dashboard/", {"*": 200, "anonymous": LOGIN, "incomplete": PROFILE}),
    "profile": ("/profile/", {"*": 200, "anonymous": LOGIN}),
}


def our_url_names(resolver=None, prefix=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if route.startswith(FOREIGN_PREFIXES):
            continue
        if isinstance(entry, URLResolver):
            yield from our_url_names(entry, route)
        elif isinstance(entry, URLPattern):
            yield entry.name


def test_every_page_is_in_the_matrix():
    missing = sorted(set(our_url_names()) - set(MATRIX))
    assert not missing, f"pages without a row in the permission matrix: {missing}"


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", MATRIX)
def test_page_gives_each_role_its_expected_status(client, reference, page, role):
    path, expected = MATRIX[page]
    if ROLES[role] is not None:
        client.force_login(make_user(**ROLES[role]))
    status = expected.get(role, expected["*"])
    response = client.get(path)
    assert response.status_code == status, f"{role} on {path}"
    if status == 302 and role == "anonymous":
        assert response["Location"].startswith("/accounts/login/")
    if status == 302 and role == "incomplete":
        assert response["Location"].startswith("/profile/")
