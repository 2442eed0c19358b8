"""The rules of a project's reports: what a report covers, when it is complete, what an output
must say, what final acceptance does to the project.

Pure: plain values in, plain values out; the workflow (grants.projects.report_workflow) turns
the problem codes into the messages users read.
"""

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

ANNUAL = "annual"
FINAL = "final"

# A DOI is "10." and a registrant code of digits (dot-separated parts allowed), a slash and a
# suffix without spaces: 10.1000/xyz123, 10.1038/nature.2014.123. Readers often paste it as a
# link or with a "doi:" prefix; both are taken and dropped.
DOI = re.compile(r"^10\.\d{4,9}(\.\d+)*/\S+$")
DOI_PREFIXES = ("https://doi.org/", "http://doi.org/", "https://dx.doi.org/", "http://dx.doi.org/")

PAPER_KINDS = {"paper", "joint_paper"}
# Outputs that name the enterprise or partner, and those whose amount (yuan) is required.
PARTNER_KINDS = {"licence", "trial", "contract"}
AMOUNT_KINDS = {"licence", "contract"}
AMOUNT_ALLOWED_KINDS = AMOUNT_KINDS | {"trial"}


def doi_normalise(text: str) -> str | None:
    """The DOI in ``text`` ("10.1000/xyz", a doi.org link or "doi:10.1000/xyz"), or None."""
    value = (text or "").strip()
    for prefix in DOI_PREFIXES:
        if value.lower().startswith(prefix):
            value = value[len(prefix) :]
            break
    else:
        if value.lower().startswith("doi:"):
            value = value[4:].strip()
    return value if DOI.match(value) else None


def output_problems(
    kind: str, identifier: str, partner: str, amount: Decimal | None
) -> dict[str, str]:
    """What is wrong with one declared output, as {field: problem code}."""
    problems = {}
    if kind in PAPER_KINDS:
        if not identifier.strip():
            problems["identifier"] = "doi_missing"
        elif doi_normalise(identifier) is None:
            problems["identifier"] = "doi_invalid"
    if kind in PARTNER_KINDS and not partner.strip():
        problems["partner"] = "partner_missing"
    if kind in AMOUNT_KINDS and amount is None:
        problems["amount"] = "amount_missing"
    elif kind not in AMOUNT_ALLOWED_KINDS and amount is not None:
        problems["amount"] = "amount_not_applicable"
    return problems


def milestone_due(kind: str, year: int, due_month: int) -> bool:
    """Whether a milestone due in project month ``due_month`` is reported on: an annual report
    covers those due by the end of its year, the final report every one."""
    return kind == FINAL or due_month <= 12 * year


def awarded_for_period(
    lines: Iterable[tuple[int, str, int, Decimal]], kind: str, year: int
) -> dict[tuple[int, str], Decimal]:
    """The awarded budget per (member, category) for what a report covers: an annual report's
    year, or the whole project for the final report. ``lines``: (member, category, year,
    amount)."""
    awarded: dict[tuple[int, str], Decimal] = {}
    for member, category, line_year, amount in lines:
        if kind == FINAL or line_year == year:
            awarded[(member, category)] = awarded.get((member, category), Decimal("0")) + amount
    return awarded


@dataclass(frozen=True)
class Problem:
    code: str  # "milestone_state_missing", "spending_missing"
    subject: object  # the milestone's or the member's id


def submission_problems(
    *,
    due_milestones: Iterable[int],
    states: Mapping[int, str],
    members: Iterable[int],
    awarded: Mapping[tuple[int, str], Decimal],
    spent: Mapping[tuple[int, str], Decimal],
) -> list[Problem]:
    """Why a report cannot be submitted yet: a milestone due by then without a state, or a
    member whose spending is not given (every category it was awarded money in, and at least
    one category in any case). Empty when it is complete."""
    problems = [
        Problem("milestone_state_missing", milestone)
        for milestone in due_milestones
        if not states.get(milestone)
    ]
    for member in members:
        given = {category for (m, category) in spent if m == member}
        budgeted = {category for (m, category), amount in awarded.items() if m == member and amount}
        if not given or budgeted - given:
            problems.append(Problem("spending_missing", member))
    return problems


@dataclass(frozen=True)
class SpendingRow:
    category: str
    awarded: Decimal
    spent: Decimal | None
    difference: Decimal | None  # awarded - spent: positive is left over, negative overspent


def spending_rows(
    member: int,
    categories: Iterable[str],
    awarded: Mapping[tuple[int, str], Decimal],
    spent: Mapping[tuple[int, str], Decimal | None],
) -> list[SpendingRow]:
    zero = Decimal("0.00")
    rows = []
    for category in categories:
        budget = awarded.get((member, category), zero)
        amount = spent.get((member, category))
        rows.append(
            SpendingRow(category, budget, amount, None if amount is None else budget - amount)
        )
    return rows


# Final acceptance: the verdict -> (the final report's status, the project's status). A
# deferred verdict sends the report back with a new due date; the project keeps running.
FINAL_OUTCOMES = {
    "passed": ("accepted", "completed"),
    "failed": ("accepted", "not_accepted"),
    "deferred": ("returned", "running"),
}

# Who may do what to a report in which status.
EDITABLE = {"due", "returned"}
DECIDABLE = {"submitted", "in_review"}
REMINDED = EDITABLE
