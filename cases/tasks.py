"""Celery tasks: thin, take ids, safe to run twice (see cases.health).

acks_late (with CELERY_TASK_REJECT_ON_WORKER_LOST) means a task whose worker
dies mid-run is delivered again; every step being idempotent makes that safe.
Database errors (connection lost, deadlock, serialization failure) are retried
with exponential backoff.
"""

from __future__ import annotations

from celery import shared_task
from django.db import InterfaceError, OperationalError

from cases import health, health_alerts

_RETRIED = {
    "acks_late": True,
    "autoretry_for": (OperationalError, InterfaceError),
    "retry_backoff": 5,  # seconds, doubled each attempt
    "retry_backoff_max": 300,
    "retry_jitter": True,
    "max_retries": 6,
}


@shared_task(name="cases.flag_stale_health", **_RETRIED)
def flag_stale_health() -> dict[str, int]:
    """Every 15 minutes (casetracker.celery): recompute, resolve, raise, notify."""
    run = health.run_stale_health_job()
    return {"raised": run.raised, "resolved": run.resolved, "notified": run.notified}


@shared_task(name="cases.refresh_health_due", **_RETRIED)
def refresh_health_due(person_ids: list[int]) -> None:
    """For callers that prefer to recompute after their transaction commits."""
    health.refresh_health_due(person_ids=person_ids)


@shared_task(name="cases.send_stale_health_digests", **_RETRIED)
def send_stale_health_digests() -> int:
    """Daily (casetracker.celery): the digest for monitors who chose it."""
    return health_alerts.send_daily_digests()
