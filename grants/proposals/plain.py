"""Turn models into the plain data that the pure modules (eligibility, budget) take."""

from django.db.models import F, Q

from grants.core.compiled_queries import CompiledQuery
from grants.models import (
    BudgetCategory,
    BudgetLine,
    Call,
    ConsortiumMember,
    MemberStatus,
    Proposal,
    ProposalStatus,
)
from grants.proposals import budget, eligibility
from grants.proposals.eligibility_data import InstrumentLine, Member, ProposalData, Rules
from grants.proposals.instrument_hooks import likely_instrument

# A PI's other proposals in a call, by what they are for the quotas (grants.proposals.eligibility
# decides which count): sent to the fund office (a returned one will be sent again), or still
# a draft. Withdrawn and discarded proposals count for nothing.
SUBMITTED_STATUSES = [ProposalStatus.SUBMITTED, ProposalStatus.RETURNED]
DRAFT_STATUSES = [ProposalStatus.DRAFT]


# Only the codes: the table of the call's areas holds them, without joining the disciplines.
_area_codes = CompiledQuery(
    lambda call_id: Call.discipline_areas.through.objects.filter(call_id=call_id).order_by(
        "discipline_id"
    )
)


def rules_for(call) -> Rules:
    return Rules(
        opens_at=call.opens_at,
        closes_at=call.closes_at,
        min_provinces=call.min_provinces,
        min_institutions=call.min_institutions,
        max_institutions=call.max_institutions,
        allow_unfunded_partners=call.allow_unfunded_partners,
        max_led_per_pi=call.max_led_per_pi,
        max_participations_per_pi=call.max_participations_per_pi,
        discipline_areas=tuple(area.discipline_id for area in _area_codes(call.pk)),
        max_direct_total=call.max_direct_total,
        max_direct_per_year=call.max_direct_per_year,
        max_equipment_share=call.max_equipment_share,
        min_duration_months=call.min_duration_months,
        max_duration_months=call.max_duration_months,
        narrative_pdf_required=call.narrative_pdf_required,
        instrument_threshold=call.instrument_threshold,
    )


# The proposal's page, its office page and every eligibility check read a proposal's members
# and budget lines: their SQL is compiled once per process (grants.core.compiled_queries).
_members = CompiledQuery(
    lambda proposal_id: ConsortiumMember.objects.filter(proposal_id=proposal_id).select_related(
        "institution__province", "pi"
    )
)
_lines = CompiledQuery(
    lambda proposal_id: BudgetLine.objects.filter(member__proposal_id=proposal_id).order_by(
        "member_id", "year", "category", "pk"
    )
)


def members_of(proposal):
    """The consortium's members, in the model's order, as proposal.members.all() gives them."""
    members = _members(proposal.pk)
    for member in members:
        member.proposal = proposal
    return members


def lines_of(proposal) -> list:
    """Every budget line of the proposal, by member, year and category."""
    return _lines(proposal.pk)


def budget_lines(proposal, members=None, lines=None) -> tuple[budget.Line, ...]:
    members = {m.pk: m for m in (members or members_of(proposal))}
    lines = lines if lines is not None else lines_of(proposal)
    return tuple(
        budget.Line(
            member=str(line.member_id),
            province=members[line.member_id].institution.province_id,
            category=line.category,
            year=line.year,
            amount=line.amount,
        )
        for line in lines
        if line.member_id in members
    )


def instrument_lines(proposal, members, lines=None) -> tuple[InstrumentLine, ...]:
    """The equipment lines above the call's instrument threshold, each with the shared
    catalogue's likely match for what it names."""
    members = {m.pk: m for m in members}
    lines = lines if lines is not None else lines_of(proposal)
    threshold = proposal.call.instrument_threshold
    found = []
    for line in lines:
        if line.member_id not in members:
            continue
        if line.category != BudgetCategory.EQUIPMENT or not line.amount > threshold:
            continue
        match = likely_instrument(line.instrument)
        found.append(
            InstrumentLine(
                member=str(line.member_id),
                institution_name=members[line.member_id].institution.name,
                year=line.year,
                amount=line.amount,
                instrument=line.instrument,
                likely_match=str(match) if match else "",
                reason=line.shared_instrument_reason,
            )
        )
    return tuple(found)


# A PI's memberships of the call's other proposals, for every PI of the proposal: the PIs are
# read by a subquery, so that the SQL is the same for any consortium.
_other_memberships = CompiledQuery(
    lambda proposal_id, call_id: (
        ConsortiumMember.objects.filter(
            pi_id__in=ConsortiumMember.objects.filter(proposal_id=proposal_id).values("pi_id"),
            proposal__call_id=call_id,
            proposal__status__in=SUBMITTED_STATUSES + DRAFT_STATUSES,
        )
        .exclude(proposal_id=proposal_id)
        .exclude(status__in=[MemberStatus.REVOKED, MemberStatus.DECLINED])
        .annotate(proposal_status=F("proposal__status"))
        .only("pi_id", "proposal_id", "is_lead")
        .order_by()
    )
)


def pi_loads(proposal) -> tuple[dict, dict]:
    """For each PI of this proposal: (led, taken part in) among their OTHER proposals in the
    call, those sent to the fund office and the drafts, both read in one query."""
    rows = [
        (member.pi_id, member.proposal_id, member.is_lead, member.proposal_status)
        for member in _other_memberships(proposal.pk, proposal.call_id)
    ]
    return (
        _load(row[:3] for row in rows if row[3] in SUBMITTED_STATUSES),
        _load(row[:3] for row in rows if row[3] in DRAFT_STATUSES),
    )


def _load(rows) -> dict:
    load = {}
    seen = set()
    for pi_id, proposal_id, is_lead in rows:
        led, participations = load.get(pi_id, (0, 0))
        if (pi_id, proposal_id) not in seen:
            participations += 1
            seen.add((pi_id, proposal_id))
        load[pi_id] = (led + int(is_lead), participations)
    return load


def proposal_data(proposal, members=None) -> ProposalData:
    members = members if members is not None else members_of(proposal)
    lines = lines_of(proposal)
    submitted_load, draft_load = pi_loads(proposal)
    return ProposalData(
        title_zh=proposal.title_zh,
        title_en=proposal.title_en,
        primary_code=proposal.primary_code_id or "",
        secondary_code=proposal.secondary_code_id or "",
        keywords=tuple(proposal.keyword_list),
        abstract_zh=proposal.abstract_zh,
        abstract_en=proposal.abstract_en,
        duration_months=proposal.duration_months,
        sections=proposal.section_texts(),
        has_narrative_pdf=bool(proposal.narrative_pdf),
        other_funding_declared=bool(proposal.other_funding),
        members=tuple(
            Member(
                key=str(member.pk),
                institution_id=member.institution_id,
                institution_name=member.institution.name,
                province_code=member.institution.province_id,
                is_lead=member.is_lead,
                pi_id=member.pi_id,
                status=member.status,
            )
            for member in members
        ),
        budget_lines=budget_lines(proposal, members, lines),
        instrument_lines=instrument_lines(proposal, members, lines),
        pi_load=submitted_load,
        pi_draft_load=draft_load,
    )


def violations_for(proposal, now):
    return eligibility.check(proposal_data(proposal), rules_for(proposal.call), now)


def proposals_involving_pi(user, call):
    return (
        Proposal.objects.filter(call=call)
        .filter(Q(lead=user) | Q(members__pi=user, members__status=MemberStatus.ACCEPTED))
        .distinct()
    )
