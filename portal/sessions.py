"""Sessions read from the cache and kept in the database, which is written once a minute at most.

Django's ``cached_db`` engine reads a session from the cache and writes every save through to
the database as well, so it survives a cache flush or a Redis restart. Sessions here end after
SESSION_COOKIE_AGE idle seconds and every request restarts that clock
(SESSION_SAVE_EVERY_REQUEST): with ``cached_db`` alone, every page would still end with an
UPDATE and a commit of the session row. This engine writes the row when the session's data
changes (signing in, a message, a form kept in the session) and otherwise only when the row's
copy is over REFRESH_SECONDS old; the cache gets the fresh expiry on every request. After a
cache flush a session thus expires at most REFRESH_SECONDS early, never late.

Each session also carries its own idle deadline, checked on every read: a cache entry's
lifetime is the cache's business (Redis and the local-memory cache keep their own clocks), the
deadline is the portal's.
"""

from django.contrib.sessions.backends.cached_db import SessionStore as CachedDBStore
from django.utils import timezone

REFRESH_SECONDS = 60

# Kept in the session's data beside Django's own "_auth_user_id" and "_session_expiry".
EXPIRES_AT = "_portal_expires_at"
STORED_AT = "_portal_stored_at"


class SessionStore(CachedDBStore):
    cache_key_prefix = "portal.sessions"

    def load(self):
        data = super().load()
        if data.get(EXPIRES_AT, float("inf")) <= timezone.now().timestamp():
            self._cache.delete(self.cache_key)
            self._session_key = None  # as the database engine does with an expired row
            return {}
        return data

    def save(self, must_create=False):
        if self.session_key is None:
            return self.create()
        data = self._get_session(no_load=must_create)
        now = timezone.now().timestamp()
        data[EXPIRES_AT] = now + self.get_expiry_age()
        if must_create or self.modified or now - data.get(STORED_AT, 0) >= REFRESH_SECONDS:
            data[STORED_AT] = now
            return super().save(must_create)
        try:
            self._cache.set(self.cache_key, data, self.get_expiry_age())
        except Exception:  # the cache is down: the database keeps the session alive instead
            data[STORED_AT] = now
            super().save(must_create)
