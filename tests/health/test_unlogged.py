"""The due moments are derived data in UNLOGGED tables: a crash empties them, the
next run rebuilds them (cases/migrations/0008_health_due_unlogged.py)."""

import pytest
from django.db import connection

from cases.models import HealthDue, HealthDueSweep, StaleHealthFlag

from .test_stale_health import at, open_flags, prisoner, run_at

pytestmark = pytest.mark.django_db


@pytest.mark.postgres
def test_the_due_moments_and_their_sweep_bookkeeping_are_unlogged_together():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, relpersistence FROM pg_class WHERE relname IN %s ORDER BY relname",
            [(HealthDue._meta.db_table, HealthDueSweep._meta.db_table, "cases_stalehealthflag")],
        )
        persistence = dict(cursor.fetchall())
    assert persistence == {
        "cases_healthdue": "u",
        "cases_healthduesweep": "u",
        "cases_stalehealthflag": "p",  # flags are records: ordinary, logged
    }


def test_after_a_crash_emptied_both_tables_the_next_run_rebuilds_and_flags_everybody():
    people = [prisoner() for _ in range(3)]
    run_at(at(1))  # a first sweep: due moments stored, nobody overdue yet
    assert HealthDue.objects.count() == 3 and HealthDueSweep.objects.exists()

    # What PostgreSQL does to unlogged tables in crash recovery.
    HealthDue.objects.all().delete()
    HealthDueSweep.objects.all().delete()

    run = run_at(at(15))
    assert run.raised == 3
    assert HealthDue.objects.count() == 3
    assert sorted(open_flags().values_list("person_id", flat=True)) == sorted(p.pk for p in people)
    assert StaleHealthFlag.objects.count() == 3
