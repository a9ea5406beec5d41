"""Celery tasks: thin, take ids, safe to run twice (see cases.health).

acks_late (with CELERY_TASK_REJECT_ON_WORKER_LOST) means a task whose worker
dies mid-run is delivered again; every step being idempotent makes that safe.
Database errors (connection lost, deadlock, serialization failure) are retried
with exponential backoff.
"""

from __future__ import annotations

import logging

from celery import shared_task
from django.db import InterfaceError, OperationalError
from kombu.exceptions import OperationalError as KombuOperationalError

from cases import health, health_alerts, staleness

logger = logging.getLogger(__name__)

_RETRIED = {
    "acks_late": True,
    "autoretry_for": (OperationalError, InterfaceError),
    "retry_backoff": 5,  # seconds, doubled each attempt
    "retry_backoff_max": 300,
    "retry_jitter": True,
    "max_retries": 6,
}


@shared_task(name="cases.flag_stale_health", bind=True, **_RETRIED)
def flag_stale_health(self) -> dict:
    """Every 15 minutes (casetracker.celery): recompute, resolve and raise, then
    hand the emails to notify_stale_health, on the queue this task came from.

    The notification is queued on every run, not only when flags were raised: it
    also catches up on flags whose email failed before (they stay unclaimed). If
    it cannot be queued, the flags still stand and the next run queues it again.
    """
    run = health.run_stale_health_job(notify=False)
    care = staleness.run_care_job()  # overdue visits and strike observations, same emails
    queue = (self.request.delivery_info or {}).get("routing_key")
    try:
        notification = notify_stale_health.apply_async(queue=queue)
    except KombuOperationalError:
        logger.exception("stale health: notification not queued; the next run queues it")
        notification = None
    return {
        "raised": run.raised,
        "resolved": run.resolved,
        "care_raised": care.raised,
        "care_resolved": care.resolved,
        "notification": notification.id if notification else None,
    }


@shared_task(name="cases.notify_stale_health", **_RETRIED)
def notify_stale_health() -> dict[str, int]:
    """Email the monitors of flags nobody was told about yet (cases.health_alerts)."""
    return {"notified": health_alerts.notify_new_flags()}


@shared_task(name="cases.refresh_health_due", **_RETRIED)
def refresh_health_due(person_ids: list[int]) -> None:
    """For callers that prefer to recompute after their transaction commits."""
    health.refresh_health_due(person_ids=person_ids)


@shared_task(name="cases.send_stale_health_digests", **_RETRIED)
def send_stale_health_digests() -> int:
    """Daily (casetracker.celery): the digest for monitors who chose it."""
    return health_alerts.send_daily_digests()


@shared_task(name="cases.warm_public_pages", **_RETRIED)
def warm_public_pages() -> list[str]:
    """After a change to public content: rebuild the most visited pages (public.warm)."""
    from public import warm

    return warm.warm()
