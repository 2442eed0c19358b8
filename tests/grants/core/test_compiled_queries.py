"""A compiled query gives the rows its queryset gives, from SQL compiled once, and refuses
arguments that could change the SQL's shape."""

from datetime import timedelta
from unittest import mock

import pytest
from django.db import connection
from django.db.models import Count, Exists, OuterRef, Q
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from grants.core.compiled_queries import CompiledQuery
from grants.models import Call, Institution, RoleGrant, User
from tests.factories import make_call, make_user

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
    "one argument twice": lambda user_id: User.objects.filter(
        Q(pk=user_id) | Q(institution_id=user_id)
    ).order_by("pk"),
    "joined before a time": lambda user_id, when: User.objects.filter(
        pk=user_id, date_joined__lt=when
    ),
}


def arguments(case, user):
    return {
        "by primary key": (user.pk,),
        "by e-mail": (user.email,),
        "by name and institution": (user.name, user.institution_id),
        "annotated": (user.pk,),
        "one argument twice": (user.pk,),
        "joined before a time": (user.pk, timezone.now() + timedelta(days=user.pk % 2 * 2 - 1)),
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


def test_every_column_is_converted_as_the_orm_converts_it_on_every_call(reference):
    # The converters are worked out once, at compilation; later calls must still apply them
    # (SQLite hands datetimes back as text, for one).
    query = CompiledQuery(lambda user_id: User.objects.filter(pk=user_id))
    for user in (make_user(), make_user()):
        expected = User.objects.get(pk=user.pk)
        got = query(user.pk)[0]
        for field in User._meta.concrete_fields:
            assert getattr(got, field.attname) == getattr(expected, field.attname), field.name
        assert got.date_joined.tzinfo is not None


def test_a_query_matching_nothing_gives_no_rows(reference):
    assert list(CompiledQuery(BUILDS["by primary key"])(987_654)) == []


def test_the_sql_is_compiled_once_per_database(reference):
    first, second = make_user(), make_user()
    query = CompiledQuery(BUILDS["by primary key"])
    with mock.patch.object(query, "_compile", wraps=query._compile) as compile_sql:
        for user in (first, second, first, second):
            assert [row.pk for row in query(user.pk)] == [user.pk]
    assert compile_sql.call_count == 1


@pytest.mark.parametrize(
    "argument", [None, True, 1.5, [1, 2], b"bytes", timezone.now().replace(tzinfo=None)]
)
def test_arguments_other_than_numbers_and_strings_are_refused(argument):
    with pytest.raises(TypeError):
        CompiledQuery(BUILDS["by primary key"])(argument)


@pytest.mark.parametrize(
    "build",
    [
        # In a value computed from it, which the stand-in's substitution would miss.
        lambda user_id: User.objects.filter(Q(pk=user_id) | Q(institution_id=user_id + 1)),
        # Not used at all.
        lambda user_id: User.objects.all(),
        # Used as a list, whose length is part of the SQL.
        lambda user_id: User.objects.filter(pk__in=[user_id, user_id + 1]),
    ],
)
def test_an_argument_must_become_exactly_one_parameter(reference, build):
    with pytest.raises(ValueError, match="plain SQL parameter"):
        CompiledQuery(build)(1)


def test_related_rows_are_read_as_the_orm_reads_them(reference):
    user = make_user()
    query = CompiledQuery(lambda user_id: Institution.objects.filter(people__pk=user_id))
    assert [row.pk for row in query(user.pk)] == [user.institution_id]


def test_selected_and_prefetched_relations_come_with_the_rows(reference):
    user = make_user(roles=["reviewer"])
    query = CompiledQuery(
        lambda user_id: (
            User.objects.filter(pk=user_id)
            .select_related("institution__province")
            .prefetch_related("role_grants")
        )
    )
    province = user.institution.province
    (loaded,) = query(user.pk)
    with CaptureQueriesContext(connection) as captured:
        assert loaded.institution.province_id == province.pk
        assert loaded.institution.province.name_en == province.name_en
        assert [grant.role for grant in loaded.role_grants.all()] == ["reviewer"]
    assert len(captured) == 0


def test_annotations_are_converted_as_the_orm_converts_them(reference):
    user = make_user()
    query = CompiledQuery(
        lambda user_id: User.objects.filter(pk=user_id).annotate(
            has_grants=Exists(RoleGrant.objects.filter(user=OuterRef("pk")))
        )
    )
    assert query(user.pk)[0].has_grants is False


def test_values_are_refused(reference):
    with pytest.raises(TypeError, match="model instances"):
        CompiledQuery(lambda user_id: User.objects.filter(pk=user_id).values("pk"))(1)


@pytest.mark.parametrize("number", [2**63, -(2**63) - 1, 10**30])
def test_numbers_no_column_can_hold_are_refused(number):
    with pytest.raises(ValueError, match="64-bit"):
        CompiledQuery(BUILDS["by primary key"])(number)


def test_a_number_compared_with_a_small_integer_column(reference):
    call = make_call()
    query = CompiledQuery(lambda year: Call.objects.filter(year=year))
    assert [row.pk for row in query(call.year)] == [call.pk]
    assert query(call.year + 1) == []
