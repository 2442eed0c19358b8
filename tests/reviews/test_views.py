from decimal import Decimal

import pytest

from grants.models import AuditEntry, Proposal, Role
from reviews import office_views, workflow
from reviews.models import AssignmentRun, AssignmentStatus, Review
from tests.factories import make_user
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


# ---- the fund office's assignment page --------------------------------------------------------


@pytest.fixture
def published(reference):
    """A call with three proposals in review: the first fully invited (three reviewers, one of
    whom declined), the second with one accepted reviewer, the third not published."""

    call, proposals = make_review_call(n_proposals=3, code="2026-assign")
    reviewers = [
        make_reviewer(institution=place, name=name)
        for place, name in (("武汉大学", "王审"), ("北京大学", "李审"), ("中山大学", "赵审"))
    ]
    first, second, _third = proposals
    Proposal.objects.filter(pk=second.pk).update(
        title_zh="量子通信网络", title_en="Quantum networks"
    )
    declined = make_assignment(first, reviewers[0], accept=False)
    workflow.assignment_decline(assignment=declined, reviewer=reviewers[0], reason="太忙")
    make_assignment(first, reviewers[1], accept=False)
    make_assignment(first, reviewers[2], accept=True)
    make_assignment(second, reviewers[0], accept=True)
    officer = make_user(roles=[Role.FUND_OFFICER])
    return call, proposals, reviewers, officer


def assignment_url(call, query=""):
    return f"/office/calls/{call.code}/assignment/" + (f"?{query}" if query else "")


def listed(response):
    return [proposal.reference for proposal, _items in response.context["assignments"]]


def test_assignment_page_lists_published_proposals_a_page_at_a_time(client, published, monkeypatch):

    call, (first, second, _third), _reviewers, officer = published
    monkeypatch.setattr(office_views, "ASSIGNMENT_PAGE_SIZE", 1)
    client.force_login(officer)
    page_one = client.get(assignment_url(call))
    assert listed(page_one) == [first.reference]
    assert [item.reviewer.name for item in page_one.context["assignments"][0][1]] == [
        "李审",
        "王审",
        "赵审",
    ]
    assert listed(client.get(assignment_url(call, "page=2"))) == [second.reference]


def test_assignment_status_counts_cover_the_whole_call(client, published):
    call, _proposals, _reviewers, officer = published
    client.force_login(officer)
    response = client.get(assignment_url(call, "q=nothing-matches"))
    assert response.context["status_counts"] == [("Accepted", 2), ("Declined", 1), ("Invited", 1)]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["first", "second"]),
        ("status=declined", ["first"]),
        ("status=accepted", ["first", "second"]),
        ("status=conflict", []),
        ("status=bogus", ["first", "second"]),
        ("short=1", ["first", "second"]),
        ("q={second}", ["second"]),
        ("q=量子", ["second"]),
        ("q=QUANTUM", ["second"]),
    ],
)
def test_assignment_filters(client, published, query, expected):
    call, (first, second, _third), _reviewers, officer = published
    names = {first.reference: "first", second.reference: "second"}
    query = query.format(second=second.reference)
    client.force_login(officer)
    assert [names[ref] for ref in listed(client.get(assignment_url(call, query)))] == expected


def test_short_of_reviewers_counts_only_invited_and_accepted(client, published):
    call, (first, second, _third), reviewers, officer = published
    client.force_login(officer)
    make_assignment(second, reviewers[1], accept=False)
    make_assignment(second, reviewers[2], accept=True)  # three active: no longer short
    assert listed(client.get(assignment_url(call, "short=1"))) == [first.reference]


def test_the_reviewer_field_is_a_search_not_a_list_of_everyone(client, published):
    call, _proposals, _reviewers, officer = published
    client.force_login(officer)
    page = client.get(assignment_url(call))
    assert "李审" in page.text  # on the published list
    assert 'name="reviewer"' not in page.text
    found = client.get(assignment_url(call, "who=北京"))
    assert [r.name for r in found.context["reviewer_choices"]] == ["李审"]
    assert found.text.count('type="radio" name="reviewer"') == 1


def test_a_refused_reviewer_is_named_and_the_officers_choices_are_kept(client, published):
    call, (first, *_rest), _reviewers, officer = published
    colleague = make_reviewer(institution="复旦大学", name="同校审")
    client.force_login(officer)
    response = client.post(
        f"/office/calls/{call.code}/assignment/add/",
        {"proposal": first.pk, "reviewer": colleague.pk, "who": "同校", "status": "declined"},
    )
    assert response.status_code == 302
    assert response["Location"] == assignment_url(
        call, f"status=declined&who=%E5%90%8C%E6%A0%A1&proposal={first.pk}&reviewer={colleague.pk}"
    )
    page = client.get(response["Location"])
    assert page.context["chosen_reviewer"] == colleague.pk
    assert f'value="{colleague.pk}" checked' in page.text
    assert f'value="{first.pk}" selected' in page.text
    assert any("同校审" in str(message) for message in page.context["messages"])
    assert not first.assignments.filter(reviewer=colleague).exists()


def test_an_added_reviewer_is_invited_and_the_filters_stay(client, published):
    call, (_first, second, _third), _reviewers, officer = published
    newcomer = make_reviewer(institution="山东大学", name="新审")
    client.force_login(officer)
    response = client.post(
        f"/office/calls/{call.code}/assignment/add/",
        {"proposal": second.pk, "reviewer": newcomer.pk, "q": second.reference, "who": "新"},
    )
    assert response["Location"] == assignment_url(call, f"q={second.reference}&who=%E6%96%B0")
    assert second.assignments.filter(reviewer=newcomer).exists()


def test_the_preview_is_paginated_by_proposal(client, published, monkeypatch):

    call, proposals, reviewers, officer = published
    pairs = [
        {"proposal": p.pk, "reviewer": r.pk, "affinity": 0.5, "explanation": "F06"}
        for p in proposals
        for r in reviewers
    ]
    AssignmentRun.objects.create(
        call=call,
        created_by=officer,
        status=AssignmentRun.Status.DONE,
        progress=100,
        result={"pairs": pairs, "shortfalls": [], "total": 4.5, "weakest": 1.5, "complete": True},
    )
    monkeypatch.setattr(office_views, "ASSIGNMENT_PAGE_SIZE", 2)
    client.force_login(officer)
    first_page = client.get(assignment_url(call))
    second_page = client.get(assignment_url(call, "preview_page=2"))
    assert [p.pk for p, _items in first_page.context["rows"]] == [p.pk for p in proposals[:2]]
    assert [p.pk for p, _items in second_page.context["rows"]] == [proposals[2].pk]
    assert [len(items) for _p, items in second_page.context["rows"]] == [3]
    # The totals still count the whole run, not the page.
    assert second_page.context["load_histogram"] == [(3, 3)]
    assert sum(n for _name, n in second_page.context["by_province"]) == 9


def test_declining_through_the_invitation_page_tells_the_office(client, assigned, mailoutbox):
    reviewer, item = assigned
    client.force_login(reviewer)
    response = client.post(f"/reviews/{item.pk}/decline/", {"reason": "出差三个月"}, follow=True)
    assert "You have declined. Thank you for telling us." in response.text
    item.refresh_from_db()
    assert (item.status, item.decline_reason) == (AssignmentStatus.DECLINED, "出差三个月")
    assert any("出差三个月" in message.body for message in mailoutbox)


def test_declining_without_a_reason_is_refused_and_the_invitation_stays(client, assigned):
    reviewer, item = assigned
    client.force_login(reviewer)
    response = client.post(f"/reviews/{item.pk}/decline/", {"reason": ""})
    assert "Say briefly why you decline." in response.text
    item.refresh_from_db()
    assert item.status == AssignmentStatus.INVITED


def test_the_office_starts_an_assignment_run_from_its_page(client, published):
    call, _proposals, _reviewers, officer = published
    client.force_login(officer)
    response = client.post(f"/office/calls/{call.code}/assignment/run/", {"mode": "fair"})
    assert response["Location"] == assignment_url(call)
    run = AssignmentRun.objects.get(call=call)
    assert run.fair and run.created_by == officer
    assert run.status == AssignmentRun.Status.DONE  # tasks run at once in the tests


def test_the_office_runs_a_randomized_assignment_with_its_seed_audited(client, published):
    call, _proposals, _reviewers, officer = published
    client.force_login(officer)
    response = client.post(
        f"/office/calls/{call.code}/assignment/run/", {"mode": "randomized", "cap": "0.5"}
    )
    assert response["Location"] == assignment_url(call)
    run = AssignmentRun.objects.get(call=call)
    assert run.probability_cap == Decimal("0.50") and run.seed is not None
    started = AuditEntry.objects.get(action="assignment.run_started")
    assert started.after["seed"] == run.seed and started.after["probability_cap"] == "0.50"
    randomized = run.result["randomized"]
    assert randomized["seed"] == run.seed and randomized["max_probability"] <= 0.5
    assert randomized["expected_total"] <= randomized["optimum_total"] + 1e-6
    assert {(m[0], m[1]) for m in randomized["marginals"]} >= {
        (p["proposal"], p["reviewer"]) for p in run.result["pairs"]
    }
    page = client.get(assignment_url(call)).text
    assert f"seed {run.seed}" in page and "what the protection costs" in page


@pytest.mark.parametrize(
    "cap, message", [("", "Give the largest chance"), ("2", "less than or equal to 1")]
)
def test_a_randomized_run_needs_a_cap_between_the_bounds(client, published, cap, message):
    call, _proposals, _reviewers, officer = published
    client.force_login(officer)
    response = client.post(
        f"/office/calls/{call.code}/assignment/run/", {"mode": "randomized", "cap": cap}
    )
    assert response.status_code == 200 and message in response.text
    assert 'value="randomized" checked' in response.text.replace(' id="id_mode_2"', "")
    assert not AssignmentRun.objects.filter(call=call).exists()


@pytest.fixture
def finished_run(published):
    call, proposals, reviewers, officer = published
    pair = {"proposal": proposals[2].pk, "reviewer": reviewers[0].pk, "affinity": 0.5}
    run = AssignmentRun.objects.create(
        call=call,
        created_by=officer,
        status=AssignmentRun.Status.DONE,
        result={"pairs": [{**pair, "explanation": "F06"}], "shortfalls": [], "complete": True},
    )
    return call, proposals, reviewers, officer, run


def test_the_office_adds_and_removes_a_pair_of_a_finished_run(client, finished_run):
    call, proposals, reviewers, officer, run = finished_run
    client.force_login(officer)
    url = f"/office/calls/{call.code}/assignment/{run.pk}/adjust/"
    added = {"proposal": proposals[2].pk, "reviewer": reviewers[1].pk, "q": "x"}
    assert client.post(url, added)["Location"] == assignment_url(call, "q=x")
    run.refresh_from_db()
    assert [(p["proposal"], p["reviewer"]) for p in run.result["pairs"]] == [
        (proposals[2].pk, reviewers[0].pk),
        (proposals[2].pk, reviewers[1].pk),
    ]
    client.post(url, {"proposal": proposals[2].pk, "reviewer": reviewers[0].pk, "action": "remove"})
    run.refresh_from_db()
    assert [(p["proposal"], p["reviewer"]) for p in run.result["pairs"]] == [
        (proposals[2].pk, reviewers[1].pk)
    ]


def test_adjusting_without_a_reviewer_keeps_the_run_and_the_choice(client, finished_run):
    call, proposals, _reviewers, officer, run = finished_run
    client.force_login(officer)
    url = f"/office/calls/{call.code}/assignment/{run.pk}/adjust/"
    response = client.post(url, {"proposal": proposals[2].pk, "reviewer": ""})
    assert response["Location"] == assignment_url(call, f"proposal={proposals[2].pk}")
    run.refresh_from_db()
    assert len(run.result["pairs"]) == 1
