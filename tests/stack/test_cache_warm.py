"""After a change commits, a worker rebuilds the most visited public pages
(public/warm.py), so their next visitor does not wait for the counts."""

import logging
import re
import time

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases import services
from cases.tasks import warm_public_pages
from public import warm
from public.writer import rebuild
from tests import factories as f


@pytest.fixture(autouse=True)
def page_cache(settings, monkeypatch):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 300
    settings.CELERY_TASK_ALWAYS_EAGER = False  # as with a broker
    monkeypatch.setattr(warm, "_cache_is_shared", lambda: True)  # as with Redis
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def queued(monkeypatch):
    calls = []
    monkeypatch.setattr(warm_public_pages, "apply_async", lambda **kw: calls.append(kw))
    return calls


def test_a_burst_of_committed_writes_queues_one_warm_up(
    editor, queued, settings, django_capture_on_commit_callbacks
):
    drafts = [f.CaseFactory(editorial_state="draft") for _ in range(3)]
    with django_capture_on_commit_callbacks(execute=True):
        for draft in drafts:
            services.publish_case(by=editor, case=draft)
    delay = settings.PUBLIC_CACHE_WARM_DELAY
    assert queued == [{"countdown": delay, "expires": delay + 60, "retry": False}]
    cache.delete(warm.LAST_WRITE_KEY)  # as when the writes stopped long enough ago
    assert warm.warm() == ["/", "/cases/", "/stats/"]
    # the run has started: a write from now on queues another
    with django_capture_on_commit_callbacks(execute=True):
        services.unpublish_case(by=editor, case=drafts[0])
    assert len(queued) == 2


def test_a_run_waits_until_the_writes_have_stopped_for_the_delay(editor, queued, settings):
    settings.PUBLIC_CACHE_WARM_DELAY = 5
    cache.set(warm.LAST_WRITE_KEY, time.time() - 2)  # the last write, two seconds ago
    assert warm.warm() == []  # nothing built
    assert len(queued) == 1
    assert 2.5 < queued[0]["countdown"] <= 3  # back once five quiet seconds have passed
    assert cache.get(warm.PENDING_KEY)  # writes meanwhile need not queue another
    cache.set(warm.LAST_WRITE_KEY, time.time() - 6)
    assert warm.warm() == ["/", "/cases/", "/stats/"]
    assert cache.get(warm.PENDING_KEY) is None


@pytest.mark.parametrize(
    "backend",
    [
        "django.core.cache.backends.locmem.LocMemCache",
        "django.core.cache.backends.dummy.DummyCache",
    ],
)
def test_nothing_is_queued_when_each_process_has_its_own_cache(
    editor, queued, settings, monkeypatch, backend, django_capture_on_commit_callbacks
):
    monkeypatch.undo()  # the real _cache_is_shared
    settings.CACHES = {"default": {"BACKEND": backend}}
    settings.PUBLIC_PAGE_CACHE_SECONDS = 300
    settings.CELERY_TASK_ALWAYS_EAGER = False
    calls = []
    monkeypatch.setattr(warm_public_pages, "apply_async", lambda **kw: calls.append(kw))
    draft = f.CaseFactory(editorial_state="draft")
    with django_capture_on_commit_callbacks(execute=True):
        services.publish_case(by=editor, case=draft)
    assert calls == []


def test_nothing_is_queued_before_the_write_commits(editor, queued):
    draft = f.CaseFactory(editorial_state="draft")
    services.publish_case(by=editor, case=draft)  # the test's transaction stays open
    assert queued == []


@pytest.mark.parametrize("setting", ["eager", "cache off"])
def test_without_a_broker_or_a_page_cache_nothing_is_queued(
    editor, queued, settings, setting, django_capture_on_commit_callbacks
):
    if setting == "eager":
        settings.CELERY_TASK_ALWAYS_EAGER = True
    else:
        settings.PUBLIC_PAGE_CACHE_SECONDS = 0
    draft = f.CaseFactory(editorial_state="draft")
    with django_capture_on_commit_callbacks(execute=True):
        services.publish_case(by=editor, case=draft)
    assert queued == []


def test_a_warm_up_that_cannot_be_queued_is_logged_and_tried_again_a_minute_later(
    editor, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    attempts = []

    def broker_down(**kwargs):
        attempts.append(kwargs)
        raise ConnectionError("broker down")

    monkeypatch.setattr(warm_public_pages, "apply_async", broker_down)
    drafts = [f.CaseFactory(editorial_state="draft") for _ in range(3)]
    for n, draft in enumerate(drafts):
        if n == 2:
            cache.delete(warm.PENDING_KEY)  # as when it expires
        with (
            caplog.at_level(logging.WARNING, logger="public.warm"),
            django_capture_on_commit_callbacks(execute=True),
        ):
            services.publish_case(by=editor, case=draft)  # the publish itself stands
        draft.refresh_from_db()
        assert draft.is_published
    assert len(attempts) == 2  # the first write, and the first after the key expired
    assert "page cache warm-up not queued" in caplog.text


def _get(client, url, **extra):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **extra)
    assert response.status_code == 200
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode()), len(
        queries
    )


@pytest.mark.parametrize("language", ["en", "ru", "kk"])
def test_warmed_pages_are_what_a_visitor_would_have_built_and_are_served_without_queries(
    client, db, language
):
    f.SentenceFactory(case=f.ChargeFactory(case__person__full_name="Published Person").case)
    f.CaseFactory(person__full_name="Draft Person", editorial_state="draft")
    built_by_visitor = {}
    for url in ("/", "/cases/", "/stats/"):
        built_by_visitor[url], first = _get(client, url, HTTP_ACCEPT_LANGUAGE=language)
        assert first > 0
    cache.clear()
    assert warm_public_pages() == ["/", "/cases/", "/stats/"]
    for url, expected in built_by_visitor.items():
        page, queries = _get(client, url, HTTP_ACCEPT_LANGUAGE=language)
        assert queries == 0, url
        assert page == expected, url
        assert "Draft Person" not in page
    assert "Published Person" in built_by_visitor["/cases/"]


def test_pages_warmed_for_older_content_are_not_served(client, editor):
    gone = f.CaseFactory(person__full_name="Soon Unpublished")
    rebuild(from_live=True)  # published (the read model), then warmed
    warm.warm()
    page, queries = _get(client, "/cases/")
    assert (queries, "Soon Unpublished" in page) == (0, True)  # the warmed entry
    services.unpublish_case(by=editor, case=gone)
    page, queries = _get(client, "/cases/")
    assert queries > 0
    assert "Soon Unpublished" not in page


def test_a_failing_receiver_after_the_commit_is_logged_not_raised(
    editor, caplog, django_capture_on_commit_callbacks
):
    from casetracker.cache import content_committed

    def boom(**kwargs):
        raise RuntimeError("receiver broke")

    content_committed.connect(boom, dispatch_uid="test-boom")
    try:
        draft = f.CaseFactory(editorial_state="draft")
        with django_capture_on_commit_callbacks(execute=True):
            services.publish_case(by=editor, case=draft)
    finally:
        content_committed.disconnect(dispatch_uid="test-boom")
    assert "content_committed receiver" in caplog.text
    assert "receiver broke" in caplog.text
