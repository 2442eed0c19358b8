"""Exports built in the background: a panel's book of proposals, and proposal lists too long to
export while the officer waits.

Asking for one creates an ExportJob and queues reviews.tasks.build_export, which calls build()
here: the file is written to a temporary file, stored through Django's storage under a random
name, and the requester is e-mailed a link (or the reason it failed). The job's progress is
kept on the row for the "my exports" page. A download checks again that the requester may still
see what the file holds; files are deleted EXPORT_KEEP_DAYS days after they were made.
"""

import io
import tempfile
from datetime import timedelta

from django.core.files import File
from django.db import transaction
from django.db.models import F
from django.http import Http404, HttpRequest, QueryDict
from django.shortcuts import get_object_or_404
from django.utils import timezone, translation

from grants.accounts.permissions import is_fund_officer, office_calls_for, officer_province_code
from grants.core import emails
from grants.core.audit import record
from grants.core.table_responses import BYTE_ORDER_MARK
from grants.core.tables import write_csv
from grants.core.xlsx import write_xlsx
from reviews.jobs import BUILD_EXPORT, enqueue, heartbeat, lost
from reviews.models import EXPORT_KEEP_DAYS, WORKER_LOST, ExportJob, Panel
from reviews.permissions import panels_for

# Longer proposal lists are exported in the background rather than while the officer waits.
SYNC_CSV_ROWS = 1000
# Progress is written to the database about this many times per job, not once per row.
PROGRESS_STEPS = 100
# The query string of a list's filters is short; anything longer is not from our form.
QUERY_LENGTH = 2000
# The "my exports" page lists this many of the latest jobs.
LIST_SIZE = 50
# A panel book's proposals are read from the database this many at a time.
BOOK_CHUNK = 100


def runs_in_background(rows: int) -> bool:
    return rows > SYNC_CSV_ROWS


def worth_reporting(done: int, total: int, reported: int) -> bool:
    """Whether progress ``done`` of ``total`` is worth writing down, ``reported`` being the
    last value written: each hundredth of the way, and the end."""
    if done >= total:
        return done != reported
    return done - reported >= max(1, total // PROGRESS_STEPS)


def reader_scope(user) -> str:
    """Whose proposals an officer's list holds: "fund" for the fund office, the province code
    for a provincial officer, "" for anyone else."""
    if is_fund_officer(user):
        return "fund"
    return officer_province_code(user) or ""


# ---- asking ---------------------------------------------------------------------------------


@transaction.atomic
def panel_book_request(*, panel, actor, language):
    job = ExportJob.objects.create(
        requested_by=actor,
        kind=ExportJob.Kind.PANEL_BOOK,
        params={"panel": panel.pk, "name": panel.name},
        language=language,
    )
    return _queued(job, call=panel.call)


@transaction.atomic
def proposals_list_request(*, call, actor, query, language, file_format=ExportJob.Format.CSV):
    """The office's proposal list of ``call`` under the filters of ``query`` (a query string),
    as ``actor`` sees it, as CSV or as an Excel workbook (``file_format``)."""
    job = ExportJob.objects.create(
        requested_by=actor,
        kind=ExportJob.Kind.PROPOSALS_CSV,
        file_format=file_format,
        params={"call": call.code, "query": query[:QUERY_LENGTH], "scope": reader_scope(actor)},
        language=language,
    )
    return _queued(job, call=call)


def _queued(job, *, call):
    # Taking a call's proposals out of the portal in bulk is worth a line in its audit log.
    record(
        actor=job.requested_by,
        action="export.requested",
        call=call,
        after={"job": job.pk, "kind": job.kind, **_format_of(job), **job.params},
    )
    transaction.on_commit(lambda: enqueue(BUILD_EXPORT, job.pk))
    return job


def _format_of(job):
    """A list's file format, for its audit entry (a panel book is always a PDF)."""
    return {} if job.kind == ExportJob.Kind.PANEL_BOOK else {"format": job.file_format}


# ---- reading --------------------------------------------------------------------------------


def jobs_for(user):
    return ExportJob.objects.filter(requested_by=user)


def may_read(user, job) -> bool:
    """Whether ``user`` may still see what ``job``'s file holds: asked again at download time,
    since a panel member may have left the panel or an officer lost the role."""
    if job.kind == ExportJob.Kind.PANEL_BOOK:
        return panels_for(user).filter(pk=job.params.get("panel")).exists()
    if job.kind == ExportJob.Kind.PROPOSALS_CSV:
        scope = reader_scope(user)
        return (
            bool(scope)
            and scope == job.params.get("scope")
            and office_calls_for(user).filter(code=job.params.get("call")).exists()
        )
    return False


def get_readable_job(user, pk):
    """The user's own job, or 404: for anyone else's, and for their own once they may no
    longer see its contents."""
    job = get_object_or_404(jobs_for(user), pk=pk)
    if not may_read(user, job):
        raise Http404
    return job


def is_downloadable(job, now=None) -> bool:
    """Finished and not yet expired (the file may outlive its time until the next purge)."""
    now = now or timezone.now()
    return job.status == ExportJob.Status.DONE and bool(job.file) and now < job.expires_at


def job_retry(*, job, actor) -> bool:
    """Queue ``job`` again on its own row, if it failed: False if it had not (already retried,
    or never failed). The requester's right to its contents was checked by the caller."""
    with transaction.atomic():
        retried = ExportJob.objects.filter(pk=job.pk, status=ExportJob.Status.FAILED).update(
            status=ExportJob.Status.QUEUED,
            error="",
            done=0,
            total=0,
            finished_at=None,
            heartbeat_at=None,
        )
        if not retried:
            return False
        record(
            actor=actor,
            action="export.retried",
            call=_call_of(job),
            after={"job": job.pk, "kind": job.kind, **job.params},
        )
        transaction.on_commit(lambda: enqueue(BUILD_EXPORT, job.pk))
    return True


def _call_of(job):
    from grants.models import Call

    if job.kind == ExportJob.Kind.PANEL_BOOK:
        return Call.objects.filter(panels__pk=job.params.get("panel")).first()
    return Call.objects.filter(code=job.params.get("call")).first()


def fail_lost(jobs=None, now=None) -> int:
    """Mark the jobs of ``jobs`` (all by default) whose worker is gone as failed, and e-mail
    their requesters as for any failure; returns how many."""
    jobs = ExportJob.objects.all() if jobs is None else jobs
    now = now or timezone.now()
    failed = 0
    for job in lost(jobs, now).select_related("requested_by"):
        with transaction.atomic():
            # Again with the conditions: the worker may have beaten or finished since.
            if lost(ExportJob.objects.filter(pk=job.pk), now).update(
                status=ExportJob.Status.FAILED, error=WORKER_LOST, finished_at=now
            ):
                job.refresh_from_db()
                context = {"job": job, "keep_days": EXPORT_KEEP_DAYS}
                emails.send_on_commit([job.requested_by.email], "export_failed", context)
                failed += 1
    return failed


# ---- building -------------------------------------------------------------------------------


class Progress:
    """Writes a job's progress to its row now and then, for the page that polls it."""

    def __init__(self, job_id):
        self.job_id = job_id
        self.total = 0
        self.reported = 0

    def start(self, total):
        self.total = total
        ExportJob.objects.filter(pk=self.job_id).update(total=total, done=0)

    def __call__(self, done):
        if worth_reporting(done, self.total, self.reported):
            ExportJob.objects.filter(pk=self.job_id).update(done=done)
            self.reported = done


def build(job_id):
    """Build the job's file, store it and e-mail the requester; on failure record why and
    e-mail that instead (and raise, so the task is marked failed too)."""
    purge_expired()
    job = ExportJob.objects.select_related("requested_by").get(pk=job_id)
    ExportJob.objects.filter(pk=job_id).update(
        status=ExportJob.Status.RUNNING, heartbeat_at=timezone.now()
    )
    try:
        with (
            heartbeat(ExportJob, job_id),
            translation.override(job.language),
            tempfile.TemporaryFile() as handle,
        ):
            filename = BUILDERS[job.kind](job, handle, Progress(job_id))
            handle.seek(0)
            job.file.save(filename, File(handle), save=False)
    except Exception as error:  # the requester must learn that it failed, whatever the cause
        _finish(job, status=ExportJob.Status.FAILED, error=str(error)[:300] or type(error).__name__)
        raise
    job.filename = filename
    _finish(job, status=ExportJob.Status.DONE)


def _finish(job, *, status, error=""):
    with transaction.atomic():
        fields = {"status": status, "error": error, "finished_at": timezone.now()}
        if status == ExportJob.Status.DONE:
            fields.update(file=job.file.name, filename=job.filename, done=F("total"))
        updated = ExportJob.objects.filter(pk=job.pk).update(**fields)
        if not updated:  # the requester's account went while the file was being built
            if job.file:
                job.file.delete(save=False)
            return
        job.refresh_from_db()
        context = {"job": job, "keep_days": EXPORT_KEEP_DAYS}
        name = "export_ready" if status == ExportJob.Status.DONE else "export_failed"
        emails.send_on_commit([job.requested_by.email], name, context)


def _panel_book(job, out, progress):
    from grants.proposals.presenters import document_for
    from reviews.panel_book import BookCover, write_panel_book
    from reviews.ranking import ranked_rows

    panel = Panel.objects.select_related("call", "area").get(pk=job.params["panel"])
    ids = [row.proposal.pk for row in ranked_rows(panel)]
    progress.start(len(ids) + 1)  # the last step joins the proposals into one file
    calibrated, calibration_axis = _calibration_lines(panel, ids)
    cover = BookCover(
        panel=panel.name,
        call_title=f"{panel.call.title_zh} / {panel.call.title_en}",
        generated_on=timezone.localtime().strftime("%Y-%m-%d %H:%M (UTC+8)"),
        calibration=calibrated,
        calibration_axis=calibration_axis,
    )
    documents = (document_for(proposal) for proposal in _in_order(ids))
    write_panel_book(cover, documents, out, progress=progress)
    progress(len(ids) + 1)
    return f"{panel.call.code}-panel-{panel.area_id}.pdf"


def _calibration_lines(panel, ids):
    """The panel's proposals in the call's latest calibrated ranking, numbered by their place
    in the panel, with their bars on one axis; ((), (1, 1)) while the call has no fit."""
    from reviews import calibration, scoring
    from reviews.panel_book import CalibrationLine

    fit = calibration.latest_fit(panel.call)
    if fit is None:
        return (), (1, 1)
    rows, places = calibration.with_plots(calibration.fit_rows(fit, ids))
    by_proposal = {row.proposal_id: row for row in rows}
    lines = tuple(
        CalibrationLine(
            place=place,
            reference=row.reference,
            mean=scoring.display_score(row.plain_mean),
            quality=row.quality,
            expected_rank=row.expected_rank,
            rank_50=row.rank_50,
            rank_90=row.rank_90,
            plot=row.plot,
        )
        for place, row in ((place, by_proposal.get(pk)) for place, pk in enumerate(ids, 1))
        if row is not None
    )
    return lines, places


def _in_order(ids, chunk=BOOK_CHUNK):
    """The proposals of ``ids`` in that order, fetched a chunk at a time: each carries its
    snapshot, the bulk of a book's data, so only a chunk of them is in memory at once."""
    from grants.models import Proposal

    for start in range(0, len(ids), chunk):
        wanted = ids[start : start + chunk]
        found = Proposal.objects.select_related("call").in_bulk(wanted)
        yield from (found[pk] for pk in wanted)


# The lists exported in the background, by job kind. The parts that own the lists sit above
# reviews, so they register them (grants.apps): ``table(request, call)`` is the list of ``call``
# that ``request`` (its reader and its filters) asks for, as a grants.core.tables.Table with its
# total, written here as the job's file format.
LIST_EXPORTS = {}


def register_list_export(kind, table):
    LIST_EXPORTS[kind] = table


def _list(job, out, progress):
    from grants.models import Call

    call = Call.objects.get(code=job.params["call"])
    table = LIST_EXPORTS[job.kind](_request_for(job.requested_by, job.params["query"]), call)
    progress.start(table.total)
    if job.file_format == ExportJob.Format.XLSX:
        write_xlsx(out, table, progress=progress)
        return f"{table.name}.xlsx"
    text = io.TextIOWrapper(out, encoding="utf-8", newline="")
    text.write(BYTE_ORDER_MARK)
    write_csv(text, table, progress=progress)
    text.flush()
    text.detach()  # ``out`` stays open for storing
    return f"{table.name}.csv"


def _request_for(user, query):
    """The office list's filters read the query string and the reader from a request."""
    request = HttpRequest()
    request.method = "GET"
    request.GET = QueryDict(query)
    request.user = user
    return request


BUILDERS = {
    ExportJob.Kind.PANEL_BOOK: _panel_book,
    ExportJob.Kind.PROPOSALS_CSV: _list,
}


# ---- expiry ---------------------------------------------------------------------------------


def purge_expired(now=None) -> int:
    """Delete the files of exports made more than EXPORT_KEEP_DAYS days ago; their rows stay,
    marked expired, so the requester's list still says what happened. Returns how many."""
    cutoff = (now or timezone.now()) - timedelta(days=EXPORT_KEEP_DAYS)
    expired = list(ExportJob.objects.filter(status=ExportJob.Status.DONE, finished_at__lt=cutoff))
    for job in expired:
        if job.file:
            job.file.delete(save=False)
        ExportJob.objects.filter(pk=job.pk).update(status=ExportJob.Status.EXPIRED, file="")
    return len(expired)
