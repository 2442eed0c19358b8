"""A project's calendar: when it ends, when each report is due, when reminders go out.

Pure: dates in, dates out. The fund's defaults (DOMAIN.md, after NSFC and the EU portal): one
annual progress report per project year, due 60 days after the year ends; the final report due
60 days after the project ends, in place of the last year's annual report; reminders 30 and 7
days before a due date and every 7 days while it is overdue.
"""

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

REPORT_DAYS_AFTER = 60
REMINDER_DAYS_BEFORE = (30, 7)
OVERDUE_EVERY_DAYS = 7

ANNUAL = "annual"
FINAL = "final"


def add_months(start: date, months: int) -> date:
    """``start`` moved ``months`` calendar months on; the 31st becomes the month's last day."""
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def end_date(start: date, months: int) -> date:
    """The last day of a project of ``months`` months starting on ``start``."""
    return add_months(start, months) - timedelta(days=1)


def project_years(months: int) -> int:
    """How many project years (12 months each, the last maybe shorter) ``months`` spans."""
    return max(1, -(-months // 12))


@dataclass(frozen=True)
class DueReport:
    kind: str  # ANNUAL or FINAL
    year: int  # the project year it covers; the final report: the last year
    due_on: date


def report_schedule(start: date, months: int) -> list[DueReport]:
    """The reports a project of ``months`` months starting on ``start`` owes, in order."""
    years = project_years(months)
    schedule = [
        DueReport(
            ANNUAL,
            year,
            end_date(start, 12 * year) + timedelta(days=REPORT_DAYS_AFTER),
        )
        for year in range(1, years)
    ]
    schedule.append(
        DueReport(FINAL, years, end_date(start, months) + timedelta(days=REPORT_DAYS_AFTER))
    )
    return schedule


def reminder_due(due_on: date, today: date, sent: set[str]) -> str | None:
    """The key of the reminder to send today for a report due on ``due_on``, or None.

    Keys are "before-30", "before-7" and "overdue-<date>" (each overdue week's first day), so a
    reminder missed on its day (the scheduler was down) still goes once, late, and never twice.
    """
    days_left = (due_on - today).days
    if days_left < 0:
        weeks = (-days_left - 1) // OVERDUE_EVERY_DAYS
        key = f"overdue-{due_on + timedelta(days=1 + weeks * OVERDUE_EVERY_DAYS)}"
        return None if key in sent else key
    for days in sorted(REMINDER_DAYS_BEFORE):
        if days_left <= days:
            key = f"before-{days}"
            # Only the nearest one: a report first seen 5 days before its date gets "before-7",
            # not also "before-30".
            return None if key in sent else key
    return None
