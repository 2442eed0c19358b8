"""People, teams and running projects: the same person leading or taking part in more than the
call allows, the same team in several proposals, a PI asking again for what their running
project of the fund already pays for.

Who is the same person (``same_person``), strongest first:

    same account              1.0   "account"
    same ORCID iD             1.0   "orcid"
    same e-mail address       1.0   "email"
    same name and institution 0.9   "name+institution"
    same name only            0.5   "name"   a candidate: the office checks it

Names compare without spacing, case or dots, and Latin names whatever the order of their
parts ("Wei Zhang" is "Zhang Wei"). The strong matches (0.9 and up) join people into one
identity; name-only matches only ever make candidates.

Pure: plain values in, plain values out; no Django.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import combinations

TEAM_THRESHOLD = 0.6  # Jaccard of two proposals' institutions and PIs
CANDIDATE_SCORE = 0.5
MATCHES = (
    ("account", 1.0),
    ("orcid", 1.0),
    ("email", 1.0),
    ("name+institution", 0.9),
    ("name", CANDIDATE_SCORE),
)


@dataclass(frozen=True)
class Person:
    key: str  # the account ("user:12") or the record it comes from
    name: str
    institution: str = ""
    email: str = ""
    orcid: str = ""


@dataclass(frozen=True)
class Holding:
    """``person`` leads (``leads``) or takes part in ``ref``: a proposal of the call
    ("proposal:42") or a running project of the fund ("project:7")."""

    ref: str
    person: Person
    leads: bool


@dataclass(frozen=True)
class Excess:
    """One person holding more than a limit allows: ``limit`` is "led" or "participations",
    ``refs`` what they hold (proposals of the call and running projects), ``score`` 1.0 or
    0.9 for a sure identity, CANDIDATE_SCORE when only the name ties the holdings together."""

    identity: str
    name: str
    limit: str
    allowed: int
    refs: tuple[str, ...]
    score: float
    basis: str
    people: tuple[str, ...] = field(default=())


def name_key(name: str) -> str:
    parts = re.findall(r"\w+", name.lower())
    if all(part.isascii() for part in parts):
        parts = sorted(parts)
    return "".join(parts)


def _plain(text: str) -> str:
    return re.sub(r"\s+", "", text.lower())


def same_person(a: Person, b: Person):
    """(score, basis) when ``a`` and ``b`` are or may be the same person (see the table
    above), else None."""
    if a.key == b.key:
        return 1.0, "account"
    if a.orcid and a.orcid == b.orcid:
        return 1.0, "orcid"
    if a.email and _plain(a.email) == _plain(b.email):
        return 1.0, "email"
    if name_key(a.name) and name_key(a.name) == name_key(b.name):
        if a.institution and _plain(a.institution) == _plain(b.institution):
            return 0.9, "name+institution"
        return CANDIDATE_SCORE, "name"
    return None


def identities(people):
    """{person key: identity}: people joined by a strong match (score 0.9 or more) share an
    identity, the smallest of their keys. Returns also {identity: (score, basis)}, the weakest
    link that joined it (1.0 "account" for a person alone)."""
    people = {person.key: person for person in people}
    parent = {key: key for key in people}
    weakest = {}

    def root(key):
        while parent[key] != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key

    buckets = {}
    for person in people.values():
        for value in (
            "o:" + person.orcid if person.orcid else "",
            "e:" + _plain(person.email) if person.email else "",
            "n:" + name_key(person.name) if name_key(person.name) else "",
        ):
            if value:
                buckets.setdefault(value, []).append(person.key)
    links = []
    for keys in buckets.values():
        for a, b in combinations(sorted(set(keys)), 2):
            match = same_person(people[a], people[b])
            if match and match[0] >= 0.9:
                links.append((a, b, match))
    for a, b, match in links:
        ra, rb = root(a), root(b)
        if ra != rb:
            keep, gone = min(ra, rb), max(ra, rb)
            parent[gone] = keep
            weakest[keep] = min(
                [match, weakest.get(keep, (1.0, "account")), weakest.get(gone, (1.0, "account"))],
                key=lambda m: m[0],
            )
    identity = {key: root(key) for key in people}
    basis = {ident: weakest.get(ident, (1.0, "account")) for ident in set(identity.values())}
    return identity, basis


def beyond_limits(holdings, max_led: int, max_participations: int) -> list[Excess]:
    """The people holding more than the call allows: leading more than ``max_led`` (proposals
    of the call and running projects) or taking part in more than ``max_participations``
    (leading counts as taking part). Sure identities first; then name-only candidates, where
    people of the same name together go beyond a limit that none of them alone does."""
    holdings = list(holdings)
    identity, basis = identities(holding.person for holding in holdings)
    groups, names = {}, {}
    for holding in holdings:
        groups.setdefault(identity[holding.person.key], []).append(holding)
        names.setdefault(name_key(holding.person.name), set()).add(identity[holding.person.key])
    found = []

    def check(ident, held, score, how, people):
        led = sorted({h.ref for h in held if h.leads})
        every = sorted({h.ref for h in held})
        name = held[0].person.name
        if len(led) > max_led:
            found.append(Excess(ident, name, "led", max_led, tuple(led), score, how, people))
        if len(every) > max_participations:
            found.append(
                Excess(
                    ident,
                    name,
                    "participations",
                    max_participations,
                    tuple(every),
                    score,
                    how,
                    people,
                )
            )

    for ident, held in sorted(groups.items()):
        score, how = basis[ident]
        check(ident, held, score, how, tuple(sorted({h.person.key for h in held})))
    sure = {(excess.identity, excess.limit) for excess in found}
    for key, idents in sorted(names.items()):
        if len(idents) < 2 or not key:
            continue
        held = [h for ident in sorted(idents) for h in groups[ident]]
        before = len(found)
        check("name:" + key, held, CANDIDATE_SCORE, "name", tuple(sorted(idents)))
        # A candidate adds nothing where one of the people alone already goes beyond.
        found[before:] = [
            excess
            for excess in found[before:]
            if not any((ident, excess.limit) in sure for ident in idents)
        ]
    return found


def jaccard(a: set, b: set) -> float:
    return len(a & b) / len(a | b) if a | b else 0.0


def team_overlaps(teams: dict, queries, threshold: float = TEAM_THRESHOLD):
    """Pairs of proposals whose teams are mostly the same: ``teams`` is {ref: set of the
    institutions and PI identities of its members}; each ref of ``queries`` is compared with
    every other team. Returns [(query ref, other ref, Jaccard rounded to 3 places)], best
    first; a pair of two queries once, as (the smaller ref, the larger)."""
    members = {}
    for ref, team in teams.items():
        for element in team:
            members.setdefault(element, set()).add(ref)
    queries = set(queries)
    found = []
    for ref in sorted(queries):
        others = set().union(*(members[element] for element in teams[ref])) - {ref}
        for other in sorted(others):
            if other in queries and other < ref:
                continue
            score = jaccard(teams[ref], teams[other])
            if score >= threshold:
                found.append((ref, other, round(score, 3)))
    found.sort(key=lambda pair: (-pair[2], pair[0], pair[1]))
    return found


def running_project_overlaps(proposals: dict, projects: dict, text_scores: dict, threshold: float):
    """A proposal one of whose PIs holds a running project with overlapping text:
    ``proposals`` and ``projects`` are {ref: set of PI identities}, ``text_scores``
    {(proposal ref, project ref): text score}. Returns [(proposal ref, project ref, score,
    the shared identities sorted)], best first, for the pairs scoring at least ``threshold``."""
    holders = {}
    for ref, people in projects.items():
        for person in people:
            holders.setdefault(person, set()).add(ref)
    found = []
    for ref, people in sorted(proposals.items()):
        for project in sorted(set().union(*(holders.get(person, set()) for person in people))):
            score = text_scores.get((ref, project), 0.0)
            if score >= threshold:
                shared = tuple(sorted(people & projects[project]))
                found.append((ref, project, score, shared))
    found.sort(key=lambda item: (-item[2], item[0], item[1]))
    return found
