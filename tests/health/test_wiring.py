"""The job is wired in: beat schedule, retrying tasks, admin saves recompute due moments."""

import datetime as dt

import pytest
import time_machine
from celery.exceptions import Retry
from celery.schedules import crontab
from django.db import OperationalError
from kombu.exceptions import OperationalError as KombuOperationalError

from cases import tasks
from cases.models import HealthDue, StaleHealthFlag
from casetracker.celery import app
from tests import factories as f


def test_beat_runs_the_stale_health_job_every_fifteen_minutes():
    app.loader.import_default_modules()
    app.finalize()
    entry = app.conf.beat_schedule["flag-stale-health"]
    assert entry["task"] == tasks.flag_stale_health.name
    assert entry["schedule"] == crontab(minute="*/15")
    assert app.conf.beat_schedule["stale-health-digest"]["task"] == (
        tasks.send_stale_health_digests.name
    )


def test_the_tasks_ack_late_and_retry_database_errors_with_backoff():
    for task in (tasks.flag_stale_health, tasks.notify_stale_health, tasks.refresh_health_due):
        assert task.acks_late is True
        assert OperationalError in task.autoretry_for
        assert task.retry_backoff


@pytest.mark.django_db
def test_the_task_retries_when_the_database_fails(monkeypatch):
    def broken(**kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(tasks.health, "run_stale_health_job", broken)
    with pytest.raises(Retry) as retry:
        tasks.flag_stale_health.apply(throw=True)
    assert "server closed the connection" in str(retry.value)
    # First retry: within the 5 s base backoff (full jitter may pick any delay up to it).
    assert 0 <= retry.value.when <= 5


@pytest.mark.django_db
def test_the_task_runs_the_job_and_reports_counts(monkeypatch):
    # Run the queued notification here, whatever broker the suite was given.
    monkeypatch.setitem(app.conf, "task_always_eager", True)
    with time_machine.travel(dt.datetime(2025, 7, 1, tzinfo=dt.UTC), tick=False):
        f.DetentionFactory(started_on="2025-01-01")
    with time_machine.travel(dt.datetime(2025, 8, 1, tzinfo=dt.UTC), tick=False):
        result = tasks.flag_stale_health.apply().get()
    assert (result["raised"], result["resolved"]) == (1, 0)
    # Eager: the notification task it queued has already run.
    assert result["notification"]
    assert StaleHealthFlag.objects.get().notified_at is not None


@pytest.mark.django_db
def test_flags_stand_when_the_notification_cannot_be_queued(monkeypatch, caplog):
    def broker_down(*args, **kwargs):
        raise KombuOperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(tasks.notify_stale_health, "apply_async", broker_down)
    with time_machine.travel(dt.datetime(2025, 7, 1, tzinfo=dt.UTC), tick=False):
        f.DetentionFactory(started_on="2025-01-01")
    with time_machine.travel(dt.datetime(2025, 8, 1, tzinfo=dt.UTC), tick=False):
        result = tasks.flag_stale_health.apply(throw=True).get()
    assert result == {
        "raised": 1,
        "resolved": 0,
        "care_raised": 0,  # a person with no case: no visit is due
        "care_resolved": 0,
        "notification": None,
    }
    flag = StaleHealthFlag.objects.get()
    assert flag.is_open and flag.notified_at is None  # the next run's notification takes it
    assert "notification not queued" in caplog.text


@pytest.mark.django_db
def test_saving_an_observation_in_the_admin_moves_the_due_moment(admin_client):
    detention = f.DetentionFactory(started_on="2025-01-01")
    response = admin_client.post(
        "/admin/cases/healthobservation/add/",
        {
            "person": detention.person.pk,
            "observed_on": "2025-07-01",
            "kind": "general",
            "description": "Seen by her lawyer",
            "visibility": "internal",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    due = HealthDue.objects.get(person=detention.person).due_at
    assert due == dt.datetime(2025, 7, 15, tzinfo=dt.UTC)
