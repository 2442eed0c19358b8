"""grants.projects.report_rules: what a report covers, when it is complete, what an output must
say and what final acceptance does to the project."""

from decimal import Decimal as D

import pytest

from grants.projects import report_rules as rules


@pytest.mark.parametrize(
    ("text", "doi"),
    [
        ("10.1000/xyz123", "10.1000/xyz123"),
        ("  10.1038/nature.2014.14583 ", "10.1038/nature.2014.14583"),
        ("https://doi.org/10.1145/3368089.3409754", "10.1145/3368089.3409754"),
        ("HTTPS://DX.DOI.ORG/10.1109/5.771073", "10.1109/5.771073"),
        ("doi:10.5555/12345678", "10.5555/12345678"),
        ("10.1000.10/abc", "10.1000.10/abc"),
        ("10.12/abc", None),  # a registrant code has at least four digits
        ("10.1000/", None),
        ("10.1000/has space", None),
        ("11.1000/xyz", None),
        ("nature.com/articles/1", None),
        ("", None),
    ],
)
def test_doi_normalise(text, doi):
    assert rules.doi_normalise(text) == doi


@pytest.mark.parametrize(
    ("kind", "identifier", "partner", "amount", "problems"),
    [
        ("paper", "10.1000/xyz", "", None, {}),
        ("paper", "", "", None, {"identifier": "doi_missing"}),
        ("joint_paper", "not a doi", "", None, {"identifier": "doi_invalid"}),
        ("patent", "CN123456789A", "", None, {}),
        ("software", "https://example.org/tool", "", D("5"), {"amount": "amount_not_applicable"}),
        ("licence", "", "Acme Ltd", D("100000"), {}),
        ("licence", "", "", None, {"partner": "partner_missing", "amount": "amount_missing"}),
        ("contract", "", "Acme Ltd", None, {"amount": "amount_missing"}),
        ("trial", "", "Acme Ltd", None, {}),
        ("trial", "", "Acme Ltd", D("0"), {}),
        ("talent", "", "", None, {}),
    ],
)
def test_output_problems(kind, identifier, partner, amount, problems):
    assert rules.output_problems(kind, identifier, partner, amount) == problems


@pytest.mark.parametrize(
    ("kind", "year", "due_month", "due"),
    [
        ("annual", 1, 12, True),
        ("annual", 1, 13, False),
        ("annual", 2, 13, True),
        ("annual", 2, 25, False),
        ("final", 3, 36, True),
        ("final", 3, 40, True),  # past the end (an extension moved it): reported on at the end
    ],
)
def test_milestones_due_by_the_end_of_the_period(kind, year, due_month, due):
    assert rules.milestone_due(kind, year, due_month) is due


LINES = [
    (1, "equipment", 1, D("100.00")),
    (1, "equipment", 2, D("50.00")),
    (1, "personnel", 2, D("30.00")),
    (2, "operations", 1, D("20.00")),
]


@pytest.mark.parametrize(
    ("kind", "year", "awarded"),
    [
        ("annual", 1, {(1, "equipment"): D("100.00"), (2, "operations"): D("20.00")}),
        ("annual", 2, {(1, "equipment"): D("50.00"), (1, "personnel"): D("30.00")}),
        ("annual", 3, {}),
        (
            "final",
            2,
            {
                (1, "equipment"): D("150.00"),
                (1, "personnel"): D("30.00"),
                (2, "operations"): D("20.00"),
            },
        ),
    ],
)
def test_the_awarded_budget_of_a_reports_period(kind, year, awarded):
    assert rules.awarded_for_period(LINES, kind, year) == awarded


AWARDED = {(1, "equipment"): D("100"), (1, "personnel"): D("0"), (2, "operations"): D("20")}


@pytest.mark.parametrize(
    ("states", "spent", "problems"),
    [
        ({10: "done", 11: "late"}, {(1, "equipment"): D("90"), (2, "operations"): D("0")}, []),
        (
            {10: "done"},
            {(1, "equipment"): D("90"), (2, "operations"): D("0")},
            [("milestone_state_missing", 11)],
        ),
        # A category awarded nothing need not be given; a category awarded money must.
        (
            {10: "done", 11: "done"},
            {(1, "personnel"): D("5"), (2, "operations"): D("3")},
            [("spending_missing", 1)],
        ),
        (
            {10: "done", 11: "done", 12: ""},
            {(1, "equipment"): D("1"), (2, "operations"): D("1")},
            [],
        ),
        (
            {},
            {},
            [("milestone_state_missing", 10), ("milestone_state_missing", 11)]
            + [
                ("spending_missing", 1),
                ("spending_missing", 2),
            ],
        ),
    ],
)
def test_what_a_report_still_needs_before_it_is_submitted(states, spent, problems):
    found = rules.submission_problems(
        due_milestones=[10, 11], states=states, members=[1, 2], awarded=AWARDED, spent=spent
    )
    assert [(p.code, p.subject) for p in found] == problems


def test_a_member_without_any_award_in_the_period_still_gives_its_spending():
    found = rules.submission_problems(
        due_milestones=[], states={}, members=[3], awarded=AWARDED, spent={}
    )
    assert [(p.code, p.subject) for p in found] == [("spending_missing", 3)]
    assert (
        rules.submission_problems(
            due_milestones=[],
            states={},
            members=[3],
            awarded=AWARDED,
            spent={(3, "indirect"): D(0)},
        )
        == []
    )


def test_spending_rows_show_the_difference_to_the_award():
    rows = rules.spending_rows(
        1, ["equipment", "personnel", "indirect"], AWARDED, {(1, "equipment"): D("120")}
    )
    assert [(r.category, r.awarded, r.spent, r.difference) for r in rows] == [
        ("equipment", D("100"), D("120"), D("-20")),
        ("personnel", D("0"), None, None),
        ("indirect", D("0.00"), None, None),
    ]


@pytest.mark.parametrize(
    ("verdict", "report", "project"),
    [
        ("passed", "accepted", "completed"),
        ("failed", "accepted", "not_accepted"),
        ("deferred", "returned", "running"),
    ],
)
def test_final_acceptance_outcomes(verdict, report, project):
    assert rules.FINAL_OUTCOMES[verdict] == (report, project)
