"""Factories for tests: plain functions with sensible defaults, overridden per test."""

import itertools

from grants.accounts import role_grant, user_register_verified
from grants.models import Discipline, Institution, Province, Role, User

PASSWORD = "test-password-2026"
_sequence = itertools.count(1)


def make_user(
    email=None,
    *,
    institution="复旦大学",
    roles=(),
    province=None,
    name=None,
    disciplines=(),
    keywords="",
    title=User.Title.PROFESSOR,
    complete=True,
):
    """A verified user; ``institution`` is a Chinese name from the reference list."""
    number = next(_sequence)
    email = email or f"person{number}@example.org"
    user = user_register_verified(
        email=email,
        password=PASSWORD,
        name=(name or f"Person {number}") if complete else "",
        institution=Institution.objects.get(name_zh=institution) if complete else None,
        title=title if complete else "",
        keywords=keywords,
        disciplines=Discipline.objects.filter(code__in=disciplines),
    )
    for role in roles:
        role_grant(
            user=user,
            role=role,
            province=Province.objects.get(code=province)
            if role == Role.PROVINCIAL_OFFICER
            else None,
        )
    return user
