"""Errors and checks shared by every part of the workflow."""

from datetime import timedelta

from django.utils.translation import gettext_lazy as _

from grants.models import (
    ProposalStatus,
)

INVITATION_LIFETIME = timedelta(days=14)

# (from, to) pairs a proposal may move along; anything else is refused.
TRANSITIONS = {
    (ProposalStatus.DRAFT, ProposalStatus.SUBMITTED),
    # Only a draft that never reached the fund office: a returned proposal has a reference.
    (ProposalStatus.DRAFT, ProposalStatus.DISCARDED),
    (ProposalStatus.RETURNED, ProposalStatus.SUBMITTED),
    (ProposalStatus.SUBMITTED, ProposalStatus.WITHDRAWN),
    (ProposalStatus.SUBMITTED, ProposalStatus.RETURNED),
}


class WorkflowError(Exception):
    def __init__(self, message, code="refused"):
        super().__init__(message)
        self.message = message
        self.code = code


class StaleEdit(WorkflowError):
    def __init__(self):
        super().__init__(
            _(
                "Someone else saved this proposal after you opened it. Your text is still "
                "below but was NOT saved: copy what you need, reload the page and apply it again."
            ),
            code="stale",
        )


class NotEligible(WorkflowError):
    def __init__(self, violations):
        super().__init__(_("The proposal does not meet the call's rules yet."), code="ineligible")
        self.violations = violations


def _require_open(call, now):
    if not call.is_open(now):
        raise WorkflowError(
            _("The call is closed: nothing can be submitted or changed any more."), code="closed"
        )


def _require_transition(proposal, target):
    if (proposal.status, target) not in TRANSITIONS:
        raise WorkflowError(
            _("A proposal that is %(status)s cannot be %(target)s.")
            % {"status": proposal.get_status_display(), "target": ProposalStatus(target).label},
            code="transition",
        )
