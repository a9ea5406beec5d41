"""The production processes without Docker: gunicorn, a Celery worker and Celery beat
started as plain subprocesses (the commands of `make serve`, `make worker`, `make beat`)
against PostgreSQL (the test database) and Redis (database 8 of the shared server,
on a queue unique to the test)."""

import uuid
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.models import StaleHealthFlag
from tests import factories as f
from tests.conftest import redis_url
from tests.stack.conftest import make_overdue
from tests.stack.servers import BIN, Process, app_env, database_url, get, gunicorn, wait_for

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.timeout(180)]

REDIS_DB = 8


def _broker() -> str:
    parts = urlsplit(redis_url())
    return urlunsplit((parts.scheme, parts.netloc, f"/{REDIS_DB}", "", ""))


@pytest.fixture
def queue():
    name = f"ct-stack-test-{uuid.uuid4().hex}"
    yield name
    import redis

    db = redis.Redis.from_url(_broker())
    keys = list(db.scan_iter(f"*{name}*"))
    if keys:
        db.delete(*keys)


@pytest.fixture
def stack_env(transactional_db, queue):
    return app_env(
        DATABASE_URL=database_url(connection.settings_dict),  # the TEST database
        CELERY_BROKER_URL=_broker(),
        CELERY_RESULT_BACKEND=_broker(),
        CACHE_URL=_broker(),
        CONN_MAX_AGE="0",
        CT_TEST_QUEUE=queue,
    )


def _celery(*args: str) -> list[str]:
    return [str(BIN / "celery"), *args, "--loglevel=INFO"]


def test_gunicorn_serves_the_public_site_and_healthz(stack_env, tmp_path):
    case = f.CaseFactory(person__full_name="Served Through Gunicorn")
    f.publish_all()
    web, base = gunicorn(stack_env, tmp_path / "gunicorn.log", workers=2)
    try:
        assert get(base + "/healthz") == (200, '{"status": "ok"}')
        status, body = get(base + case.get_absolute_url())
        assert (status, "Served Through Gunicorn" in body) == (200, True)
    finally:
        web.stop()


def test_beat_schedules_the_stale_health_job_and_the_worker_runs_it(stack_env, queue, tmp_path):
    overdue = make_overdue(3)
    worker = Process(
        _celery("-A", "casetracker", "worker", "--pool=solo", f"--queues={queue}"),
        stack_env,
        tmp_path / "worker.log",
    )
    beat = Process(
        _celery("-A", "tests.stack.fast_beat", "beat", f"--schedule={tmp_path / 'beat-schedule'}"),
        stack_env,
        tmp_path / "beat.log",
    )
    try:
        wait_for(
            lambda: (
                StaleHealthFlag.objects.open().count() == len(overdue)
                or not (worker.alive() and beat.alive())
            ),
            90,
            "the worker to run the job beat sent",
        )
        assert worker.alive(), worker.output()[-3000:]
        assert beat.alive(), beat.output()[-3000:]
        assert "Sending due task flag-stale-health" in beat.output()
        assert "cases.flag_stale_health" in worker.output()
    finally:
        beat.stop()
        worker.stop()
    flagged = StaleHealthFlag.objects.open().values_list("person_id", flat=True)
    assert sorted(flagged) == sorted(overdue)


def test_a_task_sent_by_a_client_is_run_by_the_worker(stack_env, queue, tmp_path, celery_client):
    overdue = make_overdue(2)
    worker = Process(
        _celery("-A", "casetracker", "worker", "--pool=solo", f"--queues={queue}"),
        stack_env,
        tmp_path / "worker.log",
    )
    try:
        result = celery_client(_broker()).send_task("cases.flag_stale_health", queue=queue)
        assert result.get(timeout=60)["raised"] == len(overdue)
        result.forget()
    finally:
        worker.stop()


def test_the_worker_warms_the_pages_the_web_then_serves_without_queries(
    stack_env, queue, tmp_path, celery_client, settings, client
):
    # the worker's cache (stack_env's CACHE_URL), before any write bumps the version
    settings.CACHES = {
        "default": {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": _broker()}
    }
    settings.PUBLIC_PAGE_CACHE_SECONDS = 300
    settings.CELERY_TASK_ALWAYS_EAGER = True  # this process queues no warm-up of its own
    f.CaseFactory(person__full_name="Warmed By The Worker")
    f.publish_all()
    worker = Process(
        _celery("-A", "casetracker", "worker", "--pool=solo", f"--queues={queue}"),
        {**stack_env, "PUBLIC_CACHE_WARM_DELAY": "0"},  # no waiting for quiet
        tmp_path / "worker.log",
    )
    try:
        result = celery_client(_broker()).send_task("cases.warm_public_pages", queue=queue)
        assert result.get(timeout=60) == ["/", "/cases/", "/stats/"]
        result.forget()
    finally:
        worker.stop()
    with CaptureQueriesContext(connection) as queries:
        page = client.get("/cases/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "Warmed By The Worker" in page
    assert len(queries) == 0
