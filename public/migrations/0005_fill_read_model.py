"""Formerly the data migration that filled the read model. A data migration runs the
code of today at its place in the history, before later schema migrations have made
the tables that code writes, so the fill now runs after `migrate` instead
(public.receivers.fill_after_migrate). Kept, empty, for databases that applied it."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("public", "0004_case_links_and_additional_punishments")]
    operations = []
