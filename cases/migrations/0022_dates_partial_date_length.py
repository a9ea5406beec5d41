"""Partial-date columns widened from 10 to 32 characters for dates with uncertainty
stored as EDTF ("2017-01-01/2018-12-31" is 21). Every stored value keeps its meaning."""

from django.db import migrations

from casetracker.partial_dates import widen_partial_date_columns


class Migration(migrations.Migration):
    dependencies = [("cases", "0021_proceedings_group_trials")]

    operations = [widen_partial_date_columns("cases")]
