"""Staleness beyond health, as situations: a detained person's case nobody visited
for 30 days (or the case's own interval), a hunger strike with no observation for
24 hours. The job flags them, the next visit or observation resolves them, the
workspace and the monitors' emails show them, and the job's queries do not grow
with the number of cases."""

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.health_alerts import notify_new_flags
from cases.models import CareDue, CareFlag, CareKind
from cases.staleness import refresh_care_due, run_care_job
from tests import factories as f

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 3, 1, 12, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def detained_case(last_visit_days_ago=None, **case):
    detention = f.DetentionFactory(started_on="2025-06-01")
    kase = f.CaseFactory(person=detention.person, **case)
    if last_visit_days_ago is not None:
        f.PrisonVisitFactory(
            person=kase.person,
            case=kase,
            visited_on=(NOW - dt.timedelta(days=last_visit_days_ago)).date(),
        )
    return kase


def striker(observed_hours_ago=None):
    detention = f.DetentionFactory(started_on="2025-06-01")
    kase = f.CaseFactory(person=detention.person)
    f.PrisonVisitFactory(person=kase.person, case=kase, visited_on=NOW.date())  # visited today
    f.HungerStrikeFactory(
        person=kase.person, case=kase, started_on=(NOW - dt.timedelta(days=3)).date()
    )
    if observed_hours_ago is not None:
        at = NOW - dt.timedelta(hours=observed_hours_ago)
        f.HealthObservationFactory(
            person=kase.person, observed_on=at.date(), observed_time=at.time()
        )
    return kase


def open_keys():
    return sorted(CareFlag.objects.open().values_list("key", flat=True))


def test_a_case_not_visited_for_31_days_is_flagged_and_a_visit_resolves_it():
    late = detained_case(last_visit_days_ago=31)
    detained_case(last_visit_days_ago=29)  # not yet

    assert run_care_job().raised == 1
    assert open_keys() == [f"visit:{late.pk}"]
    flag = CareFlag.objects.get()
    assert flag.due_since == dt.datetime(2026, 2, 28, tzinfo=dt.UTC)  # the visit's day + 30

    f.PrisonVisitFactory(person=late.person, case=late, visited_on=NOW.date())
    run = run_care_job()
    assert (run.resolved, run.raised) == (1, 0)
    assert open_keys() == []


def test_the_case_sets_its_own_visit_interval():
    weekly = detained_case(last_visit_days_ago=8, visit_interval_days=7)
    detained_case(last_visit_days_ago=8)  # default 30 days

    run_care_job()
    assert open_keys() == [f"visit:{weekly.pk}"]


def test_never_visited_counts_from_the_detention_start_and_released_people_are_not_due():
    never = detained_case()  # detained since 2025-06-01, no visit
    released = f.DetentionFactory(started_on="2025-01-01", ended_on="2025-02-01")
    f.CaseFactory(person=released.person)

    run_care_job()
    assert open_keys() == [f"visit:{never.pk}"]
    assert CareDue.objects.get().counted_from == dt.datetime(2025, 6, 1, tzinfo=dt.UTC)


def test_a_hunger_strike_without_observation_for_24_hours_is_flagged_until_one_comes():
    hungry = striker(observed_hours_ago=25)
    striker(observed_hours_ago=23)  # not yet

    assert run_care_job().raised == 1
    assert open_keys() == [f"strike_observation:{hungry.person_id}"]

    f.HealthObservationFactory(person=hungry.person, observed_on=NOW.date(), observed_time=None)
    assert run_care_job().resolved == 1  # untimed: counts from midnight, due again at midnight
    assert open_keys() == []


def test_a_strike_with_no_observation_at_all_counts_from_its_first_day():
    kase = striker()
    run_care_job()
    assert open_keys() == [f"strike_observation:{kase.person_id}"]
    assert CareFlag.objects.get().due_since == dt.datetime(2026, 2, 27, tzinfo=dt.UTC)


def test_the_job_is_idempotent():
    detained_case(last_visit_days_ago=40)
    striker(observed_hours_ago=30)
    first = run_care_job()
    second = run_care_job()
    assert (first.raised, second.raised, second.resolved) == (2, 0, 0)
    assert CareFlag.objects.count() == 2


def job_queries() -> int:
    with CaptureQueriesContext(connection) as queries:
        run_care_job()
    return len(queries)


def test_the_job_runs_the_same_queries_for_3_or_30_situations():
    for _ in range(3):
        detained_case(last_visit_days_ago=40)
    small = job_queries()
    for _ in range(27):
        detained_case(last_visit_days_ago=40)
        striker(observed_hours_ago=30)
    CareFlag.objects.all().delete()
    assert job_queries() == small
    assert CareFlag.objects.open().count() == 57


def test_the_refresh_for_one_person_touches_only_theirs():
    a = detained_case(last_visit_days_ago=40)
    b = detained_case(last_visit_days_ago=40)
    refresh_care_due(person_ids=[a.person_id])
    assert list(CareDue.objects.values_list("key", flat=True)) == [f"visit:{a.pk}"]
    refresh_care_due(person_ids=[b.person_id])
    assert CareDue.objects.count() == 2


def test_the_workspace_lists_them_for_the_assigned_monitor(client, monitor):
    late = detained_case(last_visit_days_ago=45)
    late.assigned_monitors.add(monitor)
    hungry = striker(observed_hours_ago=30)
    hungry.assigned_monitors.add(monitor)
    refresh_care_due()  # what every write does at commit

    client.force_login(monitor)
    page = client.get("/monitor/").content.decode()

    assert "No visit for" in page
    assert "No observation during the hunger strike for" in page
    assert str(late.person) in page and str(hungry.person) in page


def test_the_monitors_hear_of_them_in_the_same_email(monitor):
    monitor.email = "monitor@example.org"
    monitor.save()
    late = detained_case(last_visit_days_ago=45)
    late.assigned_monitors.add(monitor)
    hungry = striker(observed_hours_ago=30)
    hungry.assigned_monitors.add(monitor)
    run_care_job()

    assert notify_new_flags() == 0  # no health flag: the care flags ride along all the same
    (message,) = mail.outbox
    assert str(late.person) in message.body and str(hungry.person) in message.body
    assert "no visit since" in message.body
    assert "no observation during the hunger strike since" in message.body
    notify_new_flags()
    assert len(mail.outbox) == 1  # claimed once
    assert CareFlag.objects.filter(notified_at__isnull=True).count() == 0
    assert {flag.kind for flag in CareFlag.objects.all()} == {
        CareKind.VISIT,
        CareKind.STRIKE_OBSERVATION,
    }


def test_a_monitor_sets_the_visit_interval_of_a_published_case(client, monitor):
    from django.urls import reverse

    kase = detained_case(last_visit_days_ago=10)
    kase.assigned_monitors.add(monitor)
    client.force_login(monitor)
    response = client.post(
        reverse("monitor:case_edit", args=[kase.pk]),
        {"internal_notes": "", "visit_interval_days": 7},
    )

    assert response.status_code == 302
    kase.refresh_from_db()
    assert kase.visit_interval_days == 7
    run_care_job()
    assert open_keys() == [f"visit:{kase.pk}"]


def test_writes_refresh_the_due_moments_once_per_transaction(django_capture_on_commit_callbacks):
    from django.db import transaction

    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        cases = [detained_case(last_visit_days_ago=40) for _ in range(5)]
    ours = [c for c in callbacks if hasattr(c, "care_person_ids")]
    assert len(ours) == 1 and len(ours[0].care_person_ids) == 5
    assert CareDue.objects.filter(kind=CareKind.VISIT).count() == len(cases)
