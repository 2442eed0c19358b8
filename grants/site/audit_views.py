"""The fund office's audit page: the log filtered, in words, a page at a time or as CSV."""

import csv

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from grants.accounts.permissions import audit_entries_for
from grants.core.audit_text import action_label, change_text
from grants.core.csv_cells import csv_safe
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
    filters = _filtered(request)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="audit-log.csv"'
    response.write("\ufeff")  # so that Excel reads the file as UTF-8
    writer = csv.writer(response)
    writer.writerow(
        [_("When"), _("Who"), _("Action"), _("Change"), _("Call"), _("Proposal"), _("Note")]
    )
    for entry in filters.qs.iterator(chunk_size=500):
        writer.writerow(
            csv_safe(value)
            for value in (
                timezone.localtime(entry.at).strftime("%Y-%m-%d %H:%M:%S"),
                entry.actor.email if entry.actor else _("System"),
                action_label(entry.action),
                change_text(entry.before, entry.after),
                entry.call.code if entry.call else "",
                entry.proposal.reference if entry.proposal else "",
                entry.note,
            )
        )
    return response
