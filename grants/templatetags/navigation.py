"""The site's navigation, rendered once per process for each kind of reader.

partials/nav.html depends on nothing but the reader's language, whether they are signed in,
whether they are staff and their roles (and the script prefix its links start with): its
links and labels are the same for every reader alike, so the menu is rendered once for each
such key and kept, and only the sign-out form's CSRF token, which is the reader's own, is put
in on every page. Rendering it afresh took about 0.3 ms of every page, a tenth of the lightest.
"""

from types import SimpleNamespace

from django import template
from django.template.loader import render_to_string
from django.urls import get_script_prefix
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

register = template.Library()

# Stands in for the CSRF token while the menu is rendered for keeping; alphanumeric, as
# tokens are, so escaping leaves it as it is.
TOKEN_MARK = "navigationcsrftokenmark"
_menus = {}


@register.simple_tag(takes_context=True)
def site_navigation(context):
    user = context["user"]
    key = (
        get_language(),
        get_script_prefix(),
        user.is_authenticated,
        user.is_staff,
        context["portal_roles"],
    )
    parts = _menus.get(key)
    if parts is None:
        parts = _menus[key] = _rendered(*key[2:])
    if len(parts) == 1:
        return mark_safe(parts[0])
    # The page's own token, the one its other forms carry too.
    token = format_html("{}", context["csrf_token"])
    return mark_safe(token.join(parts))


def _rendered(authenticated, staff, roles):
    """The menu's HTML split where the CSRF token goes. The reader is a stand-in with only
    what the menu may depend on, so nothing of one reader can be kept for another."""
    reader = SimpleNamespace(is_authenticated=authenticated, is_staff=staff)
    html = render_to_string(
        "partials/nav.html",
        {"user": reader, "portal_roles": roles, "csrf_token": TOKEN_MARK},
    )
    return tuple(html.split(TOKEN_MARK))
