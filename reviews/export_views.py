"""Pages for background exports: asking for a panel book or a long proposal list, the list of
one's own exports with their progress, and the permission-checked download."""

from pathlib import PurePath

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from grants.accounts.permissions import get_office_call, role_required
from grants.core.xlsx import CONTENT_TYPE as XLSX_CONTENT_TYPE
from grants.models import Role
from reviews import exports
from reviews.models import EXPORT_KEEP_DAYS, ExportJob
from reviews.permissions import get_panel

OFFICERS = (Role.FUND_OFFICER, Role.PROVINCIAL_OFFICER)
CONTENT_TYPES = {
    ".pdf": "application/pdf",
    ".csv": "text/csv; charset=utf-8",
    ".xlsx": XLSX_CONTENT_TYPE,
}


@login_required
def export_list(request):
    jobs = list(exports.jobs_for(request.user)[: exports.LIST_SIZE])
    if any(job.status == ExportJob.Status.RUNNING for job in jobs):
        if exports.fail_lost(exports.jobs_for(request.user)):  # their worker may be gone
            jobs = list(exports.jobs_for(request.user)[: exports.LIST_SIZE])
    context = {
        "jobs": jobs,
        "pending": any(job.pending for job in jobs),
        "keep_days": EXPORT_KEEP_DAYS,
    }
    # The page polls itself while a job is being built; htmx asks for the table alone.
    template = "reviews/exports/_jobs.html" if request.htmx else "reviews/exports/list.html"
    return render(request, template, context)


@login_required
def export_download(request, pk):
    job = exports.get_readable_job(request.user, pk)
    if not exports.is_downloadable(job):
        messages.info(request, _("That export is not available: see its state below."))
        return redirect("export_list")
    try:
        handle = job.file.open("rb")
    except FileNotFoundError as missing:
        raise Http404 from missing
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=job.filename,
        content_type=CONTENT_TYPES.get(PurePath(job.filename).suffix, "application/octet-stream"),
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_POST
@login_required
def export_retry(request, pk):
    job = exports.get_readable_job(request.user, pk)
    if exports.job_retry(job=job, actor=request.user):
        messages.success(request, _("The export is being prepared again."))
    else:
        messages.info(request, _("That export had not failed: see its state below."))
    return redirect("export_list")


@require_POST
@login_required
def panel_book_request(request, pk):
    panel = get_panel(request.user, pk)
    exports.panel_book_request(panel=panel, actor=request.user, language=request.LANGUAGE_CODE)
    messages.success(
        request,
        _(
            "The panel book is being prepared. This page shows its progress, and you will get an e-mail with the link when it is ready."
        ),
    )
    return redirect("export_list")


@require_POST
@login_required
@role_required(*OFFICERS)
def proposals_export_request(request, code):
    call = get_office_call(request.user, code)
    file_format = request.POST.get("format")
    exports.proposals_list_request(
        call=call,
        actor=request.user,
        query=request.POST.get("query", ""),
        language=request.LANGUAGE_CODE,
        file_format=file_format if file_format in ExportJob.Format.values else ExportJob.Format.CSV,
    )
    messages.success(
        request,
        _(
            "The proposal list is being exported. This page shows its progress, and you will get an e-mail with the link when it is ready."
        ),
    )
    return redirect("export_list")


def proposals_export_offer(request, call, rows, file_format):
    """Shown instead of the file when the filtered list is too long to wait for."""
    context = {
        "call": call,
        "rows": rows,
        "query": request.GET.urlencode(),
        "format": file_format,
        "excel": file_format == ExportJob.Format.XLSX,
    }
    return render(request, "reviews/exports/offer.html", context)
