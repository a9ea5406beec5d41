"""With Redis stopped, the public site still serves and the stale-health job
catches up once Redis is back. Each test runs its own private redis-server.

No request path enqueues a task (the stale-health job is driven by beat), so
an outage costs the site its cache only; the job is set-based over everybody
overdue, so its first run after the outage flags the people who fell overdue
while it could not run.
"""

import time

import pytest
from django.db import connection

from cases.models import StaleHealthFlag
from tests import factories as f
from tests.stack.conftest import make_overdue
from tests.stack.servers import BIN, PrivateRedis, Process, app_env, database_url, get, gunicorn

pytestmark = [pytest.mark.postgres, pytest.mark.timeout(180)]


def test_the_public_site_serves_while_redis_is_down_and_caches_again_after(
    transactional_db, tmp_path
):
    case = f.CaseFactory(person__full_name="Seen Through An Outage")
    f.publish_all()
    redis = PrivateRedis(tmp_path)
    web = None
    try:
        redis.start()
        env = app_env(
            DATABASE_URL=database_url(connection.settings_dict),
            CACHE_URL=redis.url,
            CELERY_BROKER_URL=redis.url,
            CONN_MAX_AGE="0",
        )
        web, base = gunicorn(env, tmp_path / "gunicorn.log")
        pages = ["/", "/cases/", "/stats/", case.get_absolute_url()]
        for page in pages:
            assert get(base + page)[0] == 200
        assert redis.keys() > 0  # the pages went into the cache

        redis.stop()
        for page in pages:
            status, body = get(base + page, timeout=10)
            assert status == 200, page
            assert "Seen Through An Outage" in body or page == "/stats/"

        redis.start()  # empty: no persistence
        assert get(base + case.get_absolute_url())[0] == 200
        assert redis.keys() > 0
        assert web.alive()
    finally:
        if web:
            web.stop()
        redis.stop()


def test_the_stale_health_job_catches_up_once_redis_is_back(
    transactional_db, tmp_path, celery_client
):
    redis = PrivateRedis(tmp_path)
    worker = None
    try:
        redis.start()
        env = app_env(
            DATABASE_URL=database_url(connection.settings_dict),
            CELERY_BROKER_URL=redis.url,
            CELERY_RESULT_BACKEND=redis.url,
            CONN_MAX_AGE="0",
        )
        worker = Process(
            [str(BIN / "celery"), "-A", "casetracker", "worker", "--pool=solo", "-l", "INFO"],
            env,
            tmp_path / "worker.log",
        )
        before = make_overdue(2)
        client = celery_client(redis.url)
        assert client.send_task("cases.flag_stale_health").get(timeout=60)["raised"] == 2

        redis.stop()
        during = make_overdue(3)  # fall overdue while no job can be queued
        redis.start()

        # The worker survived the outage and reconnects; the next run flags everybody.
        result = client.send_task("cases.flag_stale_health")
        assert result.get(timeout=90)["raised"] == 3, worker.output()[-3000:]
        assert worker.alive()
        flagged = StaleHealthFlag.objects.open().values_list("person_id", flat=True)
        assert sorted(flagged) == sorted(before + during)
    finally:
        if worker:
            worker.stop()
        redis.stop()


def test_the_worker_survives_two_broker_kills_and_raises_the_next_flags(
    transactional_db, tmp_path, celery_client
):
    """Redis killed (SIGKILL, no goodbye) under a running worker, twice; after each
    restart the same worker takes the next job and flags who fell overdue."""
    redis = PrivateRedis(tmp_path)
    worker = None
    try:
        redis.start()
        env = app_env(
            DATABASE_URL=database_url(connection.settings_dict),
            CELERY_BROKER_URL=redis.url,
            CELERY_RESULT_BACKEND=redis.url,
            CONN_MAX_AGE="0",
        )
        worker = Process(
            [str(BIN / "celery"), "-A", "casetracker", "worker", "--pool=solo", "-l", "INFO"],
            env,
            tmp_path / "worker.log",
        )
        client = celery_client(redis.url)
        flagged = make_overdue(1)
        assert client.send_task("cases.flag_stale_health").get(timeout=60)["raised"] == 1
        pid = worker.popen.pid

        for kill in (1, 2):
            redis.kill()
            time.sleep(3)  # the worker notices the lost connection
            flagged += make_overdue(kill)
            redis.start()
            result = client.send_task("cases.flag_stale_health")
            raised = result.get(timeout=120)["raised"]
            assert raised == kill, worker.output()[-3000:]
            assert worker.alive() and worker.popen.pid == pid, worker.output()[-3000:]

        assert "Unrecoverable error" not in worker.output()
        open_flags = StaleHealthFlag.objects.open().values_list("person_id", flat=True)
        assert sorted(open_flags) == sorted(flagged)
    finally:
        if worker:
            worker.stop()
        redis.stop()
