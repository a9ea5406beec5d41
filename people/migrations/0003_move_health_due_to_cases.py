"""Move the health due moment from people_person to its own table (cases.HealthDue).

Updating an indexed column of the wide people_person rows rewrote every index of
the table (pk, slug, name, trigram search...), which made the stale-health job's
bulk recompute cost seconds; cases_healthdue is two columns and two indexes.
Existing values are copied (only people who had one: the detained), both ways.
"""

from django.db import migrations

COPY_TO_HEALTH_DUE = """
    INSERT INTO cases_healthdue (person_id, due_at)
    SELECT id, health_due_at FROM people_person WHERE health_due_at IS NOT NULL
"""
COPY_BACK_TO_PERSON = """
    UPDATE people_person SET health_due_at = (
        SELECT due_at FROM cases_healthdue WHERE cases_healthdue.person_id = people_person.id
    )
"""


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0002_trigram_search"),
        ("cases", "0005_health_due"),
    ]

    operations = [
        migrations.RunSQL(COPY_TO_HEALTH_DUE, reverse_sql=COPY_BACK_TO_PERSON),
        migrations.RemoveIndex(
            model_name="person",
            name="person_health_due_idx",
        ),
        migrations.RemoveField(
            model_name="historicalperson",
            name="health_due_at",
        ),
        migrations.RemoveField(
            model_name="person",
            name="health_due_at",
        ),
    ]
