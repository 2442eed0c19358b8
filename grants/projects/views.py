"""The funded projects' pages: the list a user may see and each project's page."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render

from grants.accounts.permissions import get_project, projects_for
from grants.projects import presenters
from grants.projects.change_presenters import project_changes_context
from grants.projects.payment_views import payments_context
from grants.projects.report_presenters import reports_context
from grants.projects.signing import task_book_context

PAGE_SIZE = 50


@login_required
def project_list(request):
    projects = (
        projects_for(request.user)
        .select_related("proposal__call", "proposal__lead", "decision")
        .order_by("-created_at", "-pk")
    )
    page = Paginator(projects, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "grants/projects/list.html", {"page": page})


@login_required
def project_detail(request, pk):
    project = get_project(request.user, pk)
    return render(
        request,
        "grants/projects/detail.html",
        {
            "project": project,
            "proposal": project.proposal,
            "budget": presenters.awarded_budget(project),
            "schedule": presenters.payment_schedule(project),
            **task_book_context(request.user, project),
            **project_changes_context(request.user, project),
            **reports_context(request.user, project),
            **payments_context(request.user, project),
        },
    )
