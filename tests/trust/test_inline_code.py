"""No template writes code the Content-Security-Policy would block: every script and style
comes from portal/static or a package's static files."""

from pathlib import Path

import pytest

from tests.test_permission_matrix import MATRIX, ROLES, scenario  # noqa: F401  (the fixture)
from tests.trust.csp_rules import csp_violations, inline_scripts

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
# E-mail bodies are read in mail clients, which need inline styles and ignore our headers.
PAGE_TEMPLATES = sorted(
    path for path in TEMPLATES.rglob("*.html") if path.parts[len(TEMPLATES.parts)] != "emails"
)


def test_the_rules_tell_inline_code_from_files_and_data():
    assert inline_scripts('<script>alert(1)</script><script src="/static/a.js"></script>') == [
        "inline script: <script>alert(1)</script>"
    ]
    assert not inline_scripts('<script type="application/json" id="d">{"a": 1}</script>')
    assert not inline_scripts("<script src='/static/a.js' defer></script>")
    assert len(csp_violations('<a href="javascript:go()" onclick="go()" style="x">')) == 3
    assert len(csp_violations('<div hx-on:click="go()"></div><style>p{}</style>')) == 2
    # Escaped text is text, wherever it stands.
    assert not csp_violations('<input value="&lt;img src=x onerror=alert(1)&gt;">')
    assert not csp_violations("<p>&lt;script&gt;alert(1)&lt;/script&gt; onclick=go()</p>")


@pytest.mark.parametrize("path", PAGE_TEMPLATES, ids=lambda p: str(p.relative_to(TEMPLATES)))
def test_template_has_no_inline_script_or_style(path):
    assert csp_violations(path.read_text()) == []


def test_email_templates_carry_no_script_either():
    for path in (TEMPLATES / "emails").rglob("*.html"):
        assert inline_scripts(path.read_text()) == [], path


def test_every_page_in_the_matrix_renders_without_inline_code(client, scenario):  # noqa: F811
    """Each page the permission matrix lists, as the first role allowed to read it."""
    users, values = scenario
    rendered = 0
    for name, (method, template, expected) in MATRIX.items():
        if method != "get":
            continue
        path = template.format(**values)
        for role in reversed(ROLES):
            if expected.get(role, expected.get("*")) != 200:
                continue
            client.logout()
            if users[role] is not None:
                client.force_login(users[role])
            response = client.get(path)
            assert response.status_code == 200, (name, role)
            assert "Content-Security-Policy" in response, name
            if response["Content-Type"].startswith("text/html"):
                assert csp_violations(response.text) == [], name
                rendered += 1
            break
    assert rendered >= 20
