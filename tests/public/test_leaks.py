"""Nothing unpublished, internal or confidential reaches any public URL.

A published case carries, on every model of the people and cases apps, an
internal and a confidential record (and field-level secrets on public ones),
each containing MARKER; a draft case carries public records with MARKER. Then
every public URL is fetched (pages, every filter, search, feeds, exports, and
the 404s of the hidden objects) and links found on pages are followed.
"""

import pytest
from django.apps import apps

from casetracker.records import Record
from tests.leaks import HIDDEN, MARKER, crawl_public_site, seed_hidden_records

from .conftest import text

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded():
    """Return (URLs of hidden objects, search words, filter values)."""
    return seed_hidden_records()


def _get(client, url, params=None):
    response = client.get(url, params or {})
    return response, text(response)


def test_the_seed_has_internal_and_confidential_rows_of_every_record_model(seeded):
    records = [
        m
        for m in apps.get_models()
        if issubclass(m, Record) and m._meta.app_label in ("people", "cases")
    ]
    assert len(records) >= 16
    for model in records:
        for vis in HIDDEN:
            assert model.objects.filter(visibility=vis).exists(), (model, vis)


def test_no_public_url_reveals_a_hidden_record(client, seeded):
    hidden_urls, searches, filters = seeded
    pages = {}

    def fetch(url, params=None, expect=200):
        response, body = _get(client, url, params)
        assert response.status_code == expect, (url, params, response.status_code)
        assert MARKER.lower() not in body.lower(), (url, params)
        pages[(url, str(params))] = body
        return body

    # Crawl from the home page, following every internal link.
    crawled = crawl_public_site(client)
    for url, (status, body) in crawled.items():
        assert status == 200, (url, status)
        assert MARKER.lower() not in body.lower(), url
    seen = set(crawled)
    assert "/cases/published-case/" in seen
    assert "/people/person-0/" in seen or any(u.startswith("/people/") for u in seen)

    for params in filters + [{"q": word} for word in searches]:
        for url in ("/cases/", "/cases/export.csv", "/cases/export.json"):
            fetch(url, params)
    assert "/officials/public-judge/" in seen
    for url in ("/stats/", "/feed/", "/cases/published-case/feed/", "/officials/export.ftm.json"):
        fetch(url)
    for url in hidden_urls:
        fetch(url, expect=404)


@pytest.mark.parametrize(
    "word", ["Hiddenvariantinternal", "Hiddenvariantconfidential", "Draftvariant", "Draftperson"]
)
def test_searching_a_hidden_name_finds_nobody(client, seeded, word):
    body = _get(client, "/cases/", {"q": word})[1]
    assert "0 cases" in body
