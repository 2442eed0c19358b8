"""Changes to a running project (变更): the lead asks, the affected provinces consent where the
rules say so (grants.projects.change_rules), the fund office approves or refuses, and an
approved change is applied and versions the task book.

An approved change makes a new task book version, signed again by the parties the change
touches (grants.projects.signing_rules.resigners) while the project keeps running; the
signatures of the earlier versions stand for everyone else.
"""

from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from grants.core import emails
from grants.core.audit import record
from grants.core.errors import WorkflowError
from grants.core.money import format_yuan
from grants.models import (
    ChangeKind,
    ChangeRequest,
    ChangeStatus,
    Consent,
    ConsortiumMember,
    Institution,
    MemberStatus,
    Project,
    ProjectBudgetLine,
    ProjectStatus,
    Report,
    ReportKind,
    ReportStatus,
    Role,
    TaskBook,
    User,
)
from grants.projects import change_money, change_rules, project_dates, signing
from grants.projects.change_rules import Move
from grants.projects.task_book import accepted_members, task_book_contents


def lead_pi(project):
    """The PI of the project's lead member: the one who asks for changes."""
    lead = project.proposal.members.filter(is_lead=True).select_related("pi").first()
    return lead.pi if lead else None


def award_cells(project):
    return {
        (line.member_id, line.category, line.year): line.amount
        for line in project.budget_lines.all()
    }


def province_map(project):
    return {m.pk: m.institution.province_id for m in accepted_members(project)}


def paying_provinces(project):
    return sorted(project.decision.shares.values_list("province_id", flat=True))


# ---- the words for change_rules' problems -------------------------------------------------


def problem_message(problem):
    params = problem.params
    messages = {
        change_rules.NO_MOVES: _("Enter at least one amount to move."),
        change_rules.NOT_POSITIVE: _("Enter an amount above zero."),
        change_rules.UNKNOWN_SOURCE: _("Choose a line of the awarded budget to move from."),
        change_rules.UNKNOWN_TARGET: _(
            "Choose a member of the consortium and a year of the project to move to."
        ),
        change_rules.SAME_CELL: _("The amount must move to another line."),
        change_rules.FIXED_CATEGORY: _(
            "Indirect costs follow from the direct costs: they cannot be moved."
        ),
        change_rules.ALREADY_EXTENDED: _("The project has been extended once already."),
        change_rules.MONTHS_OUT_OF_RANGE: _("An extension is of 1 to %(most)s months."),
        change_rules.TOO_LATE: _(
            "An extension must be asked at least %(days)s days before the project ends."
        ),
    }
    if problem.code == change_rules.EXCEEDS:
        return _("This line holds %(held)s; the moves take %(moved)s out of it.") % {
            "held": format_yuan(params["held"]),
            "moved": format_yuan(params["moved"]),
        }
    return messages[problem.code] % params if params else messages[problem.code]


def _refuse_on(problems):
    if problems:
        raise WorkflowError(" ".join(problem_message(p) for p in problems), code="rules")


# ---- what each kind of change asks ----------------------------------------------------------


def moves_from_details(details):
    return [
        Move(tuple(m["from"]), tuple(m["to"]), Decimal(m["amount"]))
        for m in details.get("moves", [])
    ]


def reallocation_check(project, moves):
    return change_rules.reallocate(award_cells(project), province_map(project), moves)


def _reallocation_details(project, moves):
    result = reallocation_check(project, moves)
    _refuse_on(result.problems)
    members = province_map(project)
    touched = {members[m.source[0]] for m in moves} | {members[m.target[0]] for m in moves}
    return {
        "moves": [
            {"from": list(m.source), "to": list(m.target), "amount": str(m.amount)} for m in moves
        ],
        "consent_from": result.consent_from,
        "office_alone": result.office_alone,
        "affected": sorted(touched),
    }


def new_pi_problem(email, institution):
    """Why the user with ``email`` cannot be a PI at ``institution``, or None."""
    user = User.objects.filter(email__iexact=email.strip()).first()
    if user is None:
        return None, _("No one is registered with this e-mail address.")
    if not user.profile_complete:
        return None, _("This person has not completed their profile yet.")
    if user.institution_id != institution.pk:
        return None, _("This person's profile names another institution than %(institution)s.") % {
            "institution": institution.name
        }
    return user, None


def _member(project, pk, *, partner=False):
    member = accepted_members(project).filter(pk=pk).first()
    if member is None or (partner and member.is_lead):
        raise WorkflowError(_("Choose a member of the consortium."), code="member")
    return member


def _pi_details(project, details):
    member = _member(project, details["member"])
    user, problem = new_pi_problem(details["email"], member.institution)
    if problem:
        raise WorkflowError(problem, code="pi")
    if member.pi_id == user.pk:
        raise WorkflowError(_("This person is already the member's PI."), code="pi")
    return {
        "member": member.pk,
        "pi": user.pk,
        "email": user.email,
        "consent_from": [],
        "affected": [member.institution.province_id],
    }


def _partner_details(project, details):
    member = _member(project, details["member"], partner=True)
    institution = Institution.objects.select_related("province").get(pk=details["institution"])
    if (
        ConsortiumMember.objects.filter(proposal=project.proposal, institution=institution)
        .exclude(status=MemberStatus.REVOKED)
        .exists()
    ):
        raise WorkflowError(_("This institution is already in the consortium."), code="institution")
    user, problem = new_pi_problem(details["email"], institution)
    if problem:
        raise WorkflowError(problem, code="pi")
    consent = change_rules.partner_consent(member.institution.province_id, institution.province_id)
    return {
        "member": member.pk,
        "institution": institution.pk,
        "pi": user.pk,
        "email": user.email,
        "consent_from": consent,
        "affected": consent or [institution.province_id],
    }


def _approved_extensions(project):
    return project.changes.filter(kind=ChangeKind.EXTENSION, status=ChangeStatus.APPROVED).count()


def extension_check(project, months, today=None):
    return change_rules.extension_problems(
        months, project.ends_on, today or timezone.localdate(), _approved_extensions(project)
    )


def _extension_details(project, details):
    months = int(details["months"])
    _refuse_on(extension_check(project, months))
    return {"months": months, "consent_from": [], "affected": paying_provinces(project)}


DETAILS = {
    ChangeKind.REALLOCATION: lambda project, d: _reallocation_details(project, d["moves"]),
    ChangeKind.PI: _pi_details,
    ChangeKind.PARTNER: _partner_details,
    ChangeKind.EXTENSION: _extension_details,
}


# ---- asking, consenting, deciding ---------------------------------------------------------


@transaction.atomic
def change_request(*, project, actor, kind, details, reason):
    """The lead asks for a change of ``kind``. ``details``: for a reallocation ``moves`` (a list
    of change_rules.Move); for a PI ``member`` and ``email``; for a partner ``member``,
    ``institution`` and ``email``; for an extension ``months``."""
    project = Project.objects.select_for_update().select_related("proposal").get(pk=project.pk)
    if project.status != ProjectStatus.RUNNING:
        raise WorkflowError(_("Changes can be asked only while the project runs."), code="state")
    if lead_pi(project) != actor:
        raise WorkflowError(_("Only the lead PI can ask for a change."), code="forbidden")
    if project.changes.filter(status=ChangeStatus.PENDING).exists():
        raise WorkflowError(
            _("A change is already waiting for a decision. Wait for it first."), code="pending"
        )
    if not reason.strip():
        raise WorkflowError(_("Give the reason for the change."), code="reason")
    change = ChangeRequest.objects.create(
        project=project,
        kind=kind,
        details=DETAILS[kind](project, details),
        reason=reason.strip(),
        requested_by=actor,
    )
    record(
        actor=actor,
        action="project.change_requested",
        proposal=project.proposal,
        after={"change": change.pk, "kind": kind, **change.details},
        note=change.reason,
    )
    _tell(change, "change_requested")
    return change


def consents_missing(change):
    given = {consent.province_id for consent in change.consents.all()}
    return [code for code in change.details.get("consent_from", []) if code not in given]


def _locked_pending(change):
    change = (
        ChangeRequest.objects.select_for_update()
        .select_related("project__proposal", "project__decision")
        .get(pk=change.pk)
    )
    if change.status != ChangeStatus.PENDING:
        raise WorkflowError(_("This change has been decided already."), code="state")
    return change


@transaction.atomic
def change_consent(*, change, actor, province_code, agreed, note=""):
    """A provincial officer answers for their province. A refusal refuses the change."""
    change = _locked_pending(change)
    if province_code not in consents_missing(change):
        raise WorkflowError(
            _("Your province's consent is not asked for this change, or was given already."),
            code="consent",
        )
    if not agreed and not note.strip():
        raise WorkflowError(_("Say why your province refuses."), code="note")
    Consent.objects.create(
        change=change, province_id=province_code, agreed=agreed, note=note, decided_by=actor
    )
    record(
        actor=actor,
        action="project.change_consented" if agreed else "project.change_consent_refused",
        proposal=change.project.proposal,
        after={"change": change.pk, "province": province_code},
        note=note,
    )
    if not agreed:
        _close(change, actor, ChangeStatus.REFUSED, note, action="project.change_refused")
    return change


@transaction.atomic
def change_decide(*, change, actor, approve, note=""):
    """The fund office approves (applying the change) or refuses."""
    change = _locked_pending(change)
    if approve and consents_missing(change):
        raise WorkflowError(
            _("Every affected province must consent before the change is approved."),
            code="consent",
        )
    if not approve and not note.strip():
        raise WorkflowError(_("Say why the change is refused."), code="note")
    if approve:
        project = Project.objects.select_for_update().get(pk=change.project_id)
        if project.status != ProjectStatus.RUNNING:
            raise WorkflowError(
                _("Changes can be approved only while the project runs."), code="state"
            )
        APPLY[change.kind](project, change.details, actor)
        _new_task_book(project, change, actor)
    _close(
        change,
        actor,
        ChangeStatus.APPROVED if approve else ChangeStatus.REFUSED,
        note,
        action="project.change_approved" if approve else "project.change_refused",
    )
    return change


@transaction.atomic
def change_withdraw(*, change, actor):
    """The lead takes back a change not decided yet."""
    change = _locked_pending(change)
    if lead_pi(change.project) != actor:
        raise WorkflowError(_("Only the lead PI can withdraw the change."), code="forbidden")
    _close(change, actor, ChangeStatus.WITHDRAWN, "", action="project.change_withdrawn")
    return change


def _close(change, actor, status, note, *, action):
    change.status = status
    change.decided_by = actor
    change.decided_at = timezone.now()
    change.decision_note = note
    change.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    record(
        actor=actor,
        action=action,
        proposal=change.project.proposal,
        after={"change": change.pk, "kind": change.kind},
        note=note,
    )
    _tell(change, "change_decided")


# ---- applying an approved change ------------------------------------------------------------


def _apply_reallocation(project, details, actor):
    result = reallocation_check(project, moves_from_details(details))
    _refuse_on(result.problems)
    existing = {
        (line.member_id, line.category, line.year): line for line in project.budget_lines.all()
    }
    for cell, amount in result.cells.items():
        line = existing.get(cell)
        if line is None:
            member, category, year = cell
            ProjectBudgetLine.objects.create(
                project=project, member_id=member, category=category, year=year, amount=amount
            )
        elif line.amount != amount:
            line.amount = amount
            line.save(update_fields=["amount"])
    change_money.shares_follow(project, result.cells, actor=actor)


def _apply_pi(project, details, actor):
    member = _member(project, details["member"])
    member.pi_id = details["pi"]
    member.save(update_fields=["pi"])


def _apply_partner(project, details, actor):
    member = _member(project, details["member"], partner=True)
    member.institution_id = details["institution"]
    member.pi_id = details["pi"]
    member.save(update_fields=["institution", "pi"])


def _apply_extension(project, details, actor):
    months = details["months"]
    _refuse_on(
        change_rules.extension_problems(
            months, project.ends_on, timezone.localdate(), _approved_extensions(project)
        )
    )
    project.ends_on = change_rules.extended_end(project.starts_on, project.duration_months, months)
    project.duration_months += months
    project.save(update_fields=["ends_on", "duration_months"])
    schedule = project_dates.report_schedule(project.starts_on, project.duration_months)
    final = schedule[-1]
    Report.objects.filter(project=project, kind=ReportKind.FINAL, status=ReportStatus.DUE).update(
        year=final.year, due_on=final.due_on
    )
    have = set(project.reports.filter(kind=ReportKind.ANNUAL).values_list("year", flat=True))
    Report.objects.bulk_create(
        Report(project=project, kind=due.kind, year=due.year, due_on=due.due_on)
        for due in schedule[:-1]
        if due.year not in have
    )


# Each applier takes (project, details, actor): the approving officer, for what it audits.
APPLY = {
    ChangeKind.REALLOCATION: _apply_reallocation,
    ChangeKind.PI: _apply_pi,
    ChangeKind.PARTNER: _apply_partner,
    ChangeKind.EXTENSION: _apply_extension,
}


def _new_task_book(project, change, actor):
    project.task_book_version += 1
    project.save(update_fields=["task_book_version"])
    contents = task_book_contents(project)
    contents["signers"] = signing.change_signers(project, contents)
    TaskBook.objects.create(
        project=project,
        number=project.task_book_version,
        contents=contents,
        change=change,
    )
    record(
        actor=actor,
        action="project.task_book_versioned",
        proposal=project.proposal,
        after={
            "number": project.task_book_version,
            "change": change.pk,
            "signers": contents["signers"],
        },
    )


# ---- who hears of it ------------------------------------------------------------------------


def province_officers(codes):
    return User.objects.filter(
        role_grants__role=Role.PROVINCIAL_OFFICER, role_grants__province_id__in=codes
    ).values_list("email", flat=True)


def _tell(change, template):
    project = change.project
    consortium = [m.pi.email for m in accepted_members(project) if m.pi]
    provinces = set(change.details.get("affected", [])) | set(
        change.details.get("consent_from", [])
    )
    emails.send_on_commit(
        consortium + list(province_officers(provinces)),
        template,
        {"change": change, "project": project, "proposal": project.proposal},
    )
