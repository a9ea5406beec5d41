import datetime as dt
from decimal import Decimal

import pytest

from tests import factories as f

pytestmark = pytest.mark.django_db


def test_days_in_detention_count_from_the_start_to_today():
    detention = f.DetentionFactory(started_on="2025-01-01")
    assert detention.days(today=dt.date(2025, 1, 31)) == 30


def test_days_in_detention_of_a_partial_start_count_from_its_earliest_day():
    detention = f.DetentionFactory(started_on="2024-11")
    assert detention.days(today=dt.date(2024, 12, 1)) == 30


def test_days_in_detention_stop_at_the_end():
    detention = f.DetentionFactory(started_on="2025-01-01", ended_on="2025-01-11")
    assert detention.days(today=dt.date(2026, 1, 1)) == 10


def test_days_in_detention_unknown_without_a_start():
    assert f.DetentionFactory(started_on="").days() is None


def test_expected_release_is_start_plus_term():
    sentence = f.SentenceFactory(term_months=84, starts_on="2024-11-15")
    assert sentence.expected_release() == dt.date(2031, 11, 15)


def test_expected_release_is_unknown_without_a_start_or_for_life():
    assert f.SentenceFactory(term_months=84, starts_on="").expected_release() is None
    life = f.SentenceFactory(kind="life_imprisonment", term_months=None, starts_on="2020")
    assert life.expected_release() is None


def test_ongoing_hunger_strike_counts_days_from_day_one():
    strike = f.HungerStrikeFactory(started_on=dt.date(2025, 7, 1))
    assert strike.is_ongoing
    assert strike.day_count(today=dt.date(2025, 7, 10)) == 10


def test_ended_hunger_strike_is_not_ongoing_and_keeps_its_length():
    strike = f.HungerStrikeFactory(
        started_on=dt.date(2025, 7, 1), ended_on=dt.date(2025, 7, 5), outcome="not_met"
    )
    assert not strike.is_ongoing
    assert strike.day_count(today=dt.date(2026, 1, 1)) == 5


def test_undated_hunger_strike_with_unknown_outcome_is_not_ongoing():
    strike = f.HungerStrikeFactory(started_on=None, outcome="unknown")
    assert not strike.is_ongoing
    assert strike.day_count() is None


def test_latest_weight_is_the_most_recent_weight_observation():
    person = f.PersonFactory()
    f.HealthObservationFactory(
        person=person, kind="weight", weight_kg=Decimal("60"), observed_on=dt.date(2025, 5, 1)
    )
    f.HealthObservationFactory(
        person=person, kind="weight", weight_kg=Decimal("45"), observed_on=dt.date(2025, 7, 1)
    )
    f.HealthObservationFactory(person=person, kind="general", observed_on=dt.date(2025, 7, 20))
    assert person.latest_weight() == Decimal("45")
