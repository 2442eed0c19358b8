"""A proposal's drafts, submission, withdrawal, return and screening."""

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from grants.core import emails
from grants.core.audit import record
from grants.core.errors import (
    NotEligible,
    StaleEdit,
    WorkflowError,
    _require_open,
    _require_transition,
)
from grants.models import (
    Call,
    CallStatus,
    ConsortiumMember,
    Invitation,
    MemberStatus,
    Proposal,
    ProposalStatus,
    Screening,
    User,
)
from grants.proposals.plain import violations_for

# ---- drafts -------------------------------------------------------------------------------


@transaction.atomic
def proposal_create(*, call, lead, now=None):
    now = now or timezone.now()
    _require_open(call, now)
    if lead.institution_id is None:
        raise WorkflowError(_("Complete your profile with your institution first."), code="profile")
    proposal = Proposal.objects.create(call=call, lead=lead)
    ConsortiumMember.objects.create(
        proposal=proposal,
        institution_id=lead.institution_id,
        is_lead=True,
        pi=lead,
        status=MemberStatus.ACCEPTED,
    )
    record(actor=lead, action="proposal.created", proposal=proposal, call=call)
    return proposal


@transaction.atomic
def proposal_start(*, call, lead, another=False, now=None):
    """The lead's draft in ``call`` and whether it is new: the draft they already have unless
    they ask for ``another``, so stray or repeated clicks on "Start" make one draft, not many.

    The lead's own row is locked first: parallel starts by one PI wait for each other, and the
    second then finds the draft the first made."""
    _require_open(call, now or timezone.now())
    User.objects.select_for_update().filter(pk=lead.pk).first()
    if not another:
        existing = Proposal.objects.lead_draft(call=call, lead=lead)
        if existing is not None:
            return existing, False
    return proposal_create(call=call, lead=lead, now=now), True


@transaction.atomic
def proposal_discard(*, proposal, actor, now=None):
    """The lead gives up a draft that was never submitted. The row stays, with its audit trail,
    as DISCARDED: it leaves every list and quota, its pending invitations stop working and the
    partners who had joined are told."""
    proposal = Proposal.objects.select_for_update().select_related("call").get(pk=proposal.pk)
    if actor.pk != proposal.lead_id:
        raise WorkflowError(_("Only the lead PI can discard the draft."), code="not_lead")
    _require_transition(proposal, ProposalStatus.DISCARDED)
    partners = [e for e in consortium_emails(proposal) if e != proposal.lead.email]
    proposal.status = ProposalStatus.DISCARDED
    proposal.version += 1
    proposal.save(update_fields=["status", "version", "updated_at"])
    Invitation.objects.filter(member__proposal=proposal, used_at=None, revoked_at=None).update(
        revoked_at=now or timezone.now()
    )
    record(
        actor=actor,
        action="proposal.discarded",
        proposal=proposal,
        call=proposal.call,
        before={"status": ProposalStatus.DRAFT},
        after={"status": proposal.status},
    )
    emails.send_on_commit(partners, "proposal_discarded", {"proposal": proposal, "lead": actor})
    return proposal


def require_editable(proposal, now=None):
    now = now or timezone.now()
    if not proposal.is_editable_state:
        raise WorkflowError(
            _("This proposal is %(status)s and can no longer be edited.")
            % {"status": proposal.get_status_display()},
            code="not_editable",
        )
    _require_open(proposal.call, now)


def proposal_is_editable(proposal, now=None) -> bool:
    """Whether the consortium may still change the proposal, by the rule every change is
    checked against: the pages offer their forms only then, so they never offer one that
    this workflow would refuse."""
    try:
        require_editable(proposal, now)
    except WorkflowError:
        return False
    return True


@transaction.atomic
def proposal_save(*, proposal, actor, fields: dict, expected_version: int, now=None):
    """Save draft fields only if nobody saved since ``expected_version`` was read."""
    require_editable(proposal, now)
    updated = Proposal.objects.filter(pk=proposal.pk, version=expected_version).update(
        **fields, version=F("version") + 1, updated_at=timezone.now()
    )
    if not updated:
        raise StaleEdit()
    proposal.refresh_from_db()
    record(actor=actor, action="proposal.saved", proposal=proposal, after=sorted(fields))
    return proposal


def bump_version(proposal, expected_version):
    """Claim the draft for a change made elsewhere (files, consortium, budget)."""
    updated = Proposal.objects.filter(pk=proposal.pk, version=expected_version).update(
        version=F("version") + 1, updated_at=timezone.now()
    )
    if not updated:
        raise StaleEdit()
    proposal.version = expected_version + 1


# ---- submission ---------------------------------------------------------------------------


def reference_number(call, proposal):
    """The next YRD-<year>-<area>-<nnnn>, counted per year and area across all calls."""
    from grants.models.proposals import ReferenceCounter

    area = (proposal.primary_code_id or "X")[:3]
    ReferenceCounter.objects.get_or_create(year=call.year, area=area)
    counter = ReferenceCounter.objects.select_for_update().get(year=call.year, area=area)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"YRD-{call.year}-{area}-{counter.last:04d}"


@transaction.atomic
def proposal_submit(*, proposal, actor, now=None):
    """The final gate: re-check every rule under lock, then freeze, number and announce."""
    now = now or timezone.now()
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    call = Call.objects.select_for_update().get(pk=proposal.call_id)
    if actor.pk != proposal.lead_id:
        raise WorkflowError(_("Only the lead PI can submit the proposal."), code="not_lead")
    _require_transition(proposal, ProposalStatus.SUBMITTED)
    _require_open(call, now)
    violations = violations_for(proposal, now)
    if violations:
        raise NotEligible(violations)

    from grants.proposals.snapshots import freeze, frozen_fields

    if not proposal.reference:
        proposal.reference = reference_number(call, proposal)
    before = proposal.status
    proposal.status = ProposalStatus.SUBMITTED
    proposal.submitted_at = now
    proposal.snapshot = freeze(proposal)
    frozen = frozen_fields(proposal.snapshot)
    for name, value in frozen.items():
        setattr(proposal, name, value)
    proposal.version += 1
    proposal.save(
        update_fields=["status", "submitted_at", "snapshot", "reference", "version", *frozen]
    )
    record(
        actor=actor,
        action="proposal.submitted",
        proposal=proposal,
        call=call,
        before={"status": before},
        after={"status": proposal.status, "reference": proposal.reference},
    )
    emails.send_on_commit(
        consortium_emails(proposal), "proposal_submitted", {"proposal": proposal, "call": call}
    )
    return proposal


@transaction.atomic
def proposal_withdraw(*, proposal, actor, now=None):
    now = now or timezone.now()
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    if actor.pk != proposal.lead_id:
        raise WorkflowError(_("Only the lead PI can withdraw the proposal."), code="not_lead")
    _require_transition(proposal, ProposalStatus.WITHDRAWN)
    _require_open(proposal.call, now)
    proposal.status = ProposalStatus.WITHDRAWN
    proposal.save(update_fields=["status"])
    record(actor=actor, action="proposal.withdrawn", proposal=proposal, call=proposal.call)
    emails.send_on_commit(consortium_emails(proposal), "proposal_withdrawn", {"proposal": proposal})
    return proposal


@transaction.atomic
def proposal_return(*, proposal, actor, reason, now=None):
    """The fund office sends a submitted proposal back for correction before the deadline."""
    now = now or timezone.now()
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    _require_transition(proposal, ProposalStatus.RETURNED)
    _require_open(proposal.call, now)
    proposal.status = ProposalStatus.RETURNED
    proposal.save(update_fields=["status"])
    record(
        actor=actor, action="proposal.returned", proposal=proposal, call=proposal.call, note=reason
    )
    emails.send_on_commit(
        consortium_emails(proposal), "proposal_returned", {"proposal": proposal, "reason": reason}
    )
    return proposal


def consortium_emails(proposal):
    members = proposal.members.filter(status=MemberStatus.ACCEPTED).select_related("pi")
    return [proposal.lead.email] + [member.pi.email for member in members if member.pi_id]


DRAFT_FIELDS = [
    "title_zh",
    "title_en",
    "primary_code",
    "secondary_code",
    "keywords",
    "abstract_zh",
    "abstract_en",
    "duration_months",
    "industry_problem",
    "partner_enterprise",
    "section_rationale",
    "section_basis",
    "section_other",
    "other_funding",
    "other_funding_details",
]


@transaction.atomic
def proposal_draft_save(*, proposal, actor, cleaned: dict, experts: list, now=None):
    """Save the draft form: texts, the narrative PDF and the experts to avoid, all or nothing."""
    from django.core.files.storage import default_storage

    from grants.core.storage import store
    from grants.core.uploads import attachment_path, display_name
    from grants.models import AvoidedExpert

    nullable = {"primary_code", "secondary_code", "duration_months"}
    fields = {}
    for name in DRAFT_FIELDS:
        value = cleaned.get(name)
        fields[name] = "" if value is None and name not in nullable else value
    upload = cleaned.get("narrative_pdf")
    stored = None
    if upload is False:  # "clear" ticked
        fields.update(narrative_pdf="", narrative_pdf_name="")
    elif upload and hasattr(upload, "content_type"):
        stored = store(attachment_path(proposal, upload.name), upload)  # StorageUnavailable
        fields.update(narrative_pdf=stored, narrative_pdf_name=display_name(upload.name))
    try:
        proposal = proposal_save(
            proposal=proposal,
            actor=actor,
            fields=fields,
            expected_version=cleaned["version"],
            now=now,
        )
    except WorkflowError:
        if stored:
            default_storage.delete(stored)
        raise
    proposal.avoided_experts.all().delete()
    AvoidedExpert.objects.bulk_create(
        AvoidedExpert(proposal=proposal, **expert) for expert in experts
    )
    return proposal


# ---- screening ------------------------------------------------------------------------------


def _screen(*, proposal, actor, screening, reason=""):
    proposal = Proposal.objects.select_for_update().select_related("call").get(pk=proposal.pk)
    if proposal.status != ProposalStatus.SUBMITTED:
        raise WorkflowError(_("Only a submitted proposal can be screened."), code="not_submitted")
    if proposal.call.status != CallStatus.CLOSED:
        raise WorkflowError(
            _("Proposals are screened after the call closes and before review starts."),
            code="not_closed",
        )
    before = {"screening": proposal.screening, "reason": proposal.screening_reason}
    if before == {"screening": screening, "reason": reason}:
        return proposal, False
    proposal.screening = screening
    proposal.screening_reason = reason
    proposal.save(update_fields=["screening", "screening_reason"])
    record(
        actor=actor,
        action="proposal.screened",
        proposal=proposal,
        call=proposal.call,
        before={"screening": before["screening"]},
        after={"screening": screening},
        note=reason,
    )
    return proposal, True


@transaction.atomic
def proposal_screen_eligible(*, proposal, actor):
    proposal, _changed = _screen(proposal=proposal, actor=actor, screening=Screening.ELIGIBLE)
    return proposal


@transaction.atomic
def proposal_screen_ineligible(*, proposal, actor, reason):
    """Take the proposal out of the review and tell every PI of the consortium why."""
    reason = (reason or "").strip()
    if not reason:
        raise WorkflowError(_("Give the reason why the proposal is ineligible."), code="reason")
    proposal, changed = _screen(
        proposal=proposal, actor=actor, screening=Screening.INELIGIBLE, reason=reason
    )
    if changed:
        emails.send_on_commit(
            consortium_emails(proposal),
            "proposal_ineligible",
            {"proposal": proposal, "reason": reason},
        )
    return proposal
