"""Anonymous API calls are served from the public cache; a publication shows at
once, and a caller with an identity never shares an entry with anonymous ones."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from cases import services
from cases.models import Case
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def page_cache(settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 300


def _get(client, url, params=None, **extra):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params or {}, **extra)
    assert response.status_code == 200, response.content[:300]
    return response.json(), len(queries)


def _names(data) -> list[str]:
    return [item["person"]["full_name"] for item in data["results"]]


def _rename_behind_the_cache(case: Case, name: str) -> None:
    """A write the page cache cannot see (no save signal): what still shows the old
    name was served from the cache; what shows the new one was built afresh."""
    from public.models import PublicPerson

    type(case.person).objects.filter(pk=case.person_id).update(full_name=name)
    # the read model written without the writer (which would bump the version)
    PublicPerson.objects.filter(pk=case.person_id).update(full_name=name)


@pytest.mark.parametrize("url", ["/api/v1/cases/", "/api/v1/people/", "{case}"])
def test_a_second_anonymous_call_is_served_from_the_cache_without_queries(api, url):
    case = f.ChargeFactory().case
    f.SentenceFactory(case=case)
    url = url.format(case=f"/api/v1/cases/{case.pk}/")
    first, first_queries = _get(api, url)
    second, second_queries = _get(api, url)
    assert first_queries > 0
    assert second_queries == 0
    assert second == first


def test_publishing_a_case_shows_in_the_cached_list_right_away(api, editor):
    f.CaseFactory(person__full_name="Already Public")
    draft = f.CaseFactory(person__full_name="Newly Published", editorial_state="draft")
    assert _names(_get(api, "/api/v1/cases/")[0]) == ["Already Public"]
    services.publish_case(by=editor, case=draft)
    assert "Newly Published" in _names(_get(api, "/api/v1/cases/")[0])


def test_unpublishing_a_case_takes_it_off_the_cached_list_and_detail_right_away(api, editor):
    case = f.CaseFactory(person__full_name="Soon Unpublished")
    assert _names(_get(api, "/api/v1/cases/")[0]) == ["Soon Unpublished"]
    _get(api, f"/api/v1/cases/{case.pk}/")
    services.unpublish_case(by=editor, case=case)
    assert _names(_get(api, "/api/v1/cases/")[0]) == []
    assert api.get(f"/api/v1/cases/{case.pk}/").status_code == 404


def test_each_filter_combination_has_its_own_entry(api):
    f.CaseFactory(country="KZ", person__full_name="Kazakh Case")
    f.CaseFactory(country="RU", person__full_name="Russian Case")
    assert _names(_get(api, "/api/v1/cases/", {"country": "KZ"})[0]) == ["Kazakh Case"]
    assert _names(_get(api, "/api/v1/cases/", {"country": "RU"})[0]) == ["Russian Case"]
    assert len(_get(api, "/api/v1/cases/", {"page_size": 1})[0]["results"]) == 1


def test_links_in_a_cached_list_name_the_host_that_was_asked(api, settings):
    settings.ALLOWED_HOSTS = ["a.example", "b.example"]
    case = f.CaseFactory()
    first = _get(api, "/api/v1/cases/", HTTP_HOST="a.example")[0]
    second = _get(api, "/api/v1/cases/", HTTP_HOST="b.example")[0]
    assert first["results"][0]["url"] == f"http://a.example{case.get_absolute_url()}"
    assert second["results"][0]["url"] == f"http://b.example{case.get_absolute_url()}"


def test_the_next_link_of_a_cached_page_keeps_the_callers_parameters(api):
    for _ in range(3):
        f.CaseFactory(country="KZ")
    first = _get(api, "/api/v1/cases/", {"page_size": 1, "country": "KZ"})[0]
    assert "country=KZ" in first["next"]
    plain = _get(api, "/api/v1/cases/", {"page_size": 1, "country": "KZ", "x": "1"})[0]
    assert "x=1" in plain["next"]


def test_an_invalid_filter_is_refused_every_time_not_cached(api):
    f.CaseFactory()
    for _ in range(2):
        assert api.get("/api/v1/cases/", {"year": "abc"}).status_code == 400


def test_a_token_holders_call_is_never_answered_from_the_anonymous_entry(api, researcher):
    case = f.CaseFactory(person__full_name="Old Name")
    _get(api, "/api/v1/cases/")
    _rename_behind_the_cache(case, "New Name")
    assert _names(_get(api, "/api/v1/cases/")[0]) == ["Old Name"]  # the cache is in use

    holder = APIClient()
    token = Token.objects.create(user=researcher)
    holder.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert _names(_get(holder, "/api/v1/cases/")[0]) == ["New Name"]


def test_a_token_holders_call_does_not_fill_the_anonymous_entry(api, researcher):
    case = f.CaseFactory(person__full_name="Old Name")
    holder = APIClient()
    token = Token.objects.create(user=researcher)
    holder.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    _get(holder, "/api/v1/cases/")
    _get(holder, f"/api/v1/cases/{case.pk}/")
    _rename_behind_the_cache(case, "New Name")
    assert _names(_get(api, "/api/v1/cases/")[0]) == ["New Name"]
    assert _get(api, f"/api/v1/cases/{case.pk}/")[0]["person"]["full_name"] == "New Name"


def test_signed_in_staff_neither_read_nor_fill_the_anonymous_entry(api, editor):
    case = f.CaseFactory(person__full_name="Old Name")
    staff = APIClient()
    staff.force_login(editor)
    _get(staff, "/api/v1/cases/")
    _rename_behind_the_cache(case, "Middle Name")
    assert _names(_get(api, "/api/v1/cases/")[0]) == ["Middle Name"]
    _rename_behind_the_cache(case, "New Name")
    assert _names(_get(api, "/api/v1/cases/")[0]) == ["Middle Name"]  # anonymous: cached
    assert _names(_get(staff, "/api/v1/cases/")[0]) == ["New Name"]


def _counts(client, params) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/api/v1/cases/", params).status_code == 200
    return sum("COUNT(" in q["sql"] for q in queries.captured_queries)


def test_the_pages_of_one_filter_are_counted_once_for_anonymous_callers(api, researcher):
    for _ in range(3):
        f.CaseFactory(country="KZ")
    assert _counts(api, {"country": "KZ", "page_size": 1}) == 1
    assert _counts(api, {"country": "KZ", "page_size": 1, "page": 2}) == 0
    assert _counts(api, {"country": "RU", "page_size": 1}) == 1
    holder = APIClient()
    holder.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=researcher).key}")
    assert _counts(holder, {"country": "KZ", "page_size": 1, "page": 3}) == 1


def test_a_publication_changes_the_cached_count(api, editor):
    f.CaseFactory()
    draft = f.CaseFactory(editorial_state="draft")
    assert _get(api, "/api/v1/cases/", {"page_size": 1})[0]["count"] == 1
    services.publish_case(by=editor, case=draft)
    assert _get(api, "/api/v1/cases/", {"page_size": 1, "page": 2})[0]["count"] == 2
