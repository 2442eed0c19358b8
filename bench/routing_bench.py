"""A whole call routed from the database to saved assignments, phase by phase.

    createdb -h 127.0.0.1 -U postgres -T yrd_capacity wt_solver_scale
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/wt_solver_scale \\
        .venv/bin/python bench/routing_bench.py --prepare [--proposals 5000 --reviewers 3000]

Runs reviews.routing.solve_call on the seeded main call (reading, conflicts, papers,
affinity, solve), stores the result on an AssignmentRun and publishes it
(reviews.workflow.run_publish: the conflicts checked again, the Assignment rows written).
``--prepare`` first narrows the COPY to the given size: the main call keeps its first
proposals in review (the others go back to screening), the pool its first reviewers (the
others are marked unavailable), and the call's assignments and reviews are deleted. It writes to the
database, so it refuses to run on yrd_capacity itself. ``--profile FILE`` saves a cProfile.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import time

import scale_data

SEEDED = "yrd_capacity"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--prepare", action="store_true", help="narrow the copy (see above)")
    parser.add_argument("--proposals", type=int, default=5_000)
    parser.add_argument("--reviewers", type=int, default=3_000)
    parser.add_argument("--profile", metavar="FILE")
    args = parser.parse_args()
    scale_data.setup()
    from django.db import connection

    if connection.settings_dict["NAME"] == SEEDED:
        raise SystemExit(f"{SEEDED} is never written to: copy it first (see above)")
    from grants.models import Call, CallStatus

    call = Call.objects.get(code__startswith="scale-", status=CallStatus.IN_PANEL)
    if args.prepare:
        prepare(call, args.proposals, args.reviewers)
    profiler = cProfile.Profile() if args.profile else None
    if profiler:
        profiler.enable()
    phases = route(call)
    if profiler:
        profiler.disable()
        profiler.dump_stats(args.profile)
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print("| phase | seconds |")
    print("|---|---|")
    for name, seconds in phases:
        print(f"| {name} | {seconds:.2f} |")
    print(f"| **total** | {sum(s for _, s in phases):.2f} |")


def prepare(call, n_proposals: int, n_reviewers: int) -> None:
    from grants.models import Role, Screening, User
    from reviews import routing
    from reviews.models import Assignment, Review, ReviewerProfile

    keep = list(routing.proposals_in_review(call).values_list("pk", flat=True)[:n_proposals])
    call.proposals.filter(screening=Screening.ELIGIBLE).exclude(pk__in=keep).update(
        screening=Screening.PENDING
    )
    pool = User.objects.filter(role_grants__role=Role.REVIEWER).order_by("pk")
    chosen = list(pool.values_list("pk", flat=True)[:n_reviewers])
    ReviewerProfile.objects.update(available=False)
    ReviewerProfile.objects.filter(user_id__in=chosen).update(available=True)
    Review.objects.filter(assignment__call=call).delete()
    Assignment.objects.filter(call=call).delete()


def route(call) -> list[tuple[str, float]]:
    """(phase, seconds) from reading the call to its published assignments."""
    from grants.models import Role, User
    from reviews import routing, workflow
    from reviews.models import AssignmentRun

    marks = [("start", time.perf_counter())]

    def progress(percent, message):
        if message != marks[-1][0]:
            now = time.perf_counter()
            # Printed as it goes, so a run stopped early still shows where the time went.
            print(f"{now - marks[0][1]:8.1f} s  {marks[-1][0]} done", flush=True)
            marks.append((message, now))

    officer = User.objects.filter(role_grants__role=Role.FUND_OFFICER).first()
    result = routing.solve_call(call, progress=progress)
    progress(0, "storing the run")
    run = AssignmentRun.objects.create(
        call=call, created_by=officer, status=AssignmentRun.Status.DONE, result=result
    )
    progress(0, "publishing")
    created = workflow.run_publish(run=run, actor=officer)
    marks.append(("end", time.perf_counter()))
    print(
        f"{len(result['pairs']):,} pairs, {len(created):,} assignments saved, "
        f"{len(result['shortfalls'])} shortfalls, total {result['total']}"
    )
    return [(name, marks[i + 1][1] - at) for i, (name, at) in enumerate(marks[:-1])]


if __name__ == "__main__":
    main()
