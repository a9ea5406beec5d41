"""The CSV export is the import format: export, import into an empty database, export
again gives the same file byte for byte, and the same records (by natural key)."""

import csv
import io

import pytest
from django.apps import apps
from django.core.management.color import no_style
from django.db import connection

from cases.importer import MAX_SOURCES, READ_COLUMNS, import_cases
from cases.models import Case, Charge, Detention, Sentence, Source
from casetracker.spreadsheet import guard, unguard
from people.models import Person
from public import exports

from .conftest import to_csv

pytestmark = pytest.mark.django_db

ZHYLANBAYEV = {
    "person_name": "Жыланбаев Марат",
    "name_variants": "Marat Zhylanbayev; Zhylanbaev",
    "birth_date": "1963",
    "gender": "male",
    "citizenship": "KZ",
    "occupation": "Activist",
    "organizations": "Alga, Kazakhstan!|leader",
    "case_type": "criminal",
    "country": "KZ",
    "region": "Astana",
    "authority": "National Security Committee",
    "court": "Astana city court",
    "case_number": "2-123/2024",
    "status": "convicted",
    "arrest_date": "2023-11~",
    "verdict_date": "2024-11",
    "charges": "405: participation in a banned organization;258: financing extremism",
    "sentence_kind": "imprisonment",
    "sentence_months": "84",
    "facility": "Penal colony No. 1",
    "facility_city": "Pavlodar",
    "detained_since": "2023-11",
    "recognized_by": "Memorial",
    "summary": '=HYPERLINK("x") is not a formula here; \'+7 neither.',
    "source_url": "https://example.org/list",
    "source_title": "List of political prisoners, 2024",
    "source_date": "2024-12",
    "source_url_2": "https://example.org/report",
    "source_title_2": "Court report",
    "source_date_2": "2024-11-05",
}
# The same person's second case, in another country: its source shares the list's URL
# under another title, and its charge is written as a Russian court writes it.
ZHYLANBAYEV_RU = {
    "person_name": "Marat Zhylanbayev",
    "birth_date": "1963",
    "case_type": "criminal",
    "country": "RU",
    "case_number": "1-77/2021",
    "status": "trial",
    "arrest_date": "../2021-03",
    "charges": "п. «д» ч. 2 ст. 207.3: false information about the armed forces",
    "source_url": "https://example.org/list",
    "source_title": "List of political prisoners, 2021",
    "source_date": "2017/2018",
}
LIU = {
    "person_name": "刘晓波",
    "name_variants": "Liu Xiaobo",
    "birth_date": "1955-12-28",
    "gender": "male",
    "citizenship": "CN",
    "case_type": "criminal",
    "country": "CN",
    "status": "died_in_custody",
    "arrest_date": "2008-12-08",
    "verdict_date": "2009-12-25",
    "charges": "105: inciting subversion of state power",
    "sentence_kind": "imprisonment",
    "sentence_months": "132",
    "facility": "Jinzhou Prison",
    "facility_city": "Jinzhou",
    "detained_since": "2008-12~",  # approximate: the stale-health SQL reads EDTF
    "source_url": "https://example.org/liu",
    "source_title": "刘晓波案",
    "source_date": "2010",
    "source_url_3": "https://example.org/list",
    "source_title_3": "List of political prisoners, 2024",
    "source_date_3": "2024-12",
}
# No charge, sentence or detention: the sources stay through the case's event.
NO_FACTS = {
    "person_name": "-Anonymous blogger",
    "case_type": "administrative",
    "country": "KZ",
    "status": "unknown",
    "arrest_date": "2021-03/..",
    "source_title": "@channel post",
    "source_date": "2021-03~",
}
MESSY = [ZHYLANBAYEV, ZHYLANBAYEV_RU, LIU, NO_FACTS]


def messy_csv() -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=READ_COLUMNS)
    writer.writeheader()
    for row in MESSY:
        writer.writerow({k: row.get(k, "") for k in READ_COLUMNS})
    return out.getvalue().encode()


def export(client) -> bytes:
    response = client.get("/cases/export.csv")
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def imported(data: bytes, editor):
    report = import_cases(data=data, publish=True, user=editor)
    assert not report.has_errors, [(r.line, r.errors) for r in report.rows]
    assert not report.warnings, report.warnings
    return report


def empty_case_data() -> None:
    """Every table of people, cases and the read model emptied, ids restarted; the
    accounts stay (the editor imports again)."""
    tables = [
        model._meta.db_table
        for label in ("people", "cases", "public")
        for model in apps.get_app_config(label).get_models(include_auto_created=True)
        if not model._meta.proxy and model._meta.managed
    ]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # TRUNCATE refuses tables with deferred foreign-key checks still pending.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for sql in connection.ops.sql_flush(
            no_style(), tables, reset_sequences=True, allow_cascade=True
        ):
            cursor.execute(sql)
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")  # as Django declares them
    assert not Case.objects.exists()


def natural_keys() -> dict[str, list]:
    def case_key(case):
        return (case.person.full_name, case.country, case.case_type, case.case_number)

    return {
        "people": sorted(
            (
                p.full_name,
                str(p.birth_date or ""),
                p.gender,
                p.citizenship,
                p.occupation,
                tuple(sorted(v.name for v in p.name_variants.all())),
            )
            for p in Person.objects.all()
        ),
        "cases": sorted(
            (
                *case_key(c),
                c.region,
                c.authority,
                c.court,
                c.status,
                str(c.arrest_date or ""),
                str(c.verdict_date or ""),
                c.summary,
                c.editorial_state,
            )
            for c in Case.objects.select_related("person")
        ),
        "charges": sorted(
            (
                *case_key(c.case),
                c.article.country,
                c.article.code,
                c.article.number,
                c.part,
                c.paragraph,
                c.letter,
                c.cited_as,
                c.wording,
            )
            for c in Charge.objects.select_related("case__person", "article")
        ),
        "sentences": sorted(
            (*case_key(s.case), s.kind, s.term_months, str(s.sentenced_on or ""), s.court)
            for s in Sentence.objects.select_related("case__person")
        ),
        "detentions": sorted(
            (
                *case_key(d.case),
                d.facility.name if d.facility else "",
                d.facility.city if d.facility else "",
                d.facility.country if d.facility else "",
                str(d.started_on or ""),
            )
            for d in Detention.objects.select_related("case__person", "facility")
        ),
        "sources": sorted((s.url, s.title, str(s.date or "")) for s in Source.objects.all()),
    }


def test_the_csv_export_round_trips_byte_for_byte(client, editor):
    imported(messy_csv(), editor)
    first = export(client)
    before = natural_keys()

    empty_case_data()
    imported(first, editor)
    second = export(client)

    assert second.decode().splitlines() == first.decode().splitlines()  # readable diff
    assert second == first
    assert natural_keys() == before
    rows = list(csv.DictReader(io.StringIO(first.decode())))
    assert len(rows) == 4
    by_name = {(r["person_name"], r["country"]): r for r in rows}
    ru = by_name["Жыланбаев Марат", "RU"]
    assert ru["charges"] == "п. «д» ч. 2 ст. 207.3: false information about the armed forces"
    assert (ru["source_url"], ru["source_title"], ru["source_date"]) == (
        "https://example.org/list",
        "List of political prisoners, 2021",
        "2017/2018",
    )
    kz = by_name["Жыланбаев Марат", "KZ"]
    assert kz["summary"].startswith("'=HYPERLINK")
    assert kz["facility"] == "Penal colony No. 1"
    assert kz["authority"] == "National Security Committee"
    assert {kz["source_title"], kz["source_title_2"]} == {
        "Court report",
        "List of political prisoners, 2024",
    }
    liu = by_name["刘晓波", "CN"]
    assert liu["detained_since"] == "2008-12~"
    assert {liu["source_title"], liu["source_title_2"]} == {
        "刘晓波案",
        "List of political prisoners, 2024",
    }
    blogger = by_name["'-Anonymous blogger", "KZ"]  # guarded in the file
    assert blogger["source_title"] == "'@channel post"
    # No protective apostrophe is stored.
    assert Person.objects.filter(full_name="-Anonymous blogger").exists()
    assert Source.objects.filter(title="@channel post").exists()
    assert Case.objects.filter(summary__startswith="=HYPERLINK").exists()


def test_the_guard_is_removed_exactly():
    for value in ["=1", "+7", "-x", "@a", "'=1", "''+2", "'plain", "plain", "", "a=b"]:
        assert unguard(guard(value)) == value
    assert guard("=1") == "'=1"
    assert guard("'=1") == "''=1"
    assert guard("'plain") == "'plain"
    assert unguard("'plain") == "'plain"


def test_the_export_has_as_many_source_groups_as_the_importer_reads():
    assert exports.MAX_SOURCES == MAX_SOURCES
    assert set(exports.SOURCE_COLUMNS) <= set(READ_COLUMNS)
    assert set(READ_COLUMNS) <= set(exports.CSV_COLUMNS)


def test_to_csv_rows_import_unchanged(editor):
    # the shared test helper's header is the format's columns, authority among them
    report = import_cases(data=to_csv([ZHYLANBAYEV]), publish=True, user=editor)
    assert not report.has_errors
    assert Case.objects.get().authority == "National Security Committee"
