"""The "Excel" CSV variant (a byte order mark, labels beside codes) and export file names
that carry the filter and the day."""

import csv
import io
import re

import pytest
import time_machine

from tests import factories as f

pytestmark = pytest.mark.django_db

BOM = b"\xef\xbb\xbf"


def body(response) -> bytes:
    return b"".join(response.streaming_content)


@pytest.fixture
def kazakh_case():
    return f.CaseFactory(
        person__full_name="Марат Жыланбаев",
        person__gender="male",
        person__citizenship="KZ",
        country="KZ",
        status="convicted",
        case_type="criminal",
    )


def test_the_excel_variant_starts_with_a_bom_and_keeps_cyrillic(client, kazakh_case):
    response = client.get("/cases/export.csv", {"format": "excel"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    data = body(response)
    assert data.startswith(BOM)
    assert "Марат Жыланбаев".encode() in data
    assert data.count(BOM) == 1


def test_the_excel_variant_has_labels_beside_codes(client, kazakh_case):
    data = body(client.get("/cases/export.csv", {"format": "excel"}))
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    header = next(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert header[header.index("status") + 1] == "status_label"
    assert header[header.index("country") + 1] == "country_label"
    (row,) = rows
    assert (row["status"], row["status_label"]) == ("convicted", "Convicted")
    assert (row["country"], row["country_label"]) == ("KZ", "Kazakhstan")
    assert (row["case_type"], row["case_type_label"]) == ("criminal", "Criminal")
    assert (row["gender"], row["gender_label"]) == ("male", "Male")
    assert (row["hunger_strike_ongoing"], row["hunger_strike_ongoing_label"]) == ("no", "No")


def test_the_excel_labels_follow_the_language(client, kazakh_case):
    data = body(client.get("/cases/export.csv", {"format": "excel"}, HTTP_ACCEPT_LANGUAGE="ru"))
    (row,) = csv.DictReader(io.StringIO(data.decode("utf-8-sig")))
    assert row["country_label"] == "Казахстан"


def test_the_plain_csv_stays_the_import_format(client, kazakh_case):
    data = body(client.get("/cases/export.csv"))
    assert not data.startswith(BOM)
    header = next(csv.reader(io.StringIO(data.decode())))
    assert "status_label" not in header


@time_machine.travel("2026-12-03 12:00Z", tick=False)
@pytest.mark.parametrize(
    ("params", "name"),
    [
        ({}, "cases-2026-12-03.csv"),
        ({"country": "kz"}, "cases-country-KZ-2026-12-03.csv"),
        ({"country": "KZ", "format": "excel"}, "cases-country-KZ-2026-12-03-excel.csv"),
        (
            {"status": "convicted", "year": "2024"},
            "cases-status-convicted-year-2024-2026-12-03.csv",
        ),
        ({"q": "Жыланбаев"}, "cases-q-Zhylanbaev-2026-12-03.csv"),
        ({"q": "刘晓波"}, "cases-q-LiuXiaoBo-2026-12-03.csv"),
        ({"q": 'a"b\r\n;c/../d'}, "cases-q-a-b-c-..-d-2026-12-03.csv"),
        (
            {"year": "unknown", "region": "Almaty"},
            "cases-region-Almaty-year-unknown-2026-12-03.csv",
        ),
        ({"sort": "name", "page": "2", "x": "y"}, "cases-2026-12-03.csv"),
    ],
)
def test_file_names_carry_the_filter_and_the_day(client, kazakh_case, params, name):
    response = client.get("/cases/export.csv", params)
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="{name}"'


@time_machine.travel("2026-12-03 12:00Z", tick=False)
def test_the_json_export_is_named_alike(client, kazakh_case):
    response = client.get("/cases/export.json", {"country": "KZ"})
    assert response["Content-Disposition"] == 'inline; filename="cases-country-KZ-2026-12-03.json"'


@pytest.mark.parametrize("q", ["x" * 200, "ß" * 200, "-" * 200, "刘" * 200])
def test_long_filters_give_a_short_safe_name(client, q):
    disposition = client.get("/cases/export.csv", {"q": q})["Content-Disposition"]
    name = re.fullmatch(r'attachment; filename="([A-Za-z0-9.\-]+)"', disposition).group(1)
    assert len(name) <= 140 and name.endswith(".csv")


@pytest.mark.parametrize("value", ["xls", "EXCEL", "excel\x00", "json"])
def test_an_unknown_format_is_an_error_not_a_crash(client, value):
    response = client.get("/cases/export.csv", {"format": value})
    assert response.status_code == 400
    assert "format:" in response.content.decode()


def test_the_case_list_links_the_excel_variant(client, kazakh_case):
    page = client.get("/cases/", {"country": "KZ"}).content.decode()
    assert re.search(
        r'href="/cases/export\.csv\?country=KZ&amp;format=excel">CSV for Excel</a>', page
    )
