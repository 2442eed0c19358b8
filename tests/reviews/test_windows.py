"""reviews.windows: when a review is open for writing, and when the office may reopen it."""

from datetime import UTC, datetime, timedelta

import pytest

from reviews import windows

DEADLINE = datetime(2026, 9, 30, 16, tzinfo=UTC)
BEFORE, AT, AFTER = DEADLINE - timedelta(seconds=1), DEADLINE, DEADLINE + timedelta(days=3)


@pytest.mark.parametrize(
    ("now", "deadline", "reopened", "panel_locked", "decided", "expected"),
    [
        (BEFORE, DEADLINE, False, False, False, None),
        (AT, DEADLINE, False, False, False, windows.DEADLINE),
        (AFTER, DEADLINE, False, False, False, windows.DEADLINE),
        (AFTER, None, False, False, False, None),
        (AFTER, DEADLINE, True, False, False, None),
        (BEFORE, DEADLINE, False, True, False, windows.PANEL_LOCKED),
        (AFTER, DEADLINE, True, True, False, windows.PANEL_LOCKED),
        (BEFORE, None, False, True, False, windows.PANEL_LOCKED),
        (BEFORE, DEADLINE, False, True, True, windows.DECIDED),
        (AFTER, DEADLINE, True, False, True, windows.DECIDED),
    ],
    ids=[
        "before-the-deadline",
        "at-the-deadline",
        "after-the-deadline",
        "no-deadline",
        "reopened-after-the-deadline",
        "panel-locked-before-the-deadline",
        "reopened-but-panel-locked",
        "no-deadline-but-panel-locked",
        "decided",
        "reopened-but-decided",
    ],
)
def test_a_review_closes_at_the_deadline_or_the_panel_lock_whichever_is_first(
    now, deadline, reopened, panel_locked, decided, expected
):
    assert (
        windows.closed_because(
            now=now,
            deadline=deadline,
            reopened=reopened,
            panel_locked=panel_locked,
            decided=decided,
        )
        == expected
    )


@pytest.mark.parametrize(
    ("closed", "active", "expected"),
    [
        (windows.DEADLINE, True, None),
        (None, True, windows.ALREADY_OPEN),
        (windows.PANEL_LOCKED, True, windows.PANEL_LOCKED),
        (windows.DECIDED, True, windows.DECIDED),
        (windows.DEADLINE, False, windows.ANSWERED),
    ],
    ids=["closed-by-the-deadline", "still-open", "panel-locked", "decided", "declined-or-conflict"],
)
def test_only_a_review_closed_by_the_deadline_can_be_reopened(closed, active, expected):
    assert windows.reopen_refused_because(closed=closed, active=active) == expected


def test_every_reason_has_a_message():
    reasons = {windows.DEADLINE, windows.PANEL_LOCKED, windows.DECIDED}
    assert set(windows.CLOSED_MESSAGES) == reasons
    assert set(windows.REOPEN_MESSAGES) == reasons | {windows.ALREADY_OPEN, windows.ANSWERED}
