"""The portal's form renderer writes plain selects exactly as Django's templates do."""

import datetime
from decimal import Decimal

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.test import override_settings
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from grants.core import renderers
from grants.core.renderers import FormRenderer
from grants.models import Discipline, Institution

TEMPLATES = DjangoTemplates()


class DisablingSelect(forms.Select):
    """Choices whose value starts with "x" are shown but cannot be picked."""

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        if str(value).startswith("x"):
            option["attrs"]["disabled"] = True
        return option


class OwnOptionSelect(forms.Select):
    option_template_name = "django/forms/widgets/radio_option.html"


PLAIN = [("", "---------"), ("a", "Alpha"), ("b", "Beta"), (3, 3), (0, "zero")]
GROUPED = [
    ("", "（全部）"),
    ("Group <1>", [("g1", "One & only"), ("g2", 'Say "two"')]),
    ("top", "Top level"),
    (gettext_lazy("Status"), [("s", gettext_lazy("Submitted")), ("x-old", "Gone")]),
    ("Empty", []),
]
AWKWARD = [
    ('q"uote', "<b>bold</b>"),
    ("amp&", mark_safe("<i>kept</i>")),
    (mark_safe("safe&value"), "plain"),
    ("x-disabled", "Disabled"),
    (None, None),
    (Decimal("1.50"), Decimal("2.25")),
    (datetime.date(2026, 12, 7), datetime.date(2026, 12, 7)),
    ("'single'", "it's"),
    (True, False),
]
ATTRS = [
    {},
    {"id": "id_field", "class": "filter wide"},
    {"size": 8, "required": True, "disabled": False, "data-x": 'a "b" <c>'},
    {"aria-describedby": mark_safe("help&more"), "autofocus": True},
]
VALUES = [None, "", "a", 3, "3", "0", 0, "g2", "x-old", "s", 'q"uote', "amp&", True, "true"]
MULTIPLE = [["a", "b"], [3, 0], ["g1", "s", "amp&"]]
WIDGETS = [
    forms.Select,
    forms.SelectMultiple,
    DisablingSelect,
    forms.NullBooleanSelect,
]


def both_ways(widget, name, value, attrs=None):
    ours = widget.render(name, value, attrs=attrs, renderer=FormRenderer())
    theirs = widget.render(name, value, attrs=attrs, renderer=TEMPLATES)
    return ours, theirs


@pytest.mark.parametrize(
    "choices", [PLAIN, GROUPED, AWKWARD, []], ids=["plain", "grouped", "awkward", "none"]
)
@pytest.mark.parametrize("widget_class", WIDGETS)
def test_selects_are_written_as_the_templates_write_them(choices, widget_class):
    for attrs in ATTRS:
        multiple = [] if widget_class is forms.NullBooleanSelect else MULTIPLE
        for value in VALUES + multiple:
            for name in ("status", 'n<a>"me'):
                if widget_class is forms.NullBooleanSelect:
                    widget = widget_class(attrs=attrs)
                else:
                    widget = widget_class(attrs=attrs, choices=choices)
                ours, theirs = both_ways(widget, name, value, attrs={"id": f"id_{name}"})
                assert ours == theirs, (widget_class, attrs, value, name)


@pytest.mark.parametrize("localized", [False, True])
def test_localized_labels(settings, localized):
    settings.USE_THOUSAND_SEPARATOR = localized
    widget = forms.Select(choices=[(1234567, 1234567), (1.5, 1234.5), ("d", Decimal("12345.60"))])
    with override_settings(LANGUAGE_CODE="zh-hans"):
        ours, theirs = both_ways(widget, "n", 1234567)
    assert ours == theirs


def test_the_direct_writer_is_used_for_plain_selects(monkeypatch):
    written = []
    monkeypatch.setattr(renderers, "select_html", lambda w: written.append(w) or "<select>")
    forms.Select(choices=PLAIN).render("n", "a", renderer=FormRenderer())
    assert len(written) == 1


def test_other_option_templates_and_widgets_go_to_the_templates():
    widget = OwnOptionSelect(choices=PLAIN)
    ours, theirs = both_ways(widget, "n", "a")
    assert ours == theirs and 'type="select"' in ours
    for widget in (forms.RadioSelect(choices=GROUPED), forms.TextInput(), forms.CheckboxInput()):
        ours, theirs = both_ways(widget, "n", "g1")
        assert ours == theirs


def test_callable_values_go_to_the_templates():
    widget = forms.Select(choices=[(lambda: "called", "Label")])
    ours, theirs = both_ways(widget, "n", None)
    assert ours == theirs


def test_forms_render_the_same(reference):
    class Filters(forms.Form):
        discipline = forms.ModelChoiceField(Discipline.objects.all(), required=False)
        institution = forms.ModelMultipleChoiceField(Institution.objects.all())
        kind = forms.ChoiceField(choices=GROUPED, help_text="Pick one")

    for data in (None, {"discipline": Discipline.objects.first().pk, "kind": "nope"}):
        ours = Filters(data, renderer=FormRenderer()).as_div()
        theirs = Filters(data, renderer=TEMPLATES).as_div()
        assert ours == theirs
        assert ours.count("<option") > 80


def test_the_portal_uses_it(settings):
    assert settings.FORM_RENDERER == "grants.core.renderers.FormRenderer"
