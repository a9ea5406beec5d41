import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from casetracker.partial_dates import PartialDate, PartialDateField


@pytest.mark.parametrize(
    ("text", "earliest", "latest", "precision"),
    [
        ("2024", dt.date(2024, 1, 1), dt.date(2024, 12, 31), "year"),
        ("2024-11", dt.date(2024, 11, 1), dt.date(2024, 11, 30), "month"),
        ("2024-02", dt.date(2024, 2, 1), dt.date(2024, 2, 29), "month"),
        ("2025-07-31", dt.date(2025, 7, 31), dt.date(2025, 7, 31), "day"),
    ],
)
def test_it_parses_each_precision(text, earliest, latest, precision):
    value = PartialDate.parse(text)
    assert (value.earliest(), value.latest(), value.precision) == (earliest, latest, precision)
    assert str(value) == text


@pytest.mark.parametrize("text", ["2024-13", "2023-02-29", "24-11", "November 2024", "2024/11/05"])
def test_it_rejects_impossible_or_malformed_dates(text):
    with pytest.raises(ValidationError) as excinfo:
        PartialDateField().to_python(text)
    assert excinfo.value.code == "invalid_partial_date"


def test_iso_strings_sort_in_time_order_at_mixed_precision():
    values = ["2024-11-05", "2023", "2024-11", "2024"]
    assert sorted(values) == ["2023", "2024", "2024-11", "2024-11-05"]


def test_is_after_is_true_only_when_certain():
    nov = PartialDate.parse("2024-11")
    assert PartialDate.parse("2024-12-01").is_after(nov)
    assert not PartialDate.parse("2024-11-30").is_after(nov)
    assert not PartialDate.parse("2024").is_after(nov)
