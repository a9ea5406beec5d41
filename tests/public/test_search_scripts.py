"""Name search on /cases/ and the API (one code path, public.filters.CaseFilter.filter_q):
Han by characters, pinyin through variants, any word order, the query's own script first.

Runs on SQLite and PostgreSQL alike: the cases named here give the same results on both."""

import re

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from casetracker.records import Visibility
from tests import factories as f
from tests.api.conftest import ids

from .conftest import text

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    cache.clear()  # throttle counts
    yield APIClient()
    cache.clear()


def names(page: str) -> list[str]:
    return re.findall(r'<th scope="row">\s*<a href="/cases/[^"]+/">([^<]+)</a>', page)


def found(client, query: str, **params) -> list[str]:
    response = client.get("/cases/", {"q": query, **params})
    assert response.status_code == 200
    return names(text(response))


def case(name: str, arrest: str = "2020-01-01", variants=()):
    made = f.CaseFactory(person__full_name=name, arrest_date=arrest)
    for variant, script in variants:
        f.NameVariantFactory(person=made.person, name=variant, script=script)
    return made


@pytest.fixture
def han_names():
    """Liu Xiaobo and nine people whose names romanise alike or share characters.
    The others' arrests are more recent: only the ranking can put him first."""
    liu = case("刘晓波", "2008-12-08", [("Liu Xiaobo", "Latn"), ("Лю Сяобо", "Cyrl")])
    others = {
        name: case(name, f"2020-0{i + 1}")
        for i, name in enumerate(["柳小波", "刘小波", "刘晓明", "刘波", "晓波", "王晓波"])
    }
    longer = case("刘晓波涛", "2023-05")  # holds his name's characters
    latin = case("Liu Xiaobo", "2022-01")  # a namesake written in Latin
    return liu, others, longer, latin


def test_a_han_query_finds_the_han_name_by_its_characters_and_nobody_romanised_alike(
    client, han_names
):
    # no pinyin fuzzing: 柳小波 and 刘小波 are also "liuxiaobo", 刘晓明 close to it
    assert found(client, "刘晓波") == ["刘晓波", "刘晓波涛"]


def test_a_han_query_matches_characters_in_its_parts(client, han_names):
    assert sorted(found(client, "刘 波")) == sorted(["刘晓波", "刘晓波涛", "刘波", "刘小波"])
    assert sorted(found(client, "晓波")) == sorted(["刘晓波", "刘晓波涛", "晓波", "王晓波"])
    assert found(client, "晓波")[0] == "晓波"  # the exact name first


def test_a_pinyin_query_finds_han_names_through_their_variants_ranked_below_exact(
    client, han_names
):
    results = found(client, "Liu Xiaobo")
    # the Latin namesake is the query as written; Liu Xiaobo's variant is too;
    # the other names romanised "liuxiaobo…" come after them
    assert results[:2] == ["Liu Xiaobo", "刘晓波"]
    assert sorted(results[2:]) == sorted(["刘小波", "柳小波", "刘晓波涛"])
    assert found(client, "Xiaobo Liu")[:2] == ["Liu Xiaobo", "刘晓波"]


def test_a_cyrillic_variant_finds_him_in_its_own_script(client, han_names):
    assert found(client, "Лю Сяобо") == ["刘晓波"]


@pytest.fixture
def zhylanbayev():
    marat = case("Marat Zhylanbayev", "2024-11-05", [("Марат Жыланбаев", "Cyrl")])
    namesake = case("Марат Жыланбаев", "2025-01")  # a Cyrillic-named namesake, more recent
    case("Marat Ivanov", "2025-02")
    case("Ivan Zhukov", "2025-03")
    return marat, namesake


@pytest.mark.parametrize(
    "query", ["Zhylanbayev, Marat", "zhylanbayev marat", "ZHYLANBAYEV Marat", "Marat  Zhylanbayev"]
)
def test_any_word_order_finds_him_and_the_latin_name_first(client, zhylanbayev, query):
    assert found(client, query) == ["Marat Zhylanbayev", "Марат Жыланбаев"]


@pytest.mark.parametrize("query", ["Жыланбаев Марат", "жыланбаев, марат", "Марат Жыланбаев"])
def test_surname_first_in_cyrillic_puts_the_cyrillic_name_first(client, zhylanbayev, query):
    assert found(client, query) == ["Марат Жыланбаев", "Marat Zhylanbayev"]


def test_a_word_of_the_query_that_no_name_has_finds_nobody(client, zhylanbayev):
    assert found(client, "Marat Nazarbayev") == []
    assert found(client, "Zhylanbayev") == ["Marat Zhylanbayev", "Марат Жыланбаев"]


def test_another_sort_asked_for_replaces_the_ranking(client, zhylanbayev):
    assert found(client, "Жыланбаев Марат", sort="arrest") == [
        "Marat Zhylanbayev",
        "Марат Жыланбаев",
    ]
    page = text(client.get("/cases/", {"q": "Жыланбаев Марат"}))
    assert re.search(r'<option value="relevance" selected>', page)


def test_the_api_ranks_alike(api, han_names, zhylanbayev):
    liu, _others, longer, latin = han_names
    marat, namesake = zhylanbayev
    assert ids(api.get("/api/v1/cases/", {"q": "刘晓波"})) == [liu.pk, longer.pk]
    assert ids(api.get("/api/v1/cases/", {"q": "Liu Xiaobo"}))[:2] == [latin.pk, liu.pk]
    assert ids(api.get("/api/v1/cases/", {"q": "Жыланбаев Марат"})) == [namesake.pk, marat.pk]


def test_the_export_ranks_alike(client, zhylanbayev):
    response = client.get("/cases/export.csv", {"q": "Zhylanbayev, Marat"})
    rows = text(response).splitlines()[1:]
    assert [row.split(",")[2] for row in rows] == ["Marat Zhylanbayev", "Марат Жыланбаев"]


def test_an_internal_variant_is_never_searched(client):
    made = case("Public Name")
    f.NameVariantFactory(person=made.person, name="刘秘密", visibility=Visibility.INTERNAL)
    f.NameVariantFactory(person=made.person, name="Secret Alias", visibility=Visibility.INTERNAL)
    assert found(client, "刘秘密") == []
    assert found(client, "Alias Secret") == []


@pytest.mark.parametrize(
    "query", ["%", "\\", "'; DROP TABLE", "刘%", "、。", "ß" * 200, "\u200b", "𠀀"]
)
def test_odd_queries_are_answered_not_crashed(client, api, query):
    case("刘晓波", variants=[("Liu Xiaobo", "Latn")])
    assert client.get("/cases/", {"q": query}).status_code == 200
    assert api.get("/api/v1/cases/", {"q": query}).status_code == 200
    assert client.get("/cases/export.csv", {"q": query}).status_code == 200


def test_a_too_long_query_is_a_field_error(client):
    response = client.get("/cases/", {"q": "x" * 201})
    assert response.status_code == 200
    assert 'id="q-errors"' in text(response)


def test_the_api_people_list_ranks_alike(api, zhylanbayev):
    marat, namesake = zhylanbayev
    response = api.get("/api/v1/people/", {"q": "Жыланбаев Марат"})
    assert ids(response) == [namesake.person.pk, marat.person.pk]


@pytest.mark.staged
def test_a_variant_added_since_the_publication_is_searched_only_once_published(client):
    made = case("Marat Zhylanbayev")
    f.publish_all()
    f.NameVariantFactory(person=made.person, name="Marat Newname")
    assert found(client, "Newname") == []
    f.publish_all()
    assert found(client, "Newname") == ["Marat Zhylanbayev"]
