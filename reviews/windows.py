"""Whether a review is open for writing: the one home of the rule. Pure: plain values in, a
reason out.

A review closes at the review deadline or when its proposal's panel locks the ranking,
whichever comes first, and for good once the call's funding is committed or the call decided.
Accepting, declining, declaring a conflict, saving and submitting are all writing: each can
change who reviews the proposal or its stored score, which the ranking and funding read.

The fund office may reopen one review closed by the deadline. A reopened review closes again
when the panel locks, so neither a locked ranking nor a committed decision ever moves because
of a late write: reopening is refused once the panel is locked or funding committed.
"""

from django.utils.translation import gettext_lazy as _

DEADLINE = "deadline"
PANEL_LOCKED = "panel_locked"
DECIDED = "decided"
ALREADY_OPEN = "already_open"
ANSWERED = "answered"

CLOSED_MESSAGES = {
    DEADLINE: _("The review deadline has passed; reviews can no longer be changed."),
    PANEL_LOCKED: _(
        "The panel has locked its ranking; reviews of this proposal can no longer be changed."
    ),
    DECIDED: _("Funding for this call has been committed; reviews can no longer be changed."),
}

REOPEN_MESSAGES = {
    **CLOSED_MESSAGES,
    PANEL_LOCKED: _(
        "The panel has locked its ranking: a reopened review could no longer count, so it "
        "cannot be reopened."
    ),
    DECIDED: _("Funding for this call has been committed: its reviews cannot be reopened."),
    ALREADY_OPEN: _("This review is still open: the reviewer can change it now."),
    ANSWERED: _("Only an invitation still waiting or an accepted review can be reopened."),
}


def closed_because(*, now, deadline, reopened, panel_locked, decided):
    """Why the review is closed (DEADLINE, PANEL_LOCKED or DECIDED), or None while it is open.

    ``deadline`` may be None (no deadline set); ``reopened`` says whether the fund office has
    reopened it since it closed."""
    if decided:
        return DECIDED
    if panel_locked:
        return PANEL_LOCKED
    if deadline is not None and now >= deadline and not reopened:
        return DEADLINE
    return None


def reopen_refused_because(*, closed, active):
    """Why the office may not reopen a review closed for ``closed`` (closed_because's answer),
    or None when it may. ``active``: the assignment is still invited or accepted (a declined
    or conflicted one is over)."""
    if not active:
        return ANSWERED
    if closed is None:
        return ALREADY_OPEN
    if closed != DEADLINE:
        return closed
    return None
