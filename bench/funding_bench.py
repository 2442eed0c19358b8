"""The funding simulation (grants.funding.simulation.simulate) over 20,000 proposals.

    DATABASE_URL=sqlite:////tmp/scale.sqlite3 .venv/bin/python bench/funding_bench.py

The requests are the seeded proposals' own: each submitted proposal's request per province,
as frozen at submission (Proposal.requested_by_province, what grants.funding.decisions.requests_for
reads), repeated with
new keys until there are ``--requests`` of them; one in seven is below threshold. The pools
hold about a fifth of the total asked, split 30/25/25/20 as the provinces contribute. Each
funding model is timed ``--runs`` times (p50 and the slowest). Then, for comparison, the
whole of grants.funding.decisions.simulate_call on the seeded main call: its locked ranking read with
the stored scores, the requests built and the simulation run.
"""

from __future__ import annotations

import argparse
import time
from decimal import Decimal

from scale_data import machine, percentile, report, seeded, setup, table

TARGET_S = 1.0


def requests(count):
    from grants.funding import simulation
    from grants.models import Proposal, ProposalStatus
    from grants.proposals.snapshots import frozen_requests

    started = time.perf_counter()
    asked = [
        (proposal.reference, frozen_requests(proposal.requested_by_province))
        for proposal in Proposal.objects.exclude(status=ProposalStatus.DRAFT)
        .only("pk", "reference", "requested_by_province")
        .order_by("reference")
        .iterator(chunk_size=500)
    ]
    result = [
        simulation.Request(
            proposal=number,
            label=f"{asked[number % len(asked)][0]}#{number // len(asked)}",
            amounts=asked[number % len(asked)][1],
            fundable=number % 7 != 0,
        )
        for number in range(count)
    ]
    return result, time.perf_counter() - started, len(asked)


def pools(ranking):
    from grants.core.money import to_fen

    total = sum((sum(r.amounts.values(), Decimal(0)) for r in ranking), Decimal(0))
    shares = {"310000": 30, "320000": 25, "330000": 25, "340000": 20}
    return {code: to_fen(total / 5 * share / 100) for code, share in shares.items()}


def timed(function, runs):
    times, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - started)
    return times, result


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--out")
    args = parser.parse_args()
    setup()
    from grants.funding import decisions, simulation

    data = seeded()
    started_on = machine()
    ranking, build_seconds, distinct = requests(args.requests)
    money = pools(ranking)
    rows = []
    models = [
        ("virtual", simulation.VIRTUAL, Decimal(0)),
        ("real", simulation.REAL, Decimal(0)),
        ("mixed, 20 % balancing", simulation.MIXED, Decimal("0.2")),
    ]
    for label, model, share in models:
        times, outcome = timed(
            lambda model=model, share=share: simulation.simulate(ranking, money, model, share),
            args.runs,
        )
        rows.append(
            [
                f"simulation.simulate, {label}",
                f"{len(ranking):,}",
                f"{percentile(times, 0.5):.3f}",
                f"{max(times):.3f}",
                "yes" if max(times) < TARGET_S else "**no**",
                f"{len(outcome.funded):,} funded, {len(outcome.skipped):,} reserve",
            ]
        )
        print(" | ".join(rows[-1]), flush=True)
    times, simulated = timed(lambda: decisions.simulate_call(data.main), min(args.runs, 3))
    rows.append(
        [
            "decisions.simulate_call, main call (database, ranking, simulation)",
            f"{len(simulated.rows):,}",
            f"{percentile(times, 0.5):.3f}",
            f"{max(times):.3f}",
            "",
            f"{len(simulated.outcome.funded):,} funded",
        ]
    )
    header = ["what", "proposals", "p50 s", "slowest s", f"< {TARGET_S:.0f} s", "outcome"]
    text = (
        f"{started_on}\n\nRequests built from {distinct:,} seeded proposals' frozen amounts in "
        f"{build_seconds:.1f} s (not included below).\n\n" + table(header, rows)
    )
    report("Funding simulation", text, args.out)


if __name__ == "__main__":
    main()
