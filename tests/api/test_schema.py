"""The OpenAPI document, its local viewer, and schemathesis against the live schema."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings

from tests import factories as f

pytestmark = pytest.mark.django_db


def test_the_schema_is_openapi_3_and_lists_every_endpoint(api):
    response = api.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    for path in (
        "/api/v1/cases/",
        "/api/v1/people/",
        "/api/v1/organizations/",
        "/api/v1/legal-articles/",
        "/api/v1/facilities/",
        "/api/v1/health-observations/",
        "/api/v1/hunger-strikes/",
        "/api/v1/popolo.json",
    ):
        assert path in schema["paths"]


def test_the_cases_list_documents_the_shared_filter_names(api):
    schema = api.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    names = {p["name"] for p in schema["paths"]["/api/v1/cases/"]["get"]["parameters"]}
    assert {
        "q",
        "article",
        "organization",
        "country",
        "status",
        "facility",
        "year",
        "min_months",
        "max_months",
        "hunger_strike",
    } <= names


def test_the_docs_page_loads_its_assets_locally_with_no_inline_script(client):
    page = client.get("/api/v1/docs/").content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in page
    assert "cdn" not in page.lower()
    assert "<script>" not in page
    assert "<style>" not in page
    assert "style=" not in page
    script = client.get("/api/v1/docs/?script=")
    assert script.status_code == 200
    assert "SwaggerUIBundle" in script.content.decode()


@pytest.fixture
def api_schema(db, settings):
    from casetracker.wsgi import application

    settings.ALLOWED_HOSTS = ["localhost"]
    # Generated calls must reach the views, not the rate limit.
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"api_public": "100000/minute", "api_token": "100000/minute"},
    }
    case = f.CaseFactory()
    f.ChargeFactory(case=case).sources.add(f.SourceFactory(identity_confidential=True))
    f.SentenceFactory(
        case=case,
        kind="fine",
        term_months=None,
        fine_amount=78000,
        fine_currency="KZT",
        fine_usd_reported=143,
    )
    f.MembershipFactory(person=case.person, started_on="2019")
    f.HealthObservationFactory(person=case.person, kind="weight", weight_kg=61)
    f.HungerStrikeFactory(person=case.person, case=case)
    f.DetentionFactory(person=case.person)
    f.EventFactory(case=case)
    # Like Django's test client: the raw WSGI handler would otherwise close the
    # test's database connection at the end of each request.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/v1/schema/", application)
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def test_the_api_never_errors_and_always_matches_its_schema(api_schema):
    """Schemathesis, in-process: every operation, a few generated requests each.

    (Its pytest plugin's `from_fixture` does not run under pytest 9, so the
    operations are driven directly; the checks are the same.)"""
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 15
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=8,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
            database=None,
        )
        def check(case):
            case.call_and_validate()

        check()


def test_a_source_without_a_url_answers_null_as_its_schema_allows(api, db):
    """Source.url is declared a URI; an empty one is null (nullable), never ""."""
    case = f.CaseFactory()
    charge = f.ChargeFactory(case=case)
    charge.sources.add(f.SourceFactory(url="", title="No link"))
    charge.sources.add(f.SourceFactory(url="https://example.org/a", title="Linked"))

    schema = api.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    url_schema = schema["components"]["schemas"]["Source"]["properties"]["url"]
    assert url_schema["format"] == "uri"
    assert url_schema.get("nullable") is True

    body = api.get(f"/api/v1/cases/{case.pk}/").json()
    sources = {s["title"]: s["url"] for c in body["charges"] for s in c["sources"]}
    assert sources == {"No link": None, "Linked": "https://example.org/a"}
