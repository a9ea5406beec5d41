"""Pages are stable and cost a fixed number of queries however much data there is."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests import factories as f
from tests.api.conftest import ids

pytestmark = pytest.mark.django_db


def test_paging_through_cases_visits_each_case_exactly_once(api):
    # Identical arrest dates: only the id tie-breaker keeps the order stable.
    cases = [f.CaseFactory(arrest_date="2024") for _ in range(7)]
    seen = []
    for page in (1, 2, 3):
        seen += ids(api.get("/api/v1/cases/", {"page_size": 3, "page": page}))
    assert sorted(seen) == sorted(c.pk for c in cases)
    assert len(seen) == len(set(seen))


def test_the_same_page_is_the_same_on_every_fetch(api):
    for _ in range(5):
        f.CaseFactory(arrest_date="2024")
    first = ids(api.get("/api/v1/cases/", {"page_size": 2, "page": 2}))
    again = ids(api.get("/api/v1/cases/", {"page_size": 2, "page": 2}))
    assert first == again


def test_a_page_beyond_the_end_is_a_404_not_a_crash(api):
    f.CaseFactory()
    assert api.get("/api/v1/cases/", {"page": 99}).status_code == 404
    assert api.get("/api/v1/cases/", {"page": "zz"}).status_code == 404


def test_the_page_size_is_capped(api):
    response = api.get("/api/v1/legal-articles/", {"page_size": 100000})
    assert response.status_code == 200
    for _ in range(3):
        f.ChargeFactory()  # an article is public through a published case citing it
    assert len(api.get("/api/v1/legal-articles/", {"page_size": 100000}).json()["results"]) == 3


def _rich_case():
    case = f.CaseFactory()
    source = f.SourceFactory()
    for _ in range(2):
        f.ChargeFactory(case=case).sources.add(source)
    f.SentenceFactory(case=case).sources.add(source)
    f.RecognitionFactory(case=case)
    f.EventFactory(case=case).sources.add(source)
    f.NameVariantFactory(person=case.person)
    f.MembershipFactory(person=case.person)
    f.HealthObservationFactory(person=case.person).sources.add(source)
    f.HungerStrikeFactory(person=case.person, case=case).sources.add(source)
    f.DetentionFactory(person=case.person)
    return case


def _queries(api, url):
    with CaptureQueriesContext(connection) as ctx:
        assert api.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/cases/",
        "/api/v1/people/",
        "/api/v1/organizations/",
        "/api/v1/legal-articles/",
        "/api/v1/facilities/",
        "/api/v1/health-observations/",
        "/api/v1/hunger-strikes/",
        "/api/v1/popolo.json",
    ],
)
def test_a_list_costs_the_same_queries_for_two_records_as_for_eight(api, url):
    for _ in range(2):
        _rich_case()
    few = _queries(api, url)
    for _ in range(6):
        _rich_case()
    assert _queries(api, url) == few


@pytest.mark.parametrize("value", ["null", "0", "-3", "abc", "1.5"])
def test_a_page_size_that_is_not_a_positive_whole_number_is_refused_with_the_field_named(
    value,
):
    from rest_framework.test import APIClient

    response = APIClient().get("/api/v1/cases/", {"page_size": value})
    assert response.status_code == 400
    assert "page_size" in response.json()


def test_a_page_size_above_the_maximum_is_the_maximum():
    from rest_framework.test import APIClient

    response = APIClient().get("/api/v1/cases/", {"page_size": 100000})
    assert response.status_code == 200
