"""Who may see and do what: the one place that decides.

Views never test roles or ownership themselves; they call the helpers here, and every object
a view shows is fetched through a user-scoped queryset defined here, so an outsider gets a 404
(not someone else's data) and a reader without the right to act gets a 403.
"""

from functools import wraps

from django.core.exceptions import PermissionDenied

from grants.accounts.second_factor import has_second_factor, second_factors
from grants.core.compiled_queries import CompiledQuery
from grants.models import Role

APPLICANT = "applicant"


def roles_of(user) -> frozenset[str]:
    """Every role the user holds. Any signed-in researcher with a profile is an applicant."""
    if not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_portal_roles", None)
    if cached is None:
        grants = {grant.role: grant.province_id for grant in user.role_grants.all()}
        cached = remember_roles(user, grants)
    return cached


def remember_roles(user, grants, has_second_factor=None):
    """Keep on ``user``, for this request, its roles from ``grants`` ({role: province code});
    with ``has_second_factor`` when it was read with them (grants/accounts/backends.py)."""
    user._portal_province_code = grants.get(Role.PROVINCIAL_OFFICER)
    user._portal_roles = frozenset(grants) | ({APPLICANT} if user.profile_complete else set())
    if has_second_factor is not None:
        user._portal_has_second_factor = has_second_factor
    return user._portal_roles


def has_role(user, role) -> bool:
    return role in roles_of(user)


def is_fund_officer(user) -> bool:
    return has_role(user, Role.FUND_OFFICER)


def officer_province_code(user) -> str | None:
    """The province a provincial officer acts for, or None."""
    roles_of(user)
    return getattr(user, "_portal_province_code", None)


def role_required(*roles):
    """Let the view run only for users holding at least one of ``roles`` (403 otherwise)."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not roles_of(request.user) & set(roles):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


# ---- proposals ------------------------------------------------------------------------------


def proposals_for(user):
    """Every proposal ``user`` may read. Drafts stay private to their consortium."""
    from grants.models import Proposal

    if not user.is_authenticated:
        return Proposal.objects.none()
    return _readable(user.pk, Role.FUND_OFFICER in roles_of(user), officer_province_code(user))


def _readable(user_id, fund_officer, province):
    from django.db.models import Q

    from grants.models import UNSUBMITTED, MemberStatus, Proposal, ProposalStatus

    # A discarded draft is gone for its consortium too; only the audit log still names it.
    visible = (
        Q(lead_id=user_id) | Q(members__pi_id=user_id, members__status=MemberStatus.ACCEPTED)
    ) & ~Q(status=ProposalStatus.DISCARDED)
    if fund_officer:
        visible |= ~Q(status__in=UNSUBMITTED)
    if province:
        visible |= ~Q(status__in=UNSUBMITTED) & Q(
            members__institution__province_id=province, members__status=MemberStatus.ACCEPTED
        )
    ids = Proposal.objects.filter(visible).values("pk")
    return Proposal.objects.filter(pk__in=ids)


def _readable_one(fund_officer):
    """The one readable proposal with its call, lead and primary code, by (user id, pk[,
    province code]): a compiled query per kind of reader, since the fund office's condition
    has another shape (grants.core.compiled_queries)."""
    return CompiledQuery(
        lambda user_id, pk, province=None: (
            _readable(user_id, fund_officer, province)
            .select_related("call", "lead", "primary_code")
            .filter(pk=pk)
        )
    )


# Every proposal page reads its proposal through one of these.
_READ_ONE = {True: _readable_one(True), False: _readable_one(False)}


def _proposal_key(pk) -> int:
    """``pk`` as a number a proposal could have, or 404."""
    from django.http import Http404

    try:
        pk = int(pk)
    except (TypeError, ValueError) as error:
        raise Http404 from error
    if not 0 < pk < 2**63:  # no row has such a key, and the database would refuse the number
        raise Http404
    return pk


def get_proposal(user, pk):
    """The proposal, or 404 for anyone who may not read it."""
    from django.http import Http404

    if not user.is_authenticated:
        raise Http404
    pk = _proposal_key(pk)
    province = officer_province_code(user)
    query = _READ_ONE[Role.FUND_OFFICER in roles_of(user)]
    found = query(user.pk, pk, *([province] if province else []))
    if not found:
        raise Http404
    return found[0]


def is_consortium_pi(user, proposal):
    from grants.models import MemberStatus

    return (
        proposal.lead_id == user.pk
        or proposal.members.filter(pi=user, status=MemberStatus.ACCEPTED).exists()
    )


def require_lead(user, proposal):
    """Only the lead PI changes the proposal's texts, consortium and state (403 otherwise)."""
    if proposal.lead_id != user.pk:
        raise PermissionDenied


def may_edit_member(user, member):
    """A PI edits their own institution's team and budget; the lead also fills in the parts
    of partners that have no PI yet."""
    from grants.models import MemberStatus

    if member.status == MemberStatus.REVOKED:
        return False
    if member.pi_id == user.pk and member.status == MemberStatus.ACCEPTED:
        return True
    return member.proposal.lead_id == user.pk and member.pi_id is None


def editable_members(user, proposal):
    return [
        member
        for member in proposal.members.select_related("institution__province", "pi")
        if may_edit_member(user, member)
    ]


# ---- the fund office ------------------------------------------------------------------------


def office_calls_for(user):
    """The calls an officer works on: every call for the fund office, the published ones for a
    provincial officer (a draft has no proposals to show yet)."""
    from grants.models import Call

    if is_fund_officer(user):
        return Call.objects.all()
    if officer_province_code(user):
        return Call.objects.visible_to_applicants()
    return Call.objects.none()


def get_office_call(user, code):
    from django.shortcuts import get_object_or_404

    return get_object_or_404(office_calls_for(user), code=code)


def office_proposals_for(user):
    """The submitted (never draft) proposals an officer may list: all of them for the fund
    office; for a provincial officer only those with an accepted member institution in the
    officer's province, even where the officer also applies elsewhere."""
    from grants.models import Proposal

    reads, province = _office_scope(user)
    return _office_readable(province) if reads else Proposal.objects.none()


def _office_scope(user):
    """(whether ``user`` reads the office's proposals, the one province they are limited to or
    None for all of them)."""
    if is_fund_officer(user):
        return True, None
    province = officer_province_code(user)
    return bool(province), province


def _office_readable(province=None):
    from django.db.models import Exists, OuterRef

    from grants.models import UNSUBMITTED, ConsortiumMember, MemberStatus, Proposal

    submitted = Proposal.objects.exclude(status__in=UNSUBMITTED)
    if province is None:
        return submitted
    in_province = ConsortiumMember.objects.filter(
        proposal=OuterRef("pk"),
        status=MemberStatus.ACCEPTED,
        institution__province_id=province,
    )
    return submitted.filter(Exists(in_province))


def _office_readable_one(pk, province=None):
    return _office_readable(province).select_related("call", "lead", "primary_code").filter(pk=pk)


# Every office page of a proposal reads it through this (grants.core.compiled_queries).
_OFFICE_READ_ONE = CompiledQuery(_office_readable_one)


OFFICE_ROLES = frozenset({Role.FUND_OFFICER, Role.PROVINCIAL_OFFICER})


def get_office_proposal(user, pk):
    """A submitted proposal as an officer reads it: any of them for the fund office, one with
    an accepted institution of their province for a provincial officer (404 for drafts and for
    other provinces' proposals, 403 for everyone else)."""
    from django.http import Http404

    if not roles_of(user) & OFFICE_ROLES:
        raise PermissionDenied
    pk = _proposal_key(pk)
    reads, province = _office_scope(user)
    found = _OFFICE_READ_ONE(pk, *([province] if province else [])) if reads else []
    if not found:
        raise Http404
    return found[0]


def get_proposal_to_screen(user, pk):
    """A submitted proposal for the fund office to screen or return (403 for anyone else)."""
    if not is_fund_officer(user):
        raise PermissionDenied
    return get_office_proposal(user, pk)


def sees_reviewers(user) -> bool:
    """Reviewers' identities (in the audit log, assignments, panels) are the fund office's
    alone: provincial officers read proposals, never who reviewed them."""
    return is_fund_officer(user)


# ---- funded projects ------------------------------------------------------------------------


def projects_for(user):
    """The funded projects ``user`` may read: the fund office's all; a provincial officer's
    those their province pays a share of; a consortium's its own (the lead and the PIs of its
    accepted members)."""
    from django.db.models import Q

    from grants.models import MemberStatus, Project

    if not user.is_authenticated:
        return Project.objects.none()
    if is_fund_officer(user):
        return Project.objects.all()
    visible = Q(proposal__lead=user) | Q(
        proposal__members__pi=user, proposal__members__status=MemberStatus.ACCEPTED
    )
    province = officer_province_code(user)
    if province:
        visible |= Q(decision__shares__province_id=province)
    return Project.objects.filter(pk__in=Project.objects.filter(visible).values("pk"))


def get_project(user, pk):
    """The project, or 404 for anyone who may not read it."""
    from django.shortcuts import get_object_or_404

    return get_object_or_404(
        projects_for(user).select_related("proposal__call", "proposal__lead", "decision"), pk=pk
    )


def get_report(user, pk):
    """A project's report, or 404 for anyone who may not read it: the fund office, the paying
    provinces' officers, the consortium and the experts reviewing it read; the lead edits it."""
    from django.db.models import Q
    from django.shortcuts import get_object_or_404

    from grants.models import Report

    readable = Q(project__in=projects_for(user))
    if user.is_authenticated:
        # An expert reviewing a final report reads that report, not the rest of the project.
        readable |= Q(pk__in=Report.objects.filter(expert_reviews__reviewer=user).values("pk"))
    return get_object_or_404(
        Report.objects.select_related(
            "project__proposal__call", "project__proposal__lead", "project__decision"
        ).filter(readable),
        pk=pk,
    )


def require_project_lead(user, project):
    """Only the lead PI drafts the task book, issues it and writes the reports (403 for the
    project's other readers)."""
    if project.proposal.lead_id != user.pk:
        raise PermissionDenied


def require_fund_officer(user):
    if not is_fund_officer(user):
        raise PermissionDenied


def payment_provinces(user, project):
    """The provinces whose payments on ``project`` the user sees and records: the fund
    office's every paying province; a provincial officer's their own, if it pays a share."""
    shares = project.decision.shares.all()
    if is_fund_officer(user):
        return set(shares.values_list("province_id", flat=True))
    own = officer_province_code(user)
    return {own} if own and shares.filter(province_id=own).exists() else set()


def get_project_payments(user, pk):
    """The project and the provinces whose payments the user may see on it; 404 for anyone
    who may not read the project, 403 for its readers who pay nothing (the consortium)."""
    project = get_project(user, pk)
    provinces = payment_provinces(user, project)
    if not provinces:
        raise PermissionDenied
    return project, provinces


# ---- two-factor sign-in ---------------------------------------------------------------------

# The roles that see unpublished proposals, reviewers' identities or the fund's money.
MFA_ROLES = frozenset({Role.FUND_OFFICER, Role.PROVINCIAL_OFFICER, Role.REVIEWER, Role.PANEL_CHAIR})


def needs_mfa_setup(user) -> bool:
    """A staff role without a second factor yet (an authenticator app or a security key).

    Asked on every request, so the answer rides on the query that loads the roles anyway.
    """
    from django.db.models import Exists, OuterRef, Prefetch, prefetch_related_objects

    from grants.models import RoleGrant

    if not user.is_authenticated:
        return False
    if getattr(user, "_portal_roles", None) is None:
        grants = RoleGrant.objects.annotate(
            has_mfa=Exists(second_factors().filter(user=OuterRef("user")))
        )
        prefetch_related_objects([user], Prefetch("role_grants", queryset=grants))
    if not roles_of(user) & MFA_ROLES:
        return False
    return not has_second_factor(user)


def audit_entries_for(user):
    """The whole audit log, for the fund office only (403 for everyone else)."""
    from grants.models import AuditEntry

    if not is_fund_officer(user):
        raise PermissionDenied
    return AuditEntry.objects.all()


# ---- the JSON API ---------------------------------------------------------------------------


def api_tokens_for(user):
    """A person's own API tokens. Officers make them, for the scripts of the fund office and
    the provinces (403 for everyone else; anyone may still use the API signed in)."""
    from grants.models import ApiToken

    if not roles_of(user) & OFFICE_ROLES:
        raise PermissionDenied
    return ApiToken.objects.filter(user=user)


def api_calls_for(user):
    """The calls the API lists: every call for the fund office, as on its call pages; the
    published ones for everyone else, as on the public call list."""
    from grants.models import Call

    return Call.objects.all() if is_fund_officer(user) else Call.objects.visible_to_applicants()


def decisions_for(user):
    """Funding decisions and their award shares: on the proposals an officer may list (all for
    the fund office, their province's for a provincial officer); none for anyone else."""
    from grants.models import Decision

    if is_fund_officer(user):
        return Decision.objects.all()  # only submitted proposals are ever decided
    if not officer_province_code(user):
        return Decision.objects.none()
    return Decision.objects.filter(proposal__in=office_proposals_for(user).values("pk"))


def ledger_provinces_for(user):
    """The provinces whose ledger ``user`` reads: every funding province for the fund office,
    their own for a provincial officer (403 for everyone else)."""
    from grants.models import Province

    if is_fund_officer(user):
        return Province.objects.filter(is_funding=True)
    if officer_province_code(user):
        return Province.objects.filter(code=officer_province_code(user))
    raise PermissionDenied


def payments_for(user):
    """The instalments ``user`` sees and pays, as on the projects' payments pages: every one for
    the fund office, their province's for a provincial officer, none for anyone else."""
    from grants.models import Payment

    if is_fund_officer(user):
        return Payment.objects.all()
    province = officer_province_code(user)
    if province:
        return Payment.objects.filter(share__province_id=province)
    return Payment.objects.none()


def reports_for(user):
    """The reports of the projects ``user`` may read (an expert's single report is read on its
    page, not listed)."""
    from grants.models import Report

    return Report.objects.filter(project__in=projects_for(user).values("pk"))


def external_records_for(user):
    """Other funders' records, as on the records page: both kinds of officer read them all."""
    from grants.models import ExternalRecord

    if not roles_of(user) & OFFICE_ROLES:
        return ExternalRecord.objects.none()
    return ExternalRecord.objects.all()


def sees_aggregate_scores(user) -> bool:
    """The reviews' aggregate score (never who gave it) is for the officers, as on their
    proposal lists; applicants read their scores in the evaluation summary after the decision."""
    return bool(roles_of(user) & OFFICE_ROLES)


def share_province_scope(user) -> str | None:
    """Whose award shares an officer reads on a decision: every province's for the fund office
    (None), their own for a provincial officer, as in the ledger."""
    return None if is_fund_officer(user) else officer_province_code(user)
