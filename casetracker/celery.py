"""The Celery app. Configuration comes from Django settings (CELERY_* names).

The beat schedule is declared here, in one place.
"""

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "casetracker.settings")

app = Celery("casetracker")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_after_finalize.connect
def _schedule(sender, **kwargs):
    from django.conf import settings

    sender.conf.beat_schedule = {
        "flag-stale-health": {
            "task": "cases.flag_stale_health",
            "schedule": crontab(minute="*/15"),
            # A run older than its successor is pointless: drop it rather than pile up.
            "options": {"expires": 14 * 60},
        },
        "stale-health-digest": {
            "task": "cases.send_stale_health_digests",
            "schedule": crontab(hour=settings.STALE_HEALTH_DIGEST_HOUR, minute=0),
            "options": {"expires": 12 * 60 * 60},
        },
    }
