"""Deciding a call, and what the consortium learns then: the decision, its letter and the
evaluation summary, the letters e-mailed with the decision."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from grants.calls import call_workflow
from grants.core.emails import send_on_commit
from grants.core.errors import WorkflowError
from grants.core.money import ZERO
from grants.funding import letters, lottery
from grants.funding.decisions import requested_by_province
from grants.models import CallStatus
from grants.models.decisions import Decision, FundingDraw, Outcome
from grants.proposals.proposal_workflow import consortium_emails
from reviews.criteria import criteria_for, plain_criteria
from reviews.models import Review
from reviews.ranking import stored_score
from reviews.scoring import aggregate, review_values

# What else happens when a call is decided, registered by the parts above funding (the funded
# projects open: grants/apps.py). Each runs inside the decision's transaction.
_decided_hooks = []


def register_decided_hook(hook):
    """Call ``hook(call, actor)`` whenever a call is decided, after its letters are queued."""
    if hook not in _decided_hooks:
        _decided_hooks.append(hook)


@transaction.atomic
def call_decide(*, call, actor):
    """Decide the call once its funding is final; the letters go out with the decision.
    call_workflow.call_move reaches it through the action registered in grants/apps.py."""

    def funding_final(locked):
        funding_round = getattr(locked, "funding_round", None)
        if funding_round is None or funding_round.final_at is None:
            raise WorkflowError(
                _(
                    "Commit the funding, and have every province confirm its share if the call requires it."
                ),
                code="not_final",
            )

    call = call_workflow.call_advance(call=call, actor=actor, action="decide", check=funding_final)
    letters_send(call)
    for hook in _decided_hooks:
        hook(call, actor)
    return call


def final_decisions():
    """The decisions a consortium may learn: those of a decided call. A committed round waits
    for the provinces' confirmations and the call's decision; until then the letters, the
    evaluation summary and the applicants' pages say nothing of it."""
    return Decision.objects.filter(round__call__status=CallStatus.DECIDED)


def final_decision(proposal):
    """The proposal's decision once its call is decided; None before (without a query when
    the proposal's call is at hand)."""
    if proposal.call.status != CallStatus.DECIDED:
        return None
    return final_decisions().filter(proposal=proposal).first()


def review_summary(proposal):
    """Scores and the comments meant for the applicants, numbered — never who wrote them."""
    criteria = criteria_for(proposal.call)
    reviews = list(
        Review.objects.filter(assignment__proposal=proposal, submitted_at__isnull=False).order_by(
            "submitted_at", "pk"
        )
    )
    scores = [review_values(review.scores) for review in reviews]
    unreviewed = aggregate(
        [], plain_criteria(criteria), overall_threshold=proposal.call.overall_threshold
    )
    result = stored_score(proposal, unreviewed)
    entry = getattr(proposal, "panel_entry", None)
    return letters.ReviewSummary(
        criteria=tuple(
            letters.CriterionSummary(
                name=f"{c.name_zh} {c.name_en}",
                mean=result.criterion_means.get(c.key),
                scores=tuple(s.get(c.key) for s in scores),
            )
            for c in criteria
        ),
        overall_mean=result.mean,
        comments=tuple(review.comments_for_applicants for review in reviews),
        panel_comment=entry.consensus_comment if entry else "",
    )


def letter_data(proposal, decision):

    snapshot = proposal.snapshot
    members = snapshot["members"]
    lead = next(m for m in members if m["is_lead"])
    names = {m["province_code"]: f"{m['province_zh']} {m['province_en']}" for m in members}
    shares = (
        list(decision.shares.prefetch_related("payments"))
        if decision.outcome == Outcome.FUNDED
        else []
    )
    if shares:
        amounts = tuple(
            letters.ProvinceAmount(
                s.province_id, names.get(s.province_id, s.province_id), s.received
            )
            for s in shares
        )
        total = decision.total
    else:
        requested, _ = requested_by_province(proposal)
        amounts = tuple(
            letters.ProvinceAmount(code, names.get(code, code), amount)
            for code, amount in sorted(requested.items())
        )
        total = sum(requested.values(), ZERO)
    reason = decision.not_funded_reason
    notes = {
        Outcome.RESERVE: f"候补 Reserve list (place {decision.rank})",
        Outcome.BELOW_THRESHOLD: f"不予资助：{reason.message_zh} Not funded: {reason.message_en}",
    }
    draw_note = _draw_note(proposal, decision)
    if draw_note == letters.NOT_DRAWN:
        notes[Outcome.RESERVE] = (
            f"不予资助：未被抽中（候补第 {decision.rank} 位）"
            f" Not funded: not drawn (reserve list, place {decision.rank})"
        )
    elif draw_note == letters.DRAWN_UNPAID:
        notes[Outcome.RESERVE] = (
            f"不予资助：已被抽中，但省份资助额度不足（候补第 {decision.rank} 位）"
            f" Not funded: drawn, but a province's pool could not pay it"
            f" (reserve list, place {decision.rank})"
        )
    return letters.LetterData(
        reference=proposal.reference,
        call_title=f"{snapshot['call']['title_zh']} / {snapshot['call']['title_en']}",
        title_zh=snapshot["title_zh"],
        title_en=snapshot["title_en"],
        lead_pi=lead["pi_name"],
        lead_institution=f"{lead['institution_zh']} {lead['institution_en']}",
        members=tuple(
            (
                f"{m['institution_zh']} {m['institution_en']}",
                names[m["province_code"]],
                m["pi_name"],
            )
            for m in members
        ),
        issued_on=timezone.localdate().isoformat(),
        rank=decision.rank,
        amounts=amounts,
        total=total,
        cut=decision.cut,
        schedule=tuple(
            (
                names.get(s.province_id, s.province_id),
                tuple(letters.YearAmount(p.year, p.amount) for p in s.payments.all()),
            )
            for s in shares
        ),
        review=review_summary(proposal),
        outcome_note=notes.get(decision.outcome, ""),
        draw_note=draw_note,
    )


def _draw_note(proposal, decision):
    """What the letter says of the draw at the funding line, for the members of the call's
    live draw: funded by it; drawn into a place that a province's pool could not pay; or not
    drawn. Nothing for everyone else."""
    draw = FundingDraw.objects.filter(
        call_id=proposal.call_id, annulled_at__isnull=True, drawn_at__isnull=False
    ).first()
    if draw is None or proposal.pk not in {member["proposal"] for member in draw.group}:
        return ""
    if decision.outcome == Outcome.FUNDED:
        return letters.DRAWN
    return (
        letters.DRAWN_UNPAID
        if lottery.drawn_into_a_place(draw.order, draw.places, proposal.pk)
        else letters.NOT_DRAWN
    )


def letter_pdf(proposal):
    """The decision letter of a decided proposal: an award letter or a rejection letter."""

    decision = Decision.objects.select_related("round").get(proposal=proposal)
    data = letter_data(proposal, decision)
    if decision.outcome == Outcome.FUNDED:
        return "award", letters.build_award_letter(data)
    return "decision", letters.build_rejection_letter(data)


def letters_send(call):
    """E-mail every decided proposal's letter to its consortium, after the commit."""

    for decision in Decision.objects.filter(round__call=call).select_related(
        "proposal__call", "proposal__lead"
    ):
        kind, pdf = letter_pdf(decision.proposal)
        send_on_commit(
            consortium_emails(decision.proposal),
            "decision_letter",
            {"proposal": decision.proposal, "funded": decision.outcome == Outcome.FUNDED},
            attachments=[(f"{decision.proposal.reference}-{kind}.pdf", pdf, "application/pdf")],
        )
