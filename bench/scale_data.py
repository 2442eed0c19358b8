"""What the benchmark scripts share: Django set up on DATABASE_URL, the objects of a database
filled by ``manage.py seed_scale``, the machine's description and markdown tables."""

from __future__ import annotations

import os
import platform
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def setup():
    """Django on the database named by DATABASE_URL (the project's settings read it)."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    import django

    django.setup()
    # Load the application as a server process does (portal/wsgi.py), collector settings
    # included, so that what is measured is what a server runs.
    import portal.wsgi  # noqa: F401


@dataclass
class Seeded:
    main: object  # the call in its panel stage, with most proposals
    decided: object
    open: object
    officer: object
    provincial: object
    chair: object
    panel: object  # the chair's panel of the main call
    largest_panel: object
    reviewer: object  # the reviewer with the most assignments in the main call
    lead: object  # lead PI of ``proposal``
    proposal: object  # an eligible proposal of the main call


def seeded() -> Seeded:
    from django.db.models import Count

    from grants.models import Call, CallStatus, Screening, User
    from reviews.models import Assignment, Panel

    calls = {c.status: c for c in Call.objects.filter(code__startswith="scale-")}
    if CallStatus.IN_PANEL not in calls:
        raise SystemExit("No scale dataset here: run manage.py seed_scale first.")
    main = calls[CallStatus.IN_PANEL]
    proposal = (
        main.proposals.filter(screening=Screening.ELIGIBLE).select_related("lead").order_by("pk")
    ).first()
    busiest = (
        Assignment.objects.filter(call=main)
        .values("reviewer")
        .annotate(n=Count("pk"))
        .order_by("-n", "reviewer")
        .first()
    )
    chair = User.objects.get(email="scale.chair@example.org")
    return Seeded(
        main=main,
        decided=calls[CallStatus.DECIDED],
        open=calls[CallStatus.OPEN],
        officer=User.objects.get(email="scale.officer@example.org"),
        provincial=User.objects.get(email="scale.jiangsu@example.org"),
        chair=chair,
        panel=Panel.objects.filter(call=main, chair=chair).first(),
        largest_panel=Panel.objects.filter(call=main)
        .annotate(n=Count("entries"))
        .order_by("-n")
        .first(),
        reviewer=User.objects.get(pk=busiest["reviewer"]),
        lead=proposal.lead,
        proposal=proposal,
    )


def database_label() -> str:
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            return f"PostgreSQL {cursor.fetchone()[0].split()[0]}"
    import sqlite3

    return f"SQLite {sqlite3.sqlite_version}"


def machine() -> str:
    """One line about where the numbers come from; the load counts on a shared machine."""
    memory = ""
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        total_kb = int(meminfo.read_text().split()[1])
        memory = f"{total_kb / 1024 / 1024:.1f} GiB RAM, "
    load = " ".join(f"{value:.2f}" for value in os.getloadavg())
    pressure = ""
    cpu_pressure = Path("/proc/pressure/cpu")
    if cpu_pressure.exists():
        pressure = " · CPU pressure " + cpu_pressure.read_text().split()[2]
    return (
        f"{os.cpu_count()} CPUs, {memory}Python {platform.python_version()}, "
        f"{database_label()} · load average {load}{pressure} · "
        f"{datetime.now().astimezone():%Y-%m-%d %H:%M %Z}"
    )


def percentile(samples, share):
    """The ``share`` quantile (0.5, 0.95) of the samples, interpolated."""
    if len(samples) == 1:
        return samples[0]
    return statistics.quantiles(samples, n=100, method="inclusive")[round(share * 100) - 1]


def table(header, rows) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def report(title, text, out=None):
    """Print the section and, with ``out``, append it to that markdown file."""
    section = f"## {title}\n\n{text}\n"
    print(section)
    if out:
        with open(out, "a", encoding="utf-8") as handle:
            handle.write(section + "\n")


def git_revision() -> str:
    try:
        return subprocess.run(
            ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def time_requests(request, runs, slow_runs=None):
    """Times in ms of ``runs`` calls of ``request``, after one untimed call that warms the
    caches and the session. With ``slow_runs``, a request slower than a second stops the runs
    once that many are timed."""
    request()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        request()
        times.append((time.perf_counter() - started) * 1000)
        if slow_runs and times[-1] > 1000 and len(times) >= slow_runs:
            break
    return times


def count_queries(request):
    """The number of queries one more call of ``request`` makes, and what it returned."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        result = request()
    return len(captured), result
