"""Profile one page of the seeded data with pyinstrument, and list its slowest queries.

pyinstrument is not a dependency of the portal: install it in a separate virtualenv and put
that virtualenv's site-packages on PYTHONPATH (docs/performance.md shows how):

    PYTHONPATH=/tmp/profvenv/lib/python3.11/site-packages \\
    DATABASE_URL=sqlite:////tmp/scale.sqlite3 \\
    .venv/bin/python bench/profile_page.py officer "/office/calls/{main}/proposals/"

The user is one of officer, provincial, chair, reviewer, lead (the seeded ones bench/ uses);
the URL may name {main}, {decided}, {open}, {panel}, {largest_panel} and {proposal}.
"""

from __future__ import annotations

import argparse
import time

from scale_data import seeded, setup


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("user", choices=["officer", "provincial", "chair", "reviewer", "lead"])
    parser.add_argument("url")
    parser.add_argument("--queries", type=int, default=5, help="slowest queries to list")
    parser.add_argument("--depth", type=float, default=0.02, help="hide frames below this share")
    parser.add_argument("--all", action="store_true", help="show library frames too")
    args = parser.parse_args()
    setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings
    from pyinstrument import Profiler

    data = seeded()
    url = args.url.format(
        main=data.main.code,
        decided=data.decided.code,
        open=data.open.code,
        panel=data.panel.pk,
        largest_panel=data.largest_panel.pk,
        proposal=data.proposal.pk,
    )
    client = Client()
    client.force_login(getattr(data, args.user))
    with override_settings(DEBUG=False):
        client.get(url)
        profiler = Profiler()
        profiler.start()
        client.get(url)
        profiler.stop()
    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        client.get(url)
        total = time.perf_counter() - started
    sql = sum(float(query["time"]) for query in captured)
    print(
        profiler.output_text(
            unicode=True,
            color=False,
            show_all=args.all,
            time="seconds",
            processor_options={"filter_threshold": args.depth},
        )
    )
    print(f"{url}: {total * 1000:.0f} ms with {len(captured)} queries taking {sql * 1000:.0f} ms")
    for query in sorted(captured, key=lambda q: -float(q["time"]))[: args.queries]:
        print(f"{float(query['time']) * 1000:8.0f} ms  {query['sql'][:300]}")


if __name__ == "__main__":
    main()
