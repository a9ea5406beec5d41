"""Trigram indexes for public name search (PostgreSQL only), and the read model filled
for every case published before versions existed: each gets its version (its last
stored publication's, or one built now from its records) and its public rows."""

from django.db import migrations

INDEXES = (
    ("public_publicperson", "pub_person_name_trgm_idx"),
    ("public_publicnamevariant", "pub_variant_name_trgm_idx"),
)


def trigram(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for table, name in INDEXES:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin (name_normalized gin_trgm_ops)"
        )


def drop_trigram(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for _table, name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


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
    dependencies = [("public", "0001_read_model"), ("cases", "__latest__"), ("people", "__latest__")]
    operations = [
        migrations.RunPython(trigram, drop_trigram),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
