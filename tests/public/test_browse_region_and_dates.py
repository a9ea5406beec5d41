"""/cases/: the region filter and facet; cases without an arrest date counted and listed
under "date unknown" (facets, /stats/, ?year=unknown); no 500 on junk parameters."""

import re

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

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


@pytest.fixture
def cases():
    almaty = f.CaseFactory(person__full_name="Almaty Case", region="Almaty", arrest_date="2024-03")
    astana = f.CaseFactory(person__full_name="Astana Case", region="Astana", arrest_date="2023")
    undated = f.CaseFactory(
        person__full_name="Undated Case", region="Almaty", arrest_date="", status="unknown"
    )
    nowhere = f.CaseFactory(person__full_name="Nowhere Case", region="", arrest_date="2024-01-02")
    return almaty, astana, undated, nowhere


def test_the_region_filter_lists_its_cases(client, cases):
    page = text(client.get("/cases/", {"region": "Almaty"}))
    assert sorted(names(page)) == ["Almaty Case", "Undated Case"]
    # as written, whatever the case and spaces
    assert sorted(names(text(client.get("/cases/", {"region": "  almaty "})))) == [
        "Almaty Case",
        "Undated Case",
    ]


def test_the_region_facet_counts_under_the_other_filters(client, cases):
    page = text(client.get("/cases/", {"year": "2024"}))
    assert re.search(r'<label for="id_region">Region</label>', page)
    assert '<option value="Almaty">Almaty (1)</option>' in page
    assert "Astana (" not in page  # arrested in 2023
    selected = text(client.get("/cases/", {"region": "Almaty"}))
    assert '<option value="Almaty" selected>Almaty (2)</option>' in selected
    assert '<option value="Astana">Astana (1)</option>' in selected  # its own filter ignored


def test_the_api_and_exports_share_the_region_filter(client, api, cases):
    almaty, _astana, undated, _nowhere = cases
    assert sorted(ids(api.get("/api/v1/cases/", {"region": "Almaty"}))) == sorted(
        [almaty.pk, undated.pk]
    )
    rows = text(client.get("/cases/export.csv", {"region": "Astana"})).splitlines()
    assert len(rows) == 2 and "Astana Case" in rows[1]


def test_the_year_facet_puts_date_unknown_last(client, cases):
    page = text(client.get("/cases/"))
    select = page.split('id="id_year"')[1].split("</select>")[0]
    options = re.findall(r'<option value="([^"]+)"[^>]*>([^<]+)</option>', select)
    assert options == [("2024", "2024 (2)"), ("2023", "2023 (1)"), ("unknown", "Date unknown (1)")]


def test_year_unknown_lists_the_undated_cases(client, api, cases):
    _almaty, _astana, undated, _nowhere = cases
    page = text(client.get("/cases/", {"year": "unknown"}))
    assert names(page) == ["Undated Case"]
    assert '<option value="unknown" selected>Date unknown (1)</option>' in page
    assert ids(api.get("/api/v1/cases/", {"year": "unknown"})) == [undated.pk]
    # the facets of the other filters count under it
    assert '<option value="Almaty">Almaty (1)</option>' in page
    rows = text(client.get("/cases/export.csv", {"year": "unknown"})).splitlines()
    assert len(rows) == 2 and "Undated Case" in rows[1]


def test_stats_count_cases_without_a_date_under_date_unknown(client, cases):
    page = text(client.get("/stats/"))
    section = page.split('id="stats-year"')[1].split("</section>")[0]
    assert '<a href="/cases/?year=unknown">Date unknown</a></th><td class="num">1</td>' in section
    assert '<a href="/cases/?year=2024">2024</a></th><td class="num">2</td>' in section
    # every case is counted once by year
    assert "4 published cases." in page


@pytest.mark.parametrize(
    "params",
    [
        {"year": "abc"},
        {"year": "1800"},
        {"year": "unknownx"},
        {"year": "²⁰²⁴"},
        {"region": "x" * 201},
    ],
)
def test_a_bad_year_or_region_is_a_field_error(client, api, params):
    (name,) = params
    page = text(client.get("/cases/", params))
    assert f'id="{name}-errors"' in page
    assert api.get("/api/v1/cases/", params).status_code == 400
    assert client.get("/cases/export.csv", params).status_code == 400


@pytest.mark.parametrize(
    "params",
    [
        {"region": "%"},
        {"region": "'; DROP TABLE x"},
        {"region": "Алматы"},
        {"region": "\u0000"},
        {"year": "UNKNOWN"},
        {"year": " 2024 "},
    ],
)
def test_junk_parameters_are_answered_not_crashed(client, api, cases, params):
    assert client.get("/cases/", params).status_code in (200, 400)
    assert api.get("/api/v1/cases/", params).status_code in (200, 400)
    assert client.get("/cases/export.csv", params).status_code in (200, 400)
    assert client.get("/cases/export.json", params).status_code in (200, 400)
