"""The reviewer's invitation page: the consortium in the reader's language, and the conflict
and decline forms that ask instead of presuming."""

import pytest

from reviews.models import AssignmentStatus, DeclaredConflict
from tests.reviews.factories import make_assignment, make_review_call, make_reviewer


@pytest.fixture
def invited(reference):
    _call, (proposal, _other) = make_review_call(n_proposals=2)
    reviewer = make_reviewer()
    return reviewer, make_assignment(proposal, reviewer, accept=False)


def test_the_consortium_is_named_in_english_in_the_english_pages(client, invited):
    reviewer, item = invited
    client.force_login(reviewer)
    page = client.get(f"/reviews/{item.pk}/")
    assert "Fudan University · Shanghai" in page.text
    assert "Zhejiang University · Zhejiang" in page.text
    assert "复旦大学" not in page.text and "浙江大学" not in page.text


def test_the_consortium_is_named_in_chinese_in_the_chinese_pages(client, invited, settings):
    reviewer, item = invited
    client.force_login(reviewer)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    page = client.get(f"/reviews/{item.pk}/")
    assert "复旦大学 · 上海市" in page.text and "Fudan University" not in page.text


def test_the_conflict_kind_starts_empty(client, invited):
    reviewer, item = invited
    client.force_login(reviewer)
    form = client.get(f"/reviews/{item.pk}/").context["conflict_form"]
    assert form.fields["kind"].required
    assert form.fields["kind"].choices[0][0] == ""
    assert form["kind"].value() is None


def test_a_conflict_without_its_kind_is_refused_beside_the_field_and_the_note_kept(client, invited):
    reviewer, item = invited
    client.force_login(reviewer)
    response = client.post(f"/reviews/{item.pk}/conflict/", {"kind": "", "note": "我的学生"})
    assert response.status_code == 200
    assert response.context["conflict_form"].errors["kind"] == ["Choose the kind of conflict."]
    assert "我的学生" in response.text
    item.refresh_from_db()
    assert item.status == AssignmentStatus.INVITED and not DeclaredConflict.objects.exists()


def test_a_conflict_with_its_kind_is_recorded(client, invited):
    reviewer, item = invited
    client.force_login(reviewer)
    response = client.post(
        f"/reviews/{item.pk}/conflict/", {"kind": "supervision", "note": "我的学生"}
    )
    assert response["Location"] == "/reviews/"
    conflict = DeclaredConflict.objects.get()
    assert (conflict.kind, conflict.note) == ("supervision", "我的学生")


def test_a_decline_without_a_reason_is_refused_beside_the_field(client, invited):
    reviewer, item = invited
    client.force_login(reviewer)
    response = client.post(f"/reviews/{item.pk}/decline/", {"reason": ""})
    assert response.status_code == 200
    assert response.context["decline_form"].errors["reason"] == ["Say briefly why you decline."]
