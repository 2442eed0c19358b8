from datetime import date

import pytest

from grants.projects.project_dates import (
    DueReport,
    add_months,
    end_date,
    project_years,
    reminder_due,
    report_schedule,
)


@pytest.mark.parametrize(
    "start, months, expected",
    [
        (date(2027, 1, 1), 12, date(2027, 12, 31)),
        (date(2027, 1, 31), 1, date(2027, 2, 27)),  # add_months gives 28 Feb, minus a day
        (date(2027, 3, 15), 36, date(2030, 3, 14)),
        (date(2028, 2, 29), 12, date(2029, 2, 27)),
    ],
)
def test_end_date(start, months, expected):
    assert end_date(start, months) == expected


def test_add_months_keeps_the_day_or_the_months_last():
    assert add_months(date(2027, 1, 31), 1) == date(2027, 2, 28)
    assert add_months(date(2027, 11, 30), 3) == date(2028, 2, 29)


@pytest.mark.parametrize("months, years", [(1, 1), (12, 1), (13, 2), (24, 2), (48, 4)])
def test_project_years(months, years):
    assert project_years(months) == years


def test_a_three_year_project_owes_two_annual_reports_and_the_final_one():
    assert report_schedule(date(2027, 1, 1), 36) == [
        DueReport("annual", 1, date(2028, 2, 29)),  # 31 Dec 2027 + 60 days, a leap year
        DueReport("annual", 2, date(2029, 3, 1)),
        DueReport("final", 3, date(2030, 3, 1)),
    ]


def test_a_short_project_owes_only_the_final_report():
    assert report_schedule(date(2027, 1, 1), 10) == [DueReport("final", 1, date(2027, 12, 30))]


DUE = date(2027, 3, 1)


@pytest.mark.parametrize(
    "today, sent, expected",
    [
        (date(2027, 1, 1), set(), None),  # 59 days before
        (date(2027, 1, 30), set(), "before-30"),
        (date(2027, 2, 10), {"before-30"}, None),
        (date(2027, 2, 22), {"before-30"}, "before-7"),
        (date(2027, 2, 25), set(), "before-7"),  # first seen late: only the nearest
        (date(2027, 2, 26), {"before-7"}, None),
        (DUE, {"before-7"}, None),  # the due day itself is not overdue
        (date(2027, 3, 2), {"before-7"}, "overdue-2027-03-02"),
        (date(2027, 3, 5), {"overdue-2027-03-02"}, None),
        (date(2027, 3, 9), {"overdue-2027-03-02"}, "overdue-2027-03-09"),
        (date(2027, 3, 20), {"overdue-2027-03-02"}, "overdue-2027-03-16"),
    ],
)
def test_reminders(today, sent, expected):
    assert reminder_due(DUE, today, sent) == expected
