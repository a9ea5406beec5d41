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

from casetracker.spreadsheet import guard
from public.models import (
    PublicCase as Case,
)
from public.models import (
    PublicCharge,
    PublicDeathInCustody,
    PublicDetention,
    PublicEvent,
    PublicMembership,
    PublicRecognition,
    PublicSource,
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
# The sources of a row, as many groups as the importer reads (cases.importer.MAX_SOURCES;
# a test checks they agree): source_url, source_title, source_date, then _2 … _5.
MAX_SOURCES = 5
SOURCE_FIELDS = ("source_url", "source_title", "source_date")
SOURCE_COLUMNS = [
    f"{name}{suffix}"
    for suffix in ["", *(f"_{n}" for n in range(2, MAX_SOURCES + 1))]
    for name in SOURCE_FIELDS
]
CSV_COLUMNS += SOURCE_COLUMNS

CHUNK = 500

# The guard against formula injection (casetracker.spreadsheet; the importer removes it).
escape_cell = guard


def _str(value: Any) -> str:
    return "" if value is None else str(value)


def _charge_text(charge) -> str:
    """`405: wording` as in the import format, the provision as the court wrote it
    (`п. «д» ч. 2 ст. 207.3: wording`); the title alone for an unnumbered article."""
    wording = charge.wording or charge.article.title
    if not charge.article.number:
        return wording
    return f"{charge.cited_as or charge.article.number}: {wording}"


# The facts whose sources are a case's own: the ones with a `case`.
CASE_FACTS = (PublicCharge, Sentence, PublicRecognition, PublicEvent, PublicDetention)


def _links(model, lookup: str, keys: list[int]) -> list[tuple[int, int]]:
    """(key, source id) for every source cited by a `model` record whose `lookup` is in keys."""
    field = model._meta.get_field("sources")
    record, source = field.m2m_field_name(), field.m2m_reverse_field_name()
    return list(
        field.remote_field.through.objects.filter(**{f"{record}__{lookup}__in": keys}).values_list(
            f"{record}__{lookup}", f"{source}_id"
        )
    )


def _source_key(source) -> tuple:
    return (source.url, source.title.casefold(), _str(source.date), source.title)


def sources_of(cases: list[Case]) -> dict[int, list]:
    """Each case's public sources, in a stable order (URL, title, date): those of its
    own facts (charges, sentences, recognitions, events, detentions); with status
    died_in_custody also its person's death in custody; a case citing nothing of its
    own falls back to its person's memberships' sources."""
    case_ids = [case.pk for case in cases]
    person_ids = sorted({case.person_id for case in cases})
    cited: dict[int, set[int]] = {pk: set() for pk in case_ids}
    for model in CASE_FACTS:
        for case_id, source_id in _links(model, "case_id", case_ids):
            cited[case_id].add(source_id)
    by_person: dict[tuple[str, int], set[int]] = {}
    for name, model in (("death", PublicDeathInCustody), ("membership", PublicMembership)):
        for person_id, source_id in _links(model, "person_id", person_ids):
            by_person.setdefault((name, person_id), set()).add(source_id)
    for case in cases:
        if case.status == Case.Status.DIED_IN_CUSTODY:
            cited[case.pk] |= by_person.get(("death", case.person_id), set())
        if not cited[case.pk]:
            cited[case.pk] |= by_person.get(("membership", case.person_id), set())
    wanted = set().union(*cited.values()) if cited else set()
    sources = {s.pk: s for s in PublicSource.objects.public().filter(pk__in=wanted)}
    return {
        pk: sorted((sources[i] for i in ids if i in sources), key=_source_key)
        for pk, ids in cited.items()
    }


def _source_cells(sources: list) -> list[str]:
    """The source groups of a row; beyond MAX_SOURCES, sources are left out (the
    first ones in the order of sources_of are kept)."""
    cells = []
    for n in range(MAX_SOURCES):
        source = sources[n] if n < len(sources) else None
        if source is None:
            cells += ["", "", ""]
        else:
            # A source whose title is its URL is written without a title: it imports the same.
            title = "" if source.title == source.url else source.title
            cells += [source.url, title, _str(source.date)]
    return cells


def _main_sentence(case: Case):
    return case.public_sentences[-1] if case.public_sentences else None


def _current_detention(case: Case):
    return case.person.current_detentions[0] if case.person.current_detentions else None


# The end reason a status gives the detention its import row names (cases.importer).
_STATUS_END = {"released": "released", "acquitted": "acquittal", "died_in_custody": "death"}


def _case_detention(case: Case):
    """The detention columns of a row: the person's current detention in this case, else
    one recorded without a case (a person's detention in another case is that row's),
    else, when the case's status ended it, the case's last detention: the row says
    where the person was held, its status how that ended."""
    detentions = case.person.current_detentions
    own = [d for d in detentions if d.case_id == case.pk]
    current = (own or [d for d in detentions if d.case_id is None] or [None])[0]
    if current is not None:
        return current
    ended = getattr(case, "own_detentions", [])[:1]
    if ended and not ended[0].ended_on and ended[0].end_reason == _STATUS_END.get(case.status):
        return ended[0]
    return None


def csv_row(case: Case, sources: list | None = None) -> list[str]:
    person = case.person
    sentence = _main_sentence(case)
    detention = _case_detention(case)
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
        *_source_cells(sources or []),
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


def _csv_rows(cases: QuerySet) -> Iterator[list[str]]:
    """csv_row of each case, its sources fetched per chunk of cases."""
    chunk: list[Case] = []
    for case in _rows(cases):
        chunk.append(case)
        if len(chunk) == CHUNK:
            yield from _chunk_rows(chunk)
            chunk = []
    yield from _chunk_rows(chunk)


def _chunk_rows(chunk: list[Case]) -> Iterator[list[str]]:
    if not chunk:
        return
    sources = sources_of(chunk)
    for case in chunk:
        yield csv_row(case, sources[case.pk])


def csv_lines(cases: QuerySet, excel: bool = False) -> Iterator[str]:
    """The CSV export; `excel`: with a byte order mark and labels beside codes."""
    writer = csv.writer(_Echo())
    if not excel:
        yield writer.writerow(CSV_COLUMNS)
        for row in _csv_rows(cases):
            yield writer.writerow(row)
        return
    labels = excel_labels()
    yield BOM + writer.writerow(excel_columns())
    for row in _csv_rows(cases):
        yield writer.writerow(excel_row(row, labels))


def json_chunks(cases: QuerySet, filters: dict[str, Any]) -> Iterator[str]:
    yield '{"filters": ' + json.dumps(filters, ensure_ascii=False) + ', "results": ['
    separator = ""
    for case in _rows(cases):
        yield separator + json.dumps(json_record(case), ensure_ascii=False)
        separator = ", "
    yield "]}\n"
