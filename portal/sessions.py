"""Sessions kept in the database, whose row an unchanged session rewrites once a minute at most.

Every request reads the session's row from the database, never from a cache. A cache cannot
be trusted with it: without REDIS_URL the cache is each process's own memory, so signing out
on one gunicorn worker would leave the session cached, and signed in, on every other worker;
and while Redis is down the cache falls back to local memory, so a sign-out then could not
delete the Redis entry, which would bring the session back once Redis returns. With the row
the only copy, signing out (which deletes the row) takes effect on every server at once.

Sessions end after SESSION_COOKIE_AGE idle seconds and every request restarts that clock
(SESSION_SAVE_EVERY_REQUEST): with Django's database engine alone, every page would end with
a savepoint, an UPDATE of the session row and its release. This engine writes the row at once
when the session's data changes (signing in, a message, a form kept in the session, anything
modified in place as well) and otherwise only when the row's expiry is over REFRESH_SECONDS
behind the one this request would give it. The row's expire_date stays the deadline, checked
on every read: an idle session thus ends at most REFRESH_SECONDS early, never late.
"""

from datetime import timedelta

from django.contrib.sessions.backends.db import SessionStore as DBStore
from django.utils import timezone

from grants.core.compiled_queries import CompiledQuery

REFRESH_SECONDS = 60


class SessionStore(DBStore):
    def __init__(self, session_key=None):
        super().__init__(session_key)
        # (session key, expire_date, serialized data) of the row as last read or written.
        self._stored = None
        self._writing = None

    def _serialized(self, data):
        return self.serializer().dumps(data)

    def _remember(self, row, data):
        return (row.session_key, row.expire_date, self._serialized(data))

    def _get_session_from_db(self):
        """The session's row while it has not expired. Read by its key alone, the expiry
        checked here, so that the query's SQL is compiled once per process."""
        rows = list(session_row(self.session_key)) if self.session_key else []
        if rows and rows[0].expire_date > timezone.now():
            return rows[0]
        self._session_key = None
        return None

    def load(self):
        row = self._get_session_from_db()
        return self._loaded(row)

    async def aload(self):
        row = await self._aget_session_from_db()
        return self._loaded(row)

    def _loaded(self, row):
        if row is None:
            self._stored = None
            return {}
        data = self.decode(row.session_data)
        self._stored = self._remember(row, data)
        return data

    def create_model_instance(self, data):
        row = super().create_model_instance(data)
        self._writing = self._remember(row, data)
        return row

    async def acreate_model_instance(self, data):
        row = await super().acreate_model_instance(data)
        self._writing = self._remember(row, data)
        return row

    def _row_is_current(self, must_create, expiry):
        """Whether the row already holds this data and an expiry under a minute behind."""
        if must_create or self.modified or self._stored is None:
            return False
        key, stored_expiry, stored_data = self._stored
        return (
            key == self.session_key
            and expiry - stored_expiry < timedelta(seconds=REFRESH_SECONDS)
            and stored_data == self._serialized(self._session)
        )

    def save(self, must_create=False):
        if self.session_key is not None and self._row_is_current(
            must_create, self.get_expiry_date()
        ):
            return
        super().save(must_create)
        self._stored = self._writing

    async def asave(self, must_create=False):
        if self.session_key is not None and self._row_is_current(
            must_create, await self.aget_expiry_date()
        ):
            return
        await super().asave(must_create)
        self._stored = self._writing


session_row = CompiledQuery(
    lambda session_key: SessionStore.get_model_class().objects.filter(session_key=session_key)
)
