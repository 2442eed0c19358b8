import pytest

from reviews.models import Review
from tests.reviews.factories import make_assignment, make_review_call, make_reviewer


@pytest.fixture
def assigned(reference):
    call, (proposal, _) = make_review_call(n_proposals=2)
    reviewer = make_reviewer()
    return reviewer, make_assignment(proposal, reviewer, accept=False)


def review_post(**overrides):
    data = {
        "score_excellence": "4.5",
        "why_excellence": "新颖",
        "score_impact": "na",
        "why_impact": "不适用",
        "score_implementation": "4",
        "why_implementation": "可行",
        "score_collaboration": "3.5",
        "why_collaboration": "协同",
        "comments_for_applicants": "建议加强实验设计。",
        "confidential_comments": "",
        "rating": "good",
        "advice": "fundable",
        "submit": "1",
    }
    data.update(overrides)
    return data


def test_content_is_hidden_until_the_reviewer_accepts_with_a_declaration(client, assigned):
    reviewer, item = assigned
    client.force_login(reviewer)
    page = client.get(f"/reviews/{item.pk}/")
    assert "I declare that I have no conflict" in page.text
    assert "立项依据。" not in page.text  # the narrative stays hidden
    assert client.get(f"/reviews/{item.pk}/review/").status_code == 404
    client.post(f"/reviews/{item.pk}/accept/", {})  # no declaration ticked
    assert client.get(f"/reviews/{item.pk}/review/").status_code == 404
    assert client.post(f"/reviews/{item.pk}/accept/", {"no_conflict": "on"}).status_code == 302
    page = client.get(f"/reviews/{item.pk}/review/")
    assert page.status_code == 200 and "立项依据。" in page.text


def test_submitting_keeps_na_out_and_stores_scores(client, assigned):
    reviewer, item = assigned
    client.force_login(reviewer)
    client.post(f"/reviews/{item.pk}/accept/", {"no_conflict": "on"})
    assert client.post(f"/reviews/{item.pk}/review/", review_post()).status_code == 302
    review = Review.objects.get()
    assert review.submitted_at and review.scores == {
        "excellence": "4.5",
        "impact": None,
        "implementation": "4",
        "collaboration": "3.5",
    }


def test_rating_and_advice_must_agree_and_nothing_typed_is_lost(client, assigned):
    reviewer, item = assigned
    client.force_login(reviewer)
    client.post(f"/reviews/{item.pk}/accept/", {"no_conflict": "on"})
    response = client.post(
        f"/reviews/{item.pk}/review/", review_post(rating="excellent", advice="not_fundable")
    )
    assert response.status_code == 200
    assert response.context["form"].errors["advice"]
    assert "建议加强实验设计。" in response.text
    assert not Review.objects.exists()


def test_a_draft_saves_with_missing_parts(client, assigned):
    reviewer, item = assigned
    client.force_login(reviewer)
    client.post(f"/reviews/{item.pk}/accept/", {"no_conflict": "on"})
    response = client.post(f"/reviews/{item.pk}/review/", {"score_excellence": "3", "save": "1"})
    assert response.status_code == 302
    review = Review.objects.get()
    assert review.submitted_at is None and review.scores == {"excellence": "3"}


def test_reviewers_never_see_each_others_names(client, assigned):
    reviewer, item = assigned
    other = make_reviewer(institution="北京大学", name="隐名专家")
    make_assignment(item.proposal, other)
    client.force_login(reviewer)
    client.post(f"/reviews/{item.pk}/accept/", {"no_conflict": "on"})
    for path in (f"/reviews/{item.pk}/review/", "/reviews/", "/dashboard/"):
        assert "隐名专家" not in client.get(path).text
