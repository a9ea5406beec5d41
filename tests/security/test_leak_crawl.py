"""The leak crawl, extended beyond the anonymous public site.

Same seed as tests/public/test_leaks.py (tests/leaks.py: MARKER in every
internal, confidential, archived and draft record, and in the field-level
secrets of public ones). Here MARKER must not appear:
- on the public site crawled by a signed-in researcher and a signed-in monitor
  (public pages are the same for everybody), their hidden-object 404s included;
- in any API answer (lists, details, schema, docs, Popolo), with every filter
  and name search, anonymous or with a researcher's token; in the 404s of
  hidden ids and the 400s of bad filters;
- in the 400s of bad filters on the browse page and the exports;
- in the admin's history pages (Django's and simple-history's) and its
  autocomplete, for anonymous visitors, researchers, monitors and editors: the
  admin is for administrators only.
The public site has no search-suggestion endpoint (search is the `q` filter of
/cases/ and the API, crawled here); the admin's autocomplete is the only one.
"""

from __future__ import annotations

import pytest
from django.apps import apps
from django.contrib import admin
from django.test import Client
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from casetracker.records import Record
from tests.leaks import MARKER, crawl_public_site, every_api_answer, seed_hidden_records
from tests.public.conftest import text

pytestmark = pytest.mark.django_db

BAD_FILTERS = [
    {"year": "nineteen"},
    {"min_months": "-1"},
    {"max_months": "lots"},
    {"article": "99999999999999999999999"},
    {"article": "<script>"},
    {"country": "XX"},
    {"status": "escaped"},
    {"hunger_strike": "maybe"},
    {"sort": "internal_notes"},
    {"organization": "no-such-party"},
    {"page": "-3"},
    {"q": "x" * 500},
]


@pytest.fixture
def world(db):
    return seed_hidden_records()


@pytest.fixture(autouse=True)
def _generous_api_rates(settings):
    # The crawl makes more requests than the anonymous rate allows per minute.
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"api_public": "100000/minute", "api_token": "100000/minute"},
    }


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _leaks(responses) -> list:
    return [
        (where, status)
        for where, (status, body) in responses.items()
        if MARKER.lower() in body.lower()
    ]


def _fetch(client, url, params=None) -> tuple[int, str]:
    response = client.get(url, params or {})
    return response.status_code, text(response)


@pytest.mark.parametrize("role", ["researcher", "monitor"])
def test_the_public_site_shows_a_signed_in_user_no_secret(world, role, request):
    hidden_urls, searches, filters = world
    client = _signed_in(request.getfixturevalue(role))
    pages = crawl_public_site(client)
    assert "/cases/published-case/" in pages
    for params in filters + [{"q": word} for word in searches]:
        for url in ("/cases/", "/cases/export.csv", "/cases/export.json"):
            pages[f"{url}?{params}"] = _fetch(client, url, params)
    for url in ("/stats/", "/feed/", "/cases/published-case/feed/"):
        pages[url] = _fetch(client, url)
    hidden = {url: _fetch(client, url) for url in hidden_urls}
    assert {status for status, _body in hidden.values()} == {404}
    assert _leaks(pages | hidden) == []


@pytest.mark.parametrize("who", ["anonymous", "researcher with a token"])
def test_no_api_answer_shows_a_secret(world, who, researcher):
    hidden_urls, searches, filters = world
    api = APIClient()
    if who != "anonymous":
        api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=researcher).key}")
    answers = {
        url: (response.status_code, response.content.decode())
        for url, response in every_api_answer(api).items()
    }
    assert any(url.startswith("/api/v1/cases/") and url[-2].isdigit() for url in answers)
    for params in filters + [{"q": word} for word in searches]:
        for url in ("/api/v1/cases/", "/api/v1/people/", "/api/v1/organizations/"):
            answers[f"{url}?{params}"] = _fetch(api, url, params)
    assert _leaks(answers) == []


def test_the_api_answers_404_for_hidden_records_and_says_nothing(world):
    from cases.models import Case, HealthObservation, HungerStrike
    from people.models import Organization, Person

    api = APIClient()
    hidden = {
        "cases": Case.objects.exclude(pk__in=Case.objects.public()),
        "people": Person.objects.exclude(pk__in=Person.objects.public()),
        "organizations": Organization.objects.exclude(pk__in=Organization.objects.public()),
        "health-observations": HealthObservation.objects.exclude(
            pk__in=HealthObservation.objects.public()
        ),
        "hunger-strikes": HungerStrike.objects.exclude(pk__in=HungerStrike.objects.public()),
    }
    answers = {}
    for resource, queryset in hidden.items():
        assert queryset.exists(), resource
        for pk in queryset.values_list("pk", flat=True):
            answers[f"/api/v1/{resource}/{pk}/"] = _fetch(api, f"/api/v1/{resource}/{pk}/")
    assert {status for status, _body in answers.values()} == {404}
    assert _leaks(answers) == []


@pytest.mark.parametrize("params", BAD_FILTERS, ids=lambda p: next(iter(p)))
def test_a_bad_filter_is_refused_without_a_secret_and_without_a_500(world, client, params):
    answers = {
        url: _fetch(client, url, params)
        for url in ("/cases/", "/cases/export.csv", "/cases/export.json", "/api/v1/cases/")
    }
    assert all(status < 500 for status, _body in answers.values()), answers.keys()
    assert _leaks(answers) == []


def _history_urls():
    """Django's and simple-history's history page of every hidden record."""
    urls = []
    for model in apps.get_models():
        if not issubclass(model, Record) or model not in admin.site._registry:
            continue
        base = f"/admin/{model._meta.app_label}/{model._meta.model_name}"
        hidden = model.objects.exclude(pk__in=model.objects.public())
        for obj in hidden.filter(**_containing_marker(model))[:3]:
            urls.append(f"{base}/{obj.pk}/history/")
            for row in obj.history.all()[:1]:
                urls.append(f"{base}/{obj.pk}/history/{row.history_id}/")
    return urls


def _containing_marker(model) -> dict:
    for field in ("full_name", "name", "title", "summary", "demands", "description", "wording"):
        if any(f.name == field for f in model._meta.get_fields()):
            return {f"{field}__contains": MARKER}
    return {}


@pytest.mark.parametrize("role", ["anonymous", "researcher", "monitor", "editor"])
def test_the_admin_history_and_autocomplete_show_no_secret_to_non_administrators(
    world, role, request, settings
):
    settings.MFA_REQUIRED_FOR_STAFF = False  # the role is under test, not the second factor
    client = Client() if role == "anonymous" else _signed_in(request.getfixturevalue(role))
    urls = _history_urls()
    assert len(urls) >= 20  # every record model with a hidden row
    answers = {url: _fetch(client, url) for url in urls}
    answers["autocomplete"] = _fetch(
        client,
        "/admin/autocomplete/",
        {
            "term": "Hidden",
            "app_label": "people",
            "model_name": "membership",
            "field_name": "organization",
        },
    )
    assert {status for status, _body in answers.values()} <= {302, 403, 404}
    assert _leaks(answers) == []


def test_the_admin_history_does_show_the_marker_to_an_administrator(world, administrator, settings):
    # Proves the URLs above reach the records: the refusals are not a typo.
    settings.MFA_REQUIRED_FOR_STAFF = False
    url = next(url for url in _history_urls() if url.endswith("/history/"))
    status, body = _fetch(_signed_in(administrator), url)
    assert status == 200
    assert MARKER in body
