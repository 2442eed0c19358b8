"""The task book (任务书): the milestones the lead types while it is drafted, what a version
freezes for signature, and issuing it.

``task_book_contents`` is the one place that says what a task book holds: the award issues
version 1 with it, and an approved change issues the next version with it too.
"""

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from grants.core.audit import record
from grants.core.emails import send_on_commit
from grants.core.errors import WorkflowError
from grants.models import (
    MemberStatus,
    Milestone,
    Project,
    ProjectStatus,
    Role,
    TaskBook,
    User,
)
from grants.projects import signing_rules


def accepted_members(project):
    """The consortium's accepted members, the lead first."""
    return (
        project.proposal.members.filter(status=MemberStatus.ACCEPTED)
        .select_related("institution__province", "pi")
        .order_by("-is_lead", "pk")
    )


def task_book_contents(project):
    """What a task book version freezes, as JSON: the project, its members with their
    institution, province and PI, the awarded budget lines, the milestones, the duration and
    the award per province (what each receives and commits)."""
    proposal = project.proposal
    members = list(accepted_members(project))
    shares = project.decision.shares.select_related("province").order_by("province_id")
    return {
        "version": project.task_book_version,
        "reference": proposal.reference or "",
        "call": proposal.call.title,
        "title_zh": proposal.title_zh,
        "title_en": proposal.title_en,
        "duration_months": project.duration_months,
        # Set once the project has started: a version made by a change says its dates.
        "starts_on": str(project.starts_on) if project.starts_on else None,
        "ends_on": str(project.ends_on) if project.ends_on else None,
        "members": [
            {
                "id": member.pk,
                "lead": member.is_lead,
                "institution_zh": member.institution.name_zh,
                "institution_en": member.institution.name_en,
                "province_code": member.institution.province_id,
                "province_zh": member.institution.province.name_zh,
                "province_en": member.institution.province.name_en,
                "pi": member.pi.name if member.pi_id else "",
                "pi_id": member.pi_id,
            }
            for member in members
        ],
        "budget": [
            {
                "member": line.member_id,
                "category": line.category,
                "year": line.year,
                "amount": str(line.amount),
            }
            for line in project.budget_lines.order_by("member_id", "year", "category")
        ],
        "milestones": [
            {
                "title": milestone.title,
                "kind": milestone.kind,
                "due_month": milestone.due_month,
                "member": milestone.member_id,
                "description": milestone.description,
            }
            for milestone in project.milestones.order_by("due_month", "pk")
        ],
        "provinces": [
            {
                "code": share.province_id,
                "name_zh": share.province.name_zh,
                "name_en": share.province.name_en,
                "received": str(share.received),
                "committed": str(share.committed),
            }
            for share in shares
        ],
        "total": str(project.decision.total),
    }


def required_parties(contents):
    """Who must sign the task book version with ``contents``: its members, then its paying
    provinces (grants.projects.signing_rules)."""
    everyone = signing_rules.parties(
        [str(member["id"]) for member in contents["members"]],
        _committed(contents),
    )
    if "signers" not in contents:  # the award's version: everyone
        return everyone
    # A version made by a change names the parties it touches (signing_rules.resigners).
    named = set(contents["signers"])
    return [party for party in everyone if party.token in named]


def _committed(contents):
    from decimal import Decimal

    return {p["code"]: Decimal(p["committed"]) for p in contents["provinces"]}


def version_terms(contents):
    """What the version with ``contents`` binds each party to, for signing_rules.resigners."""
    members = [str(member["id"]) for member in contents["members"]]
    lines = {key: [] for key in members}
    for line in contents["budget"]:
        lines.setdefault(str(line["member"]), []).append(
            (line["category"], line["year"], line["amount"])
        )
    return signing_rules.VersionTerms(
        members=tuple(members),
        member_terms={
            str(m["id"]): (m["institution_en"], m["pi_id"], tuple(lines[str(m["id"])]))
            for m in contents["members"]
        },
        member_province={str(m["id"]): m["province_code"] for m in contents["members"]},
        committed=_committed(contents),
        # Not the dates: the award's version is frozen before the project starts and has none.
        shared_terms=(
            contents["duration_months"],
            tuple(tuple(sorted(m.items())) for m in contents["milestones"]),
        ),
    )


def current_task_book(project):
    """The task book version out for signature or signed, or None while it is drafted."""
    return project.task_books.filter(number=project.task_book_version).first()


# Milestones -----------------------------------------------------------------------------------


def _drafting(project):
    """The project, locked, if its task book is still being drafted."""
    project = Project.objects.select_for_update().get(pk=project.pk)
    if project.status != ProjectStatus.DRAFTING:
        raise WorkflowError(
            _("The task book is no longer being drafted: its milestones cannot change."),
            code="state",
        )
    return project


def milestone_errors(project, *, due_month, member):
    """The field errors of a milestone for ``project``: {field: message}."""
    errors = {}
    problem = signing_rules.due_month_error(due_month, project.duration_months)
    if problem == "before_start":
        errors["due_month"] = _("Project months count from 1.")
    elif problem == "after_end":
        errors["due_month"] = _(
            "The project runs for %(months)d months: pick a month within them."
        ) % {"months": project.duration_months}
    if member is not None and not accepted_members(project).filter(pk=member.pk).exists():
        errors["member"] = _("Pick one of the consortium's members.")
    return errors


@transaction.atomic
def milestone_save(*, project, actor, values, milestone=None):
    """Add a milestone (``milestone`` None) or change one, with ``values`` (title, kind,
    due_month, member, description). Refused once the task book is issued."""
    project = _drafting(project)
    errors = milestone_errors(project, due_month=values["due_month"], member=values["member"])
    if errors:
        field, message = next(iter(errors.items()))
        raise WorkflowError(message, code=field)
    if milestone is None:
        milestone, before = Milestone(project=project), None
    else:
        # Read afresh: a bound form has already written what was typed on the object it got.
        milestone = _own_milestone(project, milestone)
        before = _milestone_values(milestone)
    for name, value in values.items():
        setattr(milestone, name, value)
    milestone.save()
    record(
        actor=actor,
        action="project.milestone_changed" if before else "project.milestone_added",
        proposal=project.proposal,
        before=before,
        after=_milestone_values(milestone),
    )
    return milestone


@transaction.atomic
def milestone_delete(*, project, actor, milestone):
    project = _drafting(project)
    milestone = _own_milestone(project, milestone)
    before = _milestone_values(milestone)
    milestone.delete()
    record(
        actor=actor, action="project.milestone_deleted", proposal=project.proposal, before=before
    )


def _own_milestone(project, milestone):
    found = Milestone.objects.filter(pk=milestone.pk, project=project).first()
    if found is None:
        raise WorkflowError(_("This milestone belongs to another project."), code="project")
    return found


def _milestone_values(milestone):
    return {
        "title": milestone.title,
        "kind": milestone.kind,
        "due_month": milestone.due_month,
        "member": milestone.member_id,
    }


# Issuing --------------------------------------------------------------------------------------


@transaction.atomic
def task_book_issue(*, project, actor):
    """Freeze the drafted task book as its current version and send it out for signature:
    DRAFTING → SIGNING. It needs at least one milestone."""
    project = _drafting(project)
    if not project.milestones.exists():
        raise WorkflowError(
            _("Add at least one milestone or deliverable before issuing the task book."),
            code="milestones",
        )
    if project.task_books.filter(number=project.task_book_version).exists():
        raise WorkflowError(_("This task book version has already been issued."), code="issued")
    contents = task_book_contents(project)
    task_book = TaskBook.objects.create(
        project=project, number=project.task_book_version, contents=contents
    )
    project.status = ProjectStatus.SIGNING
    project.version += 1
    project.save(update_fields=["status", "version"])
    record(
        actor=actor,
        action="project.task_book_issued",
        proposal=project.proposal,
        after={"version": task_book.number, "milestones": len(contents["milestones"])},
    )
    send_on_commit(
        signatory_emails(contents),
        "task_book_issued",
        {"project": project, "proposal": project.proposal, "version": task_book.number},
    )
    return task_book


def signatory_emails(contents):
    """The addresses of everyone the task book version concerns: the consortium's PIs and the
    provincial officers of the provinces that pay for it."""
    paying = [
        party.key for party in required_parties(contents) if party.kind == signing_rules.PROVINCE
    ]
    pis = [member["pi_id"] for member in contents["members"] if member["pi_id"]]
    return list(
        User.objects.filter(pk__in=pis).values_list("email", flat=True)
    ) + provincial_officer_emails(paying)


def provincial_officer_emails(codes):
    return list(
        User.objects.filter(
            role_grants__role=Role.PROVINCIAL_OFFICER, role_grants__province_id__in=codes
        )
        .distinct()
        .values_list("email", flat=True)
    )
