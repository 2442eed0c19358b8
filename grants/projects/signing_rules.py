"""Who signs a task book, in what order, and when it is fully signed.

Pure: the parties' keys in, the parties still to sign out. A task book is accepted by every
member institution of the consortium (through its PI), then countersigned by every province
whose committed share (charged from its pool plus its part of the balancing pot) is above zero:
a province signs for money its institutions' PIs have already accepted to spend.

A version made by an approved change is signed again, but only by the parties the change
touches (``resigners``): what a fund office expects of a 变更, whose consent stage already
heard every affected province, and what keeps a one-line reallocation from sending the whole
consortium back to sign. A change to the terms every party signed for (the duration, the
milestones) touches everyone, as the first version did.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

MEMBER = "member"
PROVINCE = "province"


@dataclass(frozen=True)
class Party:
    kind: str  # MEMBER or PROVINCE
    key: str  # the member's id or the province's code, as text

    @property
    def token(self) -> str:
        """The party as one string, for a form's field: "member:12", "province:310000"."""
        return f"{self.kind}:{self.key}"


def party_from_token(token: str) -> Party | None:
    kind, _, key = (token or "").partition(":")
    if kind not in (MEMBER, PROVINCE) or not key:
        return None
    return Party(kind, key)


def parties(members: Iterable[str], committed: Mapping[str, Decimal]) -> list[Party]:
    """Everyone who must sign: each member, then each province committing money, in order."""
    return [Party(MEMBER, str(key)) for key in members] + [
        Party(PROVINCE, code) for code, amount in sorted(committed.items()) if amount > 0
    ]


@dataclass(frozen=True)
class SigningState:
    pending_members: tuple[Party, ...]
    pending_provinces: tuple[Party, ...]

    @property
    def provinces_may_sign(self) -> bool:
        return not self.pending_members

    @property
    def complete(self) -> bool:
        return not self.pending_members and not self.pending_provinces

    def may_sign(self, party: Party) -> str | None:
        """Why ``party`` may not sign now ("signed", "members_first", "not_a_party"), or None."""
        if party in self.pending_members:
            return None
        if party in self.pending_provinces:
            return None if self.provinces_may_sign else "members_first"
        return "signed"


def signing_state(required: Iterable[Party], signed: Iterable[Party]) -> SigningState:
    signed = set(signed)
    pending = [party for party in required if party not in signed]
    return SigningState(
        pending_members=tuple(p for p in pending if p.kind == MEMBER),
        pending_provinces=tuple(p for p in pending if p.kind == PROVINCE),
    )


def refusal(required: Iterable[Party], signed: Iterable[Party], party: Party) -> str | None:
    """Why ``party`` may not sign the task book now, or None: "not_a_party" for someone the
    task book does not name, "signed" for a party that already signed, "members_first" for a
    province while a member has yet to accept."""
    required = list(required)
    if party not in required:
        return "not_a_party"
    return signing_state(required, signed).may_sign(party)


@dataclass(frozen=True)
class VersionTerms:
    """What a task book version binds each party to, as plain values."""

    members: tuple[str, ...]  # the members' keys, the lead first, in signing order
    member_terms: Mapping[str, object]  # per member: its institution, PI and budget lines
    member_province: Mapping[str, str]  # per member: the province that pays it
    committed: Mapping[str, Decimal]  # per province: what it commits
    shared_terms: object  # what binds everyone: the duration, the milestones


def resigners(signed: VersionTerms, new: VersionTerms) -> list[Party]:
    """Who signs ``new``, made by a change to the last fully signed version ``signed``: every
    party if the shared terms changed; otherwise the lead (it asked for the change and answers
    for the project), each member new or whose own terms changed, and each paying province
    whose commitment changed or that pays a member whose terms changed. In signing order."""
    everyone = parties(new.members, new.committed)
    if signed.shared_terms != new.shared_terms:
        return everyone
    touched = {
        key for key in new.members if signed.member_terms.get(key) != new.member_terms.get(key)
    }
    provinces = {new.member_province[key] for key in touched} | {
        code
        for code, amount in new.committed.items()
        if signed.committed.get(code, Decimal(0)) != amount
    }
    touched.add(new.members[0])
    return [
        party
        for party in everyone
        if (party.kind == MEMBER and party.key in touched)
        or (party.kind == PROVINCE and party.key in provinces)
    ]


def due_month_error(month: int | None, duration_months: int) -> str | None:
    """Why a milestone cannot be due in project month ``month``, or None: "missing",
    "before_start" (months count from 1) or "after_end"."""
    if month is None:
        return "missing"
    if month < 1:
        return "before_start"
    if month > duration_months:
        return "after_end"
    return None
