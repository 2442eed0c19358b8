"""The reviewers' assignments and their reviews, and the scores the proposals then keep."""

from collections import Counter
from datetime import timedelta
from decimal import Decimal

from grants.models import AuditEntry, Proposal, ProposalStatus, Screening
from grants.site.scale_seed.common import K, seeded_criteria
from reviews import affinity as reviews_affinity
from reviews import scoring
from reviews.criteria import DEFAULT_CRITERIA
from reviews.models import Assignment, AssignmentRun, AssignmentStatus, Review


class AssignmentsStage:
    """For the main and the decided call: the published assignment run, the reviews and the
    score each reviewed proposal keeps (``facts["stored_score"]``)."""

    def seed_reviews(self):
        for call in (self.decided_call, self.main_call):
            self.assign_and_review(call)
        self.flush(AssignmentRun, Assignment, Review, AuditEntry)
        self.store_scores()

    def store_scores(self):
        """Each reviewed proposal's stored score, as reviews.workflow.proposal_score_refresh
        leaves it after the last submitted review: the aggregate in submission order."""
        criteria = seeded_criteria()
        scored = []
        for call in (self.decided_call, self.main_call):
            for proposal, facts in self.in_review(call):
                if not facts["submitted"]:
                    continue
                reviews = [scoring.review_values(row[2]) for row in sorted(facts["submitted"])]
                score = scoring.aggregate(
                    reviews, criteria, overall_threshold=call.overall_threshold
                )
                for name, value in scoring.proposal_fields(score).items():
                    setattr(proposal, name, value)
                facts["stored_score"] = score
                scored.append(proposal)
        self.update_columns(Proposal, scored, list(scoring.proposal_fields(None)))

    def in_review(self, call):
        return [
            (proposal, facts)
            for proposal, facts in self.proposals[call.pk]
            if proposal.status == ProposalStatus.SUBMITTED
            and proposal.screening == Screening.ELIGIBLE
        ]

    def assign_and_review(self, call):
        """k reviewers per proposal with no conflict (province rule, institution) and room
        left, the best of a sample of the department's experts; most answer and review."""
        started = call.closes_at + timedelta(days=25)
        self.audit("call.closed", call.closes_at, None, call=call, after={"status": "closed"})
        self.audit(
            "call.review_started", started, self.officer, call=call, after={"status": "in_review"}
        )
        loads = Counter()
        pairs = []
        for proposal, facts in self.in_review(call):
            chosen = self.choose_reviewers(call, facts, loads)
            declines = 1 if len(chosen) > K and self.rng.random() < 0.03 else 0
            facts["submitted"] = []  # (submitted at, review id, scores)
            for index, (reviewer, affinity, why) in enumerate(chosen[: K + declines]):
                loads[reviewer.pk] += 1
                item = self.assign(
                    call,
                    proposal,
                    facts,
                    reviewer,
                    affinity,
                    why,
                    started,
                    declined=index < declines,
                )
                pairs.append(
                    {
                        "proposal": proposal.pk,
                        "reviewer": item.reviewer_id,
                        "affinity": float(item.affinity),
                        "explanation": why,
                    }
                )
        total = round(sum(p["affinity"] for p in pairs), 4)
        self.new(
            AssignmentRun,
            call=call,
            created_by=self.officer,
            created_at=started,
            status=AssignmentRun.Status.PUBLISHED,
            progress=100,
            result={
                "pairs": pairs,
                "shortfalls": [],
                "total": total,
                "weakest": None,
                "complete": True,
            },
        )
        self.audit(
            "assignment.published",
            started,
            self.officer,
            call=call,
            after={"assignments": len(pairs)},
        )

    def choose_reviewers(self, call, facts, loads):
        places = [m["place"] for m in facts["members"] if m["pi"]]
        provinces = {place.province_id for place in places}
        institutions = {place.pk for place in places}
        pool = self.by_department.get(facts["code"][0]) or range(len(self.reviewers))
        found = self.sample(pool, provinces, institutions, loads, call)
        if len(found) <= K:
            found += [
                i
                for i in self.sample(
                    range(len(self.reviewers)), provinces, institutions, loads, call
                )
                if i not in found
            ]
        scored = []
        codes = [facts["code"]]
        keywords = facts["keywords"]
        for index in found:
            reviewer = self.reviewers[index]
            affinity, why = reviews_affinity.affinity(
                codes, keywords, reviewer["codes"], reviewer["keywords"]
            )
            scored.append((affinity, -index, index, why))
        scored.sort(reverse=True)
        picked = [row for row in scored[:K]]
        if len({self.reviewers[row[2]]["province"] for row in picked}) == 1:
            other = next(
                (
                    row
                    for row in scored[K:]
                    if self.reviewers[row[2]]["province"]
                    != self.reviewers[picked[0][2]]["province"]
                ),
                None,
            )
            if other:
                picked[-1] = other
        picked += [row for row in scored if row not in picked][:1]
        return [
            (self.reviewers[index]["user"], affinity, why) for affinity, _, index, why in picked
        ]

    def sample(self, pool, provinces, institutions, loads, call, want=8):
        found = []
        start = self.rng.randrange(len(pool))
        for step in range(len(pool)):
            index = pool[(start + step) % len(pool)]
            reviewer = self.reviewers[index]
            if (
                reviewer["province"] in provinces
                or reviewer["institution"] in institutions
                or loads[reviewer["user"].pk] >= min(reviewer["capacity"], call.reviewer_max_load)
            ):
                continue
            found.append(index)
            if len(found) == want:
                break
        return found

    def assign(self, call, proposal, facts, reviewer, affinity, why, started, declined):
        rng = self.rng
        answered = started + timedelta(days=rng.randint(1, 7), hours=rng.randint(0, 23))
        roll = rng.random()
        if declined:
            status, fate = AssignmentStatus.DECLINED, "declined"
        elif call is self.main_call and roll < 0.03:
            status, fate = AssignmentStatus.INVITED, "waiting"
        elif call is self.main_call and roll < 0.07:
            status, fate = AssignmentStatus.ACCEPTED, "draft"
        else:
            status, fate = AssignmentStatus.ACCEPTED, "submitted"
        item = self.new(
            Assignment,
            call_id=call.pk,
            proposal_id=proposal.pk,
            reviewer_id=reviewer.pk,
            status=status,
            affinity=Decimal(str(round(affinity, 4))),
            explanation=why[:300],
            decline_reason="时间冲突，无法按期完成评审。" if declined else "",
            no_conflict_declared_at=answered if status == AssignmentStatus.ACCEPTED else None,
            invited_at=started,
            answered_at=None if fate == "waiting" else answered,
        )
        if fate in {"submitted", "draft"}:
            data = self.review_data(facts["quality"])
            submitted = (
                answered + timedelta(days=rng.randint(3, 30)) if fate == "submitted" else None
            )
            review = self.new(
                Review,
                assignment_id=item.pk,
                submitted_at=submitted,
                updated_at=submitted or answered + timedelta(days=2),
                **data,
            )
            if submitted:
                facts["submitted"].append((submitted, review.pk, data["scores"]))
                self.audit("review.submitted", submitted, reviewer, proposal=proposal)
        return item

    def review_data(self, quality):
        rng = self.rng
        base = quality + rng.gauss(0, 0.4)
        scores = {}
        for key, *_ in DEFAULT_CRITERIA:
            if key == "collaboration" and rng.random() < 0.02:
                scores[key] = None  # n/a
                continue
            halves = min(10, max(1, round((base + rng.gauss(0, 0.3)) * 2)))
            scores[key] = str(Decimal(halves) / 2)
        given = [Decimal(v) for v in scores.values() if v is not None]
        mean = sum(given) / len(given)
        if mean >= Decimal("4.3"):
            rating, advice = scoring.EXCELLENT, scoring.PRIORITY
        elif mean >= Decimal("3.5"):
            rating, advice = (
                scoring.GOOD,
                rng.choice([scoring.FUNDABLE, scoring.FUNDABLE, scoring.PRIORITY]),
            )
        elif mean >= Decimal("2.5"):
            rating, advice = scoring.FAIR, scoring.NOT_FUNDABLE
        else:
            rating, advice = scoring.POOR, scoring.NOT_FUNDABLE
        return {
            "scores": scores,
            "justifications": {key: "论证较充分，依据明确。" for key in scores},
            "comments_for_applicants": "研究目标明确，跨省分工合理；建议进一步细化技术路线。",
            "confidential_comments": "",
            "rating": rating,
            "advice": advice,
        }
