"""The calibrated ranking's pages: the office starts a fit from the call's ranking page and
reads the intervals there and on the panel page, beside the plain weighted mean."""

import pytest
from django.utils import timezone

from grants.models import CallStatus
from reviews import calibration
from reviews.models import RankingFit
from tests.reviews.factories import make_panel_call


@pytest.fixture
def panel_call(reference):
    return make_panel_call(scores=("4.5", "4", "3.5"))


def fitted(call, officer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return calibration.fit_start(call=call, actor=officer)


def test_the_office_starts_a_fit_and_reads_the_intervals(
    client, panel_call, django_capture_on_commit_callbacks
):
    call, proposals, officer = panel_call
    client.force_login(officer)
    page = client.get(f"/office/calls/{call.code}/ranking/")
    assert page.status_code == 200 and page.context["fit"] is None
    assert "Fit the calibrated ranking" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/office/calls/{call.code}/ranking/fit/")
    assert response.status_code == 302
    fit = RankingFit.objects.get()
    assert fit.status == RankingFit.Status.DONE and fit.created_by == officer
    page = client.get(f"/office/calls/{call.code}/ranking/")
    rows = page.context["page"].object_list
    assert [row.proposal_id for row in rows] == [p.pk for p in proposals]
    assert [row.rank_90 for row in rows] == [(1, 1), (2, 2), (3, 3)]
    html = page.content.decode()
    assert html.count('class="interval-plot"') == 3
    assert 'x="0.00" y="3" width="33.33"' in html  # the first of three places, a third wide


def test_the_calibrated_order_is_offered_beside_the_plain_one(
    client, reference, django_capture_on_commit_callbacks
):
    call, (first, second), officer = make_panel_call(scores=("3.5", "4"))
    fitted(call, officer, django_capture_on_commit_callbacks)
    client.force_login(officer)
    plain = client.get(f"/office/calls/{call.code}/ranking/").context["page"].object_list
    by_rank = client.get(f"/office/calls/{call.code}/ranking/?order=calibrated")
    assert [row.proposal_id for row in plain] == [second.pk, first.pk]
    assert [row.proposal_id for row in by_rank.context["page"].object_list] == [
        second.pk,
        first.pk,
    ]
    assert [row.plain_place for row in plain] == [1, 2]


def test_a_fit_asked_for_while_reviews_are_open_is_refused_with_the_reason(client, panel_call):
    call, _proposals, officer = panel_call
    call.status = CallStatus.IN_REVIEW
    call.review_deadline = timezone.now() + timezone.timedelta(days=2)
    call.save()
    client.force_login(officer)
    response = client.post(f"/office/calls/{call.code}/ranking/fit/", follow=True)
    assert not RankingFit.objects.exists()
    assert "Reviews are still open" in response.content.decode()


def test_the_progress_shows_a_running_fit_and_refreshes_when_it_ends(client, panel_call):
    call, _proposals, officer = panel_call
    fit = RankingFit.objects.create(
        call=call,
        created_by=officer,
        status=RankingFit.Status.RUNNING,
        progress=40,
        seed=5,
        heartbeat_at=timezone.now(),
    )
    client.force_login(officer)
    url = f"/office/calls/{call.code}/ranking/{fit.pk}/progress/"
    running = client.get(url, HTTP_HX_REQUEST="true")
    assert 'value="40"' in running.content.decode() and "HX-Refresh" not in running
    RankingFit.objects.filter(pk=fit.pk).update(status=RankingFit.Status.DONE)
    assert client.get(url, HTTP_HX_REQUEST="true")["HX-Refresh"] == "true"


def test_the_panel_page_shows_the_intervals_beside_the_plain_ranking(
    client, panel_call, django_capture_on_commit_callbacks
):
    call, proposals, officer = panel_call
    panel = call.panels.get()
    client.force_login(officer)
    before = client.get(f"/panels/{panel.pk}/")
    assert before.context["fit"] is None and 'class="interval-plot"' not in before.content.decode()
    fitted(call, officer, django_capture_on_commit_callbacks)
    page = client.get(f"/panels/{panel.pk}/")
    assert [row.proposal.pk for row in page.context["rows"]] == [p.pk for p in proposals]
    assert set(page.context["calibrated"]) == {p.pk for p in proposals}
    assert page.content.decode().count('class="interval-plot"') == 3


@pytest.mark.parametrize("page", ["ranking", "panel"])
def test_the_pages_read_a_fit_in_the_same_queries_for_two_rows_as_for_twenty(
    client, reference, django_capture_on_commit_callbacks, page
):
    from tests.test_query_counts import ROWS, SCORES, assert_same_count, page_queries

    counts = []
    for n in (2, ROWS):
        call, _proposals, officer = make_panel_call(
            scores=tuple(SCORES[i % len(SCORES)] for i in range(n))
        )
        fitted(call, officer, django_capture_on_commit_callbacks)
        url = (
            f"/office/calls/{call.code}/ranking/"
            if page == "ranking"
            else f"/panels/{call.panels.get().pk}/"
        )
        queries, response = page_queries(client, officer, url)
        assert response.content.decode().count('class="interval-plot"') == n
        counts.append(queries)
    assert_same_count(*counts)


def test_the_office_is_led_from_the_panel_page_to_the_calls_fit(client, panel_call):
    call, _proposals, officer = panel_call
    panel = call.panels.get()
    client.force_login(officer)
    assert (
        f'href="/office/calls/{call.code}/ranking/"'
        in client.get(f"/panels/{panel.pk}/").content.decode()
    )
    client.force_login(panel.chair)
    assert "/ranking/" not in client.get(f"/panels/{panel.pk}/").content.decode()


def test_the_pages_say_when_a_review_came_after_the_fit(
    client, panel_call, django_capture_on_commit_callbacks
):
    from reviews.models import Review

    call, _proposals, officer = panel_call
    fitted(call, officer, django_capture_on_commit_callbacks)
    client.force_login(officer)
    notice = "A review was submitted after this fit started"
    assert notice not in client.get(f"/office/calls/{call.code}/ranking/").content.decode()
    Review.objects.update(submitted_at=timezone.now() + timezone.timedelta(seconds=1))
    assert notice in client.get(f"/office/calls/{call.code}/ranking/").content.decode()
    assert notice in client.get(f"/panels/{call.panels.get().pk}/").content.decode()


def test_the_ranking_page_ends_a_fit_whose_worker_is_gone(client, panel_call):
    call, _proposals, officer = panel_call
    fit = RankingFit.objects.create(
        call=call,
        created_by=officer,
        status=RankingFit.Status.RUNNING,
        heartbeat_at=timezone.now() - timezone.timedelta(hours=1),
    )
    client.force_login(officer)
    page = client.get(f"/office/calls/{call.code}/ranking/")
    fit.refresh_from_db()
    assert fit.status == RankingFit.Status.FAILED
    html = page.content.decode()
    assert "press Retry to start again" in html and ">Retry</button>" in html
