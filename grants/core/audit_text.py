"""What an audit entry means, in words: one label per action the portal writes, and its
change (``before`` → ``after``) as short text. Pure: plain values in, text out, in the
reader's language (the labels are translated).

Every action passed to grants.core.audit.record must have a label here; tests/grants/test_audit_text
finds them all in the code and fails on a new one without its label.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

ACTION_LABELS = {
    "api_token.created": gettext_lazy("API token made"),
    "api_token.revoked": gettext_lazy("API token revoked"),
    "assignment.accepted": gettext_lazy("Reviewer accepted the invitation"),
    "assignment.added": gettext_lazy("Reviewer added to a proposal"),
    "assignment.adjusted": gettext_lazy("Proposed assignment adjusted"),
    "assignment.conflict_declared": gettext_lazy("Reviewer declared a conflict of interest"),
    "assignment.declined": gettext_lazy("Reviewer declined the invitation"),
    "assignment.published": gettext_lazy("Reviewer assignment published"),
    "assignment.run_started": gettext_lazy("Reviewer assignment computed"),
    "budget.saved": gettext_lazy("Budget saved"),
    "call.closed": gettext_lazy("Call closed"),
    "call.created": gettext_lazy("Call created"),
    "call.criteria_updated": gettext_lazy("Review criteria changed"),
    "call.deadline_extended": gettext_lazy("Call deadline extended"),
    "call.decided": gettext_lazy("Call decided"),
    "call.opened": gettext_lazy("Call opened"),
    "call.panel_started": gettext_lazy("Panel stage started"),
    "call.review_started": gettext_lazy("Review stage started"),
    "call.updated": gettext_lazy("Call changed"),
    "call.open_data": gettext_lazy("Open data publication changed"),
    "export.requested": gettext_lazy("Export requested"),
    "export.retried": gettext_lazy("Export requested again"),
    "expert_invitation.accepted": gettext_lazy("Expert joined the reviewer pool"),
    "expert_invitation.declined": gettext_lazy("Expert declined to join the reviewer pool"),
    "expert_invitation.revoked": gettext_lazy("Expert invitation withdrawn"),
    "expert_invitation.sent": gettext_lazy("Expert invited to the reviewer pool"),
    "external_records.imported": gettext_lazy("Other funders' records imported"),
    "funding.committed": gettext_lazy("Funding committed"),
    "funding.confirmed": gettext_lazy("Province confirmed its funding"),
    "funding.draw_annulled": gettext_lazy("Draw at the funding line annulled"),
    "funding.draw_run": gettext_lazy("Draw at the funding line held"),
    "funding.draw_seed_fixed": gettext_lazy("Seed of the draw at the funding line fixed"),
    "funding.draw_witnessed": gettext_lazy("Witness of the draw at the funding line recorded"),
    "funding.final": gettext_lazy("Funding final"),
    "institution.requested": gettext_lazy("New institution requested"),
    "invitation.accepted": gettext_lazy("Partner accepted the consortium invitation"),
    "invitation.declined": gettext_lazy("Partner declined the consortium invitation"),
    "invitation.sent": gettext_lazy("Partner invited to the consortium"),
    "member.added": gettext_lazy("Institution added to the consortium"),
    "member.revoked": gettext_lazy("Institution removed from the consortium"),
    "overlap.check_started": gettext_lazy("Overlap check started"),
    "overlap.cleared": gettext_lazy("Overlap flag cleared"),
    "overlap.duplicate": gettext_lazy("Overlap flag marked a duplicate"),
    "overlap.open": gettext_lazy("Overlap flag opened again"),
    "panel.consensus": gettext_lazy("Consensus score recorded"),
    "panel.created": gettext_lazy("Panel created"),
    "panel.locked": gettext_lazy("Panel ranking locked"),
    "payments.recorded": gettext_lazy("Payments recorded"),
    "project.change_approved": gettext_lazy("Project change approved"),
    "project.change_consent_refused": gettext_lazy(
        "A province refused its consent to a project change"
    ),
    "project.change_consented": gettext_lazy("A province consented to a project change"),
    "project.change_refused": gettext_lazy("Project change refused"),
    "project.change_requested": gettext_lazy("Project change requested"),
    "project.change_withdrawn": gettext_lazy("Project change withdrawn"),
    "project.milestone_added": gettext_lazy("Milestone added to the task book"),
    "project.milestone_changed": gettext_lazy("Task book milestone changed"),
    "project.milestone_deleted": gettext_lazy("Milestone removed from the task book"),
    "project.refund_received": gettext_lazy("Refund received back by a province"),
    "project.resumed": gettext_lazy("Project resumed"),
    "project.suspended": gettext_lazy("Project suspended"),
    "project.task_book_issued": gettext_lazy("Task book issued for signature"),
    "project.task_book_signed": gettext_lazy("Task book signed"),
    "project.task_book_versioned": gettext_lazy("New task book version after a change"),
    "project.task_book_version_signed": gettext_lazy(
        "A changed task book is signed by every party it touches"
    ),
    "project.terminated": gettext_lazy("Project terminated"),
    "project.opened": gettext_lazy("Project opened on the award"),
    "project.shares_rescheduled": gettext_lazy(
        "Provinces' shares and instalments follow an approved change"
    ),
    "project.started": gettext_lazy("Project started"),
    "project.expert_assigned": gettext_lazy("Final report sent to an expert"),
    "project.expert_reviewed": gettext_lazy("Expert review of a final report submitted"),
    "project.report_accepted": gettext_lazy("Project report accepted"),
    "project.report_returned": gettext_lazy("Project report returned to the consortium"),
    "project.report_saved": gettext_lazy("Project report saved"),
    "project.report_spending_saved": gettext_lazy("A member's spending saved in a project report"),
    "project.report_submitted": gettext_lazy("Project report submitted"),
    "project.payment_recorded": gettext_lazy("Payment recorded against an instalment"),
    "proposal.created": gettext_lazy("Proposal started"),
    "proposal.discarded": gettext_lazy("Draft discarded"),
    "proposal.returned": gettext_lazy("Proposal returned to the applicants"),
    "proposal.saved": gettext_lazy("Proposal saved"),
    "proposal.screened": gettext_lazy("Proposal screened"),
    "proposal.submitted": gettext_lazy("Proposal submitted"),
    "proposal.withdrawn": gettext_lazy("Proposal withdrawn"),
    "ranking_fit.started": gettext_lazy("Calibrated ranking fitted"),
    "publication.deleted": gettext_lazy("Publication removed"),
    "publications.imported": gettext_lazy("Reviewers' publications imported"),
    "publications.orcid_uploaded": gettext_lazy("ORCID works uploaded"),
    "review.reopened": gettext_lazy("Review reopened by the fund office"),
    "review.saved": gettext_lazy("Review draft saved"),
    "review.submitted": gettext_lazy("Review submitted"),
    "reviewer.availability_reopened": gettext_lazy("Reviewers available again"),
    "reviewer.settings_saved": gettext_lazy("Reviewer settings saved"),
    "reviewers.imported": gettext_lazy("Reviewers imported"),
    "shared_instruments.imported": gettext_lazy("Shared instruments imported"),
}

# Values longer than this are cut: the page shows what changed, the JSON keeps it whole.
VALUE_LENGTH = 80


def action_label(action):
    """The action in words; an action without a label (written by older code) as it is."""
    label = ACTION_LABELS.get(action)
    return str(label) if label else action


def change_text(before, after):
    """The change as "key: old → new" parts joined by "; ", or "" when nothing was kept."""
    before = before if isinstance(before, dict) else {}
    if after is not None and not isinstance(after, dict):
        after = {"fields": after}
    after = after or {}
    parts = []
    for key in [*before, *(key for key in after if key not in before)]:
        if key in before and key in after:
            parts.append(f"{key}: {_value(before[key])} → {_value(after[key])}")
        elif key in after:
            parts.append(f"{key}: {_value(after[key])}")
        else:
            parts.append(f"{key}: {_value(before[key])} → {_('none')}")
    return "; ".join(parts)


def describe(action, before, after):
    """One line for the audit page and its CSV: the action in words, then its change."""
    change = change_text(before, after)
    label = action_label(action)
    return f"{label}: {change}" if change else label


def _value(value):
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, list):
        if len(value) > 5:
            return _("%(n)d items") % {"n": len(value)}
        value = ", ".join(_value(item) for item in value)
    elif isinstance(value, dict):
        value = ", ".join(f"{key}={_value(item)}" for key, item in value.items())
    text = str(value)
    return text if len(text) <= VALUE_LENGTH else text[: VALUE_LENGTH - 1] + "…"
