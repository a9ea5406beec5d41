"""The Redis cache backend, with sign-in state that survives a Redis outage.

With Redis down, django-redis's IGNORE_EXCEPTIONS turns every call into a miss
(`add()` answers None). That is right for page bodies, but allauth's rate limiter
takes a lock with `add()` and treats "no lock" as "rate limited", so every login
POST answered 429; and allauth records a used TOTP code with `add()`, so every
code looked used already. Here the keys of sign-in state (allauth's rate limits,
used TOTP codes, casetracker's wrong-code counters) fall back to this process's
memory while Redis cannot be reached: sign-in keeps working, limits keep
counting (per process), and a used code stays refused by the process that saw
it. Everything else behaves as before (misses, so pages come from the database).
After a failure Redis is not tried again for RETRY_AFTER_SECONDS, so a login
does not wait for several connection timeouts.
"""

import logging
import threading
import time

from django.core.cache.backends.locmem import LocMemCache
from django_redis.cache import RedisCache
from django_redis.exceptions import ConnectionInterrupted

SIGN_IN_STATE_PREFIXES = ("allauth:rl:", "allauth.mfa.totp.used", "casetracker:mfa-failures:")
RETRY_AFTER_SECONDS = 5

_fallback = LocMemCache("casetracker-sign-in-state", {"OPTIONS": {"MAX_ENTRIES": 100_000}})
_down_until = 0.0
_lock = threading.Lock()
logger = logging.getLogger(__name__)


def _is_sign_in_state(key) -> bool:
    return isinstance(key, str) and key.startswith(SIGN_IN_STATE_PREFIXES)


class ResilientRedisCache(RedisCache):
    def _sign_in_state(self, operation: str, key, *args, **kwargs):
        global _down_until
        if time.monotonic() >= _down_until:
            try:
                return getattr(self.client, operation)(key, *args, **kwargs)
            except ConnectionInterrupted:
                with _lock:
                    _down_until = time.monotonic() + RETRY_AFTER_SECONDS
                logger.warning("Redis unreachable: sign-in state kept in this process")
        return getattr(_fallback, operation)(key, *args, **kwargs)

    def get(self, key, default=None, version=None, client=None):
        if _is_sign_in_state(key):
            return self._sign_in_state("get", key, default=default, version=version)
        return super().get(key, default=default, version=version, client=client)


def _routed(operation: str):
    """`operation` routed: sign-in state through _sign_in_state, the rest to RedisCache."""

    def method(self, key, *args, **kwargs):
        if _is_sign_in_state(key):
            return self._sign_in_state(operation, key, *args, **kwargs)
        return getattr(super(ResilientRedisCache, self), operation)(key, *args, **kwargs)

    method.__name__ = operation
    return method


for _operation in ("add", "set", "delete", "incr"):
    setattr(ResilientRedisCache, _operation, _routed(_operation))
