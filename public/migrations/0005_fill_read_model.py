"""The read model filled for every case published before versions existed: each gets
its version (its last stored publication's, or one built now from its records) and
its public rows. It runs the current code (public.writer), so it must stay the last
migration of this app: a later schema change adds its own fill after it."""

from django.db import migrations


def fill(apps, schema_editor):
    # The current code, not historical models: versions are built by
    # cases.snapshots, which the read model must match. An empty database
    # (tests, a fresh install) has nothing to do.
    Case = apps.get_model("cases", "Case")
    if not Case.objects.filter(editorial_state="published").exists():
        return
    from public.writer import rebuild

    rebuild()


class Migration(migrations.Migration):
    dependencies = [("public", "0006_dates")]
    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
