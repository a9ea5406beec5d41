"""The demo data is the reference case: its facts are stored, and loading is idempotent."""

import datetime as dt
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.management import call_command

from cases.models import Case, HealthObservation, HungerStrike, PrisonVisit
from people.models import Person

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115


def _row_counts():
    counts = {}
    for model in apps.get_models():
        if model._meta.app_label in ("people", "cases"):
            counts[model._meta.label] = model.objects.count()
    return counts


def test_loading_twice_changes_nothing(demo):
    before = _row_counts()
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert _row_counts() == before
    assert before["cases.Case"] == 2
    # no new history rows either: a second run writes nothing at all
    assert before["cases.HistoricalCase"] == 2


def test_the_criminal_case_has_two_charges_and_84_months(demo):
    case = Case.objects.get(person__full_name="Marat Zhylanbayev")
    assert sorted(case.charges.values_list("wording", flat=True)) == [
        "Financing an extremist organization",
        "Participation in a banned organization",
    ]
    sentence = case.sentences.get()
    assert (sentence.kind, sentence.term_months, str(sentence.sentenced_on)) == (
        "imprisonment",
        84,
        "2024-11",
    )


def test_the_administrative_case_has_the_78000_kzt_fine(demo):
    case = Case.objects.get(person__full_name="Bakhytzhan Toregozhina")
    assert case.case_type == "administrative"
    sentence = case.sentences.get()
    assert (sentence.fine_amount, sentence.fine_currency, sentence.fine_usd_reported) == (
        Decimal("78000.00"),
        "KZT",
        Decimal("143.00"),
    )
    assert str(case.verdict_date) == "2025-07-31"
    assert case.charges.get().article.title == "Spreading false information"


def test_two_hunger_strikes_with_dates_left_unknown(demo):
    strikes = HungerStrike.objects.filter(person__slug="marat-zhylanbayev")
    assert strikes.count() == 2
    assert all(s.started_on is None and s.ended_on is None for s in strikes)


def test_health_observations_each_cite_a_source(demo):
    observations = HealthObservation.objects.filter(person__slug="marat-zhylanbayev")
    weights = [o.weight_kg for o in observations if o.weight_kg is not None]
    assert weights == [Decimal("45.0")]
    descriptions = " ".join(observations.values_list("description", flat=True))
    assert "skin tone" in descriptions and "Fainting spells" in descriptions
    assert all(o.sources.exists() for o in observations)


def test_the_refused_25_july_visit(demo):
    visit = PrisonVisit.objects.get(person__slug="marat-zhylanbayev")
    assert (visit.visited_on, visit.kind, visit.outcome) == (
        dt.date(2025, 7, 25),
        "in_person",  # in person, to ask for a video call
        "refused",
    )
    assert "not members" in visit.refusal_reason
    assert "surveillance footage" in visit.public_summary


def test_name_variants_include_the_other_spelling_and_cyrillic(demo):
    person = Person.objects.get(slug="marat-zhylanbayev")
    assert set(person.name_variants.values_list("name", flat=True)) == {
        "Marat Zhylanbaev",
        "Марат Жыланбаев",
    }
    assert person.memberships.get().organization.translated_name == "Forward, Kazakhstan!"


def test_events_of_26_to_31_july_are_on_the_timeline(demo):
    case = Case.objects.get(person__slug="bakhytzhan-toregozhina")
    assert [str(e.date) for e in case.events.order_by("date")] == [
        "2025-07-26",
        "2025-07-28",
        "2025-07-30",
        "2025-07-31",
    ]


def test_the_demo_is_public_and_published(demo):
    assert Case.objects.public().count() == 2
    assert Person.objects.public().count() == 2
