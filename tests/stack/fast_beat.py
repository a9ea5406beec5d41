"""`celery -A tests.stack.fast_beat beat`: the project's Celery app and beat schedule,
with the stale-health entry due every two seconds instead of every fifteen minutes
and sent to the test's queue (CT_TEST_QUEUE), so a test can watch beat drive it."""

import os
from datetime import timedelta

from casetracker.celery import app


@app.on_after_finalize.connect(weak=False)
def _every_two_seconds(sender, **kwargs):
    entry = sender.conf.beat_schedule["flag-stale-health"]
    entry["schedule"] = timedelta(seconds=2)
    entry["options"] = {**entry.get("options", {}), "queue": os.environ["CT_TEST_QUEUE"]}


__all__ = ["app"]
