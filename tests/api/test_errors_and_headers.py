"""The API's manners: JSON errors with a `detail` everywhere under /api/v1/,
RateLimit headers on throttled endpoints, cases by id, slug or record number."""

import pytest

from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_rates(settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"api_public": "3/minute", "api_token": "6/minute"},
    }


def json_error(response, status):
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert isinstance(body["detail"], str) and body["detail"]
    return body


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/nothing-here/",
        "/api/v1/cases/999999/",
        "/api/v1/cases/no-such-slug/",
        "/api/v1/cases/CT-999999/",
        "/api/v1/cases/%00/",
        "/api/v1/cases/" + "9" * 40 + "/",
        "/api/v1/people/abc/",
        "/api/v1/cases/1/extra/",
    ],
)
def test_unknown_routes_and_records_are_json_404s(api, url):
    json_error(api.get(url), 404)


def test_a_wrong_method_is_a_json_405_with_allow(api):
    body = json_error(api.post("/api/v1/cases/", {}, format="json"), 405)
    assert "POST" in body["detail"]
    response = api.delete("/api/v1/cases/")
    json_error(response, 405)
    assert "GET" in response["Allow"]


def test_an_invalid_filter_is_a_json_400_with_detail_and_field_errors(api):
    body = json_error(api.get("/api/v1/cases/?country=ZZZ"), 400)
    assert body["detail"] == "Invalid parameters."
    assert "country" in body


def test_throttled_endpoints_send_ratelimit_headers(api, small_rates):
    first = api.get("/api/v1/cases/")
    assert first.status_code == 200
    assert first["RateLimit-Limit"] == "3"
    assert first["RateLimit-Remaining"] == "2"
    assert 0 < int(first["RateLimit-Reset"]) <= 60
    assert api.get("/api/v1/people/")["RateLimit-Remaining"] == "1"
    assert api.get("/api/v1/cases/")["RateLimit-Remaining"] == "0"
    throttled = api.get("/api/v1/cases/")
    body = json_error(throttled, 429)
    assert "throttled" in body["detail"]
    assert int(throttled["Retry-After"]) > 0
    assert throttled["RateLimit-Remaining"] == "0"
    assert throttled["RateLimit-Limit"] == "3"


def test_a_case_by_id_slug_or_record_number(api):
    case = f.CaseFactory(slug="someone-2024")
    f.CaseFactory(editorial_state="draft", slug="hidden-2024")
    by_id = api.get(f"/api/v1/cases/{case.pk}/")
    assert by_id.status_code == 200
    assert by_id.json()["record_number"] == case.record_number
    assert api.get("/api/v1/cases/someone-2024/").json() == by_id.json()
    assert api.get(f"/api/v1/cases/{case.record_number}/").json()["id"] == case.pk
    assert api.get(f"/api/v1/cases/{case.record_number.lower()}/").json()["id"] == case.pk
    json_error(api.get("/api/v1/cases/hidden-2024/"), 404)


def test_the_public_site_keeps_its_html_404(client):
    response = client.get("/cases/no-such-case/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
