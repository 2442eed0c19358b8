"""What each role's dashboard shows: the next things to do, read through scoped queries."""

from dataclasses import dataclass, field

from django.db.models import Count, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from grants.accounts.permissions import APPLICANT, officer_province_code, roles_of
from grants.core.compiled_queries import CompiledQuery
from grants.core.money import format_yuan
from grants.funding.outcomes import final_decisions
from grants.models import (
    UNSUBMITTED,
    Call,
    CallStatus,
    ConsortiumMember,
    Institution,
    Invitation,
    MemberStatus,
    Proposal,
    ProposalStatus,
    Province,
    Role,
)
from grants.models.decisions import Outcome


@dataclass
class Item:
    label: str
    url: str
    note: str = ""
    links: list = field(default_factory=list)  # (label, url) of documents beside the item


@dataclass
class Section:
    role: str
    title: str
    items: list = field(default_factory=list)
    empty: str = ""
    template: str = "grants/site/dashboard_section.html"


def public_summary():
    return {
        "funding_provinces": Province.objects.filter(is_funding=True),
        "institution_count": Institution.objects.count(),
        "open_calls": Call.objects.open_now().order_by("closes_at"),
    }


# Every dashboard reads these, whatever the user's roles: their SQL is compiled once per
# process (grants.core.compiled_queries), which saves more Python than running them costs.
_institution = CompiledQuery(
    lambda institution_id: Institution.objects.select_related("province").filter(pk=institution_id)
)
_open_invitations = CompiledQuery(
    lambda email, now: Invitation.objects.filter(
        email__iexact=email, used_at=None, revoked_at=None, expires_at__gt=now
    ).select_related("member__proposal")
)
_open_calls = CompiledQuery(lambda now: Call.objects.open_now(now).order_by("closes_at"))


def affiliation(user):
    """The user's institution with its province, for the dashboard's heading: one query for
    both instead of one each."""
    if not user.institution_id:
        return None
    return next(iter(_institution(user.institution_id)), None)


def sections_for(user):
    roles = roles_of(user)
    builders = [
        (Role.FUND_OFFICER, fund_officer_section),
        (Role.PROVINCIAL_OFFICER, provincial_officer_section),
        (Role.PANEL_CHAIR, panel_chair_section),
        (Role.REVIEWER, reviewer_section),
        (APPLICANT, applicant_section),
    ]
    sections = [build(user) for role, build in builders if role in roles]
    waiting = [
        section for section in (signatures_section(user), project_work_section(user)) if section
    ]
    return [*waiting, *sections]


def signatures_section(user):
    """The task books waiting for the user's signature (a consortium PI's acceptance or a
    provincial officer's countersignature), or None when none is."""
    from grants.projects.signing import awaiting_signature

    waiting = awaiting_signature(user)
    if not waiting:
        return None
    return Section(
        role="signatures",
        title=_("Task books to sign"),
        items=[
            Item(
                label=project.proposal.reference or project.proposal.title,
                url=reverse("task_book", args=[project.pk]),
                note=_("sign for %(parties)s") % {"parties": "; ".join(labels)},
            )
            for project, labels in waiting
        ],
    )


def project_work_section(user):
    """The changes waiting for the user's province's consent, and for the fund office the
    reports and changes waiting for its decision; None when there is nothing."""
    from grants.projects.waiting import changes_to_consent, office_decisions

    reports, ready = office_decisions(user)
    items = [
        Item(
            label=_project_label(change.project),
            url=reverse("change_detail", args=[change.project_id, change.pk]),
            note=_("consent to the change: %(kind)s") % {"kind": change.get_kind_display()},
        )
        for change in changes_to_consent(user)
    ]
    items += [
        Item(
            label=_project_label(report.project),
            url=reverse("report_detail", args=[report.pk]),
            note=_("decide on the report: %(kind)s, year %(year)s")
            % {"kind": report.get_kind_display(), "year": report.year},
        )
        for report in reports
    ]
    items += [
        Item(
            label=_project_label(change.project),
            url=reverse("change_detail", args=[change.project_id, change.pk]),
            note=_("decide on the change: %(kind)s") % {"kind": change.get_kind_display()},
        )
        for change in ready
    ]
    if not items:
        return None
    return Section(role="project-work", title=_("Projects waiting for you"), items=items)


def _project_label(project):
    return project.proposal.reference or project.proposal.title


def _own_proposals(user_id):
    """The proposals the user leads or is an accepted member of, asked directly: going through
    proposals_for would make the database scan every proposal an officer may read. Their ids
    come from the union of two index lookups; with an OR of the two conditions instead, the
    databases checked the condition against every proposal."""
    member_of = ConsortiumMember.objects.filter(pi_id=user_id, status=MemberStatus.ACCEPTED).values(
        "proposal_id"
    )
    led = Proposal.objects.filter(lead_id=user_id).values("pk")
    return (
        Proposal.objects.filter(pk__in=member_of.order_by().union(led.order_by()))
        .exclude(status=ProposalStatus.DISCARDED)
        .for_lists()
        .select_related("call")
        .order_by("-updated_at")
    )


_own = CompiledQuery(_own_proposals)


def applicant_section(user):
    items = [
        Item(
            label=_("Invitation: join “%(title)s”")
            % {"title": invitation.member.proposal.title or "—"},
            url=reverse("consortium", args=[invitation.member.proposal_id]),
            note=_("answer by %(date)s")
            % {"date": timezone.localtime(invitation.expires_at).date()},
        )
        for invitation in _open_invitations(user.email, timezone.now())
    ]
    mine = _own(user.pk)
    # Only a decided call's proposals have a decision to show: none, no query.
    in_decided = [p.pk for p in mine if p.call.status == CallStatus.DECIDED]
    decided = {
        decision.proposal_id: decision
        for decision in (final_decisions().filter(proposal__in=in_decided) if in_decided else [])
    }
    items += [_proposal_item(proposal, decided.get(proposal.pk)) for proposal in mine]
    for call in _open_calls(timezone.now()):
        items.append(
            Item(
                label=_("Open call: %(title)s") % {"title": call.title},
                url=reverse("call_detail", args=[call.code]),
                note=_("closes %(when)s")
                % {"when": f"{timezone.localtime(call.closes_at):%Y-%m-%d %H:%M}"},
            )
        )
    return Section(
        role=APPLICANT,
        title=_("My proposals"),
        items=items,
        empty=_("You have no proposals yet, and no call is open right now."),
    )


def _proposal_item(proposal, decision):
    """A proposal in its consortium's list: its state, or once the call is decided its outcome
    with the letter and the evaluation summary."""
    editing = proposal.status in {ProposalStatus.DRAFT, ProposalStatus.RETURNED}
    state = decision.outcome_text if decision else proposal.get_status_display()
    deadline = (
        f" · {_('deadline')} {timezone.localtime(proposal.call.closes_at):%Y-%m-%d %H:%M}"
        if editing
        else ""
    )
    links = []
    if decision:
        letter = _("Award letter") if decision.outcome == Outcome.FUNDED else _("Decision letter")
        links = [
            (letter, reverse("decision_letter", args=[proposal.pk])),
            (_("Evaluation summary"), reverse("evaluation_summary", args=[proposal.pk])),
        ]
    return Item(
        label=proposal.reference or proposal.title or _("Untitled proposal"),
        url=reverse("proposal_detail", args=[proposal.pk]),
        note=f"{state} · {proposal.call.title}{deadline}",
        links=links,
    )


def _received_per_call(**conditions):
    """The count of received proposals of the outer query's call that meet ``conditions``:
    COUNT(*) over the proposal_received_provinces index alone (per call, far cheaper than
    joining the proposals' rows to their call and grouping them)."""
    received = (
        Proposal.objects.filter(call=OuterRef("pk"), **conditions)
        .exclude(status__in=UNSUBMITTED)
        .order_by()
        .values("call")
        .annotate(n=Count("*"))
        .values("n")
    )
    return Coalesce(Subquery(received), 0)


# The office dashboards' calls with their counts, asked on every visit: the SQL is compiled
# once per process (grants.core.compiled_queries).
_calls_with_received = CompiledQuery(
    lambda: Call.objects.annotate(listed=_received_per_call()).order_by("-opens_at", "code")
)


def fund_officer_section(user):
    calls = _calls_with_received()
    items = [
        Item(
            label=_("All calls, drafts included"),
            url=reverse("office_call_list"),
            note=_("create, edit, open and close calls"),
        )
    ]
    for call in calls:
        listed = call.status != CallStatus.DRAFT
        items.append(
            Item(
                label=call.title,
                url=reverse("office_proposals" if listed else "office_call", args=[call.code]),
                note=f"{call.get_status_display()} · "
                + ngettext("%(n)d proposal", "%(n)d proposals", call.listed) % {"n": call.listed},
            )
        )
    return Section(
        role=Role.FUND_OFFICER,
        title=_("Fund office"),
        items=items,
        empty=_("No calls are set up yet."),
    )


def _province_calls(province_code):
    # A received proposal keeps its accepted members' provinces (Proposal.member_provinces,
    # six-digit codes separated by spaces), which the index of the counts holds, where a join
    # over every member took 20 ms a call at scale. The code goes in as a Value so that it is
    # a plain parameter of the compiled SQL (the database, not Python, wraps it in wildcards).
    in_province = Q(contributions__province=province_code)
    return (
        Call.objects.visible_to_applicants()
        .filter(in_province)
        .annotate(
            contributed=Sum("contributions__amount", filter=in_province),
            involving=_received_per_call(member_provinces__contains=Value(province_code)),
        )
        .order_by("-opens_at", "code")
    )


_calls_of_province = CompiledQuery(_province_calls)
_province = CompiledQuery(lambda code: Province.objects.filter(code=code))


def provincial_officer_section(user):
    [province] = _province(officer_province_code(user))
    calls = _calls_of_province(province.code)
    records = Item(
        label=_("Other funders' records"),
        url=reverse("external_records"),
        note=_("upload %(province)s's records; the shared instruments beside them")
        % {"province": province.name},
    )
    items = [records] + [
        Item(
            label=call.title,
            url=reverse("office_proposals", args=[call.code]),
            links=[(_("Overlaps"), reverse("overlap_list", args=[call.code]))],
            note=ngettext(
                "contribution %(amount)s · %(n)d proposal with %(province)s institutions",
                "contribution %(amount)s · %(n)d proposals with %(province)s institutions",
                call.involving,
            )
            % {
                "amount": format_yuan(call.contributed),
                "n": call.involving,
                "province": province.name,
            },
        )
        for call in calls
    ]
    return Section(
        role=Role.PROVINCIAL_OFFICER,
        title=_("Provincial office: %(province)s") % {"province": province.name},
        items=items,
        empty=_("No call draws on this province's money yet."),
    )


def _waiting_reviews(reviewer_id):
    from reviews.models import AssignmentStatus
    from reviews.permissions import assignments_listed

    return assignments_listed(reviewer_id).filter(
        status__in=[AssignmentStatus.INVITED, AssignmentStatus.ACCEPTED],
        review__submitted_at__isnull=True,
    )


_waiting_for_reviewer = CompiledQuery(_waiting_reviews)


def reviewer_section(user):
    from reviews.models import AssignmentStatus

    waiting = _waiting_for_reviewer(user.pk)
    items = [
        Item(
            label=f"{item.proposal.reference} · {item.proposal.title}",
            url=reverse(
                "review_invitation" if item.status == AssignmentStatus.INVITED else "review_form",
                args=[item.pk],
            ),
            note=(
                _("invitation to answer")
                if item.status == AssignmentStatus.INVITED
                else _("review to write")
            )
            + (
                f" · {_('due')} {timezone.localtime(item.call.review_deadline):%Y-%m-%d}"
                if item.call.review_deadline
                else ""
            ),
        )
        for item in waiting
    ]
    return Section(
        role=Role.REVIEWER,
        title=_("My reviews"),
        items=items,
        empty=_("No review invitations are waiting for you."),
    )


def panel_chair_section(user):
    from reviews.models import Panel

    items = [
        Item(
            label=panel.name,
            url=reverse("panel_page", args=[panel.pk]),
            note=_("ranking locked") if panel.locked_at else _("ranking to agree and lock"),
        )
        for panel in Panel.objects.filter(chair=user)
    ]
    return Section(
        role=Role.PANEL_CHAIR,
        title=_("Panels I chair"),
        items=items,
        empty=_("No panel is waiting for you."),
    )
