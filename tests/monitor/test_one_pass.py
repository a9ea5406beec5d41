"""One pass: every check of a form runs at once and all its errors show together,
in a summary that links to each field; no choice is offered that is then refused;
dates default to today; nothing is pre-selected that the monitor did not choose."""

import datetime as dt
import re

import pytest
import time_machine
from django.urls import reverse

from cases.models import PrisonVisit
from tests import factories as f
from tests.monitor.test_visit_report import visit_post

pytestmark = pytest.mark.django_db

URL = reverse("monitor:visit_new")
TODAY = dt.datetime(2025, 8, 10, 12, tzinfo=dt.UTC)


def offered(page: str, name: str) -> list[str]:
    """The option values of the select named `name`."""
    select = re.search(rf'<select name="{re.escape(name)}"[^>]*>(.*?)</select>', page, re.S)
    assert select, name
    return re.findall(r'<option value="([^"]*)"', select.group(1))


def summary_links(page: str) -> list[str]:
    summary = page.split("data-error-summary")[1].split("</div>")[0]
    return re.findall(r'href="#([^"]+)"', summary)


def test_every_invalid_field_is_reported_in_one_submit(client, monitor, published_case):
    client.force_login(monitor)
    response = client.post(
        URL,
        visit_post(
            published_case,
            visited_on="2999-01-01",
            **{"observations-1-kind": "weight", "observations-1-weight_kg": "900"},
        ),
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert not PrisonVisit.objects.exists()
    # The date and the weight, at once ("public" on a published case is a proposal).
    assert summary_links(page) == ["id_visited_on", "id_observations-1-weight_kg"]
    assert "This date is in the future." in page
    assert "A weight above 250 kg is not plausible" in page


def test_the_error_summary_takes_the_focus_and_names_each_field(client, monitor, draft_case):
    client.force_login(monitor)
    response = client.post(URL, visit_post(draft_case, visited_on="", kind=""))

    page = response.content.decode()
    assert 'role="alert" tabindex="-1" data-error-summary' in page
    assert summary_links(page) == ["id_visited_on", "id_kind"]
    assert "Date: This field is required." in page
    assert "js/monitor-form.js" in page


def test_a_monitor_on_a_published_case_is_offered_public_as_a_proposal(
    client, monitor, published_case
):
    client.force_login(monitor)
    page = client.get(URL + f"?case={published_case.pk}").content.decode()

    everything = ["public", "internal", "confidential"]
    assert offered(page, "visibility") == everything
    assert offered(page, "observations-0-visibility") == everything
    assert offered(page, "observations-__prefix__-visibility") == everything
    assert "what you mark public is a proposal" in page
    assert "proposed: published when an editor publishes the case" in page


def test_every_visibility_offered_to_a_monitor_is_accepted(client, monitor, published_case):
    client.force_login(monitor)
    page = client.get(URL + f"?case={published_case.pk}").content.decode()

    for visibility in offered(page, "visibility"):
        response = client.post(
            URL,
            visit_post(
                published_case,
                visibility=visibility,
                **{"observations-0-visibility": visibility, "observations-TOTAL_FORMS": "1"},
            ),
        )
        assert response.status_code == 302, visibility
    assert PrisonVisit.objects.count() == 3


def test_an_editor_and_a_draft_case_keep_public(
    client, monitor, editor, published_case, draft_case
):
    client.force_login(editor)
    page = client.get(URL + f"?case={published_case.pk}").content.decode()
    assert "public" in offered(page, "visibility")

    client.force_login(monitor)
    page = client.get(URL + f"?case={draft_case.pk}").content.decode()
    assert "public" in offered(page, "visibility")


def test_no_case_in_the_list_withholds_public(client, monitor, published_case, draft_case):
    client.force_login(monitor)
    page = client.get(URL).content.decode()

    assert f'<option value="{published_case.pk}"' in page
    assert "data-public-refused" not in page


@time_machine.travel(TODAY, tick=False)
def test_the_visit_date_defaults_to_today(client, monitor, draft_case):
    client.force_login(monitor)
    page = client.get(URL + f"?case={draft_case.pk}").content.decode()

    assert re.search(r'name="visited_on" value="2025-08-10"', page)


@time_machine.travel(TODAY, tick=False)
def test_an_observation_date_defaults_to_today(client, monitor, draft_case):
    client.force_login(monitor)
    page = client.get(
        reverse("monitor:observation_new", args=[draft_case.person_id])
    ).content.decode()

    assert re.search(r'name="observed_on" value="2025-08-10"', page)


@time_machine.travel(TODAY, tick=False)
def test_the_end_of_a_hunger_strike_preselects_no_outcome(client, monitor, draft_case):
    strike = f.HungerStrikeFactory(person=draft_case.person, started_on=dt.date(2025, 8, 1))
    client.force_login(monitor)
    url = reverse("monitor:strike_end", args=[strike.pk])

    page = client.get(url).content.decode()
    assert offered(page, "outcome")[0] == ""
    assert not re.search(r'value="[^"]+" selected', page.split('name="outcome"')[1])
    assert re.search(r'name="ended_on" value="2025-08-10"', page)

    response = client.post(url, {"ended_on": "2025-08-09"})
    assert "Outcome: This field is required." in response.content.decode()
    strike.refresh_from_db()
    assert strike.is_ongoing


def test_a_visit_dated_0001_01_01_is_a_field_error_and_keeps_the_form(client, monitor, draft_case):
    client.force_login(monitor)
    response = client.post(URL, visit_post(draft_case, visited_on="0001-01-01"))

    page = response.content.decode()
    assert response.status_code == 200
    assert not PrisonVisit.objects.exists()
    assert summary_links(page) == ["id_visited_on"]
    assert "This date is before 1900-01-01: please check it." in page
