"""HealthDue keeps the clock's start and the interval beside the due moment (the job
raises flags from these rows alone), and drops its database foreign key (derived
data; see the model).

The rows are derived: the migration empties HealthDue and its sweep bookkeeping,
so the next run of the stale-health job (at most 15 minutes later) recomputes
every due moment in a full sweep. Open flags are untouched meanwhile.
"""

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models

FORGET_DUE_MOMENTS = "DELETE FROM cases_healthdue; DELETE FROM cases_healthduesweep;"


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0006_case_list_indexes"),
        ("people", "0003_move_health_due_to_cases"),
    ]

    operations = [
        migrations.RunSQL(FORGET_DUE_MOMENTS, migrations.RunSQL.noop),
        migrations.AlterField(
            model_name="healthdue",
            name="person",
            field=models.OneToOneField(
                db_constraint=False,
                on_delete=django.db.models.deletion.CASCADE,
                primary_key=True,
                related_name="health_due",
                serialize=False,
                to="people.person",
                verbose_name="person",
            ),
        ),
        migrations.AddField(
            model_name="healthdue",
            name="counted_from",
            field=models.DateTimeField(
                default=django.utils.timezone.now,
                help_text="The latest observation, or the detention start when there is none.",
                verbose_name="counted from",
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="healthdue",
            name="interval_days",
            field=models.PositiveSmallIntegerField(
                default=14, verbose_name="interval applied (days)"
            ),
            preserve_default=False,
        ),
    ]
