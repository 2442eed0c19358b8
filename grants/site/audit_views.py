"""The fund office's audit page: the log filtered, in words, a page at a time or as CSV or
an Excel workbook."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import gettext as _

from grants.accounts.permissions import audit_entries_for
from grants.core.audit_text import action_label, change_text
from grants.core.table_responses import CSV, XLSX, table_response
from grants.core.tables import SECOND, Column, Table
from grants.site.filters import AuditFilter

AUDIT_PAGE_SIZE = 50


def _filtered(request):
    entries = audit_entries_for(request.user).select_related("actor", "call", "proposal")
    return AuditFilter(request.GET or None, queryset=entries)


@login_required
def audit_log(request):
    filters = _filtered(request)
    page = Paginator(filters.qs, AUDIT_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    rows = [
        (entry, action_label(entry.action), change_text(entry.before, entry.after))
        for entry in page
    ]
    return render(
        request,
        "grants/site/audit_log.html",
        {"filter": filters, "page": page, "rows": rows, "query": query.urlencode()},
    )


@login_required
def audit_csv(request):
    return table_response(_audit_table(request), CSV)


@login_required
def audit_xlsx(request):
    return table_response(_audit_table(request), XLSX)


def _audit_table(request):
    columns = (
        Column(_("When"), SECOND, width=19),
        Column(_("Who"), width=24),
        Column(_("Action"), width=24),
        Column(_("Change"), width=48),
        Column(_("Call"), width=12),
        Column(_("Proposal"), width=16),
        Column(_("Note"), width=32),
    )
    rows = (
        (
            entry.at,
            entry.actor.email if entry.actor else _("System"),
            action_label(entry.action),
            change_text(entry.before, entry.after),
            entry.call.code if entry.call else "",
            entry.proposal.reference if entry.proposal else "",
            entry.note,
        )
        for entry in _filtered(request).qs.iterator(chunk_size=500)
    )
    return Table(name="audit-log", columns=columns, rows=rows)
