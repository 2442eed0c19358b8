"""A compiled query gives the rows its queryset gives, from SQL compiled once, and refuses
arguments that could change the SQL's shape."""

from unittest import mock

import pytest
from django.db.models import Count, Q

from grants.core.compiled_queries import CompiledQuery
from grants.models import Institution, User
from tests.factories import make_user

pytestmark = pytest.mark.django_db

BUILDS = {
    "by primary key": lambda user_id: User.objects.filter(pk=user_id),
    "by e-mail": lambda email: User.objects.filter(email=email),
    "by name and institution": lambda name, institution_id: User.objects.filter(
        name=name, institution_id=institution_id
    ).order_by("pk"),
    "annotated": lambda user_id: User.objects.filter(pk=user_id).annotate(
        grants=Count("role_grants")
    ),
}


def arguments(case, user):
    return {
        "by primary key": (user.pk,),
        "by e-mail": (user.email,),
        "by name and institution": (user.name, user.institution_id),
        "annotated": (user.pk,),
    }[case]


@pytest.mark.parametrize("case", sorted(BUILDS))
def test_rows_are_the_querysets_rows(reference, case):
    first, second = make_user(), make_user()
    query = CompiledQuery(BUILDS[case])
    for user in (first, second, first):
        expected = list(BUILDS[case](*arguments(case, user)))
        got = list(query(*arguments(case, user)))
        assert [row.pk for row in got] == [row.pk for row in expected]
        assert [row.email for row in got] == [row.email for row in expected]
    if case == "annotated":
        assert got[0].grants == expected[0].grants


def test_a_query_matching_nothing_gives_no_rows(reference):
    assert list(CompiledQuery(BUILDS["by primary key"])(987_654)) == []


def test_the_sql_is_compiled_once_per_database(reference):
    first, second = make_user(), make_user()
    query = CompiledQuery(BUILDS["by primary key"])
    with mock.patch.object(query, "_compile", wraps=query._compile) as compile_sql:
        for user in (first, second, first, second):
            assert [row.pk for row in query(user.pk)] == [user.pk]
    assert compile_sql.call_count == 1


@pytest.mark.parametrize("argument", [None, True, 1.5, [1, 2], b"bytes"])
def test_arguments_other_than_numbers_and_strings_are_refused(argument):
    with pytest.raises(TypeError):
        CompiledQuery(BUILDS["by primary key"])(argument)


@pytest.mark.parametrize(
    "build",
    [
        # Used twice: substituting one parameter would leave the other with the stand-in.
        lambda user_id: User.objects.filter(Q(pk=user_id) | Q(institution_id=user_id)),
        # Not used at all.
        lambda user_id: User.objects.all(),
        # Used as a list, whose length is part of the SQL.
        lambda user_id: User.objects.filter(pk__in=[user_id, user_id + 1]),
    ],
)
def test_an_argument_must_become_exactly_one_parameter(reference, build):
    with pytest.raises(ValueError, match="exactly one SQL parameter"):
        CompiledQuery(build)(1)


def test_related_rows_are_read_as_the_orm_reads_them(reference):
    user = make_user()
    query = CompiledQuery(lambda user_id: Institution.objects.filter(people__pk=user_id))
    assert [row.pk for row in query(user.pk)] == [user.institution_id]
