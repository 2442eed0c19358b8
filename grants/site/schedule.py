"""Work that happens on time rather than on a click: calls opening and closing, old exports
deleted. ``run_schedule`` does it once (for cron); ``run_scheduler`` keeps doing it every
minute beside the task worker, in development and production alike.

Every step is idempotent and locks the rows it moves, so a pass that overlaps another (two
hosts, or cron beside the loop) changes nothing twice.
"""

import logging
import threading

from django.db import connections
from django.utils import timezone

from grants.calls import call_workflow
from grants.projects import report_reminders

logger = logging.getLogger(__name__)

# Deadlines are published to the minute; a call closes within a minute of its deadline.
INTERVAL_SECONDS = 60


def run_once(now=None) -> list[str]:
    """One pass of the schedule; a line for each thing done (or that could not be)."""
    from reviews.calibration import fail_lost_fits
    from reviews.exports import fail_lost, purge_expired
    from reviews.jobs import fail_lost_runs

    lines = []
    purged = purge_expired(now)
    if purged:
        lines.append(f"{purged} expired exports deleted.")
    # Jobs whose worker was killed or lost end as failed, with a retry button for the user.
    for count, what in (
        (fail_lost(now=now), "exports"),
        (fail_lost_runs(now=now), "assignment runs"),
        (fail_lost_fits(now=now), "ranking fits"),
    ):
        if count:
            lines.append(f"{count} {what} failed: their worker stopped.")
    reminded = report_reminders.reminders_send(timezone.localdate(now) if now else None)
    if reminded:
        lines.append(f"{reminded} report reminders sent.")
    for call, outcome, detail in call_workflow.calls_run_schedule(now=now):
        if outcome == "not_opened":
            lines.append(f"{call.code}: not opened: {detail}")
        else:
            lines.append(f"{call.code}: {outcome}")
    return lines


def run_every(interval: float, *, stop: threading.Event, write, passes: int | None = None) -> int:
    """Run the schedule every ``interval`` seconds until ``stop`` is set (or ``passes`` have
    run). Returns the number of passes made."""
    done = 0
    while not stop.is_set() and (passes is None or done < passes):
        _run_pass(write)
        done += 1
        if passes is None or done < passes:
            stop.wait(interval)
    return done


def _run_pass(write) -> None:
    # The loop runs for days: drop connections the database has closed meanwhile, and keep
    # going after a failed pass (the database restarting, say); the next pass tries again.
    _drop_stale_connections()
    try:
        for line in run_once():
            write(line)
    except Exception:
        logger.exception("The scheduled pass failed; the next one runs in a minute.")
    finally:
        _drop_stale_connections()


def _drop_stale_connections():
    """Django's close_old_connections, except for a connection inside a transaction: the one
    who opened it (a caller running passes in its own transaction, as tests do) closes it."""
    for connection in connections.all(initialized_only=True):
        if not connection.in_atomic_block:
            connection.close_if_unusable_or_obsolete()
