"""Trigram indexes for public name search (PostgreSQL only). The read model is filled
after `migrate` (public.receivers.fill_after_migrate)."""

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
    # Fixed names, never "__latest__": that moves with every new migration of those
    # apps and makes an already-migrated database inconsistent.
    dependencies = [
        ("public", "0001_read_model"),
        ("cases", "0010_merge_confidential_visits_idempotency"),
        ("people", "0003_move_health_due_to_cases"),
    ]
    operations = [
        migrations.RunPython(trigram, drop_trigram),
    ]
