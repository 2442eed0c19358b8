"""The officers' pages of other funders' records and of the shared instrument catalogue: the
list with its filters, and the CSV upload beside it. Every officer reads every row; a
provincial officer uploads rows of their own province only."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from grants.accounts.overlap_permissions import catalogue_import_scope
from grants.accounts.permissions import role_required
from grants.core.view_helpers import login_required_keeping_post
from grants.core.widgets import FileInput
from grants.models import Province, Role
from grants.models.overlaps import ExternalRecord, SharedInstrument
from grants.overlaps import import_rows
from grants.overlaps.import_file import MAX_IMPORT_BYTES
from grants.overlaps.records_filters import ExternalRecordFilter, SharedInstrumentFilter
from grants.overlaps.records_import import ImportFileError, import_check, import_save

PAGE_SIZE = 50
OFFICERS = (Role.FUND_OFFICER, Role.PROVINCIAL_OFFICER)

PAGES = {
    "records": {
        "url": "external_records",
        "template": "grants/overlaps/external_records.html",
        "filter": ExternalRecordFilter,
        "queryset": lambda: ExternalRecord.objects.select_related("province", "institution"),
        "columns": import_rows.RECORD_COLUMNS,
        "required": import_rows.RECORD_REQUIRED,
    },
    "instruments": {
        "url": "shared_instruments",
        "template": "grants/overlaps/shared_instruments.html",
        "filter": SharedInstrumentFilter,
        "queryset": lambda: SharedInstrument.objects.select_related("province", "institution"),
        "columns": import_rows.INSTRUMENT_COLUMNS,
        "required": import_rows.INSTRUMENT_REQUIRED,
    },
}


class CatalogueUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("CSV file"),
        widget=FileInput(attrs={"accept": ".csv,text/csv"}),
        help_text=gettext_lazy("UTF-8, with or without a byte-order mark (Excel's “CSV UTF-8”)."),
    )


def _page(request, kind, form, problems=(), filename=""):
    page_of = PAGES[kind]
    filterset = page_of["filter"](request.GET or None, queryset=page_of["queryset"]())
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    scope = catalogue_import_scope(request.user)
    context = {
        "filter": filterset,
        "page": page,
        "query": query.urlencode(),
        "form": form,
        "problems": problems,
        "problem_rows": len({problem.row for problem in problems}),
        "filename": filename,
        "columns": page_of["columns"],
        "required": page_of["required"],
        "scope": Province.objects.filter(code=scope).first() if scope else None,
        "kind": kind,
    }
    return render(request, page_of["template"], context)


def _upload(request, kind):
    form = CatalogueUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, kind, form)
    upload = form.cleaned_data["file"]
    try:
        # One byte past the limit is enough to refuse a file too large.
        data = upload.read(MAX_IMPORT_BYTES + 1)
        checked = import_check(kind, data, scope=catalogue_import_scope(request.user))
        if not checked.ok:
            return _page(request, kind, form, problems=checked.problems, filename=upload.name)
        result = import_save(kind, checked, actor=request.user)
    except ImportFileError as error:
        form.add_error("file", error.message)
        return _page(request, kind, form, filename=upload.name)
    messages.success(
        request,
        _("%(file)s imported: %(created)d new rows, %(updated)d updated, %(unchanged)d unchanged.")
        % {
            "file": upload.name,
            "created": result.created,
            "updated": result.updated,
            "unchanged": result.unchanged,
        },
    )
    return redirect(PAGES[kind]["url"])


@login_required
@role_required(*OFFICERS)
def external_records(request):
    return _page(request, "records", CatalogueUploadForm())


@require_POST
@login_required_keeping_post
@role_required(*OFFICERS)
def external_records_import(request):
    return _upload(request, "records")


@login_required
@role_required(*OFFICERS)
def shared_instruments(request):
    return _page(request, "instruments", CatalogueUploadForm())


@require_POST
@login_required_keeping_post
@role_required(*OFFICERS)
def shared_instruments_import(request):
    return _upload(request, "instruments")
