"""Server time and query count of the main pages on a seeded database, in process.

    DATABASE_URL=sqlite:////tmp/scale.sqlite3 .venv/bin/python bench/pages_bench.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/scale .venv/bin/python bench/pages_bench.py

Fill the database first with ``manage.py seed_scale --proposals 20000 --reviewers 5000``.
Each page is requested through Django's test client as its user (signed in beforehand), once
to warm up, then ``--runs`` times (``--slow-runs`` for a page slower than a second); the time
is the whole request inside Django (middleware, view, queries, template), with DEBUG off as
in production. The query count comes from one more request. Prints a markdown table;
``--out`` appends it to a file.
"""

from __future__ import annotations

import argparse

from scale_data import (
    count_queries,
    machine,
    percentile,
    report,
    seeded,
    setup,
    table,
    time_requests,
)

TARGET_MS = 150


def pages(data):
    main, decided = data.main.code, data.decided.code
    office = f"/office/calls/{main}/proposals/"
    return [
        ("call list", None, "/calls/"),
        ("office proposal list", data.officer, office),
        ("… sorted by total requested", data.officer, office + "?ordering=-total"),
        (
            "… province + discipline filter, by date",
            data.officer,
            office + "?province=320000&discipline=F&ordering=submitted_at",
        ),
        (
            "… status + screening filter, by title",
            data.officer,
            office + "?status=submitted&screening=eligible&ordering=title",
        ),
        ("… page 200", data.officer, office + "?page=200"),
        ("… sorted by review score", data.officer, office + "?ordering=-score"),
        (
            "… review score 3.5 to 4, by score",
            data.officer,
            office + "?score_min=3.5&score_max=4&ordering=score",
        ),
        ("provincial officer's proposal list", data.provincial, office),
        ("proposal detail (fund office)", data.officer, f"/office/proposals/{data.proposal.pk}/"),
        ("proposal detail (lead PI)", data.lead, f"/proposals/{data.proposal.pk}/"),
        ("reviewer's list", data.reviewer, "/reviews/"),
        ("reviewer dashboard", data.reviewer, "/dashboard/"),
        ("applicant dashboard", data.lead, "/dashboard/"),
        ("fund officer dashboard", data.officer, "/dashboard/"),
        ("provincial officer dashboard", data.provincial, "/dashboard/"),
        ("chair dashboard", data.chair, "/dashboard/"),
        (
            f"panel ranking ({data.panel.entries.count():,} proposals)",
            data.chair,
            f"/panels/{data.panel.pk}/",
        ),
        (
            f"panel ranking, largest ({data.largest_panel.entries.count():,})",
            data.officer,
            f"/panels/{data.largest_panel.pk}/",
        ),
        (
            "panel ranking, largest, page 20",
            data.officer,
            f"/panels/{data.largest_panel.pk}/?page=20",
        ),
        ("ledger, all calls", data.officer, "/ledger/"),
        ("ledger, decided call", data.officer, f"/ledger/?call={decided}"),
        ("ledger (provincial officer)", data.provincial, "/ledger/"),
        ("reviewer pool", data.officer, "/office/reviewers/"),
        ("assignment page", data.officer, f"/office/calls/{main}/assignment/"),
        ("funding page, decided call", data.officer, f"/office/calls/{decided}/funding/"),
        ("funding simulation page, main call", data.officer, f"/office/calls/{main}/funding/"),
        (
            "funding simulation, further places (page 40)",
            data.officer,
            f"/office/calls/{main}/funding/?rest=40",
        ),
        (
            "assignment page, declined, short of reviewers",
            data.officer,
            f"/office/calls/{main}/assignment/?status=declined&short=1",
        ),
        ("assignment page, page 300", data.officer, f"/office/calls/{main}/assignment/?page=300"),
        (
            "assignment page, reference search and reviewer search",
            data.officer,
            f"/office/calls/{main}/assignment/?q={data.proposal.reference}&who=F06",
        ),
        ("ledger, decided call, schedule page 5", data.officer, f"/ledger/?call={decided}&page=5"),
    ]


def overlap_pages(data):
    """The overlap pages of the main call, once its check has written flags (on a copy of the
    database: bench/overlap_bench.py --prepare-pages); none before."""
    from grants.accounts.overlap_permissions import overlap_flags_for
    from grants.models import OverlapFlag, OverlapKind

    flags = OverlapFlag.objects.filter(call=data.main, kind=OverlapKind.TEXT).order_by(
        "-score", "pk"
    )
    flag = flags.first()
    if flag is None:
        return []
    theirs = flags.filter(pk__in=overlap_flags_for(data.provincial).values("pk")).first()
    base = f"/office/calls/{data.main.code}/overlaps/"
    return [
        (f"overlap page ({flags.count():,} text flags)", data.officer, base),
        ("overlap page, text, score from 0.5", data.officer, base + "?kind=text&score_min=0.5"),
        ("overlap page, person, score from 0.9", data.officer, base + "?kind=person&score_min=0.9"),
        ("overlap page, open, page 200", data.officer, base + "?status=open&page=200"),
        ("overlap page (provincial officer)", data.provincial, base),
        (
            "overlap page, text, score from 0.5 (provincial)",
            data.provincial,
            base + "?kind=text&score_min=0.5",
        ),
        ("overlap flag page (fund office)", data.officer, f"{base}{flag.pk}/"),
        ("overlap flag page (provincial officer)", data.provincial, f"{base}{theirs.pk}/"),
        ("other funders' records", data.officer, "/office/external-records/"),
        (
            "other funders' records, text search",
            data.provincial,
            "/office/external-records/?q=B0199",
        ),
    ]


def measure(client, user, url, runs, slow_runs):
    """Times in ms, queries, bytes. A page slower than a second gets ``slow_runs`` runs."""
    client.logout()
    if user is not None:
        client.force_login(user)

    def request():
        response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
        return response

    times = time_requests(request, runs, slow_runs)
    queries, response = count_queries(request)
    return times, queries, len(response.content)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--slow-runs", type=int, default=3, help="runs of pages over 1 s")
    parser.add_argument(
        "--only",
        action="append",
        help="run the pages whose label contains this text (repeat for several)",
    )
    parser.add_argument("--out", help="append the markdown table to this file")
    args = parser.parse_args()
    setup()
    from django.test import Client
    from django.test.utils import override_settings

    from grants.models import Proposal

    data = seeded()
    client = Client()
    rows = []
    selected = pages(data) + overlap_pages(data)
    started_on = machine()
    with override_settings(DEBUG=False):
        for label, user, url in selected:
            if args.only and not any(text in label for text in args.only):
                continue
            times, queries, size = measure(client, user, url, args.runs, args.slow_runs)
            p95 = percentile(times, 0.95)
            rows.append(
                [
                    label,
                    f"`{url}`",
                    f"{percentile(times, 0.5):.0f}",
                    f"{p95:.0f}",
                    "yes" if p95 < TARGET_MS else "**no**",
                    queries,
                    f"{size / 1024:.0f}",
                    len(times),
                ]
            )
            print(" | ".join(str(cell) for cell in rows[-1]), flush=True)
    header = ["page", "URL", "p50 ms", "p95 ms", f"p95 < {TARGET_MS} ms", "queries", "KiB", "runs"]
    text = (
        f"{Proposal.objects.count():,} proposals · {started_on}\n\n"
        + table(header, rows)
        + f"\n\nFinished: {machine()}"
    )
    report("Pages", text, args.out)


if __name__ == "__main__":
    main()
