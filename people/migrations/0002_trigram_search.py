"""Trigram (GIN) indexes for transliteration-tolerant name search, PostgreSQL only.

The columns are already ASCII-folded and lowercased (people.names.normalize_name),
so no unaccent() is needed at query time. On SQLite this migration does nothing
and search uses the skeleton fallback in people/search.py.
"""

from django.db import migrations

INDEXES = (
    ("people_person", "person_name_trgm_idx"),
    ("people_namevariant", "namevariant_name_trgm_idx"),
)


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for table, name in INDEXES:
        # search_people(): WHERE name_normalized %> q (trigram word similarity)
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin (name_normalized gin_trgm_ops)"
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for _table, name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("people", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
