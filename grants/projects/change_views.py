"""A project's changes: the list, the lead's request, the office's decision and the affected
provinces' consent (grants.projects.changes)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from grants.accounts.permissions import get_project, is_fund_officer, officer_province_code
from grants.core.errors import WorkflowError
from grants.models import ChangeKind, ChangeRequest
from grants.projects import change_forms, change_presenters, changes


@login_required
def change_list(request, pk):
    project = get_project(request.user, pk)
    return render(
        request,
        "grants/projects/changes/list.html",
        {
            "project": project,
            "proposal": project.proposal,
            "changes": change_presenters.change_rows(project),
            "may_request": changes.lead_pi(project) == request.user,
            "kinds": ChangeKind.choices,
        },
    )


FORMS = {
    ChangeKind.PI: change_forms.PiChangeForm,
    ChangeKind.PARTNER: change_forms.PartnerChangeForm,
    ChangeKind.EXTENSION: change_forms.ExtensionForm,
}


@login_required
def change_new(request, pk, kind):
    project = get_project(request.user, pk)
    if kind not in ChangeKind.values:
        raise Http404
    if changes.lead_pi(project) != request.user:
        raise PermissionDenied
    members = list(changes.accepted_members(project))
    data = request.POST if request.method == "POST" else None
    formset = None
    if kind == ChangeKind.REALLOCATION:
        form = change_forms.ReasonForm(data)
        cells = changes.award_cells(project)
        formset = change_forms.MoveFormSet(
            data,
            prefix="moves",
            form_kwargs={
                "cells": cells,
                "members": members,
                "years": sorted({year for (_, _, year) in cells}),
            },
        )
    elif kind == ChangeKind.EXTENSION:
        form = change_forms.ExtensionForm(data)
    else:
        form = FORMS[kind](data, members=members)
    if data is not None and form.is_valid() and (formset is None or formset.is_valid()):
        details = _details(project, kind, form, formset)
        if details is not None:
            try:
                change = changes.change_request(
                    project=project,
                    actor=request.user,
                    kind=kind,
                    details=details,
                    reason=form.cleaned_data["reason"],
                )
            except WorkflowError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("Your request is sent to the fund office."))
                return redirect("change_detail", pk=project.pk, change_pk=change.pk)
    return render(
        request,
        "grants/projects/changes/form.html",
        {
            "project": project,
            "proposal": project.proposal,
            "kind": kind,
            "kind_label": ChangeKind(kind).label,
            "form": form,
            "formset": formset,
        },
    )


def _details(project, kind, form, formset):
    """The details change_request takes; None when a check put errors on the forms."""
    data = form.cleaned_data
    if kind == ChangeKind.REALLOCATION:
        pairs = formset.moves()
        result = changes.reallocation_check(project, [move for _, move in pairs])
        for problem in result.problems:
            message = changes.problem_message(problem)
            if problem.move is None:
                form.add_error(None, message)
            else:
                pairs[problem.move][0].add_error("amount", message)
        return None if result.problems else {"moves": [move for _, move in pairs]}
    if kind == ChangeKind.EXTENSION:
        problems = changes.extension_check(project, data["months"])
        for problem in problems:
            form.add_error("months", changes.problem_message(problem))
        return None if problems else {"months": data["months"]}
    member = next(m for m in changes.accepted_members(project) if m.pk == data["member"])
    institution = data["institution"] if kind == ChangeKind.PARTNER else member.institution
    _user, problem = changes.new_pi_problem(data["email"], institution)
    if problem:
        form.add_error("email", problem)
        return None
    details = {"member": data["member"], "email": data["email"]}
    if kind == ChangeKind.PARTNER:
        details["institution"] = institution.pk
    return details


def _change(request, pk, change_pk):
    project = get_project(request.user, pk)
    change = get_object_or_404(
        ChangeRequest.objects.select_related("requested_by", "decided_by"),
        project=project,
        pk=change_pk,
    )
    return project, change


def _detail_context(request, project, change, **extra):
    return {
        "project": project,
        "proposal": project.proposal,
        "change": change,
        "summary": change_presenters.change_summary(change),
        "may_decide": is_fund_officer(request.user),
        "may_consent": officer_province_code(request.user) in changes.consents_missing(change),
        "may_withdraw": changes.lead_pi(project) == request.user,
        **extra,
    }


@login_required
def change_detail(request, pk, change_pk):
    project, change = _change(request, pk, change_pk)
    return render(
        request, "grants/projects/changes/detail.html", _detail_context(request, project, change)
    )


@login_required
def change_decide(request, pk, change_pk):
    project, change = _change(request, pk, change_pk)
    if not is_fund_officer(request.user):
        raise PermissionDenied
    form = change_forms.DecisionForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            changes.change_decide(
                change=change,
                actor=request.user,
                approve=form.cleaned_data["approve"],
                note=form.cleaned_data["note"],
            )
        except WorkflowError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The decision is recorded and the consortium told."))
            return redirect("change_detail", pk=project.pk, change_pk=change.pk)
    return render(
        request,
        "grants/projects/changes/decide.html",
        _detail_context(request, project, change, form=form),
    )


@login_required
def change_consent(request, pk, change_pk):
    project, change = _change(request, pk, change_pk)
    province = officer_province_code(request.user)
    if not province or province not in change.details.get("consent_from", []):
        raise PermissionDenied
    form = change_forms.ConsentForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            changes.change_consent(
                change=change,
                actor=request.user,
                province_code=province,
                agreed=form.cleaned_data["approve"],
                note=form.cleaned_data["note"],
            )
        except WorkflowError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Your province's answer is recorded."))
            return redirect("change_detail", pk=project.pk, change_pk=change.pk)
    return render(
        request,
        "grants/projects/changes/consent.html",
        _detail_context(request, project, change, form=form),
    )


@login_required
def change_withdraw(request, pk, change_pk):
    project, change = _change(request, pk, change_pk)
    if changes.lead_pi(project) != request.user:
        raise PermissionDenied
    if request.method == "POST":
        try:
            changes.change_withdraw(change=change, actor=request.user)
        except WorkflowError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The request is withdrawn."))
    return redirect("change_detail", pk=project.pk, change_pk=change.pk)
