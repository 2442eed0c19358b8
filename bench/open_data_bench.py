"""Server time and query count of the public open-data page and its downloads, in process.

    createdb -h 127.0.0.1 -U postgres -T yrd_capacity wt_opendata_scale
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/wt_opendata_scale .venv/bin/python manage.py migrate
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/wt_opendata_scale .venv/bin/python bench/open_data_bench.py

Run it on a copy of the seeded database, never on the original: the first run publishes the
decided call (``open_data``) and, where the seed left its funded proposals without projects,
opens them as deciding the call does (grants.projects.project_workflow.projects_open), with
their awarded budgets. Each URL is requested anonymously ``--runs`` times after one warm-up;
the downloads are read to their last byte. Prints a markdown table; ``--out`` appends it.
"""

from __future__ import annotations

import argparse

from scale_data import count_queries, machine, percentile, report, setup, table, time_requests

TARGET_MS = 150


def publish_decided_call():
    from django.db import transaction

    from grants.models import Call, CallStatus, Project
    from grants.projects import project_workflow

    call = Call.objects.get(code__startswith="scale-", status=CallStatus.DECIDED)
    with transaction.atomic():
        if not Project.objects.filter(proposal__call=call).exists():
            project_workflow.projects_open(call)
        Call.objects.filter(pk=call.pk).update(open_data=True)
    return call


def urls(call):
    return [
        ("open-data page", "/open-data/"),
        ("… page 5", "/open-data/?page=5"),
        ("… province + discipline", "/open-data/?province=340000&discipline=F"),
        ("… text search", "/open-data/?q=研究"),
        ("… filtered by call", f"/open-data/?call={call.code}"),
        ("JSON download, every project", "/open-data/projects.json"),
        ("CSV download, every project", "/open-data/projects.csv"),
        ("CSV download, one province", "/open-data/projects.csv?province=330000"),
        ("Excel download, every project", "/open-data/projects.xlsx"),
    ]


def fetch(client, url):
    response = client.get(url)
    if response.status_code != 200:
        raise SystemExit(f"{url} answered {response.status_code}")
    if response.streaming:
        return len(b"".join(response.streaming_content))
    return len(response.content)


def measure(client, url, runs):
    times = time_requests(lambda: fetch(client, url), runs)
    queries, size = count_queries(lambda: fetch(client, url))
    return times, queries, size


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--out", help="append the markdown table to this file")
    args = parser.parse_args()
    setup()
    from django.test import Client
    from django.test.utils import override_settings

    from grants.opendata.permissions import published_projects

    call = publish_decided_call()
    count = published_projects().count()
    client = Client()
    rows = []
    with override_settings(DEBUG=False, ALLOWED_HOSTS=["testserver"]):
        for label, url in urls(call):
            times, queries, size = measure(client, url, args.runs)
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
    header = ["page", "URL", "p50 ms", "p95 ms", "p95 < 150 ms", "queries", "KiB", "runs"]
    text = f"{count:,} published projects · {machine()}\n\n{table(header, rows)}"
    report("Open data", text, args.out)


if __name__ == "__main__":
    main()
