"""The shared cache in Redis, with this process's memory standing in while Redis is down.

allauth counts failed logins and its other rate limits in the cache, and a few pages keep
figures there. A Redis that does not answer must take none of that down: each operation that
fails falls back to a local-memory cache, the outage is logged once, and Redis is left alone for
RETRY_SECONDS before it is tried again (so pages are not slowed by a connection attempt each).
While it is down each app server counts on its own: rate limits still apply, per server.
"""

import logging
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

# How long Redis is left alone after it failed.
RETRY_SECONDS = 30


class FallbackRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        local = {key: value for key, value in params.items() if key != "OPTIONS"}
        self.fallback = LocMemCache(f"redis-fallback:{server}", local)
        self.down_until = 0.0

    def _either(self, name, *args):
        """Run cache operation ``name`` on Redis, or on local memory while Redis is down."""
        if time.monotonic() >= self.down_until:
            try:
                result = getattr(super(), name)(*args)
            except RedisError as error:
                if not self.down_until:
                    logger.warning("Redis cache unavailable, using local memory: %s", error)
                self.down_until = time.monotonic() + RETRY_SECONDS
            else:
                if self.down_until:
                    logger.warning("Redis cache answering again")
                    self.down_until = 0.0
                return result
        return getattr(self.fallback, name)(*args)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._either("add", key, value, timeout, version)

    def get(self, key, default=None, version=None):
        return self._either("get", key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._either("set", key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._either("touch", key, timeout, version)

    def delete(self, key, version=None):
        return self._either("delete", key, version)

    def get_many(self, keys, version=None):
        return self._either("get_many", keys, version)

    def has_key(self, key, version=None):
        return self._either("has_key", key, version)

    def incr(self, key, delta=1, version=None):
        return self._either("incr", key, delta, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._either("set_many", data, timeout, version)

    def delete_many(self, keys, version=None):
        return self._either("delete_many", keys, version)

    def clear(self):
        self.fallback.clear()
        return self._either("clear")
