"""What the funded projects wait for from a user, for the dashboard: a provincial officer's
consent to a change that moves its province's money, the fund office's decision on a
submitted report or on a change every affected province has consented to."""

from grants.accounts.permissions import is_fund_officer, officer_province_code
from grants.core.compiled_queries import CompiledQuery
from grants.models import AwardShare, ChangeRequest, ChangeStatus, Report, ReportStatus
from grants.projects.changes import consents_missing


def _pending_changes():
    return (
        ChangeRequest.objects.filter(status=ChangeStatus.PENDING)
        .select_related("project__proposal")
        .prefetch_related("consents")
        .order_by("requested_at", "pk")
    )


# The officers' dashboards ask on every visit: their SQL is compiled once per process. The
# province's shares are a subquery of decisions, not a join made DISTINCT, which the database
# plans in a fraction of the time.
_pending_in_province = CompiledQuery(
    lambda province: _pending_changes().filter(
        project__decision__in=AwardShare.objects.filter(province_id=province).values("decision")
    )
)
_pending = CompiledQuery(_pending_changes)
_submitted_reports = CompiledQuery(
    lambda: (
        Report.objects.filter(status=ReportStatus.SUBMITTED)
        .select_related("project__proposal")
        .order_by("submitted_at", "pk")
    )
)


def changes_to_consent(user):
    """The pending changes waiting for the consent of ``user``'s province."""
    province = officer_province_code(user)
    if not province:
        return []
    pending = _pending_in_province(province)
    return [change for change in pending if province in consents_missing(change)]


def office_decisions(user):
    """(submitted reports, changes with every consent given) for the fund office; empty
    for anyone else."""
    if not is_fund_officer(user):
        return [], []
    ready = [change for change in _pending() if not consents_missing(change)]
    return _submitted_reports(), ready
