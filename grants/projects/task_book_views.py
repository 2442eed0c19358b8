"""The task book's pages: the milestones the lead drafts, issuing the task book, its PDF, and
signing it."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from grants.accounts.permissions import get_project, require_project_lead
from grants.core.errors import WorkflowError
from grants.core.view_helpers import login_required_keeping_post, workflow_step
from grants.models import ProjectStatus
from grants.projects import signing, task_book, task_book_pdf
from grants.projects.task_book_forms import MilestoneForm, SignForm


def _is_lead(user, project):
    return project.proposal.lead_id == user.pk


def _drafting(project):
    return project.status == ProjectStatus.DRAFTING


# Milestones -----------------------------------------------------------------------------------


@login_required_keeping_post
def project_milestones(request, pk):
    project = get_project(request.user, pk)
    return _milestones_page(request, project)


def _milestones_page(request, project, form=None, status=200):
    editable = _is_lead(request.user, project) and _drafting(project)
    if editable and form is None:
        form = MilestoneForm(project=project)
    return render(
        request,
        "grants/projects/task_book/milestones.html",
        {
            "project": project,
            "proposal": project.proposal,
            "milestones": project.milestones.select_related("member__institution"),
            "editable": editable,
            "form": form if editable else None,
        },
        status=status,
    )


def _save(request, project, form, milestone=None):
    """Save a valid milestone form; a refusal comes back as the form's error."""
    try:
        task_book.milestone_save(
            project=project, actor=request.user, values=form.values(), milestone=milestone
        )
    except WorkflowError as error:
        field = error.code if error.code in form.fields else None
        form.add_error(field, error.message)
        return False
    return True


def _refused_unless_drafting(request, project):
    if not _drafting(project):
        messages.error(
            request, _("The task book is no longer being drafted: its milestones cannot change.")
        )
        return redirect("project_milestones", pk=project.pk)
    return None


@require_POST
@login_required_keeping_post
def milestone_add(request, pk):
    project = get_project(request.user, pk)
    require_project_lead(request.user, project)
    if refused := _refused_unless_drafting(request, project):
        return refused
    form = MilestoneForm(request.POST, project=project)
    if not (form.is_valid() and _save(request, project, form)):
        return _milestones_page(request, project, form)
    messages.success(request, _("Milestone added."))
    return redirect("project_milestones", pk=pk)


@login_required_keeping_post
def milestone_edit(request, pk, milestone_pk):
    project = get_project(request.user, pk)
    milestone = get_object_or_404(project.milestones, pk=milestone_pk)
    require_project_lead(request.user, project)
    if refused := _refused_unless_drafting(request, project):
        return refused
    if request.method == "POST":
        form = MilestoneForm(request.POST, project=project, instance=milestone)
        if form.is_valid() and _save(request, project, form, milestone):
            messages.success(request, _("Milestone saved."))
            return redirect("project_milestones", pk=pk)
    else:
        form = MilestoneForm(project=project, instance=milestone)
    return render(
        request,
        "grants/projects/task_book/milestone_edit.html",
        {"project": project, "proposal": project.proposal, "milestone": milestone, "form": form},
    )


@require_POST
@login_required_keeping_post
def milestone_delete(request, pk, milestone_pk):
    project = get_project(request.user, pk)
    milestone = get_object_or_404(project.milestones, pk=milestone_pk)
    require_project_lead(request.user, project)
    return workflow_step(
        request,
        lambda: task_book.milestone_delete(
            project=project, actor=request.user, milestone=milestone
        ),
        _("Milestone deleted."),
        "project_milestones",
        pk=pk,
    )


# The task book --------------------------------------------------------------------------------


@login_required_keeping_post
def task_book_page(request, pk):
    project = get_project(request.user, pk)
    return _task_book_page(request, project)


def _task_book_page(request, project, bound=None, status=200):
    context = signing.task_book_context(request.user, project)
    book = context["task_book"]
    forms = []
    for row in context["signing_rows"]:
        if row.may_sign_now:
            if bound is not None and bound.party == row.party:
                forms.append(bound)
            else:
                forms.append(SignForm(version=book.number, party=row.party, party_label=row.label))
    return render(
        request,
        "grants/projects/task_book/page.html",
        {
            "project": project,
            "proposal": project.proposal,
            "sign_forms": forms,
            "milestones": project.milestones.select_related("member__institution"),
            **context,
        },
        status=status,
    )


@require_POST
@login_required_keeping_post
def task_book_issue(request, pk):
    project = get_project(request.user, pk)
    require_project_lead(request.user, project)
    try:
        book = task_book.task_book_issue(project=project, actor=request.user)
    except WorkflowError as error:
        messages.error(request, error.message)
        return redirect("project_milestones", pk=pk)
    messages.success(
        request,
        _("Task book version %(version)d issued for signature.") % {"version": book.number},
    )
    return redirect("task_book", pk=pk)


@require_POST
@login_required_keeping_post
def task_book_sign(request, pk):
    project = get_project(request.user, pk)
    book = task_book.current_task_book(project)
    if book is None or project.status not in signing.SIGNABLE:
        messages.error(request, _("The task book is not out for signature."))
        return redirect("task_book", pk=pk)
    mine = {party.token: party for party in signing.parties_of(request.user, book.contents)}
    if not mine:
        raise PermissionDenied
    party = mine.get(request.POST.get("party", ""))
    if party is None:
        messages.error(request, _("You do not sign this task book for that party."))
        return redirect("task_book", pk=pk)
    form = SignForm(
        request.POST,
        version=book.number,
        party=party,
        party_label=signing.party_label(book.contents, party),
    )
    if not form.is_valid():
        return _task_book_page(request, project, bound=form)
    starting = project.status == ProjectStatus.SIGNING
    try:
        signing.task_book_sign(project=project, actor=request.user, party=party)
    except WorkflowError as error:
        messages.error(request, error.message)
        return redirect("task_book", pk=pk)
    project.refresh_from_db()
    if starting and project.status == ProjectStatus.RUNNING:
        messages.success(request, _("Signed. Every party has now signed: the project has started."))
    else:
        messages.success(request, _("Signed for %(party)s.") % {"party": form.party_label})
    return redirect("task_book", pk=pk)


@login_required_keeping_post
def task_book_download(request, pk):
    project = get_project(request.user, pk)
    book = task_book.current_task_book(project)
    draft = book is None
    contents = task_book.task_book_contents(project) if draft else book.contents
    data = task_book_pdf.build_task_book_pdf(
        contents, signing.signature_lines(contents, book), draft
    )
    response = HttpResponse(data, content_type="application/pdf")
    name = f"{project.proposal.reference or project.pk}-task-book-v{contents['version']}"
    if draft:
        name += "-draft"
    response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
    return response
