"""A project's reports: the lead's form, everyone else's reading of it, the fund office's list
and decision, the attachment and the final acceptance certificate."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from grants.accounts.permissions import (
    get_project,
    get_report,
    is_fund_officer,
    require_fund_officer,
    require_project_lead,
)
from grants.core.errors import WorkflowError
from grants.core.storage import STORAGE_DOWN, StorageUnavailable
from grants.models import Call, Report, ReportKind, ReportStatus
from grants.projects import final_review, report_presenters, report_rules, report_workflow
from grants.projects.acceptance_certificate import certificate_for
from grants.projects.report_forms import (
    ExpertAssignForm,
    ExpertReviewForm,
    MemberSpendingForms,
    ReportDecisionForm,
    ReportForms,
)

PAGE_SIZE = 50


@login_required
def report_detail(request, pk):
    report = get_report(request.user, pk)
    project = report.project
    is_lead = project.proposal.lead_id == request.user.pk
    editable = is_lead and report.status in report_rules.EDITABLE
    own = _own_members(request.user, report) if not is_lead else []
    if request.method == "POST":
        if own:
            return _partner_spending(request, report, own)
        require_project_lead(request.user, project)
        if not editable:
            messages.error(request, _("This report can no longer be changed."))
            return redirect("report_detail", pk=pk)
    if own:
        return _page(request, report, None, None, partner=MemberSpendingForms(report, members=own))
    forms = None
    if editable:
        milestones = report_workflow.due_milestones(report)
        members = report_workflow.members_of(project)
        data = request.POST if request.method == "POST" else None
        files = request.FILES if request.method == "POST" else None
        forms = ReportForms(report, milestones=milestones, members=members, data=data, files=files)
        if data is not None and forms.is_valid():
            saved = _save(request, report, forms)
            if saved:
                return redirect("report_detail", pk=pk)
    return _page(request, report, forms, _decision_form(request, report))


def _page(request, report, forms, decision_form, **extra):
    project = report.project
    members = report_workflow.members_of(project)
    context = {
        **report_presenters.expert_context(request.user, report),
        "report": report,
        "project": project,
        "proposal": project.proposal,
        "forms": forms,
        "is_officer": is_fund_officer(request.user),
        "milestones": report_presenters.milestone_rows(report, forms),
        "spending": _spending(report, members, forms, extra.get("partner")),
        "outputs": report.outputs.prefetch_related("members__institution"),
        "overdue": report_presenters.is_overdue(report),
        "decision_form": decision_form,
        **extra,
    }
    return render(request, "grants/projects/reports/detail.html", context)


def _spending(report, members, forms, partner):
    if partner is not None:
        return report_presenters.spending_table(
            report, members, partner.spending_forms, editing={m.pk for m in partner.members}
        )
    return report_presenters.spending_table(
        report, members, forms.spending_forms if forms else None
    )


def _own_members(user, report):
    """The members a partner PI answers for, while the report is being drafted."""
    if report.status not in report_rules.EDITABLE or not user.is_authenticated:
        return []
    return [
        m
        for m in report_workflow.members_of(report.project)
        if m.pi_id == user.pk and not m.is_lead
    ]


def _partner_spending(request, report, own):
    partner = MemberSpendingForms(report, members=own, data=request.POST)
    if partner.is_valid():
        try:
            report_workflow.member_spending_save(
                report=report,
                actor=request.user,
                members=own,
                amounts=partner.amounts(),
                version=partner.posted_version(),
            )
        except WorkflowError as error:
            messages.error(request, error.message)
            return _page(request, report, None, None, partner=partner)
        messages.success(request, _("Your spending is saved in the report."))
        return redirect("report_detail", pk=report.pk)
    return _page(request, report, None, None, partner=partner)


def _save(request, report, forms):
    """Keep the draft, then submit it if asked; False when the page must show errors again."""
    try:
        report = report_workflow.report_save(report=report, actor=request.user, draft=forms.draft())
    except StorageUnavailable:
        forms.form.add_error("attachment", STORAGE_DOWN)
        return False
    except WorkflowError as error:
        forms.form.add_error(None, error.message)
        return False
    if "submit" not in request.POST:
        messages.success(request, _("Draft saved."))
        return True
    try:
        report_workflow.report_submit(report=report, actor=request.user)
    except report_workflow.ReportIncomplete as error:
        messages.error(request, error.message)
        for line in error.messages:
            messages.error(request, line)
    except WorkflowError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Report submitted to the fund office."))
    return True


@require_POST
@login_required
def report_decide(request, pk):
    require_fund_officer(request.user)
    report = get_report(request.user, pk)
    form = ReportDecisionForm(request.POST, final=report.kind == ReportKind.FINAL)
    if form.is_valid():
        cleaned = form.cleaned_data
        try:
            if cleaned["action"] == ReportDecisionForm.RETURN:
                report_workflow.report_return(
                    report=report, actor=request.user, reason=cleaned["reason"]
                )
                messages.success(request, _("Report returned to the consortium."))
            else:
                report_workflow.report_accept(
                    report=report,
                    actor=request.user,
                    verdict=cleaned.get("verdict", ""),
                    new_due_on=cleaned.get("new_due_on"),
                )
                messages.success(request, _("Decision recorded."))
        except WorkflowError as error:
            form.add_error(None, error.message)
        else:
            return redirect("report_detail", pk=pk)
    # The page again with the message beside the field and what was typed kept.
    return _page(request, report, None, form)


@login_required
def report_attachment(request, pk):
    report = get_report(request.user, pk)
    path = report.attachment.name
    if not path or not default_storage.exists(path):
        raise Http404
    return FileResponse(
        default_storage.open(path, "rb"),
        as_attachment=True,
        filename=f"{report.project.proposal.reference}-report-{report.year}.pdf",
        content_type="application/pdf",
    )


@login_required
def report_list(request):
    """The fund office's reports across projects, by status, call and overdue."""
    require_fund_officer(request.user)
    reports = Report.objects.select_related("project__proposal__call", "project__proposal__lead")
    status = request.GET.get("status", "")
    if status in ReportStatus.values:
        reports = reports.filter(status=status)
    call = request.GET.get("call", "")
    if call:
        reports = reports.filter(project__proposal__call__code=call)
    overdue = request.GET.get("overdue") == "1"
    if overdue:
        reports = reports.filter(status__in=report_rules.EDITABLE, due_on__lt=timezone.localdate())
    page = Paginator(reports.order_by("due_on", "pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "grants/projects/reports/list.html",
        {
            "page": page,
            "statuses": ReportStatus.choices,
            "calls": Call.objects.filter(proposals__project__isnull=False)
            .distinct()
            .order_by("-year", "code"),
            "status": status,
            "call": call,
            "overdue": overdue,
            # The filters, kept in the page links.
            "query": urlencode(
                {"status": status, "call": call} | ({"overdue": 1} if overdue else {})
            ),
            "today": timezone.localdate(),
        },
    )


@login_required
def acceptance_certificate(request, pk):
    project = get_project(request.user, pk)
    if not report_presenters.certificate_available(project):
        raise Http404
    pdf = certificate_for(project)
    response = HttpResponse(pdf, content_type="application/pdf")
    name = f"{project.proposal.reference}-acceptance"
    response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
    return response


@require_POST
@login_required
def report_expert_assign(request, pk):
    """The fund office sends a submitted final report to an expert, conflicts refused."""
    require_fund_officer(request.user)
    report = get_report(request.user, pk)
    form = ExpertAssignForm(request.POST)
    if form.is_valid():
        try:
            expert = final_review.find_expert(form.cleaned_data["email"])
            final_review.expert_assign(report=report, actor=request.user, expert=expert)
        except WorkflowError as error:
            form.add_error("email", error.message)
        else:
            messages.success(request, _("The expert reviews the final report now."))
            return redirect("report_detail", pk=pk)
    report.refresh_from_db()
    return _page(request, report, None, _decision_form(request, report), expert_form=form)


@require_POST
@login_required
def report_expert_review(request, pk):
    """An expert's recommendation on the final report they review."""
    report = get_report(request.user, pk)
    review = report.expert_reviews.filter(reviewer=request.user).first()
    if review is None:
        raise Http404
    form = ExpertReviewForm(request.POST)
    if form.is_valid():
        try:
            final_review.expert_review_submit(
                review=review,
                actor=request.user,
                verdict=form.cleaned_data["verdict"],
                comments=form.cleaned_data["comments"],
            )
        except WorkflowError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Your review has been submitted."))
            return redirect("report_detail", pk=pk)
    return _page(request, report, None, None, review_form=form)


def _decision_form(request, report):
    if report_presenters.may_decide(request.user, report):
        return ReportDecisionForm(final=report.kind == ReportKind.FINAL)
    return None
