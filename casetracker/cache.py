"""The public page cache: what public pages show, cached in Redis by content version.

Public views cache the rendered body of a page (never the whole response: the
header holds the language switcher's CSRF token, and nothing per user is ever
inside a cached part) under a key made of

- the *public content version*: a random token replaced whenever the public
  read model is written (public.writer: a publication, an unpublication, a
  restore, a rebuild) — and at no other time: staff edits change nothing public
  until an editor publishes them. Replacing it orphans every cached
  part at once; orphans expire. A random token rather than a counter, so a
  cache that outlives a database (a restore, a test run) never serves a part
  built from other data under a reused number;
- the active language, today's date (day counts such as "hunger strike: day
  12" roll over at midnight) and what the view says the page varies on (the
  slug, the recognised query parameters).

Nothing here may take the site down: when the cache is unreachable (django-redis
IGNORE_EXCEPTIONS) the version reads as None and pages are built uncached.
"""

from __future__ import annotations

import hashlib
import logging
import uuid
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone, translation

logger = logging.getLogger(__name__)

VERSION_KEY = "public:version"
T = TypeVar("T")


def public_version() -> str | None:
    """The current version token; None when the cache cannot be reached."""
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, uuid.uuid4().hex, None)
        version = cache.get(VERSION_KEY)
    return version


# Sent once a write that replaced the version has committed: receivers may build
# entries for the new content (public.warm fills the most visited pages).
content_committed = Signal()


def _replace_version() -> None:
    cache.set(VERSION_KEY, uuid.uuid4().hex, None)


def _replace_version_at_commit() -> None:
    _replace_version()
    # The write has committed: nothing a receiver does may fail its request now.
    for receiver, error in content_committed.send_robust(sender=None):
        if isinstance(error, Exception):
            logger.error("content_committed receiver %r failed", receiver, exc_info=error)


def bump_public_version() -> None:
    """Invalidate every cached public part, now and again when the transaction commits.

    Now: this process's next request must not see the old content. At commit: a
    request in another process may have cached the *old* content between the first
    bump and the commit (it could not see the uncommitted write yet).
    """
    _replace_version()
    transaction.on_commit(_replace_version_at_commit)


def cached(
    name: str, build: Callable[[], T], vary: Iterable[Any] = (), per_language: bool = True
) -> T:
    """build(), cached under the public content version (see the module docstring).

    `vary` must hold everything besides the version, language and date that the
    built value depends on: the caller's slug or normalised query parameters.
    per_language=False: one entry for every language, for values that hold no
    translated text (counts by id, before their labels are added).
    """
    timeout = settings.PUBLIC_PAGE_CACHE_SECONDS
    version = public_version() if timeout > 0 else None
    if version is None:
        return build()
    language = translation.get_language() if per_language else ""
    parts = [version, language, timezone.localdate().isoformat(), *vary]
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:32]
    key = f"public:{name}:{digest}"
    try:
        value = cache.get(key)
    except Exception:  # e.g. an entry pickled by the code before a deploy
        logger.warning("public cache entry %s unreadable; building it anew", key, exc_info=True)
        value = None
    if value is None:
        value = build()
        cache.set(key, value, timeout)
    return value
