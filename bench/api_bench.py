"""Server time and query count of the API's list endpoints, and paging through every proposal,
on a database filled by ``manage.py seed_scale`` (20,000 proposals), in process.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/scale .venv/bin/python bench/api_bench.py

Each list is requested through Django's test client with an API token of its user, once to
warm up, then ``--runs`` times; the time is the whole request inside Django, with DEBUG off.
The query count comes from one more request, and again on a page deep into the list (after
following ``next`` ``--deep`` times), which must be the same. Then the fund office's token
follows ``next`` from the first page of proposals to the last at ``page_size=500``. The tokens
made here are revoked at the end. Prints markdown; ``--out`` appends it to a file.
"""

from __future__ import annotations

import argparse
import time

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

TARGET_MS = 100
PAGING_TARGET_S = 60


def endpoints(data):
    main = data.main.code
    return [
        ("proposals", data.officer, "/api/v1/proposals/"),
        (
            "proposals of a call, by status",
            data.officer,
            f"/api/v1/proposals/?call={main}&status=submitted",
        ),
        ("proposals (provincial officer)", data.provincial, "/api/v1/proposals/"),
        ("calls", data.officer, "/api/v1/calls/"),
        ("decisions", data.officer, "/api/v1/decisions/"),
        ("decisions (provincial officer)", data.provincial, "/api/v1/decisions/"),
        ("payments", data.officer, "/api/v1/payments/"),
        ("projects", data.officer, "/api/v1/projects/"),
        ("reports", data.officer, "/api/v1/reports/"),
        ("external records", data.officer, "/api/v1/external-records/"),
        ("ledger of the decided call", data.officer, f"/api/v1/calls/{data.decided.code}/ledger/"),
    ]


def queries(client, path, headers):
    count, response = count_queries(lambda: client.get(path, **headers))
    assert response.status_code == 200, (path, response.status_code)
    return count, response


def deep_queries(client, path, headers, deep):
    url = path
    for _ in range(deep):
        body = client.get(url, **headers).json()
        if not isinstance(body, dict) or not body.get("next"):
            return "-"
        url = body["next"]
    return queries(client, url, headers)[0]


def measure(client, path, headers, runs):
    return time_requests(lambda: client.get(path, **headers), runs)


def page_through(client, headers):
    url, rows, pages = "/api/v1/proposals/?page_size=500", 0, 0
    start = time.perf_counter()
    while url:
        body = client.get(url, **headers).json()
        rows += len(body["results"])
        pages += 1
        url = body["next"]
    return rows, pages, time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--deep", type=int, default=20)
    parser.add_argument("--out")
    args = parser.parse_args()
    setup()
    from django.conf import settings
    from django.test import Client

    from grants.api.authentication import TokenRateThrottle
    from grants.api.tokens import api_token_create, api_token_revoke

    settings.DEBUG = False
    # Measuring is not abusing: the throttle would stop the runs early.
    TokenRateThrottle.THROTTLE_RATES = {"api": "1000000/min"}
    data = seeded()
    client = Client()
    made = {}

    def headers_of(user):
        if user.pk not in made:
            made[user.pk] = api_token_create(user=user, name="bench", days=1)
        return {"HTTP_AUTHORIZATION": f"Bearer {made[user.pk][1]}"}

    rows = []
    try:
        for name, user, path in endpoints(data):
            headers = headers_of(user)
            samples = measure(client, path, headers, args.runs)
            count, response = queries(client, path, headers)
            results = response.json()
            shown = len(results["results"]) if isinstance(results, dict) else len(results)
            rows.append(
                (
                    name,
                    f"`{path}`",
                    shown,
                    f"{percentile(samples, 0.5):.1f}",
                    f"{percentile(samples, 0.95):.1f}",
                    count,
                    deep_queries(client, path, headers, args.deep),
                    "yes" if percentile(samples, 0.95) < TARGET_MS else "no",
                )
            )
        total, pages, seconds = page_through(client, headers_of(data.officer))
    finally:
        for token, _secret in made.values():
            api_token_revoke(token=token, actor=token.user)
    text = table(
        [
            "list",
            "path",
            "rows",
            "p50 ms",
            "p95 ms",
            "queries",
            f"queries, page {args.deep + 1}",
            f"p95 < {TARGET_MS} ms",
        ],
        rows,
    )
    text += (
        f"\n\nPaging through every proposal as the fund office at page_size=500: {total} rows in "
        f"{pages} pages, {seconds:.1f} s (target under {PAGING_TARGET_S} s).\n\n{machine()}"
    )
    report("API list endpoints", text, args.out)


if __name__ == "__main__":
    main()
