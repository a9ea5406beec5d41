"""Hunger strikes: start, record demands, mark ended; visible wherever staff look."""

import datetime as dt
from unittest import mock

import pytest
import time_machine
from django.urls import reverse

from cases.models import HungerStrike
from tests import factories as f

pytestmark = pytest.mark.django_db

TODAY = dt.datetime(2025, 8, 10, 12, tzinfo=dt.UTC)


@time_machine.travel(TODAY, tick=False)
def test_a_monitor_starts_a_hunger_strike_with_its_demands(client, monitor, draft_case):
    client.force_login(monitor)
    response = client.post(
        reverse("monitor:strike_start", args=[draft_case.person_id]),
        {
            "started_on": "2025-08-01",
            "kind": "full",
            "demands": "A medical examination",
            "visibility": "internal",
        },
    )

    strike = HungerStrike.objects.get()
    assert response.status_code == 302
    assert (strike.is_ongoing, strike.demands, strike.created_by) == (
        True,
        "A medical examination",
        monitor,
    )


@time_machine.travel(TODAY, tick=False)
def test_an_ongoing_strike_shows_its_day_on_the_person_and_case_pages(client, monitor, draft_case):
    f.HungerStrikeFactory(person=draft_case.person, started_on=dt.date(2025, 8, 1))
    client.force_login(monitor)

    for url in (
        reverse("monitor:person_detail", args=[draft_case.person_id]),
        reverse("monitor:case_detail", args=[draft_case.pk]),
        reverse("monitor:workspace"),
    ):
        assert "Hunger strike · day 10" in client.get(url).content.decode(), url


@time_machine.travel(TODAY, tick=False)
def test_a_second_ongoing_strike_is_refused(client, monitor, draft_case):
    f.HungerStrikeFactory(person=draft_case.person, started_on=dt.date(2025, 8, 1))
    client.force_login(monitor)
    response = client.post(
        reverse("monitor:strike_start", args=[draft_case.person_id]),
        {"started_on": "2025-08-05", "kind": "full", "visibility": "internal"},
    )

    assert "already has an ongoing hunger strike" in response.content.decode()
    assert HungerStrike.objects.count() == 1


@time_machine.travel(TODAY, tick=False)
def test_a_strike_is_marked_ended_with_its_date_and_outcome(client, monitor, draft_case):
    strike = f.HungerStrikeFactory(person=draft_case.person, started_on=dt.date(2025, 8, 1))
    client.force_login(monitor)
    with mock.patch("cases.services.refresh_health_due") as refresh:
        client.post(
            reverse("monitor:strike_end", args=[strike.pk]),
            {"ended_on": "2025-08-09", "outcome": "health"},
        )

    strike.refresh_from_db()
    assert (strike.ended_on, strike.outcome, strike.is_ongoing) == (
        dt.date(2025, 8, 9),
        "health",
        False,
    )
    refresh.assert_called_once_with(person_ids=[draft_case.person_id])


@time_machine.travel(TODAY, tick=False)
def test_a_strike_cannot_end_before_it_started(client, monitor, draft_case):
    strike = f.HungerStrikeFactory(person=draft_case.person, started_on=dt.date(2025, 8, 1))
    client.force_login(monitor)
    response = client.post(
        reverse("monitor:strike_end", args=[strike.pk]),
        {"ended_on": "2025-07-01", "outcome": "health"},
    )

    assert "The end cannot be before the start." in response.content.decode()
    strike.refresh_from_db()
    assert strike.is_ongoing


@time_machine.travel(TODAY, tick=False)
def test_starting_a_strike_refreshes_when_health_is_next_due(client, monitor, draft_case):
    client.force_login(monitor)
    with mock.patch("cases.services.refresh_health_due") as refresh:
        client.post(
            reverse("monitor:strike_start", args=[draft_case.person_id]),
            {"started_on": "2025-08-01", "kind": "dry", "visibility": "internal"},
        )

    refresh.assert_called_once_with(person_ids=[draft_case.person_id])
