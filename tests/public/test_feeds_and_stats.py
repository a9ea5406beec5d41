"""The Atom feeds and the statistics page."""

import re
import xml.etree.ElementTree as ET

import pytest

from cases.models import Case
from tests import factories as f

from .conftest import DEMO_CASE, text

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


def entries(client, url="/feed/"):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)  # noqa: S314 - our own feed
    return [e.find(f"{ATOM}title").text for e in root.findall(f"{ATOM}entry")]


def test_the_feed_announces_new_cases_and_public_observations(client, demo):
    titles = entries(client)
    assert "New case: Marat Zhylanbayev" in titles
    assert "Marat Zhylanbayev: health update (Weight)" in titles


def test_the_feed_announces_a_status_change_of_a_published_case(client):
    case = f.CaseFactory(status=Case.Status.TRIAL, person__full_name="Aliya K")
    assert "New case: Aliya K" in entries(client)  # published while on trial
    case.status = Case.Status.CONVICTED
    case.save()
    assert "Aliya K: status changed to Convicted" in entries(client)


def test_a_case_published_later_is_announced_once(client):
    case = f.CaseFactory(editorial_state="draft", person__full_name="Later Published")
    f.set_editorial_state(case, "published")
    case.save()
    assert entries(client).count("New case: Later Published") == 1


def test_the_feed_leaves_out_drafts_and_internal_records(client):
    f.CaseFactory(editorial_state="draft", person__full_name="Draft Person")
    case = f.CaseFactory()
    f.EventFactory(case=case, title="Internal hearing", visibility="internal")
    f.HealthObservationFactory(person=case.person, description="secret", visibility="internal")
    body = client.get("/feed/").content.decode()
    assert "Draft Person" not in body
    assert "Internal hearing" not in body
    assert "secret" not in body


def test_a_case_feed_lists_only_that_case(client, demo):
    titles = entries(client, DEMO_CASE + "feed/")
    assert titles
    assert all("Zhylanbayev" in t for t in titles)


def test_the_feed_of_an_unpublished_case_is_not_found(client):
    case = f.CaseFactory(editorial_state="draft")
    assert client.get(case.get_absolute_url() + "feed/").status_code == 404


def test_stats_count_cases_by_article_party_and_sentence_band(client, demo):
    page = text(client.get("/stats/"))
    assert re.search(
        r"Participation in a banned organization \(KZ criminal code\)</a></th>"
        r'<td class="num">1</td>',
        page,
    )
    assert re.search(r'Alga, Kazakhstan!</a></th><td class="num">1</td>', page)
    assert re.search(r'5 to 10 years</a></th><td class="num">1</td>', page)
    assert "2 published cases." in page


def test_stats_bars_are_svg_without_inline_style(client, demo):
    page = text(client.get("/stats/"))
    assert 'class="bar-fill" width="100.0"' in page
    assert "style=" not in page


def test_home_lists_recent_cases_and_ongoing_hunger_strikes(client):
    strike = f.HungerStrikeFactory(person__full_name="Striking Person")
    f.CaseFactory(person=strike.person)
    page = text(client.get("/"))
    assert "On hunger strike now" in page
    assert "Striking Person" in page
    assert 'action="/cases/"' in page


def test_person_and_organization_pages(client, demo):
    person = text(client.get("/people/marat-zhylanbayev/"))
    assert "Марат Жыланбаев" in person
    assert "Alga, Kazakhstan!" in person
    org = text(client.get("/organizations/alga-kazakhstan/"))
    assert "Unregistered" in org
    assert "Marat Zhylanbayev" in org


def test_a_person_without_a_published_case_is_not_found(client):
    case = f.CaseFactory(editorial_state="draft")
    assert client.get(case.person.get_absolute_url()).status_code == 404


def test_an_internal_organization_is_not_found(client):
    org = f.OrganizationFactory(visibility="internal")
    assert client.get(org.get_absolute_url()).status_code == 404
