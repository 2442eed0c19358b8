"""The portal's form renderer: plain selects written in Python, everything else by templates.

A filter form's discipline or institution list has some eighty options; Django's template
renderer goes through ``select.html``, then ``select_option.html`` and ``attrs.html`` for each
option, which made the selects a large share of a list page's CPU time. ``FormRenderer``
writes the markup of those three templates directly, byte for byte what they give
(tests/grants/core/test_renderers.py compares the two on many selects), and hands anything it
does not recognise to the templates: other widgets, a select whose option template or values
are not the plain ones, and every select if an application overrides Django's templates.
"""

from django.forms.renderers import DjangoTemplates
from django.utils.formats import localize
from django.utils.functional import cached_property
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeData
from django.utils.timezone import template_localtime

SELECT = "django/forms/widgets/select.html"
OPTION = "django/forms/widgets/select_option.html"
ATTRS = "django/forms/widgets/attrs.html"


class Unusual(Exception):
    """A value the templates would treat in a way the direct writer does not copy."""


def _resolved(value):
    # The template engine calls what it finds callable; leave those values to it.
    if callable(value):
        raise Unusual
    return value


def _shown(value):
    """``{{ value }}``: django.template.base.render_value_in_context with autoescaping."""
    value = localize(template_localtime(_resolved(value)))
    if not issubclass(type(value), str):
        value = str(value)
    return conditional_escape(value)


def _formatted(value):
    """``{{ value|stringformat:'s' }}``: the filter, then the output kept safe if the input was."""
    value = _resolved(value)
    shown = str(value) if isinstance(value, tuple) else value
    try:
        text = "%s" % shown  # noqa: UP031 (the filter formats with %, and so fails as it does)
    except (ValueError, TypeError):
        text = ""
    return text if isinstance(value, SafeData) else escape(text)


def _attrs(attrs):
    """attrs.html."""
    if not isinstance(attrs, dict) or "items" in attrs:
        raise Unusual
    out = []
    for name, value in attrs.items():
        if value is not False:
            out.append(f" {_shown(name)}")
            if value is not True:
                out.append(f'="{_formatted(value)}"')
    return "".join(out)


def _option(option):
    """select_option.html, trailing newline included, as ``{% include %}`` gives it."""
    if option.get("template_name") != OPTION:
        raise Unusual
    return (
        f'<option value="{_formatted(option["value"])}"{_attrs(option["attrs"])}>'
        f"{_shown(option['label'])}</option>\n"
    )


def select_html(widget):
    """select.html for a widget's context, or Unusual."""
    out = [f'<select name="{_shown(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _ in _resolved(widget["optgroups"]):
        if _resolved(group_name):
            out.append(f'\n  <optgroup label="{_shown(group_name)}">')
        for option in group_choices:
            out.append(f"\n  {_option(option)}")
        if group_name:
            out.append("\n  </optgroup>")
    out.append("\n</select>\n")
    return "".join(out).strip()


class FormRenderer(DjangoTemplates):
    """Django's template renderer, with plain selects written directly (see the module)."""

    @cached_property
    def templates_are_djangos(self):
        """Whether the three templates are Django's own, not an application's override."""
        return all(
            "/django/forms/templates/" in str(self.get_template(name).origin.name)
            for name in (SELECT, OPTION, ATTRS)
        )

    def render(self, template_name, context, request=None):
        if template_name == SELECT and self.templates_are_djangos:
            try:
                return select_html(context["widget"])
            except (Unusual, KeyError, TypeError):
                pass
        return super().render(template_name, context, request)
