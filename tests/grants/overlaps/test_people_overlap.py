"""People, teams and running projects, as tables."""

import pytest

from grants.overlaps.people_overlap import (
    Holding,
    Person,
    beyond_limits,
    identities,
    running_project_overlaps,
    same_person,
    team_overlaps,
)

ZHANG = Person("user:1", "张伟", "复旦大学", "zhang@fudan.edu.cn", "0000-0001-2345-6789")


@pytest.mark.parametrize(
    "other, expected",
    [
        (ZHANG, (1.0, "account")),
        (Person("user:2", "Wei Zhang", "Fudan", "", "0000-0001-2345-6789"), (1.0, "orcid")),
        (Person("user:3", "Zhang W.", "", "ZHANG@fudan.edu.cn "), (1.0, "email")),
        (Person("ext:1", "张 伟", "复旦大学"), (0.9, "name+institution")),
        (Person("ext:2", "张伟", "浙江大学"), (0.5, "name")),
        (Person("user:4", "李娜", "复旦大学"), None),
    ],
)
def test_same_person(other, expected):
    assert same_person(ZHANG, other) == expected


def test_latin_names_in_any_order():
    assert same_person(Person("a", "Wei Zhang", "X"), Person("b", "zhang wei", "x")) == (
        0.9,
        "name+institution",
    )


def test_identities_join_strong_matches_only():
    people = [
        ZHANG,
        Person("user:2", "Wei Zhang", "", "", ZHANG.orcid),
        Person("user:3", "张伟", "浙江大学"),
    ]
    identity, basis = identities(people)
    assert identity == {"user:1": "user:1", "user:2": "user:1", "user:3": "user:3"}
    assert basis["user:1"] == (1.0, "orcid")


def lead(ref, person):
    return Holding(ref, person, True)


def member(ref, person):
    return Holding(ref, person, False)


OTHER_ACCOUNT = Person("user:9", "张伟", "复旦大学")  # a second account, same name and place
NAMESAKE = Person("user:8", "张伟", "南京大学")


@pytest.mark.parametrize(
    "holdings, expected",
    [
        # Within the limits: one led, two taken part in.
        ([lead("proposal:1", ZHANG), member("proposal:2", ZHANG)], []),
        # Leading two: beyond one led.
        (
            [lead("proposal:1", ZHANG), lead("project:5", ZHANG)],
            [("user:1", "led", ("project:5", "proposal:1"), 1.0)],
        ),
        # Three participations, one through a second account of the same name and place.
        (
            [
                lead("proposal:1", ZHANG),
                member("proposal:2", ZHANG),
                member("proposal:3", OTHER_ACCOUNT),
            ],
            [("user:1", "participations", ("proposal:1", "proposal:2", "proposal:3"), 0.9)],
        ),
        # Only the name ties the third one: a candidate.
        (
            [
                lead("proposal:1", ZHANG),
                member("proposal:2", ZHANG),
                member("proposal:3", NAMESAKE),
            ],
            [("name:张伟", "participations", ("proposal:1", "proposal:2", "proposal:3"), 0.5)],
        ),
    ],
)
def test_beyond_the_limits(holdings, expected):
    found = beyond_limits(holdings, max_led=1, max_participations=2)
    assert [(e.identity, e.limit, e.refs, e.score) for e in found] == expected


def test_no_candidate_where_one_person_alone_goes_beyond():
    holdings = [lead("proposal:1", ZHANG), lead("proposal:2", ZHANG), lead("proposal:3", NAMESAKE)]
    found = beyond_limits(holdings, max_led=1, max_participations=5)
    assert [(e.identity, e.limit) for e in found] == [("user:1", "led")]


@pytest.mark.parametrize(
    "teams, queries, expected",
    [
        # Three of four shared: 0.6; two of five: no.
        (
            {"a": {"i1", "i2", "p1", "p2"}, "b": {"i1", "i2", "p1", "p3"}, "c": {"i1", "p1", "i9"}},
            ["a"],
            [("a", "b", 0.6)],
        ),
        ({"a": {"i1", "p1"}, "b": {"i1", "p1"}}, ["a", "b"], [("a", "b", 1.0)]),
        ({"a": {"i1", "p1"}, "b": {"i2", "p2"}}, ["a", "b"], []),
    ],
)
def test_team_overlaps(teams, queries, expected):
    assert team_overlaps(teams, queries) == expected


def test_running_project_overlaps():
    proposals = {"proposal:1": {"user:1", "user:2"}, "proposal:2": {"user:3"}}
    projects = {"project:7": {"user:2"}, "project:8": {"user:3"}}
    scores = {("proposal:1", "project:7"): 0.4, ("proposal:2", "project:8"): 0.1}
    assert running_project_overlaps(proposals, projects, scores, threshold=0.2) == [
        ("proposal:1", "project:7", 0.4, ("user:2",))
    ]
