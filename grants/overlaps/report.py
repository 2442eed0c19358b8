"""A call's overlaps as pairs, for batch use (the `overlap_report` command)."""

from decimal import Decimal

from grants.models import OverlapFlag, OverlapRun
from grants.models.overlaps import FlagStatus
from grants.overlaps import checks


def _ref(proposal):
    return proposal.reference or f"#{proposal.pk}"


def overlap_pairs(call, min_score=checks.PAGE_MIN_SCORE):
    """[{"a": the proposal's reference, "b": the other side's reference, "kind", "score"}] of
    ``call``'s flags scoring at least ``min_score``, best first; flags the office cleared are
    left out. "b" is the other proposal's reference, the external record's ("NSFC 52071234"
    as programme and reference), the shared instrument's catalogue number, or for a person
    beyond the limits the other holdings' references joined by ", ". When the call has no
    finished run the check is run first, here and now."""
    if not OverlapRun.objects.filter(call=call, status=OverlapRun.Status.DONE).exists():
        checks.check_call(call)
    flags = (
        OverlapFlag.objects.filter(call=call, score__gte=Decimal(str(min_score)))
        .exclude(status=FlagStatus.CLEARED)
        .select_related("proposal", "other_proposal", "external_record", "instrument")
        .order_by("-score", "kind", "proposal_id", "key")
    )
    pairs = []
    for flag in flags:
        if flag.external_record_id:
            other = f"{flag.external_record.programme} {flag.external_record.reference}"
        elif flag.instrument_id:
            other = flag.instrument.catalogue_ref
        elif flag.other_proposal_id:
            other = _ref(flag.other_proposal)
        else:
            mine = _ref(flag.proposal)
            refs = [ref for ref in flag.evidence.get("refs", []) if ref and ref != mine]
            other = ", ".join(refs)
        pairs.append(
            {"a": _ref(flag.proposal), "b": other, "kind": flag.kind, "score": float(flag.score)}
        )
    return pairs
