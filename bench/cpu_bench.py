"""CPU time and Python function calls per page of the load test's mix, in process.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/scale \\
    .venv/bin/python bench/cpu_bench.py --tree . --runs 40 --html /tmp/pages-new --out /tmp/new.json

Each page of ``load_test.mix`` is requested through Django's test client as its user (DEBUG
off, as in production): warmed up, then profiled once with cProfile to count the Python
function calls of one request (stable from run to run, unlike time on a shared machine), then
requested ``--runs`` times to measure the process's CPU time per request. ``--tree`` names the
checkout whose code is measured, so that two checkouts can be measured in turns with this one
script on the same database; ``--html`` writes each page with its CSRF tokens and CSP nonces
masked, to compare the pages of two checkouts byte for byte.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import re
import sys
import time
from pathlib import Path

MASKS = [
    (re.compile(rb'(name="csrfmiddlewaretoken" value=")[^"]+'), rb"\1CSRF"),
    (re.compile(rb'(name="csrf-token" content=")[^"]+'), rb"\1CSRF"),
    (re.compile(rb'(nonce=")[^"]+'), rb"\1NONCE"),
]


def setup(tree):
    tree = str(Path(tree).resolve())
    sys.path.insert(0, tree)
    os.chdir(tree)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    import django

    django.setup()
    import portal.wsgi  # noqa: F401


def masked(content):
    for pattern, replacement in MASKS:
        content = pattern.sub(replacement, content)
    return content


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tree", default=".", help="checkout whose code is measured")
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--html", help="folder to write each page's masked HTML into")
    parser.add_argument("--out", help="JSON file for the figures")
    args = parser.parse_args()
    setup(args.tree)
    from django.test import Client
    from django.test.utils import override_settings
    from load_test import mix
    from scale_data import seeded

    data = seeded()
    users = {
        "applicant": data.lead,
        "reviewer": data.reviewer,
        "chair": data.chair,
        "officer": data.officer,
        "provincial": data.provincial,
    }
    rows = []
    with override_settings(DEBUG=False):
        for weight, _, who, path in mix(data):
            client = Client()
            if who:
                client.force_login(users[who])
            for _ in range(3):
                response = client.get(path)
            assert response.status_code == 200, (path, response.status_code)
            if args.html:
                Path(args.html).mkdir(parents=True, exist_ok=True)
                name = re.sub(r"[^a-z0-9]+", "_", f"{who}{path}".lower()).strip("_")
                (Path(args.html) / f"{name}.html").write_bytes(masked(response.content))
            profiler = cProfile.Profile()
            profiler.enable()
            client.get(path)
            profiler.disable()
            calls = pstats.Stats(profiler).total_calls
            started = time.process_time()
            for _ in range(args.runs):
                client.get(path)
            cpu_ms = (time.process_time() - started) * 1000 / args.runs
            rows.append(
                {"who": who, "path": path, "weight": weight, "cpu_ms": cpu_ms, "calls": calls}
            )
            print(
                f"{who or 'anonymous':10} {path:45} {cpu_ms:7.2f} ms {calls:9,} calls", flush=True
            )
    total = sum(row["weight"] for row in rows)
    weighted_ms = sum(row["weight"] * row["cpu_ms"] for row in rows) / total
    weighted_calls = sum(row["weight"] * row["calls"] for row in rows) / total
    print(f"weighted: {weighted_ms:.2f} ms CPU, {weighted_calls:,.0f} function calls per request")
    if args.out:
        Path(args.out).write_text(json.dumps({"rows": rows, "weighted_ms": weighted_ms}, indent=1))


if __name__ == "__main__":
    main()
