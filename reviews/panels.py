"""The one place where review panels change state: their composition, the chair's consensus
scores and the locked ranking."""

from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from grants.core import limits
from grants.core.audit import record
from grants.core.errors import WorkflowError
from reviews import scoring
from reviews.models import Panel, PanelEntry
from reviews.ranking import computed_order
from reviews.routing import proposals_in_review


def panel_composition_problems(panel_members_provinces, min_provinces, max_share):
    """Panels draw members from at least ``min_provinces`` provinces, none above ``max_share``."""
    problems = []
    counts = {}
    for code in panel_members_provinces:
        counts[code] = counts.get(code, 0) + 1
    total = len(panel_members_provinces)
    if len(counts) < min_provinces:
        problems.append(
            _("The panel's members come from %(n)d provinces; at least %(min)d are needed.")
            % {"n": len(counts), "min": min_provinces}
        )
    for code, count in sorted(counts.items()):
        if total and Decimal(count) / Decimal(total) > max_share:
            problems.append(
                _(
                    "%(count)d of %(total)d members come from province %(code)s, above the %(share)s%% limit."
                )
                % {"count": count, "total": total, "code": code, "share": int(max_share * 100)}
            )
    return problems


@transaction.atomic
def panel_create(*, call, area, name, chair, members, actor):
    provinces = [m.institution.province_id for m in members if m.institution_id]
    problems = panel_composition_problems(
        provinces, call.panel_min_provinces, call.panel_max_province_share
    )
    if problems:
        raise WorkflowError(" ".join(str(p) for p in problems), code="composition")
    panel = Panel.objects.create(call=call, area=area, name=name, chair=chair)
    panel.members.set(members)
    for proposal in proposals_in_review(call).filter(primary_code__code__startswith=area.code):
        PanelEntry.objects.get_or_create(panel=panel, proposal=proposal)
    record(
        actor=actor,
        action="panel.created",
        call=call,
        after={"panel": panel.pk, "members": [m.pk for m in members]},
    )
    return panel


def _require_chair(panel, actor):
    if panel.chair_id != actor.pk:
        raise WorkflowError(_("Only the panel's chair can do this."), code="not_chair")
    if panel.locked_at:
        raise WorkflowError(_("The ranking is locked."), code="locked")


@transaction.atomic
def panel_consensus(*, entry, actor, score, comment):
    panel = Panel.objects.select_for_update().get(pk=entry.panel_id)
    _require_chair(panel, actor)
    error = scoring.validate_score(score)
    if error:
        raise WorkflowError(_("Give the consensus score from 0 to 5 in half points."), code="score")
    entry.consensus_score = score
    entry.consensus_comment = comment
    entry.save(update_fields=["consensus_score", "consensus_comment"])
    record(
        actor=actor, action="panel.consensus", proposal=entry.proposal, after={"score": str(score)}
    )
    return entry


@transaction.atomic
def panel_lock(*, panel, actor, order, reasons):
    """Fix the ranking. ``order`` is the list of proposal ids from first to last; any place that
    differs from the computed ranking needs a written reason in ``reasons`` (id -> text)."""
    panel = Panel.objects.select_for_update().get(pk=panel.pk)
    _require_chair(panel, actor)
    entries = {e.proposal_id: e for e in panel.entries.select_related("proposal")}
    if sorted(order) != sorted(entries):
        raise WorkflowError(
            _("The ranking must list every proposal of the panel exactly once."), code="order"
        )
    expected = computed_order(panel)
    for position, proposal_id in enumerate(order, 1):
        entry = entries[proposal_id]
        moved = expected.index(proposal_id) + 1 != position
        reason = (reasons.get(proposal_id) or "").strip()
        if len(reason) > limits.PANEL_REORDER_REASON:
            raise WorkflowError(
                _("Keep the reason for %(proposal)s within %(limit)d characters.")
                % {"proposal": entry.proposal, "limit": limits.PANEL_REORDER_REASON},
                code="reason",
            )
        if moved and not reason:
            raise WorkflowError(
                _("Write why %(proposal)s moves from place %(old)d to %(new)d.")
                % {
                    "proposal": entry.proposal,
                    "old": expected.index(proposal_id) + 1,
                    "new": position,
                },
                code="reason",
            )
        entry.position = position
        entry.reorder_reason = reason if moved else ""
        entry.save(update_fields=["position", "reorder_reason"])
    panel.locked_at = timezone.now()
    panel.locked_by = actor
    panel.save(update_fields=["locked_at", "locked_by"])
    record(
        actor=actor,
        action="panel.locked",
        call=panel.call,
        after={"panel": panel.pk, "order": order},
    )
    return panel
