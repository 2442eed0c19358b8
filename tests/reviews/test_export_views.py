"""The export pages: who may ask for which book or list, the "my exports" page and its polling,
the offer of a background export for a long list, and the download's permission checks."""

from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from grants.models import Discipline, Role
from reviews import exports, panels
from reviews.models import ExportJob
from tests.factories import make_call, make_proposal, make_user
from tests.reviews.factories import make_review_call, make_reviewer


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def panel_world(reference):
    """An F panel with two proposals, and everyone who might ask for its book."""
    call, proposals = make_review_call(n_proposals=2)
    officer = make_user(roles=[Role.FUND_OFFICER])
    panel = panels.panel_create(
        call=call,
        area=Discipline.objects.get(code="F"),
        name="F",
        chair=make_user(institution="清华大学", roles=[Role.PANEL_CHAIR]),
        members=[
            make_reviewer(institution=place) for place in ("北京大学", "中山大学", "四川大学")
        ],
        actor=officer,
    )
    people = {
        "fund_officer": officer,
        "chair": panel.chair,
        "member": panel.members.first(),
        "other_reviewer": make_reviewer(institution="厦门大学"),
        "provincial_officer": make_user(roles=[Role.PROVINCIAL_OFFICER], province="310000"),
        "applicant": proposals[0].lead,
    }
    return panel, people


def ready_job(user, *, kind=ExportJob.Kind.PANEL_BOOK, params=None, days_ago=0):
    job = ExportJob.objects.create(
        requested_by=user,
        kind=kind,
        params=params or {},
        language="en",
        status=ExportJob.Status.DONE,
        filename="book.pdf" if kind == ExportJob.Kind.PANEL_BOOK else "list.csv",
        finished_at=timezone.now() - timedelta(days=days_ago),
    )
    job.file.save("x.pdf", ContentFile(b"%PDF-1.7 the book"), save=True)
    return job


# ---- asking -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("fund_officer", 302),
        ("chair", 302),
        ("member", 302),
        ("other_reviewer", 404),
        ("provincial_officer", 404),
        ("applicant", 404),
    ],
)
def test_who_may_ask_for_a_panel_book(
    client, panel_world, who, status, django_capture_on_commit_callbacks
):
    panel, people = panel_world
    client.force_login(people[who])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/panels/{panel.pk}/book/")
    assert response.status_code == status
    jobs = ExportJob.objects.filter(requested_by=people[who])
    if status == 302:
        assert response["Location"] == "/exports/"
        assert jobs.get().status == ExportJob.Status.DONE
    else:
        assert not jobs.exists()


def test_a_panel_book_cannot_be_asked_for_with_a_get(client, panel_world):
    panel, people = panel_world
    client.force_login(people["chair"])
    assert client.get(f"/panels/{panel.pk}/book/").status_code == 405
    assert not ExportJob.objects.exists()


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("fund_officer", 302),
        ("provincial_officer", 302),
        ("chair", 403),
        ("member", 403),
        ("applicant", 403),
    ],
)
def test_who_may_ask_for_a_background_proposal_list(
    client, panel_world, who, status, django_capture_on_commit_callbacks
):
    panel, people = panel_world
    client.force_login(people[who])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/office/calls/{panel.call.code}/proposals/export/background/",
            {"query": "status=submitted"},
        )
    assert response.status_code == status
    jobs = ExportJob.objects.filter(requested_by=people[who])
    if status == 302:
        job = jobs.get()
        assert job.params["query"] == "status=submitted"
        assert job.params["scope"] == exports.reader_scope(people[who])
    else:
        assert not jobs.exists()


def test_a_long_list_offers_a_background_export_that_keeps_the_filters(
    client, panel_world, monkeypatch, django_capture_on_commit_callbacks
):
    panel, people = panel_world
    code = panel.call.code
    client.force_login(people["fund_officer"])
    small = client.get(f"/office/calls/{code}/proposals/export/?ordering=-reference")
    assert small["Content-Type"].startswith("text/csv")

    monkeypatch.setattr(exports, "SYNC_CSV_ROWS", 1)
    offer = client.get(f"/office/calls/{code}/proposals/export/?ordering=-reference")
    assert offer["Content-Type"].startswith("text/html")
    assert b"This list has 2 proposals" in offer.content
    assert b'name="query" value="ordering=-reference"' in offer.content

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/office/calls/{code}/proposals/export/background/", {"query": "ordering=-reference"}
        )
    job = ExportJob.objects.get()
    download = client.get(f"/exports/{job.pk}/download/")
    assert response["Location"] == "/exports/"
    assert b"".join(download.streaming_content) == small.content


# ---- my exports -------------------------------------------------------------------------------


def test_my_exports_lists_only_my_own_jobs(client, reference):
    me, other = make_user(), make_user()
    mine = ready_job(me, params={"name": "Mine"})
    ready_job(other, params={"name": "Theirs"})
    client.force_login(me)
    response = client.get("/exports/")
    assert [job.pk for job in response.context["jobs"]] == [mine.pk]
    assert b"Panel book of Mine" in response.content
    assert b"Panel book of Theirs" not in response.content


def test_my_exports_polls_while_a_job_is_pending_and_stops_after(client, reference):
    me = make_user()
    job = ExportJob.objects.create(
        requested_by=me, kind=ExportJob.Kind.PANEL_BOOK, params={"name": "F"}, language="en"
    )
    ExportJob.objects.filter(pk=job.pk).update(status="running", done=3, total=12)
    client.force_login(me)

    page = client.get("/exports/").content.decode()
    assert 'hx-get="/exports/"' in page and 'value="25"' in page and "3 / 12" in page
    assert "<noscript>" in page  # without JavaScript, a reload link

    ExportJob.objects.filter(pk=job.pk).update(status="done", done=12)
    partial = client.get("/exports/", headers={"HX-Request": "true"}).content.decode()
    assert partial.lstrip().startswith('<div id="export-jobs"')
    assert "hx-get" not in partial and "<html" not in partial


def test_my_exports_query_count_does_not_grow_with_jobs(
    client, reference, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    me = make_user()
    client.force_login(me)
    ready_job(me)
    with CaptureQueriesContext(connection) as one:
        client.get("/exports/")
    ready_job(me)
    ready_job(me)
    with django_assert_max_num_queries(len(one)):
        client.get("/exports/")


# ---- downloading ------------------------------------------------------------------------------


def test_the_requester_downloads_the_file_as_an_attachment(client, panel_world):
    panel, people = panel_world
    job = ready_job(people["member"], params={"panel": panel.pk, "name": "F"})
    client.force_login(people["member"])
    response = client.get(f"/exports/{job.pk}/download/")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="book.pdf"'
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == b"%PDF-1.7 the book"


@pytest.mark.parametrize("who", ["fund_officer", "chair", "other_reviewer", "applicant"])
def test_nobody_else_downloads_it(client, panel_world, who):
    panel, people = panel_world
    job = ready_job(people["member"], params={"panel": panel.pk, "name": "F"})
    client.force_login(people[who])
    assert client.get(f"/exports/{job.pk}/download/").status_code == 404


def test_a_member_who_left_the_panel_can_no_longer_download_its_book(client, panel_world):
    panel, people = panel_world
    job = ready_job(people["member"], params={"panel": panel.pk, "name": "F"})
    panel.members.remove(people["member"])
    client.force_login(people["member"])
    assert client.get(f"/exports/{job.pk}/download/").status_code == 404


@pytest.mark.parametrize(
    ("change", "status"),
    [
        ("none", 200),
        ("role_removed", 404),
        ("moved_province", 404),  # the file holds the old province's proposals
    ],
)
def test_a_provincial_list_is_downloadable_only_while_the_officer_still_reads_it(
    client, reference, change, status
):
    from grants.models import Province, RoleGrant

    call = make_call()
    make_proposal(call, make_user(), partners=[make_user(institution="浙江大学")], submit=True)
    officer = make_user(roles=[Role.PROVINCIAL_OFFICER], province="310000")
    job = ready_job(
        officer,
        kind=ExportJob.Kind.PROPOSALS_CSV,
        params={"call": call.code, "query": "", "scope": "310000"},
    )
    grants = RoleGrant.objects.filter(user=officer, role=Role.PROVINCIAL_OFFICER)
    if change == "role_removed":
        grants.delete()
    elif change == "moved_province":
        grants.update(province=Province.objects.get(code="340000"))
    client.force_login(officer)
    assert client.get(f"/exports/{job.pk}/download/").status_code == status


@pytest.mark.parametrize(
    ("status", "days_ago"),
    [("queued", 0), ("running", 0), ("failed", 0), ("expired", 8), ("done", 8)],
)
def test_an_unfinished_or_expired_export_sends_its_owner_back_to_the_list(
    client, panel_world, status, days_ago
):
    panel, people = panel_world
    job = ready_job(people["chair"], params={"panel": panel.pk, "name": "F"}, days_ago=days_ago)
    ExportJob.objects.filter(pk=job.pk).update(status=status)
    client.force_login(people["chair"])
    response = client.get(f"/exports/{job.pk}/download/")
    assert (response.status_code, response["Location"]) == (302, "/exports/")
