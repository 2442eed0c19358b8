"""Route a call's proposals to reviewers: read the database into the plain data that
reviews.conflicts, reviews.candidate_arrays and reviews.assignment take, and write the result
back."""

from collections import defaultdict

from grants.models import MemberStatus, Proposal, ProposalStatus, Role, Screening, User
from reviews import (
    assignment,
    assignment_data,
    candidate_arrays,
    conflicts,
    publication_rules,
    randomized_assignment,
)
from reviews.models import DeclaredConflict, Publication

TOP_CANDIDATES = 150
# The proposal's JSON columns, which routing never reads: decoding 5,000 snapshots took a
# quarter of reading a call.
UNREAD_COLUMNS = ("snapshot", "review_result", "requested_by_province")
REASON_LABELS = {
    "same_province": "excluded by province rule",
    "same_institution": "same institution",
    "applicant_in_call": "applicants in this call",
    "declared": "declared conflicts",
    "avoidance_list": "on the avoidance list",
    "coauthorship": "recent co-authors",
}


def proposals_in_review(call):
    return (
        Proposal.objects.filter(
            call=call, status=ProposalStatus.SUBMITTED, screening=Screening.ELIGIBLE
        )
        .select_related("primary_code", "secondary_code", "lead__institution")
        .prefetch_related("members__institution", "members__pi", "avoided_experts")
        .order_by("reference")
    )


def reviewer_pool(call):
    return (
        User.objects.filter(
            role_grants__role=Role.REVIEWER, reviewer_profile__available=True, is_active=True
        )
        .select_related("institution", "reviewer_profile")
        .prefetch_related("disciplines")
        .order_by("pk")
    )


def proposal_side(proposal) -> conflicts.ProposalSide:
    members = [m for m in proposal.members.all() if m.status == MemberStatus.ACCEPTED]
    return conflicts.ProposalSide(
        key=proposal.pk,
        institution_ids=frozenset(m.institution_id for m in members),
        province_codes=frozenset(m.institution.province_id for m in members),
        lead_province=next((m.institution.province_id for m in members if m.is_lead), ""),
        pi_ids=frozenset(m.pi_id for m in members if m.pi_id),
        avoid_names=frozenset(
            conflicts.normalise_name(e.name) for e in proposal.avoided_experts.all()
        ),
        member_tokens=frozenset().union(
            *(
                publication_rules.person_tokens(m.pi_id, m.pi.name, m.pi.orcid)
                for m in members
                if m.pi_id
            )
        ),
    )


def call_participants(call) -> set:
    return set(
        Proposal.objects.filter(call=call)
        .exclude(status__in=[ProposalStatus.WITHDRAWN, ProposalStatus.DISCARDED])
        .filter(members__status=MemberStatus.ACCEPTED)
        .values_list("members__pi_id", flat=True)
    )


def declared_by_reviewer(user_ids) -> dict:
    people, proposals = defaultdict(set), defaultdict(set)
    for reviewer_id, person_id, proposal_id in DeclaredConflict.objects.filter(
        reviewer_id__in=user_ids
    ).values_list("reviewer_id", "person_id", "proposal_id"):
        if person_id:
            people[reviewer_id].add(person_id)
        if proposal_id:
            proposals[reviewer_id].add(proposal_id)
    return {uid: (frozenset(people[uid]), frozenset(proposals[uid])) for uid in user_ids}


def papers(queryset) -> list:
    return [
        publication_rules.Paper(
            owner=p.reviewer_id,
            title=p.title,
            year=p.year,
            doi=p.doi,
            abstract=p.abstract,
            authors=tuple(
                publication_rules.Author(a.get("name", ""), a.get("orcid", "")) for a in p.authors
            ),
        )
        for p in queryset
    ]


def coauthors_by_reviewer(user_ids, call) -> dict:
    """Everyone each reviewer published with inside the call's co-authorship window: the
    authors of their papers, and any other account holding one of the same papers."""
    since = publication_rules.window_start(call.closes_at.year, call.coauthorship_years)
    recent = Publication.objects.filter(year__gte=since).only(
        "reviewer_id", "title", "year", "doi", "authors"
    )
    everyone = papers(recent)
    wanted = set(user_ids)
    theirs = [paper for paper in everyone if paper.owner in wanted]
    return publication_rules.recent_coauthors(theirs, since, everyone)


def reviewer_sides(reviewers, call) -> list:
    participants = call_participants(call)
    declared = declared_by_reviewer([r.pk for r in reviewers])
    coauthors = coauthors_by_reviewer([r.pk for r in reviewers], call)
    return [
        conflicts.ReviewerSide(
            user_id=r.pk,
            name=r.name,
            institution_id=r.institution_id,
            province_code=r.institution.province_id if r.institution_id else None,
            in_call_proposals=r.pk in participants,
            declared_people=declared[r.pk][0],
            declared_proposals=declared[r.pk][1],
            coauthors=coauthors.get(r.pk, frozenset()),
        )
        for r in reviewers
    ]


def conflicts_for_pair(proposal, reviewer):
    """The hard conflicts of one pair, read fresh from the database (manual and admin paths)."""
    return conflicts_for_pairs(proposal.call, [(proposal.pk, reviewer.pk)])[
        (proposal.pk, reviewer.pk)
    ]


def conflicts_for_pairs(call, pairs) -> dict:
    """The hard conflicts of many (proposal id, reviewer id) pairs of one call, read in a
    fixed number of queries (publishing a run re-checks every pair)."""
    pairs = list(pairs)
    proposals = {
        p.pk: proposal_side(p)
        # proposal_side reads the members and the avoidance list, not the proposal's own
        # columns, whose snapshot is the widest of the table.
        for p in Proposal.objects.filter(pk__in={p for p, _ in pairs})
        .only("pk")
        .prefetch_related("members__institution", "members__pi", "avoided_experts")
    }
    reviewers = User.objects.filter(pk__in={r for _, r in pairs}).select_related("institution")
    sides = {side.user_id: side for side in reviewer_sides(list(reviewers), call)}
    return {
        (p, r): conflicts.conflicts(proposals[p], sides[r], call.province_rule) for p, r in pairs
    }


def proposal_codes(proposal):
    return [code for code in (proposal.primary_code_id, proposal.secondary_code_id) if code]


def proposal_texts(proposal) -> list:
    """The proposal's text in each language it is written in, for the papers' similarity."""
    return [
        publication_rules.proposal_text(proposal.title_zh, proposal.abstract_zh, []),
        publication_rules.proposal_text(
            proposal.title_en, proposal.abstract_en, proposal.keyword_list
        ),
    ]


def text_similarities(proposals, reviewers) -> tuple[list[dict], list[bool]]:
    """Per proposal, reviewer position -> the papers' similarity where it reaches
    publication_rules.MIN_SIMILARITY, and per reviewer whether it has publications on file
    (affinity scores those without on codes and keywords alone, the others' missing pairs 0)."""
    with_papers = papers(Publication.objects.filter(reviewer__in=reviewers))
    owners = {paper.owner for paper in with_papers}
    position = {r.pk: i for i, r in enumerate(reviewers)}
    found = (
        publication_rules.PaperIndex(with_papers).similarities(
            {p.pk: proposal_texts(p) for p in proposals}
        )
        if with_papers
        else {}
    )
    texts = [
        {position[owner]: value for owner, value in found.get(p.pk, {}).items()} for p in proposals
    ]
    return texts, [r.pk in owners for r in reviewers]


def build_instance(call, progress=lambda percent, message: None):
    """Everything the solver needs, plus the reasons reviewers were left out per proposal."""
    progress(6, "reading proposals and reviewers")
    proposals = list(proposals_in_review(call).defer(*UNREAD_COLUMNS))
    reviewers = list(reviewer_pool(call))
    progress(8, "reading conflicts")
    sides = reviewer_sides(reviewers, call)
    progress(9, "comparing papers")
    texts, has_papers = text_similarities(proposals, reviewers)
    pool = candidate_arrays.Pool(
        sides=sides,
        codes=[[d.code for d in r.disciplines.all()] for r in reviewers],
        keywords=[r.keyword_list for r in reviewers],
        has_papers=has_papers,
    )
    applications = candidate_arrays.Applications(
        sides=[proposal_side(p) for p in proposals],
        codes=[proposal_codes(p) for p in proposals],
        keywords=[p.keyword_list for p in proposals],
        texts=texts,
    )
    scored = candidate_arrays.score_call(
        applications,
        pool,
        call.province_rule,
        TOP_CANDIDATES,
        progress=lambda done: progress(
            10 + int(60 * done / max(len(proposals), 1)), "scoring candidates"
        ),
    )
    plain_proposals = [
        assignment_data.Proposal(
            key=proposal.pk,
            label=proposal.reference or str(proposal.pk),
            discipline=proposal.primary_code_id or "",
            excluded={REASON_LABELS[code]: n for code, n in excluded.items()},
        )
        for proposal, excluded in zip(proposals, scored.excluded, strict=True)
    ]
    plain_reviewers = [
        assignment_data.Reviewer(
            key=r.pk,
            province=r.institution.province_id if r.institution_id else None,
            max_load=min(call.reviewer_max_load, r.reviewer_profile.max_reviews_per_call),
            min_load=call.reviewer_min_load,
        )
        for r in reviewers
    ]
    return plain_proposals, plain_reviewers, scored.candidates


def solve_call(
    call, *, fair=False, probability_cap=None, seed=None, progress=lambda percent, message: None
):
    plain_proposals, plain_reviewers, candidates = build_instance(call, progress)
    progress(75, "solving")
    k = call.reviewers_per_proposal
    randomized = None
    if probability_cap is not None:
        drawn = randomized_assignment.solve_randomized(
            plain_proposals, plain_reviewers, candidates, k, cap=probability_cap, seed=seed
        )
        result = drawn.result
        optimum = assignment.solve(plain_proposals, plain_reviewers, candidates, k)
        randomized = {
            "cap": drawn.cap,
            "seed": seed,
            "expected_total": round(drawn.expected_total, 4),
            "optimum_total": round(optimum.total, 4),
            "max_probability": round(drawn.max_probability, 4),
            "marginals": [
                [m.proposal, m.reviewer, round(m.probability, 4)] for m in drawn.marginals
            ],
        }
    else:
        result = assignment.solve(plain_proposals, plain_reviewers, candidates, k, fair=fair)
    return {
        **({"randomized": randomized} if randomized else {}),
        "pairs": [
            {
                "proposal": p.proposal,
                "reviewer": p.reviewer,
                "affinity": round(p.affinity, 4),
                "explanation": p.explanation,
            }
            for p in result.pairs
        ],
        "shortfalls": [s.reason for s in result.shortfalls],
        "total": round(result.total, 4),
        "weakest": round(result.weakest, 4) if result.weakest is not None else None,
        "complete": result.complete,
    }
