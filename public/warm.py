"""Refill the page cache after a change, before the next visitor asks.

Every write to public content replaces the cache version (casetracker/cache.py),
and the next visitor of each page then waits while it is built: at 100,000 cases
the counts behind /cases/ and /stats/ take most of a second. So once such a
write commits, a worker builds the pages most visitors open first (the home
page, /cases/ with no filter, /stats/), in every language, as an anonymous
visitor would, through the views' own cached builders: the entries are the ones
a visitor's request would have stored, under the same keys.

Writes come in bursts (a visit report saves a dozen records, an import
thousands): the first schedules one run, and the run waits until no write has
come for PUBLIC_CACHE_WARM_DELAY seconds, so a burst costs one build and a
steady stream of writes, whose builds the next write would throw away, none.
Without a broker (eager mode, the embedded default), with the cache off or in
each process's own memory, nothing is scheduled: pages are then built by their
first visitor, as before.
"""

from __future__ import annotations

import logging
import time

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache, caches
from django.core.cache.backends.dummy import DummyCache
from django.core.cache.backends.locmem import LocMemCache
from django.http import HttpRequest, QueryDict
from django.utils import translation

from casetracker.cache import public_version

logger = logging.getLogger(__name__)

PENDING_KEY = "public:warm-pending"  # a run is queued
LAST_WRITE_KEY = "public:warm-last-write"  # when the last write committed (epoch seconds)


def _cache_is_shared() -> bool:
    """Whether a worker's entries reach the web processes (Redis, not process memory)."""
    return not isinstance(caches["default"], LocMemCache | DummyCache)


def _queue(countdown: float) -> None:
    from cases.tasks import warm_public_pages

    # No publish retries: a write must not wait on a broker that is down. Expires:
    # runs queued while no worker is up are dropped, not built one after another.
    warm_public_pages.apply_async(countdown=countdown, expires=countdown + 60, retry=False)


def schedule(**kwargs) -> None:
    """Receiver of casetracker.cache.content_committed: queue one run for a burst."""
    if (
        settings.CELERY_TASK_ALWAYS_EAGER
        or settings.PUBLIC_PAGE_CACHE_SECONDS <= 0
        or not _cache_is_shared()
    ):
        return
    delay = settings.PUBLIC_CACHE_WARM_DELAY
    cache.set(LAST_WRITE_KEY, time.time(), delay + 60)
    # add() is false when a run is already queued, and when the cache is down
    # (nothing to fill then); the key outlives the delay in case the run is late.
    if not cache.add(PENDING_KEY, 1, delay + 60):
        return
    try:
        _queue(delay)
    except Exception:
        # The pages are then built by their first visitors. The key stays until it
        # expires, so a broker outage costs one failed attempt a minute, not one a write.
        logger.warning("page cache warm-up not queued", exc_info=True)


def warm() -> list[str]:
    """Build the most visited public pages for the current content; their paths."""
    delay = settings.PUBLIC_CACHE_WARM_DELAY
    quiet = time.time() - (cache.get(LAST_WRITE_KEY) or 0)
    if quiet < delay:  # still writing: come back when it has been quiet long enough
        cache.set(PENDING_KEY, 1, delay + 60)
        _queue(delay - quiet)
        return []
    # Writes from here on schedule a run of their own: this one may read before them.
    cache.delete(PENDING_KEY)
    if public_version() is None:  # cache unreachable
        return []
    from . import views

    builders = {
        "/": views.home_body,
        "/cases/": lambda request: views.case_list_body(request, QueryDict()),
        "/stats/": views.stats_body,
    }
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            for path, build in builders.items():
                request = HttpRequest()  # an anonymous visitor's GET, no parameters
                request.method, request.path = "GET", path
                request.user = AnonymousUser()
                request.LANGUAGE_CODE = language
                build(request)
    return list(builders)
