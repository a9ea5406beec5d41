"""Trigram indexes for public name search (PostgreSQL only). The read model is filled
by the last migration of this app (0005_fill_read_model)."""

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


class Migration(migrations.Migration):
    dependencies = [("public", "0001_read_model"), ("cases", "__latest__"), ("people", "__latest__")]
    operations = [
        migrations.RunPython(trigram, drop_trigram),
    ]
