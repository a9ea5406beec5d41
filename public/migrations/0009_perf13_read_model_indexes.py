"""Read-model indexes for the public list and name search (issue 13's latency target).

- /cases/ sorts by the arrest date's sortable form: an index on that expression
  lets the first page read 25 rows instead of sorting every case.
- The trigram GIN indexes of name search stop buffering inserts (fastupdate off).
  The read model is written in bulk (a rebuild, a bulk publication): with the
  default, every inserted name waited in the index's pending list, which each
  search scans row by row until a vacuum, and the planner, seeing it, fell back
  to comparing every name (50 ms at 10,000 people instead of 0.1 ms). The
  pending list is flushed here.
- The ranking of a search (people.search.search_ranks) looks for the query's
  words in the names as written: trigram indexes on those columns too.
"""

import casetracker.partial_dates
from django.db import migrations, models

# (table, index, column): trigram GIN indexes, PostgreSQL only (0002 made the first two).
TRIGRAM = (
    ("public_publicperson", "pub_person_name_trgm_idx", "name_normalized"),
    ("public_publicnamevariant", "pub_variant_name_trgm_idx", "name_normalized"),
    ("public_publicperson", "pub_person_full_name_trgm_idx", "full_name"),
    ("public_publicnamevariant", "pub_variant_written_trgm_idx", "name"),
)


def trigram(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for table, name, column in TRIGRAM:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin ({column} gin_trgm_ops)"
        )
        schema_editor.execute(f"ALTER INDEX {name} SET (fastupdate = off)")
        schema_editor.execute(f"SELECT gin_clean_pending_list('{name}'::regclass)")


def drop_trigram(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for _table, name, _column in TRIGRAM[2:]:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")
    for _table, name, _column in TRIGRAM[:2]:
        schema_editor.execute(f"ALTER INDEX {name} RESET (fastupdate)")


class Migration(migrations.Migration):

    dependencies = [
        ('public', '0008_dates'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='publiccase',
            index=models.Index(models.OrderBy(casetracker.partial_dates.SortableDate('arrest_date'), descending=True), models.F('id'), name='pub_case_arrest_sortable_idx'),
        ),
        migrations.RunPython(trigram, drop_trigram),
    ]
