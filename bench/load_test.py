"""A time-bounded load test: gunicorn with 2 workers on 127.0.0.1, mixed traffic.

    DATABASE_URL=sqlite:////tmp/scale.sqlite3 .venv/bin/python bench/load_test.py

Starts ``gunicorn portal.wsgi`` (2 sync workers, loopback only) with production settings
(DEBUG off), signs in an applicant, two reviewers and two officers of the seeded data by
creating their sessions beforehand, then runs ``--threads`` client threads for ``--seconds``:
each picks a page from the mix, sends one GET with http.client and records its time and
status. Any status but 200, or a failed connection, counts as an error. The same server is
then measured on a trivial view, Django's ``/i18n/setlang/`` (a GET answers 204 with no
database query; gunicorn serves no static files), to read the portal's throughput as a
share of the framework's floor.
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import defaultdict
from pathlib import Path

from scale_data import ROOT, machine, percentile, report, seeded, setup, table

HOST = "127.0.0.1"
SECRET_KEY = "load-test-only-not-a-secret"
TRIVIAL = "/i18n/setlang/"


def server_environment(port):
    env = dict(os.environ)
    env.update(
        DEBUG="0",
        SECRET_KEY=SECRET_KEY,
        ALLOWED_HOSTS=HOST,
        SECURE_SSL_REDIRECT="0",
        SECURE_HSTS_SECONDS="0",
        LOG_LEVEL="WARNING",
    )
    return env


def free_port():
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def start_server(port, workers):
    command = [
        str(ROOT / ".venv" / "bin" / "gunicorn"),
        "portal.wsgi",
        "--workers",
        str(workers),
        "--bind",
        f"{HOST}:{port}",
        "--log-level",
        "warning",
    ]
    server = subprocess.Popen(command, cwd=ROOT, env=server_environment(port))
    deadline = time.time() + 30
    while time.time() < deadline and server.poll() is None:
        try:
            status, _ = get(port, TRIVIAL, None)
            if status == 204:
                return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("gunicorn did not start")


def server_cpu_seconds(server):
    """User and system CPU time of gunicorn's worker processes so far (Linux /proc).

    Unlike requests per second, CPU time per request hardly moves when other work on the
    machine takes CPUs away: the one figure of this test to compare across runs."""
    children = Path(f"/proc/{server.pid}/task/{server.pid}/children")
    if not children.exists():
        return float("nan")
    total = 0
    for pid in children.read_text().split():
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / os.sysconf("SC_CLK_TCK")


def get(port, path, session):
    connection = http.client.HTTPConnection(HOST, port, timeout=60)
    # Asking for JSON makes set_language answer 204 instead of redirecting to the home page.
    accept = "application/json" if path == TRIVIAL else "text/html"
    headers = {"Host": HOST, "Accept": accept, "X-Forwarded-Proto": "https"}
    if session:
        headers["Cookie"] = f"sessionid={session}"
    try:
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        response.read()
        return response.status, response
    finally:
        connection.close()


def sessions(data):
    """Session keys for the seeded users, stored where the server reads them."""
    from django.test import Client

    keys = {}
    for name, user in {
        "applicant": data.lead,
        "reviewer": data.reviewer,
        "chair": data.chair,
        "officer": data.officer,
        "provincial": data.provincial,
    }.items():
        client = Client()
        client.force_login(user)
        keys[name] = client.cookies["sessionid"].value
    return keys


def mix(data):
    """(weight, group, session name, path): what each kind of user opens, and how often."""
    office = f"/office/calls/{data.main.code}/proposals/"
    return [
        (12, "applicant", "applicant", "/dashboard/"),
        (10, "applicant", "applicant", f"/proposals/{data.proposal.pk}/"),
        (8, "applicant", None, "/calls/"),
        (4, "applicant", "applicant", f"/calls/{data.open.code}/"),
        (12, "reviewer", "reviewer", "/reviews/"),
        (8, "reviewer", "reviewer", "/dashboard/"),
        (3, "reviewer", "chair", "/dashboard/"),
        (6, "officer", "officer", "/dashboard/"),
        (6, "officer", "officer", f"/office/proposals/{data.proposal.pk}/"),
        (4, "officer", "provincial", "/dashboard/"),
        (4, "officer", "officer", "/ledger/"),
        (2, "officer", "officer", office),
        (2, "officer", "provincial", office + "?ordering=-total"),
    ]


def queries_per_page(plan, keys):
    """(session name, path, queries of a warm GET) for each page of the mix, in this process."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    rows = []
    for _, _, who, path in plan:
        client = Client()
        if who:
            client.cookies["sessionid"] = keys[who]
        client.get(path)
        with CaptureQueriesContext(connection) as captured:
            client.get(path)
        rows.append((who or "anonymous", path, len(captured)))
    return rows


def run(port, plan, keys, seconds, threads):
    weights = [entry[0] for entry in plan]
    results = defaultdict(list)  # group -> [(ms, ok)]
    lock = threading.Lock()
    stop = time.time() + seconds

    def worker(seed):
        rng = random.Random(seed)
        while time.time() < stop:
            _, group, who, path = rng.choices(plan, weights)[0]
            started = time.perf_counter()
            try:
                status, _ = get(port, path, keys.get(who))
                ok = status in (200, 204)
            except OSError:
                ok = False
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                results[group].append((elapsed, ok))

    pool = [threading.Thread(target=worker, args=(n,)) for n in range(threads)]
    started = time.perf_counter()
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    return results, time.perf_counter() - started


def summarise(label, results, wall):
    rows = []
    everything = [sample for samples in results.values() for sample in samples]
    for group, samples in sorted(results.items()) + [("all", everything)]:
        times = [ms for ms, _ in samples]
        errors = sum(1 for _, ok in samples if not ok)
        rows.append(
            [
                label,
                group,
                f"{len(samples):,}",
                f"{len(samples) / wall:.1f}",
                f"{percentile(times, 0.5):.0f}",
                f"{percentile(times, 0.95):.0f}",
                f"{max(times):.0f}",
                errors,
            ]
        )
    return rows


def cpu_ms(seconds, results):
    return seconds * 1000 / sum(len(samples) for samples in results.values())


def weighted_mean(plan, counts):
    weights = [entry[0] for entry in plan]
    return sum(w * c for w, (_, _, c) in zip(weights, counts, strict=True)) / sum(weights)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--trivial-seconds", type=float, default=15)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--port", type=int, help="default: a free port")
    parser.add_argument("--skip", help="leave out the pages whose path contains this text")
    parser.add_argument("--out")
    args = parser.parse_args()
    os.environ.update(SECRET_KEY=SECRET_KEY)  # the sessions' hash must match the server's
    setup()
    data = seeded()
    keys = sessions(data)
    plan = [entry for entry in mix(data) if not (args.skip and args.skip in entry[3])]
    counts = queries_per_page(plan, keys)
    args.port = args.port or free_port()
    server = start_server(args.port, args.workers)
    try:
        for _, _, who, path in plan:  # every page answers before the clock starts
            status, _ = get(args.port, path, keys.get(who))
            if status != 200:
                raise SystemExit(f"{path} as {who}: {status}")
        started_on = machine()
        cpu_before = server_cpu_seconds(server)
        results, wall = run(args.port, plan, keys, args.seconds, args.threads)
        cpu_mix = server_cpu_seconds(server) - cpu_before
        rows = summarise("portal mix", results, wall)
        trivial, trivial_wall = run(
            args.port,
            [(1, "trivial", None, TRIVIAL)],
            keys,
            args.trivial_seconds,
            args.threads,
        )
        cpu_trivial = server_cpu_seconds(server) - cpu_before - cpu_mix
        rows += summarise("trivial view", trivial, trivial_wall)[:1]
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    portal_rps = float(rows[-2][3])
    floor_rps = float(rows[-1][3])
    header = ["run", "pages", "requests", "req/s", "p50 ms", "p95 ms", "max ms", "errors"]
    text = (
        f"gunicorn {args.workers} sync workers on {HOST}:{args.port}, {args.threads} client "
        f"threads, {args.seconds:.0f} s of mixed traffic then {args.trivial_seconds:.0f} s on "
        f"the trivial view{f' · without {args.skip}' if args.skip else ''} · {started_on}\n\n"
        + table(header, rows)
        + f"\n\nThe portal's mix runs at {portal_rps / floor_rps:.1%} of the trivial view's "
        "throughput on the same server. CPU time of the server's workers per request: "
        f"{cpu_ms(cpu_mix, results):.1f} ms for the mix, {cpu_ms(cpu_trivial, trivial):.2f} ms "
        f"for the trivial view ({cpu_ms(cpu_trivial, trivial) / cpu_ms(cpu_mix, results):.1%})."
        "\n\nQueries of a warm request to each page of the mix "
        f"(weighted mean {weighted_mean(plan, counts):.1f}):\n\n"
        + table(["user", "page", "queries"], counts)
    )
    report("Load test", text, args.out)
    sys.exit(1 if any(row[-1] for row in rows) else 0)


if __name__ == "__main__":
    main()
