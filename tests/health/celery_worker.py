"""Test-only launcher of a real Celery worker (tests/health/test_celery_worker.py).

Run as `python -m tests.health.celery_worker QUEUE`. With CT_TEST_PAUSE_FILE set,
the notification task stops before claiming the flags the job raised (it writes
that file and sleeps), so the test can kill the worker at exactly that point.
"""

import os
import sys
import time
from pathlib import Path

import django

django.setup()

from django.conf import settings  # noqa: E402

from cases import health_alerts  # noqa: E402
from casetracker.celery import app  # noqa: E402

settings.EMAIL_FILE_PATH = os.environ["CT_TEST_EMAIL_DIR"]

if pause_file := os.environ.get("CT_TEST_PAUSE_FILE"):
    notify = health_alerts.notify_new_flags

    def notify_after_a_long_pause(**kwargs):
        Path(pause_file).write_text("flags raised, monitors not told yet")
        time.sleep(300)
        return notify(**kwargs)

    health_alerts.notify_new_flags = notify_after_a_long_pause

app.worker_main(
    [
        "worker",
        "--pool=solo",
        f"--queues={sys.argv[1]}",
        "--loglevel=INFO",
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
    ]
)
