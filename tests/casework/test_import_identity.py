"""Import identity: case number, else court + verdict date, else charges; never arrest date."""

import pytest

from cases.importer import Outcome, import_cases
from cases.models import Case
from people.models import Person
from tests.imports.conftest import VALID, to_csv

pytestmark = pytest.mark.django_db


def test_a_second_conviction_imports_as_a_second_case():
    import_cases(data=to_csv([VALID]))
    second = {
        **VALID,
        "verdict_date": "2025-06",
        "charges": "274: spreading false information",
        "sentence_months": "24",
    }
    report = import_cases(data=to_csv([second]))
    assert report.rows[0].outcome == Outcome.CREATED
    assert Person.objects.count() == 1
    assert Case.objects.count() == 2


def test_a_row_without_arrest_date_is_not_merged_into_a_case_by_arrest_date():
    import_cases(data=to_csv([{**VALID, "arrest_date": ""}]))
    other = {**VALID, "arrest_date": "", "charges": "174: inciting discord"}
    report = import_cases(data=to_csv([other]))
    assert report.rows[0].outcome == Outcome.CREATED
    assert Case.objects.count() == 2


def test_the_same_arrest_date_does_not_make_the_same_case():
    import_cases(data=to_csv([VALID]))
    other = {**VALID, "charges": "174: inciting discord"}  # same arrest date, other charges
    import_cases(data=to_csv([other]))
    assert Case.objects.count() == 2


def test_a_case_number_or_court_and_verdict_identify_a_case_whatever_the_charges():
    numbered = {**VALID, "case_number": "1-123/2024"}
    import_cases(data=to_csv([numbered]))
    report = import_cases(data=to_csv([{**numbered, "charges": "174: inciting discord"}]))
    assert report.rows[0].outcome == Outcome.UPDATED
    assert Case.objects.count() == 1
    court = {**VALID, "court": "Almaty city court", "arrest_date": ""}
    import_cases(data=to_csv([court]))
    report = import_cases(data=to_csv([{**court, "charges": "174: inciting discord"}]))
    assert report.rows[0].outcome == Outcome.UPDATED
    assert Case.objects.count() == 2


def test_reimporting_the_same_row_changes_nothing():
    import_cases(data=to_csv([VALID]))
    report = import_cases(data=to_csv([VALID]))
    assert report.rows[0].outcome == Outcome.UNCHANGED
    assert Case.objects.count() == 1
