"""Who sees what of the overlap check: its flags, the proposals on their other side, and the
rows of other funders' records and the shared instrument catalogue one may import. Part of
grants.accounts.permissions, the one place that decides, kept in a file of its own."""

from django.core.exceptions import PermissionDenied

from grants.accounts.permissions import (
    OFFICE_ROLES,
    get_office_call,
    is_fund_officer,
    office_proposals_for,
    officer_province_code,
    roles_of,
)


def overlap_flags_for(user):
    """The overlap flags an officer may see: every one for the fund office; for a provincial
    officer those on proposals their province takes part in (an accepted member institution in
    it); none for anyone else, applicants above all."""
    from grants.models import OverlapFlag

    if is_fund_officer(user):
        return OverlapFlag.objects.all()
    if officer_province_code(user):
        return OverlapFlag.objects.filter(proposal__in=office_proposals_for(user).values("pk"))
    return OverlapFlag.objects.none()


def get_overlap_call(user, code):
    """A call's overlap page, for officers only (403 for everyone else)."""
    if not roles_of(user) & OFFICE_ROLES:
        raise PermissionDenied
    return get_office_call(user, code)


def get_overlap_flag(user, code, pk):
    """One flag of the call ``code`` as an officer reads it (404 for a flag on a proposal of
    another province, 403 for everyone but officers)."""
    from django.shortcuts import get_object_or_404

    if not roles_of(user) & OFFICE_ROLES:
        raise PermissionDenied
    flags = overlap_flags_for(user).select_related(
        "call",
        "proposal",
        "other_proposal",
        "external_record",
        "instrument",
        "budget_line__member__institution",
        "resolved_by",
    )
    return get_object_or_404(flags, pk=pk, call__code=code)


def may_screen_overlaps(user) -> bool:
    """Running the check and clearing or marking duplicates are the fund office's."""
    return is_fund_officer(user)


def require_overlap_screener(user):
    if not may_screen_overlaps(user):
        raise PermissionDenied


def readable_other_proposals(user, proposal_ids) -> set:
    """Which of ``proposal_ids`` (the other side of flags) ``user`` may read in full: all for
    the fund office, those their province takes part in for a provincial officer."""
    ids = {pk for pk in proposal_ids if pk}
    if is_fund_officer(user):
        return ids
    return set(office_proposals_for(user).filter(pk__in=ids).values_list("pk", flat=True))


def catalogue_import_scope(user) -> str | None:
    """The one province whose rows ``user`` may import into the external records and the
    shared instrument catalogue: a provincial officer's own; None (any) for the fund office.
    Who may open the pages at all is role_required's (both kinds of officer)."""
    return None if is_fund_officer(user) else officer_province_code(user)
