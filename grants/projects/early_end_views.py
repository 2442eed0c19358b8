"""The fund office's early end of a project: suspend, resume, terminate
(grants.projects.early_end). Each form sits on the project page; a form with an error comes
back on a page of its own, with what was typed."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from grants.accounts.permissions import get_project, is_fund_officer
from grants.core.errors import WorkflowError
from grants.models import Province
from grants.projects import change_forms, early_end


def _office_project(request, pk):
    project = get_project(request.user, pk)
    if not is_fund_officer(request.user):
        raise PermissionDenied
    return project


def _page(request, project, action, form, title, **extra):
    return render(
        request,
        "grants/projects/early_end/form.html",
        {
            "project": project,
            "proposal": project.proposal,
            "action": action,
            "form": form,
            "title": title,
            **extra,
        },
    )


def _done(request, project, message):
    messages.success(request, message)
    return redirect("project_detail", pk=project.pk)


@login_required
def project_suspend(request, pk):
    project = _office_project(request, pk)
    form = change_forms.SuspendForm(
        request.POST if request.method == "POST" else None, prefix="suspend"
    )
    if form.is_bound and form.is_valid():
        try:
            early_end.project_suspend(
                project=project, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except WorkflowError as error:
            form.add_error(None, error.message)
        else:
            return _done(request, project, _("The project is suspended."))
    return _page(request, project, "project_suspend", form, _("Suspend the project"))


@login_required
def project_resume(request, pk):
    project = _office_project(request, pk)
    if request.method == "POST":
        try:
            early_end.project_resume(project=project, actor=request.user)
        except WorkflowError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The project runs again."))
    return redirect("project_detail", pk=project.pk)


@login_required
def project_terminate(request, pk):
    project = _office_project(request, pk)
    paid = early_end.paid_by_province(project)
    form = change_forms.TerminateForm(
        request.POST if request.method == "POST" else None,
        prefix="terminate",
        paid=paid,
        provinces=list(Province.objects.filter(code__in=paid).order_by("code")),
    )
    if form.is_bound and form.is_valid():
        try:
            early_end.project_terminate(
                project=project,
                actor=request.user,
                reason=form.cleaned_data["reason"],
                kept=form.kept(),
            )
        except WorkflowError as error:
            form.add_error(None, error.message)
        else:
            return _done(
                request, project, _("The project is terminated and the refunds worked out.")
            )
    return _page(request, project, "project_terminate", form, _("Terminate the project"))
