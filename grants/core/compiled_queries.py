"""Reads that every request makes, with their SQL written by the ORM once per process.

Building a queryset and compiling it to SQL costs far more Python than running it: the
signed-in user's query (its row, its role grants and its second-factor check) takes about
0.7 ms to build and compile against 0.1 ms to send and read, and every signed-in page runs
it. A CompiledQuery asks the ORM for the SQL once per process and database, with stand-in
arguments, and then runs that SQL with each request's arguments through ``raw()``. The ORM
still writes every word of the SQL, for whichever database is configured.

The arguments must be whole numbers or strings, each compared once as a plain value (``pk``,
``session_key``): then the SQL's shape cannot depend on their value, and compiling checks
that each stand-in comes out as exactly one parameter. Rows come back as model instances
(``RawQuerySet``); annotations come back as the database gives them, with no conversion
(SQLite gives an ``Exists`` as 0 or 1).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db import connections, router
from django.db.models import QuerySet

STAND_IN_NUMBER = -7_340_000_000_001
STAND_IN_TEXT = "\x1fcompiled-query-argument-"


@dataclass(frozen=True)
class _Compiled:
    sql: str
    params: tuple
    slots: tuple  # position in params of each argument


class CompiledQuery:
    """``CompiledQuery(lambda user_id: User.objects.filter(pk=user_id))(42)``: the rows of the
    queryset the function builds, from SQL compiled on the first call only."""

    def __init__(self, build: Callable[..., QuerySet]):
        self._build = build
        self._model = None
        self._compiled: dict[tuple, _Compiled] = {}

    def __call__(self, *arguments):
        kinds = tuple(_kind(argument) for argument in arguments)
        if self._model is None:
            self._model = self._build(*(_stand_in(kind, i) for i, kind in enumerate(kinds))).model
        alias = router.db_for_read(self._model)
        key = (alias, connections[alias].vendor, kinds)
        compiled = self._compiled.get(key) or self._compile(key)
        params = list(compiled.params)
        for slot, argument in zip(compiled.slots, arguments, strict=True):
            params[slot] = argument
        return self._model._default_manager.db_manager(alias).raw(compiled.sql, params)

    def _compile(self, key) -> _Compiled:
        alias, _, kinds = key
        # Compiled twice with different stand-ins: the SQL and every other parameter must come
        # out the same, which catches an argument used twice or in a derived value.
        first = self._sql(alias, [_stand_in(kind, index, 0) for index, kind in enumerate(kinds)])
        second = self._sql(alias, [_stand_in(kind, index, 1) for index, kind in enumerate(kinds)])
        slots = _slots(first, second)
        self._compiled[key] = _Compiled(first[0], tuple(first[1]), slots)
        return self._compiled[key]

    def _sql(self, alias, stand_ins):
        sql, params = self._build(*stand_ins).query.get_compiler(using=alias).as_sql()
        return sql, list(params), stand_ins


def _kind(argument) -> type:
    if isinstance(argument, bool) or not isinstance(argument, int | str):
        raise TypeError(f"a compiled query takes whole numbers and strings, not {argument!r}")
    return int if isinstance(argument, int) else str


def _stand_in(kind, index, variant=0):
    if kind is int:
        return STAND_IN_NUMBER - 1_000 * variant - index
    return f"{STAND_IN_TEXT}{variant}-{index}"


def _slots(first, second) -> tuple:
    """Where each argument goes among the parameters, checked against a second compilation."""
    (sql, params, stand_ins), (other_sql, other_params, other_stand_ins) = first, second
    if sql != other_sql or len(params) != len(other_params):
        raise ValueError(_REFUSED.format(argument="an argument", found="a different SQL"))
    slots = []
    for stand_in, other in zip(stand_ins, other_stand_ins, strict=True):
        found = [i for i, param in enumerate(params) if param == stand_in]
        if len(found) != 1 or other_params[found[0]] != other or str(stand_in) in sql:
            raise ValueError(_REFUSED.format(argument=repr(stand_in), found=len(found)))
        slots.append(found[0])
    for position, (param, other) in enumerate(zip(params, other_params, strict=True)):
        if position not in slots and param != other:
            raise ValueError(_REFUSED.format(argument="an argument", found="a derived value"))
    return tuple(slots)


_REFUSED = (
    "each argument of a compiled query must become exactly one SQL parameter: "
    "{argument} gave {found}"
)
