"""What the change pages and the project page's changes and early-end section show."""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from grants.accounts.permissions import is_fund_officer, payment_provinces
from grants.core.money import format_yuan
from grants.models import (
    AwardCategory,
    ChangeKind,
    ChangeStatus,
    ConsortiumMember,
    Institution,
    ProjectStatus,
    Province,
    User,
)
from grants.projects import change_forms, changes, early_end


@dataclass
class ChangeRow:
    change: object
    waiting_for: list  # the names of the provinces whose consent is still missing


def change_rows(project, limit=None):
    rows = project.changes.select_related("requested_by").prefetch_related("consents")
    rows = rows[:limit] if limit else rows
    names = {p.code: p.name for p in Province.objects.all()}
    return [
        ChangeRow(change, [names.get(c, c) for c in changes.consents_missing(change)])
        for change in rows
    ]


def change_summary(change):
    """The change in words, line by line."""
    details = change.details
    lines = []
    if change.kind == ChangeKind.REALLOCATION:
        members = {
            m.pk: m.institution.name
            for m in ConsortiumMember.objects.filter(
                proposal=change.project.proposal
            ).select_related("institution")
        }
        labels = dict(AwardCategory.choices)

        def cell(c):
            member, category, year = c
            return f"{members.get(member, member)} · {labels.get(category, category)} · " + (
                _("year %(year)s") % {"year": year}
            )

        for move in details.get("moves", []):
            lines.append(
                _("%(amount)s from %(source)s to %(target)s")
                % {
                    "amount": format_yuan(move["amount"]),
                    "source": cell(move["from"]),
                    "target": cell(move["to"]),
                }
            )
        if details.get("office_alone"):
            lines.append(
                _("Within one member and a tenth of each category: the office decides alone.")
            )
    elif change.kind in (ChangeKind.PI, ChangeKind.PARTNER):
        member = ConsortiumMember.objects.select_related("institution", "pi").get(
            pk=details["member"]
        )
        pi = User.objects.filter(pk=details["pi"]).first()
        if change.kind == ChangeKind.PARTNER:
            institution = Institution.objects.select_related("province").get(
                pk=details["institution"]
            )
            lines.append(
                _("%(old)s is replaced by %(new)s (%(province)s).")
                % {
                    "old": member.institution.name,
                    "new": institution.name,
                    "province": institution.province.name,
                }
            )
        lines.append(
            _("New PI of %(member)s: %(name)s <%(email)s>")
            % {
                "member": member.institution.name,
                "name": pi.name if pi else "",
                "email": details["email"],
            }
        )
    elif change.kind == ChangeKind.EXTENSION:
        lines.append(_("Extension by %(months)s months.") % {"months": details["months"]})
    consent = details.get("consent_from", [])
    names = {p.code: p.name for p in Province.objects.filter(code__in=consent)}
    if consent:
        lines.append(
            _("Needs the consent of: %(provinces)s")
            % {"provinces": "、".join(names.get(code, code) for code in consent)}
        )
    return lines


def project_changes_context(user, project):
    """The project page's changes, refunds and, for the fund office, the early-end forms."""
    office = is_fund_officer(user)
    context = {
        "recent_changes": change_rows(project, limit=5),
        "may_request_change": project.status == ProjectStatus.RUNNING
        and changes.lead_pi(project) == user,
        "change_kinds": ChangeKind.choices,
        "refunds": list(project.refunds.select_related("province").order_by("province_id")),
        # Who records money received back: the province's officer or the fund office.
        "refund_provinces": payment_provinces(user, project),
        "office_early_end": office,
        "pending_change": project.changes.filter(status=ChangeStatus.PENDING).exists(),
    }
    if office:
        context.update(early_end_forms(project))
    return context


def early_end_forms(project, **bound):
    paid = early_end.paid_by_province(project)
    provinces = list(Province.objects.filter(code__in=paid).order_by("code"))
    return {
        "suspend_form": bound.get("suspend_form") or change_forms.SuspendForm(prefix="suspend"),
        "terminate_form": bound.get("terminate_form")
        or change_forms.TerminateForm(prefix="terminate", paid=paid, provinces=provinces),
        "paid_by_province": paid,
    }
