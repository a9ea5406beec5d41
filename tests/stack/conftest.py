import datetime as dt

import pytest
import time_machine

from cases.health import refresh_health_due
from tests import factories as f


def make_overdue(count: int) -> list[int]:
    """People detained, last seen long ago: the stale-health job must flag each."""
    ids = []
    with time_machine.travel(dt.datetime(2025, 7, 1, tzinfo=dt.UTC), tick=False):
        for _ in range(count):
            detention = f.DetentionFactory(started_on="2025-06-01")
            f.HealthObservationFactory(person=detention.person, observed_on=dt.date(2025, 7, 1))
            f.CaseFactory(person=detention.person)
            ids.append(detention.person.pk)
    # What the services do on every write (factories bypass them).
    refresh_health_due(person_ids=ids)
    return ids


@pytest.fixture
def celery_client(monkeypatch):
    """A Celery client app for a given broker URL (closed after the test)."""
    from celery import Celery

    apps = []

    def make(broker: str) -> Celery:
        # Celery lets these variables override the broker argument; CI sets them.
        monkeypatch.setenv("CELERY_BROKER_URL", broker)
        monkeypatch.setenv("CELERY_RESULT_BACKEND", broker)
        app = Celery("ct-stack-test", broker=broker, backend=broker)
        apps.append(app)
        return app

    yield make
    for app in apps:
        app.close()
