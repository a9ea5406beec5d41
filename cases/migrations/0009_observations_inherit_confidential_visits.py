"""Observations made during a confidential visit become confidential themselves, as
HealthObservation.save() now makes every new or changed one."""

from django.db import migrations


def inherit(apps, schema_editor):
    HealthObservation = apps.get_model("cases", "HealthObservation")
    HealthObservation.objects.filter(visit__visibility="confidential").exclude(
        visibility="confidential"
    ).update(visibility="confidential")


class Migration(migrations.Migration):
    dependencies = [("cases", "0008_health_due_unlogged")]

    operations = [migrations.RunPython(inherit, migrations.RunPython.noop)]
