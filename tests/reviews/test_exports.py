"""Background exports: the panel book and the long proposal list are built by the task, with
progress, a stored file and an e-mail; failures are recorded and e-mailed; old files expire."""

import io
from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.utils import timezone
from pypdf import PdfReader

from grants.models import Role
from grants.proposals.pdf import build_proposal_pdf
from grants.proposals.presenters import document_for
from reviews import exports
from reviews.models import ExportJob
from reviews.panel_book import ContentsLine, contents_lines
from tests.factories import make_user
from tests.reviews.factories import make_panel_call


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def panel_call(reference):
    """A locked panel whose ranking is not the order the proposals were made in."""
    call, proposals, officer = make_panel_call(scores=("3.5", "4.5", "4"))
    return call.panels.get(), proposals, officer


def ask_for_book(panel, user, capture):
    mail.outbox.clear()  # the scenario's own invitations and notices
    with capture(execute=True):
        job = exports.panel_book_request(panel=panel, actor=user, language="en")
    job.refresh_from_db()
    return job


# ---- pure rules -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("done", "total", "reported", "expected"),
    [
        (1, 4, 0, True),  # small jobs report every step
        (1, 1000, 0, False),  # large ones every hundredth: 10 rows
        (9, 1000, 0, False),
        (10, 1000, 0, True),
        (19, 1000, 10, False),
        (20, 1000, 10, True),
        (1000, 1000, 990, True),  # the end is always written
        (1000, 1000, 1000, False),  # but only once
        (0, 0, 0, False),  # an empty list has nothing to report
    ],
)
def test_progress_is_written_each_hundredth_and_at_the_end(done, total, reported, expected):
    assert exports.worth_reporting(done, total, reported) is expected


@pytest.mark.parametrize(
    ("rows", "background"),
    [(0, False), (exports.SYNC_CSV_ROWS, False), (exports.SYNC_CSV_ROWS + 1, True)],
)
def test_only_lists_longer_than_the_limit_go_to_the_background(rows, background):
    assert exports.runs_in_background(rows) is background


class Doc:
    def __init__(self, reference):
        self.reference, self.title_zh, self.title_en = reference, "题目", "Title"


def test_contents_count_each_first_page_after_the_cover():
    parts = [(1, Doc("A"), None, 3), (2, Doc("B"), None, 5), (3, Doc("C"), None, 1)]
    assert contents_lines(parts, cover_pages=2) == [
        ContentsLine(1, "A", "题目", "Title", 3),
        ContentsLine(2, "B", "题目", "Title", 6),
        ContentsLine(3, "C", "题目", "Title", 11),
    ]


@pytest.mark.parametrize(
    ("role", "province", "scope"),
    [
        (Role.FUND_OFFICER, None, "fund"),
        (Role.PROVINCIAL_OFFICER, "330000", "330000"),
        (Role.REVIEWER, None, ""),
    ],
)
def test_reader_scope_names_whose_proposals_a_list_holds(reference, role, province, scope):
    assert exports.reader_scope(make_user(roles=[role], province=province)) == scope


# ---- the panel book ---------------------------------------------------------------------------


def test_panel_book_holds_every_proposal_pdf_in_ranking_order_after_a_cover(
    panel_call, django_capture_on_commit_callbacks
):
    panel, proposals, officer = panel_call
    job = ask_for_book(panel, officer, django_capture_on_commit_callbacks)

    assert job.status == ExportJob.Status.DONE
    ranked = [proposals[1], proposals[2], proposals[0]]  # 4.5, 4, 3.5
    own_pages = [
        len(PdfReader(io.BytesIO(build_proposal_pdf(document_for(p)))).pages) for p in ranked
    ]
    book = PdfReader(default_storage.open(job.file.name))
    cover_pages = 2  # the title page and one page of contents
    assert len(book.pages) == cover_pages + sum(own_pages)
    firsts = [cover_pages + sum(own_pages[:i]) for i in range(len(ranked))]
    assert [(item.title, book.get_destination_page_number(item)) for item in book.outline] == [
        (f"{place}. {p.reference}", first)
        for place, (p, first) in enumerate(zip(ranked, firsts, strict=True), 1)
    ]
    contents = book.pages[1].extract_text()
    assert [contents.index(p.reference) for p in ranked] == sorted(
        contents.index(p.reference) for p in ranked
    )


def test_book_proposals_keep_the_ranking_order_across_chunks(panel_call):
    _panel, proposals, _officer = panel_call
    order = [proposals[2].pk, proposals[0].pk, proposals[1].pk]
    assert [p.pk for p in exports._in_order(order, chunk=2)] == order


def test_panel_book_is_stored_under_a_random_name(panel_call, django_capture_on_commit_callbacks):
    panel, _proposals, officer = panel_call
    first = ask_for_book(panel, officer, django_capture_on_commit_callbacks)
    second = ask_for_book(panel, officer, django_capture_on_commit_callbacks)

    assert first.file.name.startswith("exports/") and first.file.name.endswith(".pdf")
    assert len(first.file.name) == len("exports/") + 32 + len(".pdf")
    assert first.file.name != second.file.name
    assert first.filename == second.filename == f"{panel.call.code}-panel-F.pdf"


def test_progress_climbs_to_the_total_while_the_book_is_built(
    panel_call, django_capture_on_commit_callbacks, monkeypatch
):
    panel, _proposals, officer = panel_call
    seen = []

    class Watched(exports.Progress):
        def __call__(self, done):
            super().__call__(done)
            seen.append(ExportJob.objects.values_list("status", "done", "total").get())

    monkeypatch.setattr(exports, "Progress", Watched)
    job = ask_for_book(panel, officer, django_capture_on_commit_callbacks)

    # Three proposals written, then the step that joins them.
    assert seen == [("running", 1, 4), ("running", 2, 4), ("running", 3, 4), ("running", 4, 4)]
    assert (job.status, job.done, job.total, job.percent) == ("done", 4, 4, 100)
    assert job.finished_at is not None


def test_ready_email_carries_the_download_link_in_text_and_html(
    panel_call, django_capture_on_commit_callbacks
):
    panel, _proposals, officer = panel_call
    job = ask_for_book(panel, officer, django_capture_on_commit_callbacks)

    [message] = mail.outbox
    link = f"{settings.SITE_URL}/exports/{job.pk}/download/"
    assert message.to == [officer.email]
    assert "Ready: Panel book of F" in message.subject
    assert link in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html" and f'href="{link}"' in html
    # Both languages, whatever the requester reads.
    assert "----------------------------------------" in message.body


def test_failure_records_the_error_and_emails_the_requester(
    panel_call, django_capture_on_commit_callbacks, monkeypatch
):
    panel, _proposals, officer = panel_call

    def broken(job, out, progress):
        raise RuntimeError("the proposal PDF could not be written")

    monkeypatch.setitem(exports.BUILDERS, ExportJob.Kind.PANEL_BOOK, broken)
    job = ask_for_book(panel, officer, django_capture_on_commit_callbacks)

    assert job.status == ExportJob.Status.FAILED
    assert job.error == "the proposal PDF could not be written"
    assert not job.file and job.finished_at is not None
    [message] = mail.outbox
    assert "Could not be prepared: Panel book of F" in message.subject
    assert "the proposal PDF could not be written" in message.body
    assert f"{settings.SITE_URL}/exports/" in message.body


def test_asking_for_a_book_is_in_the_calls_audit_log(
    panel_call, django_capture_on_commit_callbacks
):
    from grants.models import AuditEntry

    panel, _proposals, officer = panel_call
    job = ask_for_book(panel, officer, django_capture_on_commit_callbacks)

    entry = AuditEntry.objects.get(action="export.requested")
    assert (entry.actor, entry.call) == (officer, panel.call)
    assert entry.after == {"job": job.pk, "kind": "panel_book", "panel": panel.pk, "name": "F"}


# ---- the proposal list ------------------------------------------------------------------------


def test_background_csv_has_the_rows_of_the_synchronous_export(
    client, panel_call, django_capture_on_commit_callbacks
):
    panel, _proposals, officer = panel_call
    code = panel.call.code
    client.force_login(officer)
    query = "ordering=-reference"
    synchronous = client.get(f"/office/calls/{code}/proposals/export/?{query}").content

    with django_capture_on_commit_callbacks(execute=True):
        job = exports.proposals_list_request(
            call=panel.call, actor=officer, query=query, language="en"
        )
    job.refresh_from_db()

    assert (job.status, job.done, job.total) == ("done", 3, 3)
    assert job.filename == f"{code}-proposals.csv"
    assert default_storage.open(job.file.name).read() == synchronous
    assert synchronous.decode("utf-8-sig").count("\r\n") == 4  # the header and three rows


def test_background_csv_is_written_in_the_requesters_language(
    panel_call, django_capture_on_commit_callbacks
):
    panel, _proposals, officer = panel_call
    with django_capture_on_commit_callbacks(execute=True):
        job = exports.proposals_list_request(
            call=panel.call, actor=officer, query="", language="zh-hans"
        )
    job.refresh_from_db()
    header = default_storage.open(job.file.name).read().decode("utf-8-sig").splitlines()[0]
    assert header.startswith("申请编号")


# ---- expiry ---------------------------------------------------------------------------------


def finished_job(user, days_ago):
    from django.core.files.base import ContentFile

    job = ExportJob.objects.create(
        requested_by=user,
        kind=ExportJob.Kind.PANEL_BOOK,
        params={"panel": 0, "name": "F"},
        language="en",
        status=ExportJob.Status.DONE,
        filename="book.pdf",
        finished_at=timezone.now() - timedelta(days=days_ago),
    )
    job.file.save("book.pdf", ContentFile(b"%PDF-1.7"), save=True)
    return job


def test_files_older_than_a_week_are_deleted_and_their_jobs_marked_expired(reference):
    user = make_user()
    old, recent = finished_job(user, days_ago=8), finished_job(user, days_ago=6)
    old_name = old.file.name

    assert exports.purge_expired() == 1

    old.refresh_from_db()
    recent.refresh_from_db()
    assert (old.status, old.file.name) == ("expired", "")
    assert not default_storage.exists(old_name)
    assert recent.status == "done" and default_storage.exists(recent.file.name)
    assert exports.purge_expired() == 0


def test_run_schedule_deletes_expired_exports(reference):
    old = finished_job(make_user(), days_ago=8)
    out = io.StringIO()
    call_command("run_schedule", stdout=out)
    old.refresh_from_db()
    assert old.status == "expired"
    assert "1 expired exports deleted." in out.getvalue()
