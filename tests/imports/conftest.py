import csv
import io

import pytest

from cases.importer import COLUMNS

VALID = {
    "person_name": "Marat Zhylanbayev",
    "name_variants": "Марат Жыланбаев;Marat Zhylanbaev",
    "birth_date": "1963",
    "gender": "male",
    "citizenship": "KZ",
    "occupation": "Activist and ultra-marathon runner",
    "organizations": "Alga, Kazakhstan!|leader",
    "case_type": "criminal",
    "country": "KZ",
    "status": "convicted",
    "arrest_date": "2023-11",
    "verdict_date": "2024-11",
    "charges": "405: participation in a banned organization;258: financing extremism",
    "sentence_kind": "imprisonment",
    "sentence_months": "84",
    "facility": "Penal colony No. 1",
    "facility_city": "Pavlodar",
    "detained_since": "2023-11",
    "recognized_by": "Memorial",
    "summary": "Sentenced to seven years.",
    "source_url": "https://example.org/report",
    "source_title": "News report",
    "source_date": "2025-08-01",
}
FINE = {
    "person_name": "Bakhytzhan Toregozhina",
    "gender": "female",
    "case_type": "administrative",
    "country": "KZ",
    "region": "Almaty",
    "status": "convicted",
    "arrest_date": "2025-07-28",
    "verdict_date": "2025-07-31",
    "charges": "456-1: spreading false information",
    "sentence_kind": "fine",
    "fine_amount": "78000",
    "fine_currency": "KZT",
    "fine_usd": "143",
    "source_title": "News report",
}


def to_csv(rows: list[dict]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS)
    writer.writeheader()
    for row in rows:
        writer.writerow({k: row.get(k, "") for k in COLUMNS})
    return out.getvalue().encode()


# One valid row, then one row for each kind of error: (line, column, the row).
INVALID = [
    (3, "person_name", {**FINE, "person_name": "", "case_number": "a"}),
    (4, "birth_date", {**FINE, "person_name": "Ann One", "birth_date": "2024-13-01"}),
    (5, "fine_currency", {**FINE, "person_name": "Ann Two", "fine_currency": "XYZ"}),
    (
        6,
        "sentence_months",
        {**VALID, "person_name": "Ann Three", "name_variants": "", "sentence_months": "-3"},
    ),
    (7, "case_type", {**FINE, "person_name": "Ann Four", "case_type": "civil"}),
    (
        8,
        "verdict_date",
        {**FINE, "person_name": "Ann Five", "arrest_date": "2025-07", "verdict_date": "2024"},
    ),
    (9, "charges", {**FINE, "person_name": "Ann Six", "charges": "spreading false information"}),
    (10, "organizations", {**FINE, "person_name": "Ann Seven", "organizations": "Alga|boss"}),
    (11, "status", {**FINE, "person_name": "Ann Eight", "status": "vanished"}),
    (12, "sentence_months", {**VALID, "person_name": "Ann Nine", "sentence_months": "0"}),
]


@pytest.fixture
def mixed_file() -> bytes:
    return to_csv([VALID] + [row for _line, _column, row in INVALID] + [FINE])
