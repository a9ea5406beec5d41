"""The stale-health job: due moments, flags, idempotence, constant queries."""

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.health import refresh_health_due, run_stale_health_job
from cases.models import Detention, HealthDue, HealthObservation, StaleHealthFlag
from people.models import Person
from tests import factories as f

pytestmark = pytest.mark.django_db

UTC = dt.UTC
# Every test starts on 1 July 2025 at noon; an untimed observation counts from midnight.
START = dt.datetime(2025, 7, 1, 12, 0, tzinfo=UTC)
OBSERVED = dt.date(2025, 7, 1)


def at(days: float, *, hours: float = 0) -> dt.datetime:
    """Midnight of 1 July 2025 plus this much time."""
    return dt.datetime(2025, 7, 1, tzinfo=UTC) + dt.timedelta(days=days, hours=hours)


def run_at(moment: dt.datetime):
    with time_machine.travel(moment, tick=False):
        return run_stale_health_job()


def prisoner(*, started_on="2025-06-01", observed_on=OBSERVED, **case):
    with time_machine.travel(START, tick=False):
        detention = f.DetentionFactory(started_on=started_on)
        if observed_on:
            f.HealthObservationFactory(person=detention.person, observed_on=observed_on)
        if case:
            f.CaseFactory(person=detention.person, **case)
    return detention.person


def due_at(person):
    """The stored due moment; None when the person has none (no HealthDue row)."""
    return HealthDue.objects.filter(person=person).values_list("due_at", flat=True).first()


def open_flags(person=None):
    flags = StaleHealthFlag.objects.open()
    return flags.filter(person=person) if person else flags


def test_a_prisoner_observed_thirteen_days_ago_is_not_flagged():
    person = prisoner()
    run_at(at(13, hours=23))
    assert not open_flags(person).exists()


def test_a_prisoner_is_flagged_just_after_fourteen_days_without_news():
    person = prisoner()
    run_at(at(14, hours=0.01))
    flag = open_flags(person).get()
    assert flag.due_since == at(14)
    assert flag.interval_days == 14
    assert flag.counted_from == at(0)


def test_it_flags_prisoner_on_hunger_strike_after_three_days():
    person = prisoner()
    f.HungerStrikeFactory(person=person, started_on=OBSERVED)
    run_at(at(2, hours=23))
    assert not open_flags(person).exists()
    run_at(at(3, hours=0.01))
    assert open_flags(person).get().interval_days == 3


def test_an_ended_hunger_strike_reverts_to_fourteen_days():
    person = prisoner()
    strike = f.HungerStrikeFactory(person=person, started_on=OBSERVED)
    run_at(at(4))
    assert open_flags(person).exists()

    strike.ended_on, strike.outcome = dt.date(2025, 7, 5), "health"
    strike.save()
    run_at(at(5))
    assert not open_flags(person).exists()
    assert StaleHealthFlag.objects.get(person=person).resolution == "rescheduled"
    run_at(at(14, hours=0.01))
    assert open_flags(person).get().interval_days == 14


def test_a_case_override_sets_the_interval():
    person = prisoner(health_check_interval_days=7)
    run_at(at(6, hours=23))
    assert not open_flags(person).exists()
    run_at(at(7, hours=0.01))
    assert open_flags(person).get().interval_days == 7


def test_the_smallest_override_among_active_cases_applies():
    person = prisoner(health_check_interval_days=10)
    f.CaseFactory(person=person, health_check_interval_days=5)
    f.CaseFactory(person=person, health_check_interval_days=2, archived_at=START)
    run_at(at(5, hours=0.01))
    assert open_flags(person).get().interval_days == 5


def test_a_hunger_strike_shortens_a_longer_override_but_not_a_shorter_one():
    long_override = prisoner(health_check_interval_days=30)
    short_override = prisoner(health_check_interval_days=1)
    for person in (long_override, short_override):
        f.HungerStrikeFactory(person=person, started_on=OBSERVED)
    run_at(at(3, hours=0.01))
    assert open_flags(long_override).get().interval_days == 3
    assert open_flags(short_override).get().interval_days == 1


def test_a_released_prisoners_flag_is_resolved():
    person = prisoner()
    run_at(at(15))
    detention = Detention.objects.get(person=person)
    detention.ended_on = "2025-07-15"
    with time_machine.travel(at(15, hours=0.5), tick=False):
        detention.save()
    run_at(at(15, hours=1))
    flag = StaleHealthFlag.objects.get(person=person)
    assert flag.resolution == "not_detained"
    assert flag.resolved_at == at(15, hours=1)
    assert due_at(person) is None


def test_a_new_observation_resolves_the_flag():
    person = prisoner()
    run_at(at(15))
    with time_machine.travel(at(16), tick=False):
        observation = f.HealthObservationFactory(person=person, observed_on=dt.date(2025, 7, 16))
    run_at(at(16, hours=1))
    flag = StaleHealthFlag.objects.get(person=person)
    assert flag.resolution == "observation"
    assert flag.resolved_by == observation
    assert due_at(person) == at(29)


def test_an_observation_backdated_before_the_deadline_leaves_the_person_overdue():
    person = prisoner()
    run_at(at(20))
    with time_machine.travel(at(20), tick=False):
        f.HealthObservationFactory(person=person, observed_on=dt.date(2025, 7, 2))
    run_at(at(20, hours=1))
    assert open_flags(person).exists()


def test_a_second_run_changes_nothing():
    people = [prisoner() for _ in range(3)]
    first = run_at(at(15))
    flags = list(StaleHealthFlag.objects.values())
    dues = list(HealthDue.objects.order_by("person").values_list("person", "due_at"))
    mail.outbox.clear()

    second = run_at(at(15, hours=0.25))
    assert (first.raised, second.raised, second.resolved, second.notified) == (3, 0, 0, 0)
    assert list(StaleHealthFlag.objects.values()) == flags
    assert list(HealthDue.objects.order_by("person").values_list("person", "due_at")) == dues
    assert mail.outbox == []
    assert len(people) == open_flags().count()


def test_a_detention_with_a_partial_start_counts_from_its_earliest_day():
    person = prisoner(started_on="2025-06", observed_on=None)
    refresh_health_due(person_ids=[person.pk])
    assert due_at(person) == dt.datetime(2025, 6, 15, tzinfo=UTC)


@pytest.mark.parametrize(
    "started_on",
    [
        "2025-06~",
        "2025-06?",
        "../2025-06",
        "2025-06/..",
        "2025-06/2025-08",
        "2025-06-01/2025-12-31",
    ],
)
def test_an_uncertain_detention_start_counts_from_its_earliest_day_or_its_bound(started_on):
    """About, uncertain, before, after, between: the job counts from the earliest day
    the date can mean (for "before June 2025", June 2025) and never fails on the form."""
    person = prisoner(started_on=started_on, observed_on=None)
    refresh_health_due(person_ids=[person.pk])
    assert due_at(person) == dt.datetime(2025, 6, 15, tzinfo=UTC)


def test_a_detention_without_a_start_or_observation_counts_from_when_it_was_recorded():
    person = prisoner(started_on="", observed_on=None)
    refresh_health_due(person_ids=[person.pk])
    assert due_at(person) == START + dt.timedelta(days=14)


def test_without_a_known_start_the_latest_observation_counts_however_late_it_was_recorded():
    # The reference case: detention start unreported, last seen in July 2025,
    # entered into the database a year later. He is long overdue.
    person = prisoner(started_on="", observed_on=None)
    f.HealthObservationFactory(person=person, observed_on=dt.date(2025, 6, 1))
    refresh_health_due(person_ids=[person.pk])
    assert due_at(person) == dt.datetime(2025, 6, 15, tzinfo=UTC)


def test_an_observation_from_before_the_current_detention_does_not_count():
    person = prisoner(started_on="2025-07-01", observed_on=dt.date(2024, 1, 1))
    refresh_health_due(person_ids=[person.pk])
    assert due_at(person) == at(14)


def test_the_time_of_an_observation_counts_when_given():
    person = prisoner(observed_on=None)
    f.HealthObservationFactory(person=person, observed_on=OBSERVED, observed_time=dt.time(18))
    f.HealthObservationFactory(person=person, observed_on=OBSERVED)  # same day, no time
    refresh_health_due(person_ids=[person.pk])
    assert due_at(person) == at(14, hours=18)


def test_archived_observations_do_not_count():
    person = prisoner()
    f.HealthObservationFactory(person=person, observed_on=dt.date(2025, 7, 10), archived_at=START)
    refresh_health_due(person_ids=[person.pk])
    assert due_at(person) == at(14)


def test_people_who_are_not_detained_have_no_due_moment():
    released = prisoner()
    Detention.objects.filter(person=released).update(ended_on="2025-07-01")
    archived_detention = prisoner()
    Detention.objects.filter(person=archived_detention).update(archived_at=START)
    never = f.PersonFactory()
    f.HealthObservationFactory(person=never)
    run_at(at(30))
    assert not open_flags().exists()
    assert not HealthDue.objects.exists()


def test_refresh_health_due_recomputes_only_the_given_people_and_closes_their_flags():
    person, other = prisoner(), prisoner()
    run_at(at(15))
    with time_machine.travel(at(16), tick=False):
        for someone in (person, other):
            f.HealthObservationFactory(person=someone, observed_on=dt.date(2025, 7, 16))
        refresh_health_due(person_ids=[person.pk])
    assert due_at(person) == at(29)
    assert not open_flags(person).exists()
    assert open_flags(other).exists()


@pytest.mark.postgres
def test_observation_dates_are_read_in_the_configured_time_zone(settings):
    settings.TIME_ZONE = "Asia/Almaty"  # UTC+5
    person = prisoner()
    refresh_health_due(person_ids=[person.pk])
    assert due_at(person) == at(14) - dt.timedelta(hours=5)


def test_a_full_sweep_catches_writes_that_bypassed_the_services():
    person = prisoner()
    run_at(at(1))
    # Raw SQL leaves no trace in updated_at: only the daily full sweep sees it.
    HealthObservation.objects.filter(person=person).update(observed_on=dt.date(2025, 6, 1))
    run_at(at(1, hours=1))
    assert due_at(person) == at(14)
    run_at(at(2, hours=1))
    assert due_at(person) == dt.datetime(2025, 6, 15, tzinfo=UTC)


def test_the_command_prints_what_it_raised_and_resolved(capsys):
    prisoner()
    with time_machine.travel(at(15), tick=False):
        call_command("flag_stale_health")
    assert "1 flag(s) raised, 0 flag(s) resolved" in capsys.readouterr().out


def _build_prisoners(count: int) -> None:
    """Bulk-created detained people, each last observed a month ago (so overdue)."""
    people = Person.objects.bulk_create(
        f.PersonFactory.build(slug=f"bulk-{count}-{n}") for n in range(count)
    )
    Detention.objects.bulk_create(
        Detention(person=p, started_on="2025-01-01", created_at=START) for p in people
    )
    HealthObservation.objects.bulk_create(
        HealthObservation(
            person=p, observed_on=dt.date(2025, 6, 1), kind="general", created_at=START
        )
        for p in people
    )


def _count_job_queries() -> int:
    with CaptureQueriesContext(connection) as queries:
        run = run_at(at(1))
    assert run.raised > 0
    return len(queries)


def test_the_job_makes_the_same_number_of_queries_for_10_and_1000_prisoners():
    _build_prisoners(10)
    small = _count_job_queries()
    StaleHealthFlag.objects.all().delete()
    _build_prisoners(990)
    assert _count_job_queries() == small
    assert open_flags().count() == 1000
