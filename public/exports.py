"""CSV and JSON exports of /cases/ (same filters), streamed row by row.

Columns follow the bulk-import format of docs/import-format.md where a column exists there,
so an export can be read back by the importer; `case_url` and `slug` come first
so a row can be cited. Values are raw codes (status `convicted`, currency
`KZT`), not translated labels: exports are for machines and spreadsheets.

The "Excel" variant of the CSV (`?format=excel`) is for people opening it in a
spreadsheet: it starts with a UTF-8 byte order mark (without one, Excel on
Windows reads the file as the local code page and mangles Cyrillic and Han), and
beside every coded column it has the code's label in the reader's language
(`status` "convicted", `status_label` "Convicted").

File names carry the filter and the day (`cases-country-KZ-2026-12-03.csv`):
`filename` below, ASCII only.
"""

from __future__ import annotations

import csv
import datetime
import json
import re
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from anyascii import anyascii
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from public.models import (
    PublicCase as Case,
)
from public.models import (
    PublicPerson as Person,
)
from public.models import (
    PublicSentence as Sentence,
)

from .countries import country_name
from .listing import shown_facility, with_export_data
from .pages import absolute

CSV_COLUMNS = [
    "case_url",
    "slug",
    "person_name",
    "name_variants",
    "birth_date",
    "gender",
    "citizenship",
    "occupation",
    "organizations",
    "case_type",
    "country",
    "region",
    "authority",
    "court",
    "case_number",
    "status",
    "arrest_date",
    "verdict_date",
    "charges",
    "sentence_kind",
    "sentence_months",
    "fine_amount",
    "fine_currency",
    "fine_usd",
    "facility",
    "facility_city",
    "detained_since",
    "hunger_strike_ongoing",
    "recognized_by",
    "summary",
]

# A spreadsheet runs a cell starting with one of these as a formula.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
CHUNK = 500


def escape_cell(value: Any) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text


def _str(value: Any) -> str:
    return "" if value is None else str(value)


def _charge_text(charge) -> str:
    """`405: wording` as in the import format; the title alone for an unnumbered article."""
    wording = charge.wording or charge.article.title
    return f"{charge.article.number}: {wording}" if charge.article.number else wording


def _main_sentence(case: Case):
    return case.public_sentences[-1] if case.public_sentences else None


def _current_detention(case: Case):
    return case.person.current_detentions[0] if case.person.current_detentions else None


def csv_row(case: Case) -> list[str]:
    person = case.person
    sentence = _main_sentence(case)
    detention = _current_detention(case)
    facility = shown_facility(detention)
    values = [
        absolute(case.get_absolute_url()),
        case.slug,
        person.full_name,
        "; ".join(v.name for v in person.public_variants),
        _str(person.birth_date),
        person.gender,
        person.citizenship,
        person.occupation,
        "; ".join(f"{m.organization.name}|{m.role}" for m in person.public_memberships),
        case.case_type,
        case.country,
        case.region,
        case.authority,
        case.court,
        case.case_number,
        case.status,
        _str(case.arrest_date),
        _str(case.verdict_date),
        "; ".join(_charge_text(c) for c in case.public_charges),
        sentence.kind if sentence else "",
        _str(sentence.term_months) if sentence else "",
        _str(sentence.fine_amount) if sentence else "",
        sentence.fine_currency if sentence else "",
        _str(sentence.fine_usd_reported) if sentence else "",
        facility.name if facility else "",
        facility.city if facility else "",
        _str(detention.started_on) if detention else "",
        "yes" if case.hunger_strike_ongoing else "no",
        "; ".join(r.recognized_by for r in case.public_recognitions),
        case.summary,
    ]
    return [escape_cell(v) for v in values]


def _choice_labels(choices) -> Callable[[str], str]:
    labels = dict(choices)
    return lambda code: str(labels.get(code, code)) if code else ""


def _yes_no(code: str) -> str:
    return {"yes": _("Yes"), "no": _("No")}.get(code, code)


def excel_labels() -> dict[str, Callable[[str], str]]:
    """The coded columns of the Excel variant, each with what labels its code."""
    return {
        "gender": _choice_labels(Person._meta.get_field("gender").choices),
        "citizenship": lambda code: country_name(code) if code else "",
        "case_type": _choice_labels(Case.Type.choices),
        "country": lambda code: country_name(code) if code else "",
        "status": _choice_labels(Case.Status.choices),
        "sentence_kind": _choice_labels(Sentence.Kind.choices),
        "hunger_strike_ongoing": _yes_no,
    }


LABEL_SUFFIX = "_label"
BOM = "\ufeff"


def excel_columns() -> list[str]:
    labelled = excel_labels()
    columns = []
    for column in CSV_COLUMNS:
        columns.append(column)
        if column in labelled:
            columns.append(column + LABEL_SUFFIX)
    return columns


def excel_row(row: list[str], labels: dict[str, Callable[[str], str]]) -> list[str]:
    """A csv_row with each coded column followed by its label."""
    values = []
    for column, value in zip(CSV_COLUMNS, row, strict=True):
        values.append(value)
        if column in labels:
            values.append(escape_cell(labels[column](value)))
    return values


# What a file name may hold: letters, digits, dot, hyphen (anything else becomes one hyphen).
_UNSAFE = re.compile(r"[^A-Za-z0-9.]+")
FILENAME_MAX = 120


def filename(filters: dict[str, str], extension: str, today: datetime.date) -> str:
    """`cases-country-KZ-status-convicted-2026-12-03.csv`: each filter given (name and
    value, transliterated to ASCII, other characters as hyphens), then the day."""
    parts = ["cases"]
    for name, value in filters.items():
        value = anyascii(str(value)).strip()
        value = value.upper() if name == "country" else value
        safe = _UNSAFE.sub("-", value).strip("-.")[:40].strip("-.")
        if safe:
            parts += [name, safe]
    stem = "-".join(parts)[:FILENAME_MAX].strip("-.")
    return f"{stem}-{today.isoformat()}.{extension}"


def json_record(case: Case) -> dict[str, Any]:
    person = case.person
    detention = _current_detention(case)
    facility = shown_facility(detention)
    return {
        "url": absolute(case.get_absolute_url()),
        "slug": case.slug,
        "person": {
            "name": person.full_name,
            "slug": person.slug,
            "url": absolute(person.get_absolute_url()),
            "name_variants": [v.name for v in person.public_variants],
            "birth_date": _str(person.birth_date),
            "gender": person.gender,
            "citizenship": person.citizenship,
            "occupation": person.occupation,
            "organizations": [
                {"name": m.organization.name, "slug": m.organization.slug, "role": m.role}
                for m in person.public_memberships
            ],
        },
        "case_type": case.case_type,
        "country": case.country,
        "region": case.region,
        "authority": case.authority,
        "court": case.court,
        "case_number": case.case_number,
        "status": case.status,
        "arrest_date": _str(case.arrest_date),
        "verdict_date": _str(case.verdict_date),
        "summary": case.summary,
        "charges": [
            {
                "article": {
                    "country": c.article.country,
                    "code": c.article.code,
                    "number": c.article.number,
                    "title": c.article.title,
                    "key": c.article.key,
                },
                "wording": c.wording,
                "charged_on": _str(c.charged_on),
                "outcome": c.outcome,
            }
            for c in case.public_charges
        ],
        "sentences": [
            {
                "kind": s.kind,
                "sentenced_on": _str(s.sentenced_on),
                "court": s.court,
                "term_months": s.term_months,
                "fine_amount": _str(s.fine_amount) or None,
                "fine_currency": s.fine_currency,
                "fine_usd_reported": _str(s.fine_usd_reported) or None,
                "starts_on": _str(s.starts_on),
                "ends_on": _str(s.ends_on),
                "appeal_outcome": s.appeal_outcome,
            }
            for s in case.public_sentences
        ],
        "current_detention": (
            {
                "since": _str(detention.started_on),
                "facility": (
                    {
                        "name": facility.name,
                        "slug": facility.slug,
                        "kind": facility.kind,
                        "city": facility.city,
                        "country": facility.country,
                    }
                    if facility
                    else None
                ),
            }
            if detention
            else None
        ),
        "hunger_strike_ongoing": bool(case.hunger_strike_ongoing),
        "recognized_by": [r.recognized_by for r in case.public_recognitions],
    }


class _Echo:
    """csv.writer writes into this and gets the line back, for streaming."""

    def write(self, value: str) -> str:
        return value


def _rows(cases: QuerySet) -> Iterable[Case]:
    # iterator(chunk_size) keeps memory flat and still runs the prefetches per chunk.
    return with_export_data(cases).iterator(chunk_size=CHUNK)


def csv_lines(cases: QuerySet, excel: bool = False) -> Iterator[str]:
    """The CSV export; `excel`: with a byte order mark and labels beside codes."""
    writer = csv.writer(_Echo())
    if not excel:
        yield writer.writerow(CSV_COLUMNS)
        for case in _rows(cases):
            yield writer.writerow(csv_row(case))
        return
    labels = excel_labels()
    yield BOM + writer.writerow(excel_columns())
    for case in _rows(cases):
        yield writer.writerow(excel_row(csv_row(case), labels))


def json_chunks(cases: QuerySet, filters: dict[str, Any]) -> Iterator[str]:
    yield '{"filters": ' + json.dumps(filters, ensure_ascii=False) + ', "results": ['
    separator = ""
    for case in _rows(cases):
        yield separator + json.dumps(json_record(case), ensure_ascii=False)
        separator = ", "
    yield "]}\n"
