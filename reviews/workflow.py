"""The one place where assignments and reviews change state (panels change in reviews.panels)."""

import secrets
from decimal import Decimal

from django.db import transaction
from django.db.models import Exists, F, OuterRef
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from grants.core import emails
from grants.core.audit import record
from grants.core.errors import WorkflowError
from grants.models import CallStatus, FundingRound, Proposal, Role, User
from reviews import scoring, windows
from reviews.criteria import criteria_for, plain_criteria
from reviews.jobs import SOLVE_ASSIGNMENT, enqueue
from reviews.models import (
    Assignment,
    AssignmentRun,
    AssignmentStatus,
    ConflictKind,
    DeclaredConflict,
    Panel,
    PanelEntry,
    Review,
)
from reviews.routing import conflicts_for_pair, conflicts_for_pairs


def proposal_score(proposal):
    """reviews.scoring's aggregate of the proposal's submitted reviews, in submission order;
    None while none is submitted."""
    call = proposal.call
    submitted = Review.objects.filter(
        assignment__proposal=proposal, submitted_at__isnull=False
    ).order_by("submitted_at", "pk")
    reviews = [
        scoring.review_values(scores) for scores in submitted.values_list("scores", flat=True)
    ]
    if not reviews:
        return None
    return scoring.aggregate(
        reviews, plain_criteria(criteria_for(call)), overall_threshold=call.overall_threshold
    )


def proposal_score_refresh(proposal):
    """Keep the proposal's stored score equal to its submitted reviews' aggregate. Called in the
    transaction of every change to the set of submitted reviews, so lists, panels and funding
    can read it instead of aggregating every review again."""
    # Two reviewers submitting at once: the second waits here for the first to commit, and
    # then reads both reviews, so the last write always holds the whole set.
    list(Proposal.objects.select_for_update().filter(pk=proposal.pk).values_list("pk"))
    fields = scoring.proposal_fields(proposal_score(proposal))
    Proposal.objects.filter(pk=proposal.pk).update(**fields)
    for name, value in fields.items():
        setattr(proposal, name, value)


def fund_office_emails():
    return list(
        User.objects.filter(role_grants__role=Role.FUND_OFFICER).values_list("email", flat=True)
    )


# ---- assignment ---------------------------------------------------------------------------


def refuse_if_conflicted(proposal, reviewer, found=None):
    """``found``: the pair's conflicts when the caller read them in bulk."""
    found = conflicts_for_pair(proposal, reviewer) if found is None else found
    if found:
        reasons = "; ".join(c.message_en if not _chinese() else c.message_zh for c in found)
        raise WorkflowError(
            _("%(reviewer)s cannot review %(proposal)s: %(reasons)s.")
            % {"reviewer": reviewer, "proposal": proposal, "reasons": reasons},
            code="conflict",
        )


def _chinese():
    return (get_language() or "zh").startswith("zh")


@transaction.atomic
def run_start(*, call, actor, fair=False, probability_cap=None):
    """Queue a solver run. A randomized run (``probability_cap``) draws its seed now, so the
    audit log holds it before anyone sees the result and the draw cannot be rerun silently."""
    seed = None
    if probability_cap is not None:
        probability_cap = Decimal(probability_cap).quantize(Decimal("0.01"))
        seed = secrets.randbelow(2**31)
    run = AssignmentRun.objects.create(
        call=call, created_by=actor, fair=fair, probability_cap=probability_cap, seed=seed
    )
    after = {"run": run.pk, "fair": fair}
    if probability_cap is not None:
        after.update(probability_cap=str(probability_cap), seed=seed)
    record(actor=actor, action="assignment.run_started", call=call, after=after)
    transaction.on_commit(lambda: enqueue(SOLVE_ASSIGNMENT, run.pk))
    return run


def run_pairs_edit(*, run, actor, add=None, remove=None):
    """Adjust a proposed assignment by hand before publishing; added pairs face every rule."""
    with transaction.atomic():
        run = AssignmentRun.objects.select_for_update().get(pk=run.pk)
        if run.status != AssignmentRun.Status.DONE:
            raise WorkflowError(
                _("Only a finished, unpublished run can be adjusted."), code="state"
            )
        pairs = run.result["pairs"]
        if add:
            proposal_id, reviewer_id = add
            proposal = Proposal.objects.select_related("call").get(pk=proposal_id, call=run.call)
            reviewer = User.objects.select_related("institution").get(pk=reviewer_id)
            refuse_if_conflicted(proposal, reviewer)
            if any(p["proposal"] == proposal_id and p["reviewer"] == reviewer_id for p in pairs):
                raise WorkflowError(
                    _("This reviewer is already on that proposal."), code="duplicate"
                )
            pairs.append(
                {
                    "proposal": proposal_id,
                    "reviewer": reviewer_id,
                    "affinity": 0,
                    "explanation": "added by hand",
                    "manual": True,
                }
            )
        if remove:
            pairs[:] = [p for p in pairs if (p["proposal"], p["reviewer"]) != tuple(remove)]
        run.save(update_fields=["result"])
        record(
            actor=actor,
            action="assignment.adjusted",
            call=run.call,
            after={"add": add, "remove": remove},
        )
    return run


@transaction.atomic
def run_publish(*, run, actor):
    """Turn a previewed run into assignments and invite every reviewer by e-mail."""
    run = AssignmentRun.objects.select_for_update().select_related("call").get(pk=run.pk)
    if run.status != AssignmentRun.Status.DONE:
        raise WorkflowError(_("Only a finished run can be published."), code="state")
    # Only the run's proposals, and none of their wide JSON columns (snapshot, review result):
    # a call of 20,000 proposals took 4 s to read whole; the rows only name the proposal.
    proposals = {
        p.pk: p
        for p in Proposal.objects.filter(
            call=run.call, pk__in={p["proposal"] for p in run.result["pairs"]}
        ).only("pk", "call_id", "reference", "title_zh", "title_en")
    }
    reviewers = {
        u.pk: u
        for u in User.objects.filter(
            pk__in={p["reviewer"] for p in run.result["pairs"]}
        ).select_related("institution")
    }
    existing = set(
        Assignment.objects.filter(proposal__call=run.call).values_list("proposal_id", "reviewer_id")
    )
    new_pairs = [p for p in run.result["pairs"] if (p["proposal"], p["reviewer"]) not in existing]
    # A conflict may have been declared since the run: every pair is checked again.
    found = conflicts_for_pairs(run.call, [(p["proposal"], p["reviewer"]) for p in new_pairs])
    for pair in new_pairs:
        proposal, reviewer = proposals[pair["proposal"]], reviewers[pair["reviewer"]]
        refuse_if_conflicted(proposal, reviewer, found[proposal.pk, reviewer.pk])
    created = Assignment.objects.bulk_create(
        [
            Assignment(
                call=run.call,
                proposal=proposals[pair["proposal"]],
                reviewer=reviewers[pair["reviewer"]],
                affinity=Decimal(str(pair["affinity"])),
                explanation=pair["explanation"][:300],
                manual=pair.get("manual", False),
            )
            for pair in new_pairs
        ],
        batch_size=2_000,
    )
    run.status = AssignmentRun.Status.PUBLISHED
    run.save(update_fields=["status"])
    record(
        actor=actor,
        action="assignment.published",
        call=run.call,
        after={"assignments": len(created)},
    )
    by_reviewer = {}
    for item in created:
        by_reviewer.setdefault(item.reviewer, []).append(item)
    for reviewer, items in by_reviewer.items():
        emails.send_on_commit(
            [reviewer.email],
            "review_invitation",
            {"reviewer": reviewer, "assignments": items, "call": run.call},
        )
    return created


@transaction.atomic
def assignment_add(*, proposal, reviewer, actor):
    """Add one reviewer to a proposal directly (after publishing); every rule applies."""
    refuse_if_conflicted(proposal, reviewer)
    item, created = Assignment.objects.get_or_create(
        proposal=proposal,
        reviewer=reviewer,
        defaults={"call": proposal.call, "manual": True, "explanation": "added by hand"},
    )
    if not created:
        raise WorkflowError(_("This reviewer is already on that proposal."), code="duplicate")
    record(
        actor=actor, action="assignment.added", proposal=proposal, after={"reviewer": reviewer.pk}
    )
    emails.send_on_commit(
        [reviewer.email],
        "review_invitation",
        {"reviewer": reviewer, "assignments": [item], "call": proposal.call},
    )
    return item


def _locked(assignment, reviewer):
    item = (
        Assignment.objects.select_for_update()
        .select_related("call", "proposal__call")
        .get(pk=assignment.pk)
    )
    if item.reviewer_id != reviewer.pk:
        raise WorkflowError(_("This is not your review."), code="not_yours")
    return item


@transaction.atomic
def assignment_accept(*, assignment, reviewer, no_conflict: bool, now=None):
    """Accepting includes declaring that there is no conflict; only then is the content shown."""
    if not no_conflict:
        raise WorkflowError(
            _("Confirm that you have no conflict of interest with this proposal."), code="declare"
        )
    item = _locked(assignment, reviewer)
    if item.status != AssignmentStatus.INVITED:
        raise WorkflowError(_("This invitation has already been answered."), code="answered")
    require_open(item, now)
    item.status = AssignmentStatus.ACCEPTED
    item.no_conflict_declared_at = item.answered_at = now or timezone.now()
    item.save(update_fields=["status", "no_conflict_declared_at", "answered_at"])
    record(actor=reviewer, action="assignment.accepted", proposal=item.proposal)
    return item


@transaction.atomic
def assignment_decline(*, assignment, reviewer, reason, now=None):
    item = _locked(assignment, reviewer)
    if item.status != AssignmentStatus.INVITED:
        raise WorkflowError(_("This invitation has already been answered."), code="answered")
    require_open(item, now)
    item.status = AssignmentStatus.DECLINED
    item.decline_reason = reason[:300]
    item.answered_at = now or timezone.now()
    item.save(update_fields=["status", "decline_reason", "answered_at"])
    record(actor=reviewer, action="assignment.declined", proposal=item.proposal, note=reason)
    emails.send_on_commit(
        fund_office_emails(),
        "review_declined",
        {"assignment": item, "reason": reason, "conflict": False},
    )
    return item


@transaction.atomic
def assignment_declare_conflict(*, assignment, reviewer, kind, note="", now=None):
    """A declared conflict removes the assignment (and any draft review) and alerts the office."""
    if kind not in ConflictKind.values:
        raise WorkflowError(_("Choose the kind of conflict."), code="kind")
    item = _locked(assignment, reviewer)
    # A conflict can come to light after accepting too; once declined or declared, it is done.
    if item.status not in (AssignmentStatus.INVITED, AssignmentStatus.ACCEPTED):
        raise WorkflowError(_("This invitation has already been answered."), code="answered")
    require_open(item, now)
    DeclaredConflict.objects.create(
        reviewer=reviewer, proposal=item.proposal, kind=kind, note=note[:300]
    )
    Review.objects.filter(assignment=item, submitted_at__isnull=True).delete()
    item.status = AssignmentStatus.CONFLICT
    item.decline_reason = note[:300]
    item.answered_at = now or timezone.now()
    item.save(update_fields=["status", "decline_reason", "answered_at"])
    proposal_score_refresh(item.proposal)
    record(
        actor=reviewer,
        action="assignment.conflict_declared",
        proposal=item.proposal,
        after={"kind": kind},
        note=note,
    )
    emails.send_on_commit(
        fund_office_emails(),
        "review_declined",
        {"assignment": item, "reason": note, "conflict": True},
    )
    return item


# ---- reviewing ----------------------------------------------------------------------------


ACTIVE_STATUSES = (AssignmentStatus.INVITED, AssignmentStatus.ACCEPTED)


def _locked_entries():
    """Entries of panels that locked their ranking: their proposals' reviews are closed."""
    return PanelEntry.objects.filter(panel__locked_at__isnull=False)


def _closed_because(now, *, deadline, call_status, reopened_at, panel_locked, committed):
    return windows.closed_because(
        now=now,
        deadline=deadline,
        reopened=reopened_at is not None,
        panel_locked=panel_locked,
        decided=call_status == CallStatus.DECIDED or committed,
    )


def closed_reasons(items, now=None):
    """reviews.windows' answer for each assignment of ``items`` ({pk: reason or None}), in two
    queries however many there are. ``items`` carry their call (``select_related``)."""
    now = now or timezone.now()
    locked = set(
        _locked_entries()
        .filter(proposal__in={item.proposal_id for item in items})
        .values_list("proposal_id", flat=True)
    )
    committed = set(
        FundingRound.objects.filter(call__in={item.call_id for item in items}).values_list(
            "call_id", flat=True
        )
    )
    return {
        item.pk: _closed_because(
            now,
            deadline=item.call.review_deadline,
            call_status=item.call.status,
            reopened_at=item.reopened_at,
            panel_locked=item.proposal_id in locked,
            committed=item.call_id in committed,
        )
        for item in items
    }


def window_annotations():
    """What closed_reasons reads, as annotations of a query of assignments, for a list that
    reads its assignments and their windows in one query (annotated_closed_reason)."""
    return {
        "review_deadline": F("call__review_deadline"),
        "call_status": F("call__status"),
        "panel_locked": Exists(_locked_entries().filter(proposal=OuterRef("proposal_id"))),
        "funding_committed": Exists(FundingRound.objects.filter(call=OuterRef("call_id"))),
    }


def annotated_closed_reason(item, now):
    """closed_reasons' answer for an assignment read with window_annotations."""
    return _closed_because(
        now,
        deadline=item.review_deadline,
        call_status=item.call_status,
        reopened_at=item.reopened_at,
        panel_locked=item.panel_locked,
        committed=item.funding_committed,
    )


def reopen_refused_reasons(items, now=None):
    """reviews.windows' answer to "may the office reopen it?" for each of ``items`` ({pk:
    reason or None}), in the queries of closed_reasons."""
    closed = closed_reasons(items, now)
    return {
        item.pk: windows.reopen_refused_because(
            closed=closed[item.pk], active=item.status in ACTIVE_STATUSES
        )
        for item in items
    }


def closed_reason(item, now=None):
    return closed_reasons([item], now)[item.pk]


def _lock_panel_of(item):
    """Lock the row of the proposal's panel, if it has one, to the end of the transaction.
    panel_lock takes the same row, so a write either lands before the ranking locks or finds
    it locked; funding is committed only once every panel is locked, so no write slips past
    a decision either."""
    panel = PanelEntry.objects.filter(proposal_id=item.proposal_id).values("panel_id")
    list(Panel.objects.select_for_update().filter(pk__in=panel).values_list("pk"))


def require_open(item, now=None):
    """Refuse any write to a closed review; the caller holds the assignment's row lock."""
    _lock_panel_of(item)
    reason = closed_reason(item, now)
    if reason:
        raise WorkflowError(windows.CLOSED_MESSAGES[reason], code=reason)


@transaction.atomic
def review_save(*, assignment, reviewer, data: dict, submit: bool, now=None):
    """Save a review (draft or submitted). ``data`` is the review form's cleaned data."""
    item = _locked(assignment, reviewer)
    if item.status != AssignmentStatus.ACCEPTED:
        raise WorkflowError(_("Accept the invitation before reviewing."), code="not_accepted")
    require_open(item, now)
    review, _created = Review.objects.select_for_update().get_or_create(assignment=item)
    for field in (
        "scores",
        "justifications",
        "comments_for_applicants",
        "confidential_comments",
        "rating",
        "advice",
    ):
        setattr(review, field, data[field])
    if submit:
        review.submitted_at = now or timezone.now()
    review.save()
    if review.submitted_at:  # a draft counts for nothing until it is submitted
        proposal_score_refresh(item.proposal)
    if submit and item.reopened_at:  # a reopening allows one more submission
        item.reopened_at = None
        item.save(update_fields=["reopened_at"])
    record(
        actor=reviewer,
        action="review.submitted" if submit else "review.saved",
        proposal=item.proposal,
    )
    return review


@transaction.atomic
def assignment_reopen(*, assignment, actor, reason, now=None):
    """The fund office reopens one review closed by the review deadline, for the reviewer to
    answer or submit once more. Refused once the panel has locked or funding is committed
    (reviews.windows), so a locked ranking and a decision never move."""
    reason = reason.strip()
    if not reason:
        raise WorkflowError(_("Write why the review is reopened."), code="reason")
    now = now or timezone.now()
    item = (
        Assignment.objects.select_for_update()
        .select_related("call", "proposal__call", "reviewer")
        .get(pk=assignment.pk)
    )
    _lock_panel_of(item)
    refused = reopen_refused_reasons([item], now)[item.pk]
    if refused:
        raise WorkflowError(windows.REOPEN_MESSAGES[refused], code=refused)
    item.reopened_at = now
    item.save(update_fields=["reopened_at"])
    record(
        actor=actor,
        action="review.reopened",
        proposal=item.proposal,
        after={"assignment": item.pk, "reviewer": item.reviewer_id},
        note=reason,
    )
    return item
