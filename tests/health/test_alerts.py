"""Monitors hear about overdue prisoners once: an email per raised flag, or a daily digest."""

import datetime as dt
import threading

import pytest
import time_machine
from django.core import mail
from django.db import connection

from cases.health import run_stale_health_job
from cases.health_alerts import send_daily_digests, set_health_alert_delivery
from cases.models import StaleHealthFlag
from tests import factories as f

UTC = dt.UTC
START = dt.datetime(2025, 7, 1, 12, tzinfo=UTC)
OVERDUE = dt.datetime(2025, 7, 16, 9, tzinfo=UTC)


def overdue_prisoner(name, *monitors):
    with time_machine.travel(START, tick=False):
        detention = f.DetentionFactory(person__full_name=name, started_on="2025-06-01")
        f.HealthObservationFactory(person=detention.person, observed_on=dt.date(2025, 7, 1))
        case = f.CaseFactory(person=detention.person)
        case.assigned_monitors.set(monitors)
    return detention.person


def run(moment=OVERDUE):
    with time_machine.travel(moment, tick=False):
        return run_stale_health_job()


@pytest.fixture
def monitor_with_email(monitor):
    monitor.email, monitor.first_name = "monitor@example.org", "Aigerim"
    monitor.save()
    return monitor


@pytest.fixture
def other_monitor_with_email(other_monitor):
    other_monitor.email = "other@example.org"
    other_monitor.save()
    return other_monitor


@pytest.mark.django_db
def test_assigned_monitors_get_one_email_naming_the_overdue_prisoner(
    monitor_with_email, other_monitor_with_email
):
    overdue_prisoner("Marat Zhylanbayev", monitor_with_email)
    overdue_prisoner("Somebody Else", other_monitor_with_email)
    run()
    (email,) = [m for m in mail.outbox if m.to == ["monitor@example.org"]]
    assert email.subject == "Health update overdue: Marat Zhylanbayev"
    assert "Hello Aigerim," in email.body
    assert "Marat Zhylanbayev" in email.body
    assert "Somebody Else" not in email.body


@pytest.mark.django_db
def test_the_email_links_each_prisoner_to_their_own_admin_page(monitor_with_email, settings):
    settings.SITE_URL = "https://monitor.example.org/"
    first = overdue_prisoner("First Prisoner", monitor_with_email)
    second = overdue_prisoner("Second Prisoner", monitor_with_email)
    run()
    (email,) = mail.outbox
    for person in (first, second):
        assert f"https://monitor.example.org/admin/people/person/{person.pk}/change/" in email.body


@pytest.mark.django_db
def test_a_monitor_gets_one_email_listing_all_their_newly_overdue_prisoners(monitor_with_email):
    overdue_prisoner("First Prisoner", monitor_with_email)
    overdue_prisoner("Second Prisoner", monitor_with_email)
    run()
    (email,) = mail.outbox
    assert email.subject == "Health updates overdue for 2 people"
    assert "First Prisoner" in email.body and "Second Prisoner" in email.body


@pytest.mark.django_db
def test_an_open_flag_is_emailed_only_once(monitor_with_email):
    overdue_prisoner("Marat Zhylanbayev", monitor_with_email)
    run()
    run(OVERDUE + dt.timedelta(hours=1))
    run(OVERDUE + dt.timedelta(days=3))
    assert len(mail.outbox) == 1
    assert StaleHealthFlag.objects.get().notified_at == OVERDUE


@pytest.mark.django_db
def test_flags_nobody_is_assigned_to_go_to_the_fallback_address(settings):
    settings.STALE_HEALTH_UNASSIGNED_EMAILS = ["coordinator@example.org"]
    overdue_prisoner("Nobody's Prisoner")
    run()
    (email,) = mail.outbox
    assert email.to == ["coordinator@example.org"]
    assert "Nobody's Prisoner" in email.body


@pytest.mark.django_db
def test_flags_nobody_would_hear_about_are_logged_as_a_warning(settings, caplog):
    settings.STALE_HEALTH_UNASSIGNED_EMAILS = []
    overdue_prisoner("Nobody's Prisoner")

    run()

    assert mail.outbox == []
    assert "STALE_HEALTH_UNASSIGNED_EMAILS is empty" in caplog.text
    assert any(record.levelname == "WARNING" for record in caplog.records)


@pytest.mark.django_db
def test_a_digest_subscriber_gets_no_immediate_email_but_one_digest_a_day(monitor_with_email):
    set_health_alert_delivery(user=monitor_with_email, delivery="daily_digest")
    overdue_prisoner("Marat Zhylanbayev", monitor_with_email)
    run()
    assert mail.outbox == []

    with time_machine.travel(OVERDUE.replace(hour=10), tick=False):
        assert send_daily_digests() == 1
        assert send_daily_digests() == 0  # a retried task sends nothing more
    (digest,) = mail.outbox
    assert digest.subject == "Daily digest: 1 overdue health update"
    assert "Marat Zhylanbayev (new since yesterday)" in digest.body

    with time_machine.travel(OVERDUE + dt.timedelta(days=2), tick=False):
        send_daily_digests()
    assert len(mail.outbox) == 2
    assert "(new since yesterday)" not in mail.outbox[1].body


@pytest.mark.django_db
def test_a_digest_subscriber_with_nothing_overdue_gets_no_email(monitor_with_email):
    set_health_alert_delivery(user=monitor_with_email, delivery="daily_digest")
    with time_machine.travel(OVERDUE, tick=False):
        send_daily_digests()
    assert mail.outbox == []


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_runs_leave_exactly_one_open_flag_per_person_and_one_email(
    monitor_with_email,
):
    people = [overdue_prisoner(f"Prisoner {n}", monitor_with_email) for n in range(50)]
    barrier = threading.Barrier(2)
    results, errors = [], []

    def worker():
        try:
            barrier.wait(timeout=10)
            with time_machine.travel(OVERDUE, tick=False):
                results.append(run_stale_health_job())
        except Exception as exc:  # reported below; a thread cannot fail the test itself
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert sorted(r.raised for r in results)[1] <= len(people)
    assert sum(r.raised for r in results) == len(people)
    assert StaleHealthFlag.objects.open().count() == len(people)
    assert set(StaleHealthFlag.objects.values_list("person_id", flat=True)) == {
        p.pk for p in people
    }
    assert sum(r.notified for r in results) == len(people)
    assert len(mail.outbox) == 1
