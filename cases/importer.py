"""Bulk import of cases from CSV (the format in docs/import-format.md).

Steps:
1. Read: decode UTF-8, check the header, keep each row's line number.
2. Validate each row on its own: CSV-level checks (choices, the `charges` and
   `organizations` mini-formats), then `full_clean()` on the unsaved model
   instances, so the model rules (dates, weight, currency, country, term,
   verdict after arrest) are the same as everywhere else. Every error names
   the line and the CSV column at fault.
3. Plan the valid rows against the database with a fixed number of queries:
   a person matches on name or any variant in any word order, script or
   transliteration (people.names.name_key) plus a compatible birth date (a more
   precise one refines the record); a case on person, country, type and its
   identity (case number, else court and verdict date, else charges); a source
   on its (URL, title, date); other reference data (articles, organizations,
   facilities) on its natural key. Each row becomes created / updated /
   unchanged, with its field-level changes; a new person whose name looks like
   an existing one (same consonant skeleton in any order, unknown or compatible
   birth date) is reported as a likely duplicate for an editor to merge, and
   the cases of such a person are never published by the import.
4. Apply (unless dry run; unless errors, when not importing the valid rows only):
   bulk inserts with history, in one transaction.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import connection, models, transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from casetracker.partial_dates import PartialDate
from casetracker.records import Visibility
from casetracker.spreadsheet import unguard
from casetracker.validators import validate_no_control_characters
from people.models import Gender, Membership, NameVariant, Organization, Person
from people.names import name_key, normalize_name
from people.search import skeleton

from . import policy, review
from .citations import parse_citation
from .health import refresh_health_due
from .models import (
    Case,
    Charge,
    DeathInCustody,
    Detention,
    Event,
    Facility,
    LegalArticle,
    Recognition,
    Sentence,
    Source,
)

COLUMNS = [
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
    "recognized_by",
    "summary",
    "source_url",
    "source_title",
    "source_date",
]
# The header and every row are refused beyond this many cells (the format reads 42
# columns, an export has 45; a header of 100,000 held a web worker for minutes).
MAX_COLUMNS = 100
CHANGE_REASON = "CSV import"
BATCH = 500
# Well under every backend's limit on query parameters.
CHUNK = 900
# "PROVISION: wording"; the provision as courts write it (cases.citations):
# 405, 207.3, 80(d), 505(b), п. «д» ч. 2 ст. 207.3.
CHARGE = re.compile(r"^([^:]{1,60}?)\s*:\s*(\S.*)$")
SENTENCE_COLUMNS = ("sentence_kind", "sentence_months", "fine_amount", "fine_currency", "fine_usd")
SOURCE_COLUMNS = ("source_url", "source_title", "source_date")
# A row may cite several sources: source_url_2, source_title_2, source_date_2, … up
# to this number (the unnumbered columns are the first source).
MAX_SOURCES = 5
NUMBERED_SOURCE_COLUMNS = [
    f"{column}_{n}" for n in range(2, MAX_SOURCES + 1) for column in SOURCE_COLUMNS
]
# Every column the importer reads: the format's, then the numbered sources.
READ_COLUMNS = [*COLUMNS, *NUMBERED_SOURCE_COLUMNS]
# Columns the export writes that are not read back (derived, or the case's address):
# ignored without the "unknown columns" warning.
EXPORT_ONLY_COLUMNS = ("case_url", "slug", "hunger_strike_ongoing")
# Partial-date columns: an impossible day ("1954-02-29") is kept to its month, with a warning.
DATE_COLUMNS = ("birth_date", "arrest_date", "verdict_date", "detained_since") + tuple(
    c for c in READ_COLUMNS if c.startswith("source_date")
)
IMPOSSIBLE_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
# Cells that may hold line breaks (text fields); every other cell is one line.
MULTILINE_COLUMNS = ("summary",)

# Model field -> CSV column, for mapping full_clean() errors back to the file.
PERSON_COLUMNS = {
    "full_name": "person_name",
    "birth_date": "birth_date",
    "gender": "gender",
    "citizenship": "citizenship",
    "occupation": "occupation",
    NON_FIELD_ERRORS: "person_name",
}
CASE_COLUMNS = {
    **{name: name for name in ("case_type", "country", "region", "authority", "court")},
    "case_number": "case_number",
    **{name: name for name in ("status", "arrest_date", "verdict_date", "summary")},
    NON_FIELD_ERRORS: "case_type",
}
SENTENCE_FIELD_COLUMNS = {
    "kind": "sentence_kind",
    "term_months": "sentence_months",
    "fine_amount": "fine_amount",
    "fine_currency": "fine_currency",
    "fine_usd_reported": "fine_usd",
    "sentenced_on": "verdict_date",
    "court": "court",
    NON_FIELD_ERRORS: "sentence_kind",
}


class Outcome:
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    ERROR = "error"


# A row's outcome as the --report CSV writes it.
REPORT_OUTCOMES = {Outcome.ERROR: "failed"}
REPORT_DUPLICATE = "duplicate?"


@dataclass
class RowError:
    column: str
    message: str


@dataclass
class Duplicate:
    """An existing (or earlier-row) person who may be the same as a new one."""

    person_id: int | None
    name: str
    birth_date: str
    line: int | None = None  # when the other person comes from this same file


@dataclass
class RowResult:
    line: int
    person_name: str
    outcome: str = Outcome.ERROR
    errors: list[RowError] = field(default_factory=list)
    duplicates: list[Duplicate] = field(default_factory=list)
    person_created: bool = False
    # The matched or new person (its id is known once the import is applied).
    person: Person | None = field(default=None, repr=False)
    # The matched or new case (its id and slug are known once it is planned / applied).
    case: Case | None = field(default=None, repr=False)
    warnings: list[str] = field(default_factory=list)
    # What an "updated" row changes: "case.status: trial → convicted", "+ charge 405".
    changes: list[str] = field(default_factory=list)
    # Not published by --publish: its person may be someone already recorded.
    held_back: bool = False

    @property
    def report_outcome(self) -> str:
        if self.outcome != Outcome.ERROR and (self.duplicates or self.held_back):
            return REPORT_DUPLICATE
        return REPORT_OUTCOMES.get(self.outcome, self.outcome)

    @property
    def messages(self) -> list[str]:
        out = [f"{e.column}: {e.message}" for e in self.errors]
        out.extend(self.warnings)
        for dup in self.duplicates:
            where = (
                _("person #%(id)s") % {"id": dup.person_id}
                if dup.person_id
                else _("line %(line)s") % {"line": dup.line}
            )
            out.append(
                _("may be the same person as %(name)s (%(where)s, born %(born)s)")
                % {"name": dup.name, "where": where, "born": dup.birth_date or "?"}
            )
        if self.held_back and not self.duplicates:
            out.append(_("not published: the person's identity is to be confirmed"))
        out.extend(self.changes)
        return out


@dataclass
class ImportReport:
    rows: list[RowResult] = field(default_factory=list)
    file_errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    applied: bool = False

    @property
    def has_errors(self) -> bool:
        return bool(self.file_errors) or any(r.outcome == Outcome.ERROR for r in self.rows)

    @property
    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(
            (Outcome.CREATED, Outcome.UPDATED, Outcome.UNCHANGED, Outcome.ERROR), 0
        )
        for row in self.rows:
            counts[row.outcome] += 1
        return counts

    @property
    def duplicate_rows(self) -> list[RowResult]:
        return [r for r in self.rows if r.duplicates]

    @property
    def failed(self) -> bool:
        """Any row failed, or the file could not be read: the command exits non-zero."""
        return self.has_errors

    def write_csv(self, out) -> None:
        """Every row's outcome: line, outcome, case slug, person, messages."""
        writer = csv.writer(out)
        writer.writerow(["line", "outcome", "case_slug", "person_name", "messages"])
        for message in self.file_errors:
            writer.writerow(["", REPORT_OUTCOMES[Outcome.ERROR], "", "", message])
        for row in self.rows:
            slug = row.case.slug if row.case is not None and row.outcome != Outcome.ERROR else ""
            writer.writerow(
                [row.line, row.report_outcome, slug, row.person_name, " | ".join(row.messages)]
            )


Progress = Callable[[str, int, int], None]


# --- 1. Read ------------------------------------------------------------------


def _csv_error(line: int, error: csv.Error) -> str:
    """The csv module's error, said in the editor's words (its own are English only)."""
    text = str(error)
    if "unexpected end of data" in text:
        message = _('a quoted cell is never closed (a " opens it and the file ends inside it).')
    elif "expected after" in text:
        message = _(
            "text follows the closing quote of a cell (or a quote opened here is never "
            'closed). Quote the whole cell and double each quote inside it ("").'
        )
    elif "field larger than field limit" in text:
        message = _("a cell is longer than %(limit)d characters.") % {
            "limit": settings.IMPORT_MAX_CELL_CHARS
        }
    else:
        message = text
    return _("Line %(line)d: %(error)s") % {"line": line, "error": message}


def _too_many_cells(line: int, count: int) -> str:
    values = {"line": line, "count": count, "limit": MAX_COLUMNS}
    if line == 1:
        return _("Line 1: the header has %(count)d columns; at most %(limit)d are read.") % values
    return _("Line %(line)d: the row has %(count)d cells; at most %(limit)d are read.") % values


def read_rows(data: bytes | str, report: ImportReport) -> list[tuple[int, dict[str, str]]]:
    """Rows by line number, or a file error naming the line that cannot be read.

    Strict: a quote that is never closed, or text after a closing quote, is an
    error (a lenient reader glues the following lines into one cell). Limits on
    columns and cell length are checked on each row as it is read, before any
    work that grows with the row.
    """
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            report.file_errors.append(_("The file is not UTF-8 text. Save it as CSV UTF-8."))
            return []
    cell_limit = settings.IMPORT_MAX_CELL_CHARS
    # The csv module's own limit is global to the process; it only needs to sit above
    # ours so that ours, with its message, is the one met.
    csv.field_size_limit(max(csv.field_size_limit(), cell_limit + 1))
    reader = csv.reader(io.StringIO(data.lstrip("\ufeff"), newline=""), strict=True)
    try:
        header = [cell.strip() for cell in next(reader, [])]
    except csv.Error as error:
        report.file_errors.append(_csv_error(1, error))
        return []
    if len(header) > MAX_COLUMNS:
        report.file_errors.append(_too_many_cells(1, len(header)))
        return []
    if "person_name" not in header:
        report.file_errors.append(
            _("Line 1 must be the header row, with at least the column person_name.")
        )
        return []
    duplicated = sorted(c for c, n in Counter(header).items() if c and n > 1)
    if duplicated:
        report.file_errors.append(
            _("Line 1: columns appear twice: %(columns)s.") % {"columns": ", ".join(duplicated)}
        )
        return []
    unknown = [c for c in header if c and c not in READ_COLUMNS and c not in EXPORT_ONLY_COLUMNS]
    if unknown:
        report.warnings.append(
            _("Unknown columns ignored: %(columns)s.") % {"columns": ", ".join(unknown)}
        )
    rows = []
    line = reader.line_num + 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            report.file_errors.append(_csv_error(line, error))
            return []
        if len(cells) > MAX_COLUMNS:
            report.file_errors.append(_too_many_cells(line, len(cells)))
            return []
        if any(len(cell) > cell_limit for cell in cells):
            report.file_errors.append(
                _("Line %(line)d: a cell is longer than %(limit)d characters.")
                % {"line": line, "limit": cell_limit}
            )
            return []
        if any(cell.strip() for cell in cells):
            row = {name: "" for name in READ_COLUMNS}
            for name, cell in zip(header, cells, strict=False):
                if name in row:
                    # The export's guard against formula injection is removed, exactly it.
                    row[name] = unguard(cell.strip())
            if len(cells) > len(header) and any(c.strip() for c in cells[len(header) :]):
                row["__extra__"] = str(len(cells))
            rows.append((line, row))
        line = reader.line_num + 1
    return rows


# --- 2. Validate ----------------------------------------------------------------


@dataclass
class Draft:
    """One valid row as unsaved model instances and parsed lists."""

    line: int
    person: Person
    variants: list[str]
    organizations: list[tuple[str, str]]
    case: Case
    charges: list[tuple[str, str]]
    sentence: Sentence | None
    facility: tuple[str, str] | None
    detention: Detention | None
    recognitions: list[str]
    sources: list[Source]


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.split(";") if part.strip()]


def _values(choices) -> list[str]:
    return [value for value, _label in choices if value]


# Computed once: an enum's .choices builds a new list on every access.
GENDERS = _values(Gender.choices)
CASE_TYPES = _values(Case.Type.choices)
STATUSES = _values(Case.Status.choices)
SENTENCE_KINDS = _values(Sentence.Kind.choices)
ROLES = _values(Membership.Role.choices)


def _choice(row, column, allowed, errors, required=False):
    value = row[column]
    if not value:
        if required:
            errors.append(RowError(column, _("Required.")))
        return value
    if value not in allowed:
        errors.append(
            RowError(
                column,
                _("Unknown value “%(value)s”; use one of: %(allowed)s.")
                % {"value": value, "allowed": ", ".join(allowed)},
            )
        )
    return value


def _clean(instance, columns: dict, errors: list[RowError], exclude=()) -> None:
    """full_clean() the unsaved instance; report each error under its CSV column."""
    try:
        instance.full_clean(
            exclude=list(exclude), validate_unique=False, validate_constraints=False
        )
    except ValidationError as error:
        taken = {e.column for e in errors}
        for name, messages in error.message_dict.items():
            column = columns.get(name, columns[NON_FIELD_ERRORS])
            if column not in taken:
                errors.append(RowError(column, " ".join(messages)))
                taken.add(column)


def _clean_value(model, name: str, value, column: str, errors: list[RowError]):
    """One field's model-layer validation (type, length, choices, validators),
    for the rows' small records where a whole full_clean() would only repeat it."""
    try:
        return model._meta.get_field(name).clean(value, None)
    except ValidationError as error:
        if column not in {e.column for e in errors}:
            errors.append(RowError(column, " ".join(error.messages)))
        return value


def _check(validator, value, column: str, errors: list[RowError], **kwargs) -> None:
    try:
        validator(value, **kwargs)
    except ValidationError as error:
        errors.append(RowError(column, " ".join(error.messages)))


def _certain_part(value: str) -> str | None:
    """ "1954-02-29" -> "1954-02": a day the month does not have, in a valid month.
    None when the value is not such a date (valid, or wrong in another way)."""
    match = IMPOSSIBLE_DAY.match(value)
    if not match:
        return None
    year, month, day = (int(part) for part in match.groups())
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    try:
        PartialDate(year, month, day)
    except ValueError:
        try:
            PartialDate(year, month)
        except ValueError:
            return None
        return f"{year:04d}-{month:02d}"
    return None


def validate_row(
    line: int, row: dict[str, str], errors: list[RowError], warnings: list[str] | None = None
) -> Draft | None:
    for column, cell in row.items():
        if column in MULTILINE_COLUMNS:
            _check(validate_no_control_characters, cell, column, errors)
        elif column in READ_COLUMNS:
            _check(validate_no_control_characters, cell, column, errors, multiline=False)
    for column in DATE_COLUMNS:
        certain = _certain_part(row[column])
        if certain is not None:
            if warnings is not None:
                warnings.append(
                    _(
                        "Line %(line)d: %(column)s “%(value)s” is not a date; kept as "
                        "“%(certain)s”, what is certain."
                    )
                    % {"line": line, "column": column, "value": row[column], "certain": certain}
                )
            row = {**row, column: certain}
    if row.get("__extra__"):
        errors.append(RowError("person_name", _("This row has more cells than the header.")))
    if not row["person_name"]:
        errors.append(RowError("person_name", _("Required.")))
    _choice(row, "gender", GENDERS, errors)
    case_type = _choice(row, "case_type", CASE_TYPES, errors, required=True)
    _choice(row, "status", STATUSES, errors, required=True)
    _choice(row, "sentence_kind", SENTENCE_KINDS, errors)

    charges = []
    for part in _split(row["charges"]):
        match = CHARGE.match(part)
        if not match:
            errors.append(
                RowError(
                    "charges",
                    _(
                        "Each charge reads “ARTICLE: wording”, e.g. “405: participation in a "
                        "banned organization” (got “%(part)s”)."
                    )
                    % {"part": part},
                )
            )
            break
        citation = parse_citation(match.group(1))
        if citation is None:
            errors.append(
                RowError(
                    "charges",
                    _(
                        "“%(part)s” is not an article in a known notation: write e.g. 405, "
                        "207.3, 505(b) or п. «д» ч. 2 ст. 207.3."
                    )
                    % {"part": match.group(1)},
                )
            )
            break
        charges.append((citation.article, match.group(2).strip(), citation, match.group(1)))
    if charges and case_type == Case.Type.OTHER:
        errors.append(
            RowError(
                "charges",
                _("Charges need case_type criminal or administrative: the code of their article."),
            )
        )

    organizations = []
    roles = ROLES
    for part in _split(row["organizations"]):
        name, _sep, role = (p.strip() for p in part.partition("|"))
        role = role or Membership.Role.MEMBER
        if not name or "|" in role or role not in roles:
            errors.append(
                RowError(
                    "organizations",
                    _(
                        "Each organization reads “Name|role”, the role one of %(roles)s "
                        "(got “%(part)s”)."
                    )
                    % {"roles": ", ".join(roles), "part": part},
                )
            )
            break
        organizations.append((name, role))

    person = Person(
        full_name=row["person_name"],
        birth_date=row["birth_date"],
        gender=row["gender"],
        citizenship=row["citizenship"].upper(),
        occupation=row["occupation"],
        visibility=Visibility.PUBLIC,
    )
    _clean(person, PERSON_COLUMNS, errors, exclude=["slug"])
    variants = _split(row["name_variants"])
    for name in variants:
        _clean_value(NameVariant, "name", name, "name_variants", errors)

    case = Case(
        case_type=row["case_type"],
        country=row["country"].upper(),
        region=row["region"],
        authority=row["authority"],
        court=row["court"],
        case_number=row["case_number"],
        status=row["status"],
        arrest_date=row["arrest_date"],
        verdict_date=row["verdict_date"],
        summary=row["summary"],
        visibility=Visibility.PUBLIC,
    )
    _clean(case, CASE_COLUMNS, errors, exclude=["person", "slug"])
    for number, wording, _citation, _written in charges:
        _clean_value(LegalArticle, "number", number, "charges", errors)
        _clean_value(Charge, "wording", wording, "charges", errors)

    sentence = None
    if any(row[c] for c in SENTENCE_COLUMNS):
        sentence = Sentence(
            kind=row["sentence_kind"],
            term_months=row["sentence_months"] or None,
            fine_amount=row["fine_amount"] or None,
            fine_currency=row["fine_currency"].upper(),
            fine_usd_reported=row["fine_usd"] or None,
            sentenced_on=row["verdict_date"],
            court=row["court"],
            visibility=Visibility.PUBLIC,
        )
        _clean(sentence, SENTENCE_FIELD_COLUMNS, errors, exclude=["case"])

    facility = None
    if row["facility"]:
        facility = (row["facility"], row["facility_city"])
        _clean_value(Facility, "name", row["facility"], "facility", errors)
        _clean_value(Facility, "city", row["facility_city"], "facility_city", errors)
    elif row["facility_city"]:
        errors.append(RowError("facility", _("Give the facility's name with its city.")))
    detained_since = None
    if facility or row["detained_since"]:
        detained_since = _clean_value(
            Detention, "started_on", row["detained_since"], "detained_since", errors
        )

    recognitions = _split(row["recognized_by"])
    for name in recognitions:
        _clean_value(Recognition, "recognized_by", name, "recognized_by", errors)

    sources = []
    for suffix in ["", *(f"_{n}" for n in range(2, MAX_SOURCES + 1))]:
        url, title, date = (f"{c}{suffix}" for c in SOURCE_COLUMNS)
        if not any(row[c] for c in (url, title, date)):
            continue
        source = Source(
            kind=Source.Kind.OTHER,
            url=row[url],
            title=row[title] or row[url],
            date=row[date],
        )
        columns = {"url": url, "title": title, "date": date, NON_FIELD_ERRORS: url}
        _clean(source, columns, errors)
        if not source.title:
            errors.append(RowError(title, _("Give the source's title or URL.")))
        sources.append(source)

    if errors:
        return None
    return Draft(
        line=line,
        person=person,
        variants=variants,
        organizations=organizations,
        case=case,
        charges=charges,
        sentence=sentence,
        facility=facility,
        detention=None
        if detained_since is None and facility is None
        else Detention(started_on=detained_since or "", visibility=Visibility.PUBLIC),
        recognitions=recognitions,
        sources=sources,
    )


# --- 3. Plan ----------------------------------------------------------------------

# The end reason a case status gives the detention its row names (as migration
# cases.0012 gave the detentions recorded before end reasons existed).
STATUS_ENDS_DETENTION = {
    Case.Status.RELEASED: Detention.EndReason.RELEASED,
    Case.Status.ACQUITTED: Detention.EndReason.ACQUITTAL,
    Case.Status.DIED_IN_CUSTODY: Detention.EndReason.DEATH,
}


def _chunks(values: Iterable, size: int = CHUNK):
    values = list(values)
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _date_key(value) -> str:
    return str(value) if value else ""


def _year(value) -> int | None:
    return value.year if isinstance(value, PartialDate) else None


def _key(obj: models.Model | None):
    """The key of a stored record, or of a record this file is about to create."""
    return obj.pk if obj.pk is not None else id(obj)


def _differs(current, new) -> bool:
    """A filled cell that differs from the stored value (empty cells change nothing)."""
    if new in (None, ""):
        return False
    return current != new


def _compatible(a: PartialDate | None, b: PartialDate | None) -> bool:
    """Two known birth dates that may be the same day: equal, or one refines the other
    ("1992" and "1992-02-12"). Unknown dates are neither compatible nor not."""
    if a is None or b is None:
        return False
    short, long = sorted((str(a), str(b)), key=len)
    return long.startswith(short)


_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def _han(name: str) -> str:
    """The Han characters of a name ("" when it has none)."""
    return "".join(_HAN.findall(name))


def _same_name(row_name: str, other: str) -> bool:
    """Two names with the same name key are the same name, except two Han names
    written with other characters (homophones share their toneless pinyin)."""
    a, b = _han(row_name), _han(other)
    return not (a and b and a != b)


def _skeleton_key(name: str) -> str:
    return " ".join(sorted(skeleton(name).split()))


def _label(obj: models.Model, name: str) -> str:
    return f"{obj._meta.model_name}.{name}"


class Planner:
    """Resolves valid drafts against the database and the earlier rows of the file."""

    def __init__(self, *, publish: bool, user):
        self.publish = publish
        self.user = user
        self.reference_visibility = Visibility.PUBLIC if publish else Visibility.INTERNAL
        self.new: dict[type[models.Model], list] = defaultdict(list)
        self.updates: dict[int, tuple[models.Model, set[str]]] = {}
        self.source_links: list[tuple[models.Model, Source]] = []
        self.touched_people: list[Person] = []
        self.imported_cases: dict[int, tuple[Case, RowResult]] = {}
        # People whose identity an editor must confirm (by id()): their cases stay drafts.
        self.unsure_people: set[int] = set()
        self._changes: list[str] | None = None

    # Loading: a fixed number of queries for the whole file.
    def load(self, drafts: list[Draft]) -> None:
        keys = set()
        for d in drafts:
            keys.add(name_key(d.person.full_name))
            keys.update(name_key(v) for v in d.variants)
        keys.discard("")
        # Every recorded name (people and variants), by its word-order-free key and by
        # its skeleton: a name in another order or script cannot be looked up by its
        # stored form, and the likely duplicates need them all anyway.
        self._skeletons: dict[str, list[tuple[Person, PartialDate | None, int | None]]] = (
            defaultdict(list)
        )
        names_of: dict[int, list[str]] = defaultdict(list)
        light = {
            p.pk: p
            for p in Person.objects.active().only(
                "pk", "full_name", "name_normalized", "birth_date"
            )
        }
        for p in light.values():
            names_of[p.pk].append(p.full_name)
        for pk, name in NameVariant.objects.active().values_list("person_id", "name"):
            if pk in light:
                names_of[pk].append(name)
        for pk, names in names_of.items():
            for key in {_skeleton_key(n) for n in names} - {""}:
                self._skeletons[key].append((light[pk], light[pk].birth_date, None))
        matched = {pk for pk, names in names_of.items() if any(name_key(n) in keys for n in names)}
        people: dict[int, Person] = {}
        for chunk in _chunks(matched):
            for person in Person.objects.filter(pk__in=chunk):
                people[person.pk] = person
        # Name key -> [(person, the name as written)]: recorded people, then this file's.
        self.by_name: dict[str, list[tuple[Person, str]]] = defaultdict(list)
        for pk, person in people.items():
            for name in names_of[pk]:
                self.by_name[name_key(name)].append((person, name))
        self.variants_of: dict[int, set[str]] = defaultdict(set)
        self.memberships_of: dict[int, dict[int, Membership]] = defaultdict(dict)
        self.detentions_of: dict[int, dict[tuple, Detention]] = defaultdict(dict)
        self.deaths: dict[int, DeathInCustody] = {}
        self.cases_by_key: dict[tuple, Case] = {}
        self.children: dict[int, dict[str, dict]] = defaultdict(lambda: defaultdict(dict))
        case_ids = []
        existing_cases: list[Case] = []
        for chunk in _chunks(people):
            for v in NameVariant.objects.active().filter(person_id__in=chunk):
                self.variants_of[v.person_id].add(v.name.casefold())
            for m in Membership.objects.active().filter(person_id__in=chunk):
                self.memberships_of[m.person_id][m.organization_id] = m
            for det in Detention.objects.active().filter(person_id__in=chunk):
                self.detentions_of[det.person_id][(det.facility_id, _date_key(det.started_on))] = (
                    det
                )
            for death in DeathInCustody.objects.active().filter(person_id__in=chunk):
                self.deaths.setdefault(death.person_id, death)
            for case in Case.objects.active().filter(person_id__in=chunk):
                case_ids.append(case.pk)
                existing_cases.append(case)
        charge_keys: dict[int, list[str]] = defaultdict(list)
        for chunk in _chunks(case_ids):
            for charge in (
                Charge.objects.active().filter(case_id__in=chunk).select_related("article")
            ):
                self.children[charge.case_id]["charges"][charge.article_id] = charge
                charge_keys[charge.case_id].append(charge.article.number or charge.wording)
        for case in existing_cases:
            key = self._case_key(case.person_id, case, charge_keys[case.pk], line=-case.pk)
            self.cases_by_key[key] = case
        for chunk in _chunks(case_ids):
            for sentence in Sentence.objects.active().filter(case_id__in=chunk):
                self.children[sentence.case_id]["sentences"][sentence.kind] = sentence
            for rec in Recognition.objects.active().filter(case_id__in=chunk):
                self.children[rec.case_id]["recognitions"][rec.recognized_by.casefold()] = rec
            for event in Event.objects.active().filter(case_id__in=chunk):
                key = (event.kind, _date_key(event.date))
                self.children[event.case_id]["events"].setdefault(key, event)

        self.organizations = {
            o.name.casefold(): o for o in Organization.objects.active().order_by("pk")
        }
        self.facilities = {
            (f.name.casefold(), f.city.casefold()): f
            for f in Facility.objects.active().order_by("pk")
        }
        self.articles = {
            (a.country, a.code, a.number): a
            for a in LegalArticle.objects.active()
            .exclude(number="")
            .filter(edition="")
            .order_by("pk")
        }
        # A source is its (URL, title, date): rows sharing a URL with another title or
        # date cite another source. The oldest record of a key is the one cited.
        urls = {s.url for d in drafts for s in d.sources if s.url}
        titles = {s.title for d in drafts for s in d.sources if not s.url}
        self.sources: dict[tuple, Source] = {}
        for chunk in _chunks(urls):
            for s in Source.objects.active().filter(url__in=chunk).order_by("-pk"):
                self.sources[self._source_key(s)] = s
        for chunk in _chunks(titles):
            for s in Source.objects.active().filter(title__in=chunk, url="").order_by("-pk"):
                self.sources[self._source_key(s)] = s
        # Which of the loaded facts already cite which of these sources: (model, pk, source pk).
        self.cited: set[tuple] = set()
        source_ids = {s.pk for s in self.sources.values()}
        if source_ids:
            facts = defaultdict(set)
            for case_children in self.children.values():
                for records in case_children.values():
                    for obj in records.values():
                        facts[type(obj)].add(obj.pk)
            for by_person in (self.memberships_of, self.detentions_of):
                for records in by_person.values():
                    for obj in records.values():
                        facts[type(obj)].add(obj.pk)
            for death in self.deaths.values():
                facts[DeathInCustody].add(death.pk)
            for model, pks in facts.items():
                through = model.sources.through
                fk = next(
                    f
                    for f in through._meta.concrete_fields
                    if f.is_relation and f.related_model is model
                )
                for chunk in _chunks(pks):
                    for child, source in through.objects.filter(
                        **{f"{fk.attname}__in": chunk}
                    ).values_list(fk.attname, "source_id"):
                        if source in source_ids:
                            self.cited.add((model, child, source))
        self.slugs = {
            Person: set(Person.objects.values_list("slug", flat=True)),
            Case: set(Case.objects.values_list("slug", flat=True)),
            Organization: set(Organization.objects.values_list("slug", flat=True)),
            Facility: set(Facility.objects.values_list("slug", flat=True)),
        }
        self.file_cases: dict[tuple, int] = {}

    @staticmethod
    def _case_key(person_key, case: Case, charges=(), line: int | None = None) -> tuple:
        """A case's identity: its number; else its court with its verdict date; else
        its charges (article numbers, or wordings when unnumbered). Never the arrest
        date alone: two convictions of one person may share it, or a row may lack it.
        A case with none of these has no identity and is never merged (`line` keeps
        it apart)."""
        if case.case_number:
            which = ("number", case.case_number.casefold())
        elif case.court and case.verdict_date:
            which = ("court", case.court.casefold(), _date_key(case.verdict_date))
        elif charges:
            which = ("charges", tuple(sorted({c.casefold() for c in charges})))
        else:
            which = ("row", line)
        return (person_key, case.country, case.case_type, which)

    @staticmethod
    def _identity_field(case: Case) -> str:
        if case.case_number:
            return "case_number"
        if case.court and case.verdict_date:
            return "verdict_date"
        return "charges"

    def _slug(self, model, text: str) -> str:
        base = slugify(normalize_name(text))[:200].strip("-") or model._meta.model_name
        slug, n = base, 1
        while slug in self.slugs[model]:
            n += 1
            slug = f"{base}-{n}"
        self.slugs[model].add(slug)
        return slug

    def _create(self, obj: models.Model) -> models.Model:
        obj.created_by = self.user
        obj.updated_by = self.user
        self.new[type(obj)].append(obj)
        return obj

    def _update(self, obj: models.Model, **values) -> bool:
        changed = {k for k, v in values.items() if _differs(getattr(obj, k), v)}
        if not changed:
            return False
        for key in sorted(changed):
            if obj.pk is not None and self._changes is not None:
                old = getattr(obj, key)
                self._changes.append(
                    f"{_label(obj, key)}: {'' if old is None else old} → {values[key]}"
                )
            setattr(obj, key, values[key])
        if obj.pk is not None:
            _obj, fields = self.updates.setdefault(id(obj), (obj, set()))
            fields.update(changed)
        return True

    def _added(self, what: str, value) -> None:
        if self._changes is not None:
            self._changes.append(f"+ {what}: {value}")

    # Likely duplicates: same consonant skeleton in any word order, and a birth
    # date that is unknown on either side or compatible.
    def _likely_duplicates(
        self, person: Person, names: list[str], line: int, found: dict[int, Duplicate]
    ) -> list[Duplicate]:
        """`found`: the candidates already known, by _key(); the others are added."""
        birth = person.birth_date
        keys = {_skeleton_key(n) for n in names} - {""}
        for key in keys:
            for other, other_birth, other_line in self._skeletons.get(key, ()):
                if other is person or _key(other) in found:
                    continue
                if birth is None or other_birth is None or _compatible(birth, other_birth):
                    found[_key(other)] = self._duplicate(other, other_line)
        for key in keys:
            self._skeletons[key].append((person, birth, line))
        return list(found.values())

    def _duplicate(self, other: Person, line: int | None) -> Duplicate:
        return Duplicate(other.pk, other.full_name, _date_key(other.birth_date), line)

    # Resolution, row by row.
    def person_for(self, d: Draft, result: RowResult) -> tuple[Person, bool]:
        """The recorded (or earlier-row) person with this name or a variant, in any word
        order, script or transliteration, whose birth date is compatible; a more precise
        date refines the record. Several such people, or a name known with a birth date
        on one side only, make a new person reported as a likely duplicate."""
        names = [d.person.full_name, *d.variants]
        birth = d.person.birth_date if isinstance(d.person.birth_date, PartialDate) else None
        sure: dict[int, Person] = {}
        unsure: dict[int, Person] = {}
        for name in names:
            key = name_key(name)
            for other, other_name in self.by_name.get(key, ()) if key else ():
                if not _same_name(name, other_name):
                    continue
                both_unknown = birth is None and other.birth_date is None
                if both_unknown or _compatible(birth, other.birth_date):
                    sure[id(other)] = other
                elif birth is None or other.birth_date is None:
                    unsure[id(other)] = other
        if len(sure) == 1:
            (found,) = sure.values()
            if birth is not None and len(str(birth)) > len(str(found.birth_date or "")):
                self._update(found, birth_date=birth)  # the more precise date refines it
            self._index_names(found, names)
            if id(found) in self.unsure_people:
                result.held_back = True
            return found, False
        person = d.person
        person.name_normalized = normalize_name(person.full_name)
        person.slug = self._slug(Person, person.full_name)
        self._create(person)
        self._index_names(person, names)
        candidates = {**unsure, **sure}
        found = {
            _key(other): self._duplicate(other, getattr(other, "_import_line", None))
            for other in candidates.values()
        }
        person._import_line = d.line
        result.duplicates = self._likely_duplicates(person, names, d.line, found)
        if result.duplicates:
            self.unsure_people.add(id(person))
        result.person_created = True
        return person, True

    def _index_names(self, person: Person, names: list[str]) -> None:
        for name in names:
            key = name_key(name)
            if not key:
                continue
            entries = self.by_name[key]
            if not any(p is person and n == name for p, n in entries):
                entries.append((person, name))

    def organization_for(self, name: str) -> Organization:
        org = self.organizations.get(name.casefold())
        if org is None:
            org = self._create(
                Organization(
                    name=name,
                    slug=self._slug(Organization, name),
                    kind=Organization.Kind.OTHER,
                    visibility=self.reference_visibility,
                )
            )
            self.organizations[name.casefold()] = org
        return org

    def facility_for(self, name: str, city: str, country: str) -> Facility:
        key = (name.casefold(), city.casefold())
        facility = self.facilities.get(key)
        if facility is None:
            facility = self._create(
                Facility(
                    name=name,
                    city=city,
                    country=country,
                    slug=self._slug(Facility, f"{name} {city}"),
                    kind=Facility.Kind.OTHER,
                    visibility=self.reference_visibility,
                )
            )
            self.facilities[key] = facility
        return facility

    def article_for(self, country: str, code: str, number: str, wording: str) -> LegalArticle:
        key = (country, code, number)
        article = self.articles.get(key)
        if article is None:
            article = self._create(
                LegalArticle(
                    country=country,
                    code=code,
                    number=number,
                    title=wording[:300],
                    visibility=self.reference_visibility,
                )
            )
            self.articles[key] = article
        return article

    @staticmethod
    def _source_key(source: Source) -> tuple:
        return (source.url, source.title.casefold().strip(), _date_key(source.date))

    def source_for(self, source: Source) -> Source:
        key = self._source_key(source)
        found = self.sources.get(key)
        if found is None:
            source.visibility = self.reference_visibility
            found = self._create(source)
            self.sources[key] = found
        return found

    def plan_row(self, d: Draft, result: RowResult) -> None:
        self._changes = result.changes
        try:
            self._plan_row(d, result)
        finally:
            self._changes = None
        if result.outcome != Outcome.UPDATED:
            result.changes.clear()

    def _plan_row(self, d: Draft, result: RowResult) -> None:
        person, person_new = self.person_for(d, result)
        result.person = person
        case = d.case
        pkey = _key(person)
        charge_keys = [number or wording for number, wording, _c, _w in d.charges]
        key = self._case_key(pkey, case, charge_keys, line=d.line)
        if key in self.file_cases:
            result.errors.append(
                RowError(
                    self._identity_field(case),
                    _("Same person and case as line %(line)d.") % {"line": self.file_cases[key]},
                )
            )
            result.outcome = Outcome.ERROR
            return
        self.file_cases[key] = d.line
        existing = self.cases_by_key.get(key) if person.pk is not None else None
        changed = False
        # Every fact of the row, created or already recorded: each cites the row's sources.
        facts: list[models.Model] = []

        if not person_new:
            changed |= self._update(
                person,
                gender=d.person.gender,
                citizenship=d.person.citizenship,
                occupation=d.person.occupation,
            )
            changed |= bool(result.changes)  # a refined birth date
        known_variants = self.variants_of[pkey]
        known_variants.add(person.full_name.casefold())
        for name in d.variants:
            if name.casefold() not in known_variants:
                known_variants.add(name.casefold())
                self._create(
                    NameVariant(
                        person=person,
                        name=name,
                        name_normalized=normalize_name(name),
                        visibility=Visibility.PUBLIC,
                    )
                )
                self._added(_("name variant"), name)
                changed = True
        memberships = self.memberships_of[pkey]
        for name, role in d.organizations:
            org = self.organization_for(name)
            membership = memberships.get(_key(org))
            if membership is None:
                membership = self._create(
                    Membership(
                        person=person, organization=org, role=role, visibility=Visibility.PUBLIC
                    )
                )
                memberships[_key(org)] = membership
                self._added(_("membership"), f"{name} ({role})")
                changed = True
            elif self._update(membership, role=role):
                changed = True
            facts.append(membership)

        if existing is None:
            case.person = person
            year = _year(case.arrest_date) or _year(case.verdict_date)
            label = f"{person.full_name} {year or ''} {case.case_type}"
            case.slug = self._slug(Case, label)
            # A new case is a draft; with --publish it is published after the
            # rows are written, through the editorial service like any other.
            self._create(case)
            children = defaultdict(dict)
        else:
            values = {
                name: getattr(case, name)
                for name in (
                    "region",
                    "authority",
                    "court",
                    "status",
                    "arrest_date",
                    "verdict_date",
                    "summary",
                )
            }
            changed |= self._update(existing, **values)
            children = self.children[existing.pk]
            case = existing
        result.case = case

        code = case.case_type
        for number, wording, citation, written in d.charges:
            article = self.article_for(case.country, code, number, wording)
            charge = children["charges"].get(_key(article))
            if charge is None:
                charge = self._create(
                    Charge(
                        case=case,
                        article=article,
                        part=citation.part,
                        paragraph=citation.paragraph,
                        letter=citation.letter,
                        cited_as=written if written != number else "",
                        wording=wording,
                        outcome=_charge_outcome(case),
                        visibility=Visibility.PUBLIC,
                    )
                )
                children["charges"][_key(article)] = charge
                self._added(_("charge"), written)
                changed = True
            elif self._update(charge, wording=wording):
                changed = True
            facts.append(charge)

        if d.sentence is not None:
            sentence = children["sentences"].get(d.sentence.kind)
            if sentence is None:
                d.sentence.case = case
                children["sentences"][d.sentence.kind] = d.sentence
                sentence = self._create(d.sentence)
                self._added(_("sentence"), sentence.kind)
                changed = True
            elif self._update(
                sentence,
                **{
                    name: getattr(d.sentence, name)
                    for name in (
                        "term_months",
                        "fine_amount",
                        "fine_currency",
                        "fine_usd_reported",
                        "sentenced_on",
                        "court",
                    )
                },
            ):
                changed = True
            facts.append(sentence)

        recognitions = children["recognitions"]
        for name in d.recognitions:
            recognition = recognitions.get(name.casefold())
            if recognition is None:
                recognition = self._create(
                    Recognition(case=case, recognized_by=name, visibility=Visibility.PUBLIC)
                )
                recognitions[name.casefold()] = recognition
                self._added(_("recognition"), name)
                changed = True
            facts.append(recognition)

        if d.detention is not None:
            facility = (
                self.facility_for(d.facility[0], d.facility[1], case.country)
                if d.facility
                else None
            )
            detentions = self.detentions_of[pkey]
            det_key = (_key(facility) if facility else None, _date_key(d.detention.started_on))
            detention = detentions.get(det_key)
            if detention is None:
                detention = detentions[det_key] = d.detention
                d.detention.person = person
                d.detention.case = case
                d.detention.facility = facility
                self._create(d.detention)
                self._added(_("detention"), facility.name if facility else det_key[1])
                changed = True
                self.touched_people.append(person)
            # A row saying the person was released, acquitted or died in custody
            # ends the detention it names (the date is rarely in the list): never
            # "detained now", never flagged by the stale-health job.
            ended_by = STATUS_ENDS_DETENTION.get(case.status)
            if ended_by and not detention.ended_on and not detention.end_reason:
                changed |= self._update(detention, end_reason=ended_by)
            facts.append(detention)

        if case.status == Case.Status.DIED_IN_CUSTODY:
            recorded = len(self.new[DeathInCustody])
            facts.append(self._death_of(person))
            changed |= len(self.new[DeathInCustody]) > recorded
        if d.sources:
            if not facts:
                facts.append(self._case_event(case, children, d))
            for source in d.sources:
                source = self.source_for(source)
                for fact in facts:
                    if fact.pk is None or source.pk is None:
                        link = (type(fact), id(fact), id(source))
                    else:
                        link = (type(fact), fact.pk, source.pk)
                    if link in self.cited:
                        continue
                    self.cited.add(link)
                    self.source_links.append((fact, source))
                    if fact.pk is not None:
                        self._added(
                            _("source of %(record)s") % {"record": fact._meta.verbose_name},
                            source.title,
                        )
                        changed = True

        if existing is None:
            result.outcome = Outcome.CREATED
        else:
            result.outcome = Outcome.UPDATED if changed else Outcome.UNCHANGED
        if id(person) in self.unsure_people:
            result.held_back = True
        self.imported_cases[id(case)] = (case, result)

    def _death_of(self, person: Person) -> DeathInCustody:
        """The person's death in custody (status died_in_custody): the one recorded, or a
        new record without date or place for an editor to complete."""
        death = self.deaths.get(_key(person))
        if death is None:
            self.touched_people.append(person)
            death = self.deaths[_key(person)] = self._create(
                DeathInCustody(person=person, visibility=Visibility.PUBLIC)
            )
            self._added(_("death in custody"), person.full_name)
        return death

    def _case_event(self, case: Case, children, d: Draft) -> Event:
        """What a row without charge, sentence, detention or recognition cites its
        sources from: the case's arrest, else its verdict, else the status as reported
        on the source's date (or today)."""
        if case.arrest_date:
            kind, date, title = Event.Kind.ARREST, case.arrest_date, _("Arrest")
        elif case.verdict_date:
            kind, date, title = Event.Kind.VERDICT, case.verdict_date, _("Verdict")
        else:
            dated = [s.date for s in d.sources if isinstance(s.date, PartialDate)]
            date = dated[0] if dated else PartialDate.parse(timezone.localdate())
            kind = Event.Kind.OTHER
            title = _("Status reported: %(status)s") % {"status": case.get_status_display()}
        key = (kind, _date_key(date))
        event = children["events"].get(key)
        if event is None:
            event = children["events"][key] = self._create(
                Event(case=case, kind=kind, date=date, title=title, visibility=Visibility.PUBLIC)
            )
            self._added(_("event"), title)
        return event

    # --- 4. Apply --------------------------------------------------------------------

    ORDER = (
        Source,
        Organization,
        Facility,
        LegalArticle,
        Person,
        NameVariant,
        Membership,
        Case,
        Charge,
        Sentence,
        Recognition,
        Detention,
        DeathInCustody,
        Event,
    )

    def publish_imported(self, progress: Progress | None = None) -> None:
        """Publish the file's cases through cases.services.publish_many (the
        editorial road, set-based): a Publication with its version and a
        security-log event for each. A case already published and unchanged is
        left as it is; a likely duplicate is never published."""
        from cases.services import publish_many

        to_publish = []
        for case, result in self.imported_cases.values():
            if result.outcome == Outcome.UNCHANGED and case.is_published:
                continue
            if result.held_back or result.duplicates or id(case.person) in self.unsure_people:
                # A likely duplicate is never published by an import: it stays a
                # draft in the editors' queue until someone confirms or merges it.
                result.held_back = True
                continue
            to_publish.append(case)
        publish_many(
            by=self.user,
            cases=to_publish,
            comment=_("Published by a CSV import."),
            progress=(lambda done, total: progress("published", done, total)) if progress else None,
        )

    def apply(self, progress: Progress | None = None) -> None:
        total = sum(len(objs) for objs in self.new.values())
        done = 0
        now = timezone.now()
        for model in self.ORDER:
            objs = self.new.get(model, [])
            if objs:
                for obj in objs:
                    obj.created_at = obj.updated_at = now
                prepared = _insert_objects(model, objs)
                _insert_history(model, objs, prepared, user=self.user, when=now)
                done += len(objs)
                if progress:
                    progress("written", done, total)
        for obj, fields in self.updates.values():
            obj.updated_by = self.user
            obj._history_user = self.user
            obj._change_reason = CHANGE_REASON
            obj.save(update_fields=[*fields, "updated_by", "updated_at"])
        links = defaultdict(list)
        for child, source in self.source_links:
            links[type(child).sources.through].append((child.pk, source.pk))
        for through, rows in links.items():
            fks = [f for f in through._meta.concrete_fields if not f.primary_key]
            # Re-imports may link a child to a source it already cites.
            existing = set()
            child_fk = next(f for f in fks if f.related_model is not Source)
            for chunk in _chunks({child for child, _source in rows}):
                existing.update(
                    through.objects.filter(**{f"{child_fk.attname}__in": chunk}).values_list(
                        child_fk.attname, "source_id"
                    )
                )
            fresh = sorted(set(rows) - existing)
            order = [child_fk.column, next(f for f in fks if f is not child_fk).column]
            _insert_rows(through._meta.db_table, order, fresh)
        if self.touched_people:
            refresh_health_due(person_ids={p.pk for p in self.touched_people})


class _Prepared(dict):
    """Database values by (field, value): most values repeat (visibility, author,
    dates, countries), and preparing them is the costly part of an insert."""

    def value(self, field, value):
        try:
            return self[field, value]
        except KeyError:
            prepared = self[field, value] = field.get_db_prep_save(value, connection)
            return prepared
        except TypeError:  # unhashable
            return field.get_db_prep_save(value, connection)


def _insert_objects(model, objs: list) -> list[dict]:
    """Insert new records and set their primary keys (what bulk_create does).

    Django's bulk_create spends most of its time compiling SQL value by value;
    a 10,000-row file holds about 70,000 records, so the values are prepared
    here with the fields' own get_db_prep_save() and sent in large batches.
    """
    meta = model._meta
    fields = [f for f in meta.concrete_fields if not f.primary_key]
    relations = [f for f in fields if f.is_relation]
    for obj in objs:
        # A related record created earlier in this import got its key just now.
        for f in relations:
            if getattr(obj, f.attname) is None and f.is_cached(obj):
                related = f.get_cached_value(obj)
                if related is not None:
                    setattr(obj, f.attname, related.pk)
    cache = _Prepared()
    prepared = [{f.attname: cache.value(f, f.pre_save(obj, True)) for f in fields} for obj in objs]
    rows = [list(values.values()) for values in prepared]
    qn = connection.ops.quote_name
    head = f"INSERT INTO {qn(meta.db_table)} ({', '.join(qn(f.column) for f in fields)}) VALUES "  # noqa: S608 (identifiers from model metadata)
    tail = f" RETURNING {qn(meta.pk.column)}"
    ids: list = []
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            from psycopg2.extras import execute_values

            ids = execute_values(
                cursor.cursor, head + "%s" + tail, rows, page_size=1000, fetch=True
            )
        else:
            group = "(" + ", ".join(["%s"] * len(fields)) + ")"
            per_batch = max(1, connection.features.max_query_params // len(fields))
            for start in range(0, len(rows), per_batch):
                batch = rows[start : start + per_batch]
                cursor.execute(
                    head + ", ".join([group] * len(batch)) + tail,
                    [value for row in batch for value in row],
                )
                ids.extend(cursor.fetchall())
    for obj, values, (pk,) in zip(objs, prepared, ids, strict=True):
        obj.pk = pk
        obj._state.adding = False
        obj._state.db = connection.alias
        values[meta.pk.attname] = pk
    return prepared


def _insert_history(model, objs, prepared: list[dict], *, user, when) -> None:
    """The "+ created" history rows of freshly inserted records.

    Same rows as simple-history's bulk_history_create, without building a model
    instance per row: for a 10,000-row file that halves the time of the write.
    """
    history = model.history.model
    fields = [f for f in history._meta.concrete_fields if not f.primary_key]
    fixed = {
        "history_date": history._meta.get_field("history_date").get_db_prep_save(when, connection),
        "history_change_reason": CHANGE_REASON,
        "history_type": "+",
        "history_user_id": user.pk if user is not None else None,
    }
    rows = [
        [fixed[f.attname] if f.attname in fixed else values[f.attname] for f in fields]
        for values in prepared
    ]
    _insert_rows(history._meta.db_table, [f.column for f in fields], rows)


def _insert_rows(table: str, columns: list[str], rows: list) -> None:
    if not rows:
        return
    qn = connection.ops.quote_name
    head = f"INSERT INTO {qn(table)} ({', '.join(qn(c) for c in columns)}) VALUES "  # noqa: S608 (identifiers from model metadata)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            from psycopg2.extras import execute_values

            execute_values(cursor.cursor, head + "%s", rows, page_size=1000)
        else:
            cursor.executemany(head + "(" + ", ".join(["%s"] * len(columns)) + ")", rows)


def _charge_outcome(case: Case) -> str:
    if case.status == Case.Status.CONVICTED:
        return Charge.Outcome.CONVICTED
    if case.status == Case.Status.ACQUITTED:
        return Charge.Outcome.ACQUITTED
    return Charge.Outcome.PENDING


# --- The service ------------------------------------------------------------------


def import_cases(
    *,
    data: bytes | str,
    user=None,
    dry_run: bool = False,
    publish: bool = False,
    valid_only: bool = False,
    progress: Progress | None = None,
) -> ImportReport:
    """Validate, plan and (unless dry run, or errors without valid_only) write a CSV file.

    Returns the report of every row: created / updated / unchanged / error with
    line and column, and likely duplicates. Writes happen in one transaction.
    """
    if publish and not policy.may_publish(user):
        raise PermissionDenied(_("Only a user who may publish can import with publishing."))
    report = ImportReport()
    if len(data) > settings.IMPORT_MAX_UPLOAD_BYTES:
        report.file_errors.append(
            _("The file is larger than %(limit)s.")
            % {"limit": filesizeformat(settings.IMPORT_MAX_UPLOAD_BYTES)}
        )
        return report
    rows = read_rows(data, report)
    if report.file_errors:
        return report
    drafts = []
    for n, (line, row) in enumerate(rows, start=1):
        result = RowResult(line=line, person_name=row["person_name"])
        draft = validate_row(line, row, result.errors, result.warnings)
        report.warnings.extend(result.warnings)
        report.rows.append(result)
        drafts.append((draft, result))
        if progress and (n % 1000 == 0 or n == len(rows)):
            progress("validated", n, len(rows))

    with transaction.atomic():
        planner = Planner(publish=publish, user=user)
        valid = [(d, r) for d, r in drafts if d is not None]
        planner.load([d for d, _r in valid])
        for n, (draft, result) in enumerate(valid, start=1):
            planner.plan_row(draft, result)
            if progress and (n % 1000 == 0 or n == len(valid)):
                progress("planned", n, len(valid))
        if report.has_errors and not valid_only:
            return report
        if dry_run:
            return report
        if any(r.outcome == Outcome.ERROR for r in report.rows) and valid_only:
            planner = _replan_without_errors(drafts, publish=publish, user=user)
        planner.apply(progress)
        # Raw INSERTs send no save signal: put the imported cases in the review queue here.
        review.mark_changed((case.pk for case, _result in planner.imported_cases.values()), by=user)
        if publish:
            planner.publish_imported(progress)
        report.applied = True
    return report


def _replan_without_errors(drafts, *, publish: bool, user) -> Planner:
    """Rows rejected while planning (e.g. a repeated case) may already have
    registered new records; plan the clean rows again so nothing of theirs is written."""
    planner = Planner(publish=publish, user=user)
    clean = [(d, r) for d, r in drafts if d is not None and r.outcome != Outcome.ERROR]
    planner.load([d for d, _r in clean])
    for draft, result in clean:
        planner.plan_row(draft, result)
    return planner
