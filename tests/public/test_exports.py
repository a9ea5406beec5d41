"""/cases/export.csv and .json: the /cases/ filters, streamed, safe in a spreadsheet."""

import csv
import io
import json

import pytest

from tests import factories as f

from .conftest import text

pytestmark = pytest.mark.django_db


def rows(client, **params):
    response = client.get("/cases/export.csv", params)
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return list(csv.DictReader(io.StringIO(text(response))))


def test_the_csv_export_honours_the_filters(client, demo):
    assert [r["person_name"] for r in rows(client, organization="alga-kazakhstan")] == [
        "Marat Zhylanbayev"
    ]
    assert len(rows(client)) == 2
    assert rows(client, q="Жыланбаев")[0]["slug"] == "marat-zhylanbayev-2024-banned-organization"


def test_the_csv_export_carries_the_facts_of_a_row(client, demo):
    (row,) = rows(client, q="Toregozhina")
    assert row["fine_amount"] == "78000.00"
    assert row["fine_currency"] == "KZT"
    assert row["fine_usd"] == "143.00"
    assert row["charges"] == "Spreading false information"
    assert row["case_url"].endswith("/cases/bakhytzhan-toregozhina-2025-false-information/")


def test_cyrillic_survives_as_utf8(client, demo):
    response = client.get("/cases/export.csv", {"q": "Zhylanbayev"})
    raw = b"".join(response.streaming_content)
    assert "Марат Жыланбаев".encode() in raw


@pytest.mark.parametrize("payload", ["=HYPERLINK(1)", "+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx"])
def test_formula_cells_are_escaped(client, payload):
    f.CaseFactory(summary=payload, person__full_name=payload)
    (row,) = rows(client)
    assert row["summary"] == "'" + payload
    assert row["person_name"] == "'" + payload


def test_a_bad_filter_is_a_400_with_the_field_named(client):
    response = client.get("/cases/export.csv", {"year": "abc"})
    assert response.status_code == 400
    assert text(response).startswith("year:")
    response = client.get("/cases/export.json", {"article": "nope"})
    assert response.status_code == 400
    assert "article" in response.json()["errors"]


def test_the_json_export_honours_the_filters_and_nests_the_facts(client, demo):
    response = client.get("/cases/export.json", {"organization": "alga-kazakhstan"})
    assert response.streaming
    data = json.loads(text(response))
    assert data["filters"] == {"organization": "alga-kazakhstan"}
    (case,) = data["results"]
    assert case["person"]["name_variants"] == ["Marat Zhylanbaev", "Марат Жыланбаев"]
    assert [c["article"]["title"] for c in case["charges"]] == [
        "Participation in a banned organization",
        "Financing an extremist organization",
    ]
    assert case["sentences"][0]["term_months"] == 84
    assert case["current_detention"] == {"since": "", "facility": None}


def test_exports_leave_out_unpublished_cases_and_internal_records(client):
    f.CaseFactory(person__full_name="Draft Person", editorial_state="draft")
    charge = f.ChargeFactory(article__title="Hidden offence", visibility="internal")
    body = text(client.get("/cases/export.csv")) + text(client.get("/cases/export.json"))
    assert "Draft Person" not in body
    assert "Hidden offence" not in body
    assert charge.case.person.full_name in body


def test_the_export_reads_in_chunks_with_a_fixed_number_of_queries(
    client, django_assert_max_num_queries
):
    for _ in range(30):
        f.ChargeFactory()
    # the rows, their prefetches, and the sources of their facts (one query per kind of fact)
    with django_assert_max_num_queries(20):
        assert len(rows(client)) == 30


def test_a_case_citing_more_than_five_sources_exports_the_first_five(client):
    charge = f.ChargeFactory()
    internal = f.SourceFactory(title="Internal", url="https://example.org/z", visibility="internal")
    sources = [f.SourceFactory(title=f"T{n}", url=f"https://example.org/{n}") for n in range(7)]
    charge.sources.add(internal, *sources)
    (row,) = rows(client)
    assert [row["source_title"]] + [row[f"source_title_{n}"] for n in range(2, 6)] == [
        "T0",
        "T1",
        "T2",
        "T3",
        "T4",
    ]
    assert row["source_url_5"] == "https://example.org/4"
    assert "Internal" not in row.values()
