"""/cases/: the shared filters, facet counts, sorting, pagination, errors, query count."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.models import LegalArticle
from tests import factories as f

from .conftest import text

pytestmark = pytest.mark.django_db


def names(page: str) -> list[str]:
    return re.findall(r'<th scope="row">\s*<a href="/cases/[^"]+/">([^<]+)</a>', page)


def test_filtering_by_charge_finds_zhylanbayev(client, demo):
    article = LegalArticle.objects.get(title="Participation in a banned organization")
    page = text(client.get("/cases/", {"article": article.pk}))
    assert names(page) == ["Marat Zhylanbayev"]


def test_filtering_by_party_finds_zhylanbayev(client, demo):
    page = text(client.get("/cases/", {"organization": "alga-kazakhstan"}))
    assert names(page) == ["Marat Zhylanbayev"]


@pytest.mark.parametrize("query", ["Zhylanbaev", "Жыланбаев", "zhylanbayev", "Zhilanbayev"])
def test_name_search_tolerates_transliteration_and_misspelling(client, demo, query):
    assert names(text(client.get("/cases/", {"q": query}))) == ["Marat Zhylanbayev"]


def test_facets_count_cases_under_the_other_filters(client, demo):
    page = text(client.get("/cases/", {"organization": "alga-kazakhstan"}))
    # the organization facet ignores its own filter, so it still lists the party…
    assert "Alga, Kazakhstan! (1)</option>" in page
    # …and the status facet counts only the party's cases
    assert re.search(r'value="convicted"[^>]*>Convicted \(1\)</option>', page)
    full = text(client.get("/cases/"))
    assert re.search(r'value="convicted"[^>]*>Convicted \(2\)</option>', full)


def test_an_unnumbered_article_is_offered_by_id_and_a_numbered_one_by_key(client):
    f.ChargeFactory(article__number="405", article__title="Numbered offence")
    unnumbered = f.ChargeFactory(article__number="", article__title="Unnumbered offence")
    page = text(client.get("/cases/"))
    assert 'value="KZ:criminal:405"' in page
    assert f'value="{unnumbered.article.pk}"' in page


def test_the_selected_filter_stays_selected(client, demo):
    page = text(client.get("/cases/", {"organization": "alga-kazakhstan"}))
    assert re.search(r'<option value="alga-kazakhstan" selected>', page)


@pytest.mark.parametrize(
    "params, field",
    [
        ({"year": "abc"}, "year"),
        ({"article": "405; DROP TABLE"}, "article"),
        ({"status": "vanished"}, "status"),
        ({"min_months": "-3"}, "min_months"),
    ],
)
def test_a_bad_filter_is_a_field_error_with_no_results(client, demo, params, field):
    response = client.get("/cases/", params)
    page = text(response)
    assert response.status_code == 200
    assert f'id="{field}-errors"' in page
    assert names(page) == []


def test_garbage_page_and_sort_fall_back_to_defaults(client, demo):
    response = client.get("/cases/", {"page": "x'; --", "sort": "<script>"})
    assert response.status_code == 200
    assert len(names(text(response))) == 2


def test_pagination_keeps_the_filters(client, settings):
    settings.PUBLIC_CASES_PER_PAGE = 2
    for _ in range(3):
        f.CaseFactory(country="KZ")
    page = text(client.get("/cases/", {"country": "KZ"}))
    assert "?country=KZ&amp;page=2" in page
    assert len(names(text(client.get("/cases/", {"country": "KZ", "page": 2})))) == 1


def test_sorting_by_sentence_length_puts_the_longest_first(client):
    f.SentenceFactory(term_months=12, case__person__full_name="Short Term")
    f.SentenceFactory(term_months=120, case__person__full_name="Long Term")
    f.CaseFactory(person__full_name="No Sentence")
    page = text(client.get("/cases/", {"sort": "sentence"}))
    assert names(page) == ["Long Term", "Short Term", "No Sentence"]


def test_sorting_by_name(client):
    for name in ("Zarina B", "Askar A", "Murat C"):
        f.CaseFactory(person__full_name=name)
    assert names(text(client.get("/cases/", {"sort": "name"}))) == [
        "Askar A",
        "Murat C",
        "Zarina B",
    ]


def test_unpublished_cases_are_not_listed_or_counted(client):
    f.CaseFactory(person__full_name="Published Person")
    f.CaseFactory(person__full_name="Draft Person", editorial_state="draft", country="RU")
    page = text(client.get("/cases/"))
    assert names(page) == ["Published Person"]
    assert "Russian Federation" not in page
    assert 'value="RU"' not in page


def _cases(n):
    org = f.OrganizationFactory()
    for _ in range(n):
        case = f.CaseFactory()
        f.ChargeFactory(case=case)
        f.SentenceFactory(case=case)
        f.MembershipFactory(person=case.person, organization=org)
        f.DetentionFactory(person=case.person)
        f.HungerStrikeFactory(person=case.person)


def _queries(client, params):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/cases/", params).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("params", [{}, {"country": "KZ", "hunger_strike": "ongoing"}])
def test_browse_runs_the_same_number_of_queries_for_5_and_50_cases(client, settings, params):
    settings.PUBLIC_CASES_PER_PAGE = 100  # every row on one page
    _cases(5)
    small = _queries(client, params)
    _cases(45)
    assert _queries(client, params) == small
