"""HealthDue and HealthDueSweep become UNLOGGED tables on PostgreSQL.

Both hold derived data that the stale-health job rebuilds from the records: the
due moments, and when they were last rebuilt. An unlogged table is written
without WAL (the job's first run at 80,000 prisoners: 0.87 s -> 0.75 s, see
bench/stale_health.py) and is emptied by PostgreSQL after a crash, and on a
promoted standby. The two go together: with both empty, the next run (at most
15 minutes later) finds no sweep on record and recomputes everybody. Were the
sweep's bookkeeping to survive without the due moments, the job would only
recompute people changed since, and miss everybody else until the next daily
full sweep. tests/health/test_unlogged.py holds them together.
"""

from django.db import migrations

TABLES = ("cases_healthdue", "cases_healthduesweep")


def _set(persistence: str):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return  # SQLite (development) has no such thing
        for table in TABLES:
            schema_editor.execute(f"ALTER TABLE {table} SET {persistence}")

    return apply


class Migration(migrations.Migration):
    dependencies = [("cases", "0007_health_due_counted_from")]

    operations = [migrations.RunPython(_set("UNLOGGED"), _set("LOGGED"))]
