"""Partial-date columns widened from 10 to 32 characters for dates with uncertainty
stored as EDTF ("2017-01-01/2018-12-31" is 21). Every stored value keeps its meaning.
Lists order by the sortable form ("before March 2021", "../2021-03", sorts at March 2021)."""

from django.db import migrations, models

from casetracker.partial_dates import widen_partial_date_columns


class Migration(migrations.Migration):
    dependencies = [("public", "0007_proceedings")]

    operations = [
        widen_partial_date_columns("public"),
        migrations.AlterModelOptions(
            name='publiccase',
            options={'ordering': [models.OrderBy(models.F('arrest_date__sortable'), descending=True), 'pk'], 'verbose_name': 'case', 'verbose_name_plural': 'cases'},
        ),
        migrations.AlterModelOptions(
            name='publicdetention',
            options={'ordering': ['person', models.OrderBy(models.F('started_on__sortable'), descending=True), 'pk'], 'verbose_name': 'detention', 'verbose_name_plural': 'detentions'},
        ),
        migrations.AlterModelOptions(
            name='publicevent',
            options={'ordering': ['case', models.OrderBy(models.F('date__sortable')), 'pk'], 'verbose_name': 'event', 'verbose_name_plural': 'events'},
        ),
        migrations.AlterModelOptions(
            name='publicsentence',
            options={'ordering': ['case', models.OrderBy(models.F('sentenced_on__sortable')), 'pk'], 'verbose_name': 'sentence', 'verbose_name_plural': 'sentences'},
        ),
        migrations.AlterModelOptions(
            name='publicsource',
            options={'ordering': [models.OrderBy(models.F('date__sortable'), descending=True), 'title'], 'verbose_name': 'source', 'verbose_name_plural': 'sources'},
        ),
        ]
