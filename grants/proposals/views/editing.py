"""What the consortium's editing pages (team, budget) share."""

from django.contrib import messages
from django.shortcuts import redirect

from grants.core.errors import WorkflowError
from grants.proposals import proposal_workflow


def refused_unless_editable(request, proposal, *to):
    """None while the proposal may change; else a redirect to the read-only page ``to`` with
    the workflow's reason. The pages offer no form then: this answers one posted from a page
    opened before the proposal was submitted or the deadline passed."""
    try:
        proposal_workflow.require_editable(proposal)
    except WorkflowError as error:
        messages.error(request, error.message)
        return redirect(*to)
    return None
