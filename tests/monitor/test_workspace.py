"""/monitor/: my cases, ongoing hunger strikes, overdue health updates, recent activity."""

import datetime as dt

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.health import refresh_health_due
from cases.models import HealthDue, StaleHealthFlag
from tests import factories as f

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2025, 8, 10, 12, tzinfo=dt.UTC)
URL = reverse("monitor:workspace")


def detained(name, monitor=None, **kwargs):
    """A detained person; with their case assigned to `monitor` (default: the
    user named "monitor"), since a monitor sees only the people of their cases."""
    person = f.PersonFactory(full_name=name, **kwargs)
    f.DetentionFactory(person=person)
    monitor = monitor or get_user_model().objects.filter(username="monitor").first()
    if monitor is not None:
        f.CaseFactory(person=person).assigned_monitors.add(monitor)
    return person


def observed(person, days_ago):
    f.HealthObservationFactory(person=person, observed_on=NOW.date() - dt.timedelta(days_ago))


def overdue_section(page: str) -> str:
    return page.split('id="overdue-h"')[1].split("</section>")[0]


def test_anonymous_visitors_are_sent_to_the_login_page(client):
    response = client.get(URL)

    assert response.status_code == 302
    assert response["Location"] == reverse("account_login") + "?next=" + URL


def test_a_researcher_gets_no_workspace(client, researcher):
    client.force_login(researcher)

    assert client.get(URL).status_code == 403


def test_a_monitor_sees_the_cases_assigned_to_them(client, monitor, draft_case, other_case):
    client.force_login(monitor)
    page = client.get(URL).content.decode()

    assert str(draft_case) in page
    assert str(other_case) not in page


@time_machine.travel(NOW, tick=False)
def test_it_lists_detained_people_whose_health_update_is_overdue(client, monitor):
    stale = detained("Stale Fourteen")
    observed(stale, 15)
    recent = detained("Recent Five")
    observed(recent, 5)
    striking = detained("Striking Four")
    observed(striking, 4)
    f.HungerStrikeFactory(person=striking, started_on=NOW.date() - dt.timedelta(10))
    never = detained("Never Observed")
    flagged = detained("Flagged Recent")
    observed(flagged, 1)
    free = f.PersonFactory(full_name="Not Detained")
    # The services keep the due moments current on every write; factories bypass them.
    refresh_health_due(person_ids=[p.pk for p in (stale, recent, striking, never, flagged, free)])
    # A flag the job raised and nobody has resolved yet shows whatever the due moment.
    StaleHealthFlag.objects.create(person=flagged, due_since=NOW, interval_days=14)
    scheduled = detained("Due Later")
    HealthDue.objects.create(
        person=scheduled, due_at=NOW + dt.timedelta(days=3), counted_from=NOW, interval_days=3
    )
    client.force_login(monitor)

    section = overdue_section(client.get(URL).content.decode())

    for shown in (stale, striking, never, flagged):
        assert shown.full_name in section
    for hidden in (recent, scheduled, free):
        assert hidden.full_name not in section


@time_machine.travel(NOW, tick=False)
def test_recent_activity_shows_new_visits(client, monitor, draft_case):
    f.PrisonVisitFactory(person=draft_case.person, outcome="refused", created_by=monitor)
    client.force_login(monitor)

    page = client.get(URL).content.decode()

    assert f"Visit (Refused): {draft_case.person}" in page


@time_machine.travel(NOW, tick=False)
def test_the_workspace_takes_a_fixed_number_of_queries(client, monitor):
    def add_prisoner(n):
        person = detained(f"Prisoner {n}")
        case = f.CaseFactory(person=person)
        case.assigned_monitors.add(monitor)
        f.HungerStrikeFactory(person=person)
        f.PrisonVisitFactory(person=person, case=case)
        observed(person, 20)

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(URL).status_code == 200
        return len(ctx)

    client.force_login(monitor)
    add_prisoner(0)
    with_one = queries()
    for n in range(1, 8):
        add_prisoner(n)

    assert queries() == with_one


@time_machine.travel(NOW, tick=False)
def test_an_overdue_card_says_by_how_much_with_the_last_observation_and_weight(client, monitor):
    person = detained("Weighed Twenty")
    f.HealthObservationFactory(
        person=person, observed_on=NOW.date() - dt.timedelta(30), kind="weight", weight_kg=52
    )
    f.HealthObservationFactory(
        person=person, observed_on=NOW.date() - dt.timedelta(20), kind="general", weight_kg=None
    )
    refresh_health_due(person_ids=[person.pk])
    client.force_login(monitor)

    section = overdue_section(client.get(URL).content.decode())

    # Last observed 20 days ago, due 14 days after: six days late.
    assert "overdue by 6\xa0days" in section
    assert "last observation 21 Jul 2025" in section
    assert "last weight 52.0 kg on 11 Jul 2025" in section


@time_machine.travel(dt.datetime(2025, 9, 1, tzinfo=dt.UTC), tick=False)
def test_after_loading_the_demo_the_demo_monitor_sees_the_reference_prisoner_overdue(
    client, settings
):
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    settings.DEBUG = True  # demo logins exist only in DEBUG, as with `make run`
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    call_command("create_demo_users", stdout=open("/dev/null", "w"))  # noqa: SIM115
    client.force_login(get_user_model().objects.get(username="monitor"))

    section = overdue_section(client.get(URL).content.decode())

    assert "Marat Zhylanbayev" in section
    assert "last observation 31 Jul 2025" in section
    assert "last weight 45.0 kg on 31 Jul 2025" in section
    assert not StaleHealthFlag.objects.exists()  # no job ran: the due moment did it
