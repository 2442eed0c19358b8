"""The fund office's screening of overlap flags: starting the check, clearing a flag or marking
it a duplicate, and what a flag's page shows.

A flag's ``evidence`` (grants.models.OverlapFlag) has one shape per kind:

- text (``kind="text"``)::

      {"text_a": "the flagged proposal's text that was compared",
       "text_b": "the other side's text (proposal, project or external record)",
       "spans": [[start_a, end_a, start_b, end_b], ...]}

  Each span is one shared passage: ``text_a[start_a:end_a]`` matches
  ``text_b[start_b:end_b]`` (character offsets, end excluded), so the page highlights both
  sides without comparing the texts again.
- person, team, running project::

      {"people": [{"name": ..., "institution": ..., "orcid": ..., "matched_by": "orcid" |
                   "email" | "name"}, ...],
       "proposals": ["<reference>", ...]}

  who is shared and the proposals (or projects) they lead or take part in.
- instrument::

      {"instrument": "what the line names", "amount": "650000.00", "year": 1,
       "reason": "the applicant's reason"}

  kept beside ``budget_line`` because a draft's budget lines are replaced on every save.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from grants.core.audit import record
from grants.core.compiled_queries import CompiledQuery
from grants.core.errors import WorkflowError
from grants.models import FlagStatus, OverlapFlag, OverlapRun
from grants.overlaps import passages


def start_check(call, actor):
    """Queue the background check of ``call``'s submitted proposals; the OverlapRun queued."""
    from grants.overlaps.checks import overlap_check_start  # the engine (merged beside this)

    return overlap_check_start(call=call, actor=actor)


def latest_run(call):
    return OverlapRun.objects.filter(call=call).select_related("started_by").first()


@transaction.atomic
def flag_resolve(*, flag, actor, status, reason=""):
    """Clear ``flag`` or mark it a duplicate (a reason required), or open it again; audited on
    the flagged proposal, so the screening and the proposal's log show it."""
    reason = (reason or "").strip()
    if status not in FlagStatus.values:
        raise WorkflowError(_("Choose how to screen this overlap."), code="status")
    if status == FlagStatus.DUPLICATE and not reason:
        raise WorkflowError(_("Give the reason why this is a duplicate."), code="reason")
    flag = OverlapFlag.objects.select_for_update().select_related("proposal__call").get(pk=flag.pk)
    before = {"status": flag.status, "reason": flag.reason}
    flag.status, flag.reason = status, reason
    opened = status == FlagStatus.OPEN
    flag.resolved_by = None if opened else actor
    flag.resolved_at = None if opened else timezone.now()
    flag.save(update_fields=["status", "reason", "resolved_by", "resolved_at", "updated_at"])
    action = "overlap.open" if opened else "overlap.cleared"
    if status == FlagStatus.DUPLICATE:
        action = "overlap.duplicate"
    record(
        actor=actor,
        action=action,
        proposal=flag.proposal,
        before=before,
        after={"flag": flag.pk, "kind": flag.kind, "status": status, "reason": reason},
    )
    return flag


# Read by every office page of a proposal: compiled once per process, without the compared
# texts and the other proposal's snapshot, which the page never shows.
_proposal_flags = CompiledQuery(
    lambda proposal_id: (
        OverlapFlag.objects.filter(proposal_id=proposal_id)
        .exclude(status=FlagStatus.CLEARED)
        .select_related("other_proposal", "external_record", "instrument")
        .defer("evidence", "other_proposal__snapshot")
        .order_by("status", "-score", "pk")
    )
)


def proposal_flags(proposal):
    """The flags the screening of ``proposal`` weighs: open and duplicate ones (cleared ones
    are settled), duplicates first, then by score."""
    return _proposal_flags(proposal.pk)


def text_sides(flag, *, other_readable):
    """The two sides of a text flag as highlighted segments. When the reader may not read the
    other proposal, its side is withheld and only the reader's own shared passages are named."""
    evidence = flag.evidence if isinstance(flag.evidence, dict) else {}
    spans = evidence.get("spans") or []
    own = passages.segments(str(evidence.get("text_a", "")), passages.side_spans(spans, "a"))
    other = (
        passages.segments(str(evidence.get("text_b", "")), passages.side_spans(spans, "b"))
        if other_readable
        else None
    )
    return own, other


def instrument_facts(flag):
    """The budget line, the named instrument and the applicant's reason of an instrument flag:
    from the line while it exists, else from what the check kept in the evidence."""
    evidence = flag.evidence if isinstance(flag.evidence, dict) else {}
    line = flag.budget_line
    return {
        "instrument": line.instrument if line else evidence.get("instrument", ""),
        "reason": line.shared_instrument_reason if line else evidence.get("reason", ""),
        "amount": line.amount if line else evidence.get("amount"),
        "year": line.year if line else evidence.get("year"),
        "institution": line.member.institution.name if line else "",
    }
