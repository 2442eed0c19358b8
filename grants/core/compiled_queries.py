"""Reads that every request makes, with their SQL written by the ORM once per process.

Building a queryset and compiling it to SQL costs far more Python than running it: the
signed-in user's query (its row, its role grants and its second-factor check) takes about
0.7 ms to build and compile against 0.1 ms to send and read, and every signed-in page runs
it. A CompiledQuery asks the ORM for the SQL once per process and database, with stand-in
arguments, and then runs that SQL with each request's arguments, turning the rows into model
instances as the ORM's own iterator does (``select_related`` objects, annotations and the
database's converters included; ``prefetch_related`` runs after). The ORM still writes every
word of the SQL, for whichever database is configured.

The arguments are whole numbers, strings or aware datetimes, each compared as a plain value
(``pk=``, ``session_key=``, ``expires_at__gt=``), so that the SQL's shape cannot depend on
their value. Compiling checks it: the query is compiled twice with different stand-ins, and
the SQL and every parameter but the stand-ins' must come out the same (an argument in a list,
or in a value computed from it, is refused). Only querysets of model instances: not
``values()`` or ``values_list()``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from django.db import connections, router
from django.db.models import QuerySet, prefetch_related_objects
from django.db.models.query import ModelIterable, get_related_populators

# Stand-ins fit every integer column, the small ones included: the ORM turns a number out of
# a column's range into "no rows" and leaves the parameter out.
STAND_IN_NUMBER = 32_100
STAND_IN_TEXT = "\x1fcompiled-query-argument-"
STAND_IN_TIME = datetime(1901, 2, 3, 4, 5, 6, 7, tzinfo=UTC)


class _Compiled:
    """A query's SQL and how its rows become instances, as django.db.models.query's
    ModelIterable works them out from the ORM's compiler, once."""

    def __init__(self, sql, params, slots, compiler, prefetch, alias):
        self.sql, self.params, self.alias, self.prefetch = sql, tuple(params), alias, prefetch
        self.slots = slots  # per argument, the positions in params it fills
        self.compiler = compiler
        klass_info = compiler.klass_info
        fields = klass_info["select_fields"]
        self.columns = slice(fields[0], fields[-1] + 1)
        self.names = [column[0].target.attname for column in compiler.select[self.columns]]
        self.model = klass_info["model"]
        self.related = get_related_populators(klass_info, compiler.select, alias)
        # What results_iter would look up for every call: the columns' converters.
        selected = [column[0] for column in compiler.select[0 : compiler.col_count]]
        if compiler.has_composite_fields(selected):
            raise TypeError("a compiled query reads no composite primary key")
        self.converters = compiler.get_converters(selected)

    def objects(self, rows) -> list:
        """Model instances from the rows, as ModelIterable makes them."""
        found = []
        if self.converters:
            rows = self.compiler.apply_converters(rows, self.converters)
        for row in rows:
            instance = self.model.from_db(self.alias, self.names, row[self.columns])
            for populator in self.related:
                populator.populate(row, instance)
            for name, position in self.compiler.annotation_col_map.items():
                setattr(instance, name, row[position])
            found.append(instance)
        if self.prefetch and found:
            prefetch_related_objects(found, *self.prefetch)
        return found


class CompiledQuery:
    """``CompiledQuery(lambda user_id: User.objects.filter(pk=user_id))(42)``: the rows of the
    queryset the function builds, from SQL compiled on the first call only."""

    def __init__(self, build: Callable[..., QuerySet]):
        self._build = build
        self._model = None
        self._compiled: dict[tuple, _Compiled] = {}

    def __call__(self, *arguments) -> list:
        kinds = tuple(_kind(argument) for argument in arguments)
        if self._model is None:
            self._model = self._build(*_stand_ins(kinds, 0)).model
        alias = router.db_for_read(self._model)
        connection = connections[alias]
        key = (alias, connection.vendor, kinds)
        compiled = self._compiled.get(key) or self._compile(key)
        params = list(compiled.params)
        for slots, argument in zip(compiled.slots, arguments, strict=True):
            value = _adapted(connection, argument)
            for slot in slots:
                params[slot] = value
        with connection.cursor() as cursor:
            cursor.execute(compiled.sql, params)
            rows = cursor.fetchall()
        return compiled.objects(rows)

    def _compile(self, key) -> _Compiled:
        alias, _, kinds = key
        connection = connections[alias]
        # Compiled twice with different stand-ins: the SQL and every other parameter must come
        # out the same, which catches an argument in a list or in a derived value.
        first, second = (self._sql(alias, _stand_ins(kinds, variant)) for variant in (0, 1))
        slots = tuple(
            _slots(first, second, _adapted(connection, one), _adapted(connection, other))
            for one, other in zip(first[2], second[2], strict=True)
        )
        taken = {slot for argument in slots for slot in argument}
        if any(
            position not in taken and one != other
            for position, (one, other) in enumerate(zip(first[1], second[1], strict=True))
        ):
            raise ValueError(_REFUSED.format(found="a value computed from an argument"))
        sql, params, _, compiler, prefetch = first
        self._compiled[key] = _Compiled(sql, params, slots, compiler, prefetch, alias)
        return self._compiled[key]

    def _sql(self, alias, stand_ins):
        queryset = self._build(*stand_ins)
        if queryset._iterable_class is not ModelIterable:
            raise TypeError("a compiled query gives model instances: no values() or values_list()")
        compiler = queryset.query.get_compiler(using=alias)
        sql, params = compiler.as_sql()
        return sql, list(params), stand_ins, compiler, tuple(queryset._prefetch_related_lookups)


def _kind(argument) -> type:
    if isinstance(argument, datetime) and argument.tzinfo is not None:
        return datetime
    if isinstance(argument, int) and not isinstance(argument, bool):
        # The ORM answers "no rows" for a number no column can hold; the database would refuse
        # it as a parameter, so the caller must check.
        if not -(2**63) <= argument < 2**63:
            raise ValueError(f"{argument} does not fit in a 64-bit integer column")
        return int
    if isinstance(argument, str):
        return str
    raise TypeError(
        f"a compiled query takes whole numbers, strings and aware datetimes, not {argument!r}"
    )


def _stand_ins(kinds, variant) -> list:
    made = {
        int: lambda index: STAND_IN_NUMBER + 300 * variant + index,
        str: lambda index: f"{STAND_IN_TEXT}{variant}-{index}",
        datetime: lambda index: STAND_IN_TIME + timedelta(days=1_000 * variant + index),
    }
    return [made[kind](index) for index, kind in enumerate(kinds)]


def _adapted(connection, argument):
    """The argument as the ORM passes it to this database (SQLite takes datetimes as text)."""
    if isinstance(argument, datetime):
        return connection.ops.adapt_datetimefield_value(argument)
    return argument


def _slots(first, second, stand_in, other_stand_in) -> tuple:
    (sql, params, *_), (other_sql, other_params, *_) = first, second
    if sql != other_sql or len(params) != len(other_params):
        raise ValueError(_REFUSED.format(found="SQL that depends on an argument"))
    slots = tuple(index for index, param in enumerate(params) if param == stand_in)
    if not slots or any(other_params[slot] != other_stand_in for slot in slots):
        raise ValueError(_REFUSED.format(found=f"{len(slots)} parameters for {stand_in!r}"))
    return slots


_REFUSED = "each argument of a compiled query must be a plain SQL parameter: found {found}"
