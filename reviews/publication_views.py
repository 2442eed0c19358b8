"""Reviewers' publications: the fund office's CSV import for many reviewers, and a reviewer's
own list with their ORCID works upload."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from grants.accounts.permissions import role_required
from grants.core.view_helpers import login_required_keeping_post
from grants.core.widgets import FileInput
from grants.models import Role
from reviews import publication_import
from reviews.models import Publication
from reviews.pool_import import ImportFileError
from reviews.pool_views import ImportForm


class OrcidForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("ORCID works export (JSON)"),
        widget=FileInput(attrs={"accept": ".json,application/json"}),
        help_text=gettext_lazy(
            "The JSON of https://pub.orcid.org/v3.0/<your ORCID iD>/works, saved from your browser."
        ),
    )


@login_required
@role_required(Role.FUND_OFFICER)
def publications_import(request):
    form = ImportForm(request.POST or None, request.FILES or None)
    problems = []
    if request.method == "POST" and form.is_valid():
        try:
            records, reviewers, problems = publication_import.csv_read(
                form.cleaned_data["file"].read()
            )
        except ImportFileError as error:
            form.add_error("file", error.message)
        else:
            if not problems:
                created, updated = publication_import.publications_import(
                    records=records, reviewers=reviewers, actor=request.user
                )
                messages.success(
                    request,
                    _(
                        "Imported the publications of %(reviewers)d reviewers: %(created)d new, "
                        "%(updated)d updated."
                    )
                    % {"reviewers": len(records), "created": created, "updated": updated},
                )
                return redirect("reviewer_pool")
    return render(
        request,
        "reviews/publications/import.html",
        {"form": form, "problems": problems, "columns": publication_import.CSV_COLUMNS},
    )


@login_required
@role_required(Role.REVIEWER)
def my_publications(request):
    form = OrcidForm(request.POST or None, request.FILES or None)
    problems = []
    if request.method == "POST" and form.is_valid():
        try:
            records, problems = publication_import.orcid_read(form.cleaned_data["file"].read())
        except ImportFileError as error:
            form.add_error("file", error.message)
        else:
            if not problems:
                created, updated = publication_import.orcid_import(
                    reviewer=request.user, records=records
                )
                messages.success(
                    request,
                    _("Saved your ORCID works: %(created)d new, %(updated)d updated.")
                    % {"created": created, "updated": updated},
                )
                return redirect("my_publications")
    publications = Publication.objects.filter(reviewer=request.user)
    return render(
        request,
        "reviews/publications/mine.html",
        {"form": form, "problems": problems, "publications": publications},
    )


@require_POST
@login_required_keeping_post
@role_required(Role.REVIEWER)
def my_publication_delete(request, pk):
    publication = get_object_or_404(Publication, pk=pk, reviewer=request.user)
    publication_import.publication_delete(publication=publication, actor=request.user)
    messages.success(request, _("“%(title)s” is removed.") % {"title": publication.title})
    return redirect("my_publications")
