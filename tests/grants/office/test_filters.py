"""The filters' own widgets (grants/proposals/filters.py)."""

import pytest
from django.utils import translation

from grants.calls.filters import CallFilter
from grants.models import Call


def open_now_choices(language):
    with translation.override(language):
        form = CallFilter({}, queryset=Call.objects.none()).form
        html = str(form["open_now"])
        return [str(label) for _value, label in form.fields["open_now"].widget.choices], html


@pytest.mark.parametrize(
    ("language", "labels"), [("en", ["Any", "Yes", "No"]), ("zh-hans", ["全部", "是", "否"])]
)
def test_open_now_offers_any_yes_no_in_the_active_language(db, language, labels):
    # Both orders: the labels must not keep the language that was active at import.
    for other in ("zh-hans", "en"):
        open_now_choices(other)
        choices, _html = open_now_choices(language)
        assert choices == labels


def test_open_now_starts_at_any(db):
    _choices, html = open_now_choices("en")
    assert '<option value="" selected>Any</option>' in html


def test_the_call_list_filter_reads_any_yes_no_in_english(client, db):
    response = client.get("/calls/", headers={"accept-language": "en"})
    assert '<option value="" selected>Any</option>' in response.text
    assert "未知" not in response.text
    assert "Unknown" not in response.text
