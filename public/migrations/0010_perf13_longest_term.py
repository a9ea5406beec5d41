"""PublicCase.longest_term_months and .life_sentence: the longest term of a published
case's sentences and whether one is life imprisonment, written with the version
(public.writer), so that ?sort=sentence, ?min_months= and the sentence bands of
/stats/ read indexed columns of the cases instead of a subquery or a join per case.
Filled here from the read model's own sentences (written from the versions)."""
import casetracker.partial_dates
import django.db.models.functions.comparison
from django.db import migrations, models


def fill(apps, schema_editor):
    schema_editor.execute(
        "UPDATE public_publiccase SET longest_term_months = ("
        "SELECT MAX(s.term_months) FROM public_publicsentence s"
        " WHERE s.case_id = public_publiccase.id)"
    )
    schema_editor.execute(
        "UPDATE public_publiccase SET life_sentence = EXISTS ("
        "SELECT 1 FROM public_publicsentence s WHERE s.case_id = public_publiccase.id"
        " AND s.kind = 'life_imprisonment')"
    )


class Migration(migrations.Migration):

    dependencies = [
        ('public', '0009_perf13_read_model_indexes'),
    ]

    operations = [
        migrations.AddField(
            model_name='publiccase',
            name='life_sentence',
            field=models.BooleanField(default=False, editable=False, verbose_name='sentenced to life imprisonment'),
        ),
        migrations.AddField(
            model_name='publiccase',
            name='longest_term_months',
            field=models.PositiveIntegerField(blank=True, editable=False, null=True, verbose_name='longest sentence (months)'),
        ),
        migrations.AddIndex(
            model_name='publiccase',
            index=models.Index(models.OrderBy(django.db.models.functions.comparison.Coalesce(models.F('longest_term_months'), models.Value(-1)), descending=True), models.OrderBy(casetracker.partial_dates.SortableDate('arrest_date'), descending=True), models.F('id'), name='pub_case_longest_term_idx'),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
