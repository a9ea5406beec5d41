"""The job on a real Redis broker and a real worker process, including a worker killed mid-run.

The worker connects to pytest-django's test database (data is committed:
transactional_db) and to Redis database 5 on the broker's host (ours alone,
whatever database CELERY_BROKER_URL names), on a queue unique to the test.
"""

import datetime as dt
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

import pytest
import time_machine
from celery import Celery
from django.db import connection

from cases.models import StaleHealthFlag
from tests import factories as f
from tests.conftest import redis_url

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.timeout(240)]

ROOT = Path(__file__).resolve().parents[2]
REDIS_DB = 5
PRISONERS = 30


def _broker() -> str:
    parts = urlsplit(redis_url())
    return urlunsplit((parts.scheme, parts.netloc, f"/{REDIS_DB}", "", ""))


def _database_url() -> str:
    db = connection.settings_dict
    auth = quote(db["USER"] or "")
    if db["PASSWORD"]:
        auth += ":" + quote(db["PASSWORD"])
    host = f"{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
    return f"postgres://{auth}@{host}/{db['NAME']}"


class Worker:
    def __init__(self, queue: str, email_dir: Path, pause_file: Path | None = None):
        env = {
            **os.environ,
            "DATABASE_URL": _database_url(),  # the TEST database
            "CELERY_BROKER_URL": _broker(),
            "CELERY_RESULT_BACKEND": _broker(),
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "CT_TEST_EMAIL_DIR": str(email_dir),
            "DJANGO_READ_DOT_ENV": "0",
            "CONN_MAX_AGE": "0",
        }
        if pause_file:
            env["CT_TEST_PAUSE_FILE"] = str(pause_file)
        self.process = subprocess.Popen(  # noqa: S603 (our own interpreter and module)
            [sys.executable, "-m", "tests.health.celery_worker", queue],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )

    def kill(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)


@pytest.fixture
def queue():
    name = f"ct-health-test-{uuid.uuid4().hex}"
    yield name
    import redis

    # Database 5 is this test's own: drop its queue, bindings and the killed
    # worker's unacknowledged message.
    db = redis.Redis.from_url(_broker())
    db.delete(*db.scan_iter(f"*{name}*"), "unacked", "unacked_index")


@pytest.fixture
def client(monkeypatch):
    # Celery lets these environment variables override the broker/backend arguments,
    # and CI sets CELERY_BROKER_URL to another database for the whole suite.
    monkeypatch.setenv("CELERY_BROKER_URL", _broker())
    monkeypatch.setenv("CELERY_RESULT_BACKEND", _broker())
    app = Celery("ct-health-test", broker=_broker(), backend=_broker())
    yield app
    app.close()


@pytest.fixture
def overdue(transactional_db, monitor):
    monitor.email = "monitor@example.org"
    monitor.save()
    # Fourteen days after the last observation the real clock is long past.
    with time_machine.travel(dt.datetime(2025, 7, 1, tzinfo=dt.UTC), tick=False):
        people = []
        for _ in range(PRISONERS):
            detention = f.DetentionFactory(started_on="2025-06-01")
            f.HealthObservationFactory(person=detention.person, observed_on=dt.date(2025, 7, 1))
            f.CaseFactory(person=detention.person).assigned_monitors.add(monitor)
            people.append(detention.person.pk)
    return people


def _outcome(client, task_id: str) -> dict:
    result = client.AsyncResult(task_id)
    try:
        return result.get(timeout=90)
    finally:
        result.forget()


def _sent_emails(email_dir: Path) -> list[str]:
    return [
        line
        for path in email_dir.iterdir()
        for line in path.read_text().splitlines()
        if line.startswith("To: ")
    ]


def test_a_real_worker_runs_the_job_from_the_redis_queue(overdue, queue, client, tmp_path):
    worker = Worker(queue, tmp_path)
    try:
        result = _outcome(client, client.send_task("cases.flag_stale_health", queue=queue).id)
        assert (result["raised"], result["resolved"]) == (PRISONERS, 0)
        # The flag task queued the emails as a task of their own, on its own queue.
        assert _outcome(client, result["notification"]) == {"notified": PRISONERS}
    finally:
        worker.kill()
    flags = StaleHealthFlag.objects.open()
    assert sorted(flags.values_list("person_id", flat=True)) == sorted(overdue)
    assert _sent_emails(tmp_path) == ["To: monitor@example.org"]


def test_a_rerun_after_a_worker_killed_mid_run_loses_and_duplicates_nothing(
    overdue, queue, client, tmp_path
):
    pause = tmp_path / "paused"
    emails = tmp_path / "emails"
    emails.mkdir()
    worker = Worker(queue, emails, pause_file=pause)
    try:
        flagged = _outcome(client, client.send_task("cases.flag_stale_health", queue=queue).id)
        assert flagged["raised"] == PRISONERS
        deadline = time.monotonic() + 90
        while not pause.exists():
            assert time.monotonic() < deadline, "the worker never reached the pause"
            time.sleep(0.2)
        # Flags are committed, the notification task has claimed nobody yet: the worker dies.
        assert StaleHealthFlag.objects.open().filter(notified_at__isnull=True).count() == PRISONERS
    finally:
        worker.kill()
    assert _sent_emails(emails) == []

    worker = Worker(queue, emails)
    try:
        result = _outcome(client, client.send_task("cases.flag_stale_health", queue=queue).id)
        assert (result["raised"], result["resolved"]) == (0, 0)
        assert _outcome(client, result["notification"]) == {"notified": PRISONERS}
    finally:
        worker.kill()
    flags = StaleHealthFlag.objects.all()
    assert sorted(flags.values_list("person_id", flat=True)) == sorted(overdue)
    assert not flags.filter(resolved_at__isnull=False).exists()
    assert not flags.filter(notified_at__isnull=True).exists()
    assert _sent_emails(emails) == ["To: monitor@example.org"]
