"""Reports may read from a PostgreSQL read replica; everything else uses the primary.

The ledger and its exports aggregate over every call, award and payment: heavy reads that
can run a second or so behind the primary without anyone noticing, so they go to the
"replica" alias (DATABASE_REPLICA_URL) when there is one. Pages that change data, or that
show what a user has just changed, keep reading from the primary, where their own writes are.

Only the body of a report view runs on the replica: the session, the user and the user's
roles have already been read from the primary by the middleware, so permission checks never
depend on a replica that lags behind.
"""

from contextlib import contextmanager
from contextvars import ContextVar

from django.db import DEFAULT_DB_ALIAS, connections

REPLICA = "replica"

_reading_from_replica = ContextVar("reading_from_replica", default=False)


@contextmanager
def reading_from_replica():
    """Send the reads made inside (a ``with`` block or a decorated view) to the replica.

    Without a replica configured this changes nothing. Writes always go to the primary.
    """
    token = _reading_from_replica.set(True)
    try:
        yield
    finally:
        _reading_from_replica.reset(token)


def replica_configured() -> bool:
    return REPLICA in connections


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if _reading_from_replica.get() and replica_configured():
            return REPLICA
        # None lets Django follow the instance the query starts from, else the primary.
        return None

    def db_for_write(self, model, **hints):
        # Said explicitly: left to itself Django would save an object read from the replica
        # back to the replica.
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        # Both aliases hold the same rows, so objects read from either may refer to each other.
        if {obj1._state.db, obj2._state.db} <= {DEFAULT_DB_ALIAS, REPLICA}:
            return True
        return None

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        # The replica copies the primary by streaming replication; it is never migrated itself.
        return db != REPLICA
