"""Partial dates, and dates with uncertainty, stored as EDTF strings.

The real world gives "convicted in November 2024", "born in 1963", "arrested
about November 2024", "detained before March 2021" or "between 2017 and 2018";
inventing a day would be a false fact. A PartialDate keeps exactly what the
source gave, and is stored as its EDTF (Extended Date/Time Format, ISO 8601-2,
Level 1) string:

    "2024", "2024-11", "2024-11-05"     a date at year, month or day precision
    "2024-11~"                          approximate ("about November 2024")
    "2024?"                             uncertain ("2024 (uncertain)"); "%" both
    "../2021-03"                        before: an interval with an open start
    "2021-03/.."                        after: an interval with an open end
    "2017/2018"                         between: a closed interval

Plain dates are the ISO strings they always were. Staff forms and the importer
also accept "about 2024-11", "c. 2024", "before 2021-03", "after 2021-03",
"between 2017 and 2018" and "2017–2018" (`PartialDate.parse`); the stored string
is always EDTF, and the `edtf` package confirms it is valid when a record is
cleaned (PartialDateField.validate).

Ordering and counting: a date sorts and counts by its earliest possible year,
and an open start ("before March 2021") by its bound (it counts in 2021). In
the database that is the `sortable` and `earliest_year` transforms of
PartialDateField (`arrest_date__earliest_year="2021"`,
`order_by("-arrest_date__sortable")`); in Python `PartialDate.sort_key()`.
"""

from __future__ import annotations

import calendar
import contextlib
import datetime as dt
import functools
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models.query_utils import DeferredAttribute
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

_DATE = r"\d{4}(?:-\d{2}(?:-\d{2})?)?"
_PATTERN = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_POINT = re.compile(rf"^({_DATE})([~?%]?)$")
_BEFORE = re.compile(rf"^\.\./({_DATE})$")
_AFTER = re.compile(rf"^({_DATE})/\.\.$")
_BETWEEN = re.compile(rf"^({_DATE})/({_DATE})$")

# Human input (staff forms, CSV import), case-insensitive; English and Russian.
_APPROX_WORDS = r"(?:about|approximately|approx\.?|around|circa|ca\.?|c\.|около|примерно|ок\.)"
_HUMAN = (
    (re.compile(rf"^{_APPROX_WORDS}\s*({_DATE})$", re.I), "approximate"),
    (re.compile(rf"^(?:before|до)\s+({_DATE})$", re.I), "before"),
    (re.compile(rf"^(?:after|после)\s+({_DATE})$", re.I), "after"),
    (re.compile(rf"^(?:between|между)\s+({_DATE})\s+(?:and|и)\s+({_DATE})$", re.I), "between"),
    (re.compile(rf"^({_DATE})\s*[–—-]\s*({_DATE})$"), "between"),
)

# The longest stored form, "2017-01-01/2018-12-31", is 21 characters; the columns
# leave room for a qualifier on each end.
MAX_LENGTH = 32

FORMAT_HELP = _(
    "YYYY, YYYY-MM or YYYY-MM-DD, as precise as the source allows; or “about 2024-11”, "
    "“before 2021-03”, “after 2021-03”, “between 2017 and 2018” (EDTF: 2024-11~, "
    "../2021-03, 2021-03/.., 2017/2018)."
)

QUALIFIERS = {"": "", "~": "approximate", "?": "uncertain", "%": "approximate and uncertain"}


class PartialDateError(ValueError):
    """Why a text is not a partial date; `reason` picks the field-level message."""

    def __init__(self, message: str, reason: str = "format"):
        super().__init__(message)
        self.reason = reason


@functools.lru_cache(maxsize=1024)
def _valid_edtf(text: str) -> bool:
    import edtf

    try:
        edtf.parse_edtf(text)
    except Exception:  # the package raises its own parse errors and ValueError
        return False
    return True


@dataclass(frozen=True)
class PartialDate:
    """A date at year, month or day precision (year, month, day), possibly
    qualified ("~" approximate, "?" uncertain, "%" both) or bounded:

    - kind "on": the date itself;
    - kind "before": on or before the date (EDTF "../date");
    - kind "after": on or after the date (EDTF "date/..");
    - kind "between": from the date to `end` (EDTF "date/end").
    """

    year: int
    month: int | None = None
    day: int | None = None
    qualifier: str = ""
    kind: str = "on"
    end: PartialDate | None = None

    def __post_init__(self):
        if not 1800 <= self.year <= 2200:
            raise PartialDateError("year out of range", "range")
        if self.month is not None and not 1 <= self.month <= 12:
            raise PartialDateError("month out of range", "impossible")
        if self.day is not None:
            if self.month is None:
                raise PartialDateError("day without month")
            try:
                dt.date(self.year, self.month, self.day)
            except ValueError:
                raise PartialDateError("no such day", "impossible") from None
        if self.qualifier not in QUALIFIERS:
            raise PartialDateError("unknown qualifier")
        if self.kind not in ("on", "before", "after", "between"):
            raise PartialDateError("unknown kind")
        if self.qualifier and self.kind != "on":
            raise PartialDateError("qualified bound", "qualified_bound")
        if (self.kind == "between") != (self.end is not None):
            raise PartialDateError("an interval needs its end")
        if self.end is not None:
            if self.end.kind != "on" or self.end.qualifier:
                raise PartialDateError("qualified bound", "qualified_bound")
            start = self.point()
            if not (
                start != self.end
                and start.earliest() <= self.end.earliest()
                and start.latest() <= self.end.latest()
            ):
                raise PartialDateError("the end is not after the start", "order")

    # -- parsing -----------------------------------------------------------

    @classmethod
    def parse(cls, value: str | PartialDate | dt.date | None) -> PartialDate | None:
        """An EDTF string, a human form ("about 2024-11", "before 2021-03",
        "between 2017 and 2018", "2017–2018") or a date; None for blank."""
        if value is None or isinstance(value, PartialDate):
            return value
        if isinstance(value, dt.date):
            return cls(value.year, value.month, value.day)
        text = " ".join(str(value).split())
        if not text:
            return None
        match = _PATTERN.match(text)
        if match:  # the plain forms, by far the most frequent: no EDTF parser needed
            return cls._point(text)
        parsed = cls._parse_edtf(text) or cls._parse_human(text)
        if parsed is None:
            raise PartialDateError(f"not a partial date: {text!r}")
        return parsed

    @classmethod
    def _point(cls, text: str, qualifier: str = "", kind: str = "on", end=None) -> PartialDate:
        year, month, day = (int(p) if p else None for p in _PATTERN.match(text).groups())
        return cls(year, month, day, qualifier=qualifier, kind=kind, end=end)

    @classmethod
    def _parse_edtf(cls, text: str) -> PartialDate | None:
        if match := _POINT.match(text):
            return cls._point(match[1], qualifier=match[2])
        if match := _BEFORE.match(text):
            return cls._point(match[1], kind="before")
        if match := _AFTER.match(text):
            return cls._point(match[1], kind="after")
        if match := _BETWEEN.match(text):
            return cls._point(match[1], kind="between", end=cls._point(match[2]))
        if "/" in text and re.search(r"[~?%]", text):
            unqualified = re.sub(r"[~?%]", "", text)
            if (
                _BEFORE.match(unqualified)
                or _AFTER.match(unqualified)
                or _BETWEEN.match(unqualified)
            ):
                raise PartialDateError("qualified bound", "qualified_bound")
        return None

    @classmethod
    def _parse_human(cls, text: str) -> PartialDate | None:
        for pattern, kind in _HUMAN:
            match = pattern.match(text)
            if not match:
                continue
            if kind == "approximate":
                return cls._point(match[1], qualifier="~")
            if kind == "between":
                return cls._point(match[1], kind="between", end=cls._point(match[2]))
            return cls._point(match[1], kind=kind)
        return None

    # -- reading -----------------------------------------------------------

    def point(self) -> PartialDate:
        """The date alone, without qualifier or bound (the start of an interval)."""
        return PartialDate(self.year, self.month, self.day)

    @property
    def precision(self) -> str:
        if self.day is not None:
            return "day"
        return "month" if self.month is not None else "year"

    @property
    def is_uncertain(self) -> bool:
        """Approximate, uncertain or bounded: not one known date (pages say "about")."""
        return bool(self.qualifier) or self.kind != "on"

    def _first_day(self) -> dt.date:
        return dt.date(self.year, self.month or 1, self.day or 1)

    def _last_day(self) -> dt.date:
        month = self.month or 12
        day = self.day or calendar.monthrange(self.year, month)[1]
        return dt.date(self.year, month, day)

    def lower(self) -> dt.date | None:
        """The earliest possible day; None when the start is open ("before")."""
        return None if self.kind == "before" else self._first_day()

    def upper(self) -> dt.date | None:
        """The latest possible day; None when the end is open ("after")."""
        if self.kind == "after":
            return None
        return self.end._last_day() if self.end is not None else self._last_day()

    def earliest(self) -> dt.date:
        """The earliest possible day; for "before X", the first day of X (the day
        it sorts, counts and computes from: days held are then a minimum)."""
        return self._first_day()

    def latest(self) -> dt.date:
        """The latest possible day; for "after X", the last day of X."""
        return self.upper() or self._last_day()

    def is_after(self, other: PartialDate) -> bool:
        """True only when self is certainly after other, whatever the unknown parts are.
        An approximate or uncertain date is never certainly anything."""
        if self.qualifier or other.qualifier:
            return False
        lower, upper = self.lower(), other.upper()
        return lower is not None and upper is not None and lower > upper

    def sort_key(self) -> str:
        """Sorts in time order at mixed precision; "before X" sorts at X."""
        return str(self).removeprefix("../")

    # -- writing -----------------------------------------------------------

    def _display_point(self) -> str:
        if self.precision == "day":
            return date_format(self._first_day(), "DATE_FORMAT")
        if self.precision == "month":
            return date_format(self._first_day(), "YEAR_MONTH_FORMAT")
        return str(self.year)

    def display(self) -> str:
        date = self._display_point()
        if self.kind == "before":
            return gettext("before %(date)s") % {"date": date}
        if self.kind == "after":
            return gettext("after %(date)s") % {"date": date}
        if self.kind == "between":
            return gettext("between %(start)s and %(end)s") % {
                "start": date,
                "end": self.end._display_point(),
            }
        if self.qualifier == "~":
            return gettext("about %(date)s") % {"date": date}
        if self.qualifier == "?":
            return gettext("%(date)s (uncertain)") % {"date": date}
        if self.qualifier == "%":
            return gettext("about %(date)s (uncertain)") % {"date": date}
        return date

    def _iso(self) -> str:
        text = f"{self.year:04d}"
        if self.month is not None:
            text += f"-{self.month:02d}"
        if self.day is not None:
            text += f"-{self.day:02d}"
        return text

    def __str__(self) -> str:
        """The EDTF string, as stored and exported."""
        if self.kind == "before":
            return f"../{self._iso()}"
        if self.kind == "after":
            return f"{self._iso()}/.."
        if self.kind == "between":
            return f"{self._iso()}/{self.end._iso()}"
        return self._iso() + self.qualifier

    def __lt__(self, other: PartialDate) -> bool:
        return self.sort_key() < other.sort_key()


def certainly_after(later, earlier) -> bool:
    """True when both are dates and `later` is certainly after `earlier`.

    A model's clean() runs even when clean_fields() has already refused one of
    the two values, which then still holds the text as typed: that field has its
    own error, and the pair cannot be compared yet.
    """
    if not (isinstance(later, PartialDate) and isinstance(earlier, PartialDate)):
        return False
    return later.is_after(earlier)


class _PartialDateDescriptor(DeferredAttribute):
    """Turn assigned strings into PartialDate at once, so an unsaved instance already
    computes with it. Unparseable input is kept as typed for full_clean() to report."""

    def __set__(self, instance, value):
        if isinstance(value, (str, dt.date)) and value:
            with contextlib.suppress(ValueError):
                value = PartialDate.parse(value)
        instance.__dict__[self.field.attname] = value or None


_MESSAGES = {
    "format": _(
        "Enter a real date as YYYY, YYYY-MM or YYYY-MM-DD, or as “about 2024-11”, "
        "“before 2021-03”, “after 2021-03” or “between 2017 and 2018” (got “%(value)s”)."
    ),
    "impossible": _("Enter a real date: “%(value)s” does not exist."),
    "range": _("Enter a real date, with a year between 1800 and 2200 (got “%(value)s”)."),
    "order": _("In “%(value)s” the end of the period must come after its start."),
    "qualified_bound": _(
        "A period’s bounds cannot be approximate or uncertain (got “%(value)s”): "
        "widen the period instead."
    ),
}


class PartialDateField(models.CharField):
    description = _("Partial date (year, year-month or full date), possibly approximate or bounded")
    descriptor_class = _PartialDateDescriptor

    def __init__(self, *args, **kwargs):
        # The default length was 10 (plain dates) and is now MAX_LENGTH: migrations
        # written before keep no max_length, so each app has a migration widening
        # the existing columns (widen_partial_date_columns below).
        kwargs.setdefault("max_length", MAX_LENGTH)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        kwargs.setdefault("help_text", FORMAT_HELP)
        super().__init__(*args, **kwargs)
        # The stored string is at most 21 characters by construction; CharField's
        # length validator cannot measure a PartialDate object.
        self.validators[:] = [v for v in self.validators if not isinstance(v, MaxLengthValidator)]

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        for key, value in (("max_length", MAX_LENGTH), ("blank", True), ("default", "")):
            if kwargs.get(key) == value:
                kwargs.pop(key)
        kwargs.pop("help_text", None)
        return name, path, args, kwargs

    def from_db_value(self, value, expression, connection):
        return PartialDate.parse(value) if value else None

    def to_python(self, value):
        if isinstance(value, PartialDate) or value in (None, ""):
            return value or None
        try:
            return PartialDate.parse(value)
        except ValueError as error:
            reason = getattr(error, "reason", "format")
            raise ValidationError(
                _MESSAGES.get(reason, _MESSAGES["format"]),
                code="invalid_partial_date",
                params={"value": value},
            ) from None

    def get_prep_value(self, value):
        if value is None or value == "":
            return ""
        if isinstance(value, (PartialDate, dt.date)):
            return str(PartialDate.parse(value))
        return str(value)

    def value_to_string(self, obj):
        value = self.value_from_object(obj)
        return str(value) if value else ""

    def formfield(self, **kwargs):
        kwargs.setdefault("widget", None)
        field = super().formfield(**kwargs)
        # Words ("about", "before") and EDTF signs (~ ? / ..) need a full keyboard.
        field.widget.attrs.setdefault("placeholder", "YYYY-MM-DD")
        field.widget.attrs.setdefault("autocomplete", "off")
        return field

    def validate(self, value, model_instance):
        # CharField validation would check max_length on the object; the string form
        # is what matters and is always <= MAX_LENGTH.
        if not self.blank and value in (None, ""):
            raise ValidationError(self.error_messages["blank"], code="blank")
        # What is written is valid EDTF, as the edtf package reads it (checked here,
        # on full_clean, not on every read: the parser takes milliseconds).
        if isinstance(value, PartialDate) and value.is_uncertain and not _valid_edtf(str(value)):
            raise ValidationError(
                _MESSAGES["format"], code="invalid_partial_date", params={"value": str(value)}
            )


@PartialDateField.register_lookup
class SortableDate(models.Transform):
    """The stored string with an open start's "../" removed: "before March 2021"
    sorts at March 2021, everything else sorts as stored (ISO order)."""

    lookup_name = "sortable"
    output_field = models.CharField()

    def as_sql(self, compiler, connection):
        lhs, params = compiler.compile(self.lhs)
        return f"REPLACE({lhs}, %s, %s)", (*params, "../", "")


@PartialDateField.register_lookup
class EarliestYear(models.Transform):
    """The year a date counts in, as "YYYY": its earliest possible year, and for
    "before X" the year of X. Year filters and facets use this, never the raw string."""

    lookup_name = "earliest_year"
    output_field = models.CharField()

    def as_sql(self, compiler, connection):
        lhs, params = compiler.compile(self.lhs)
        return f"SUBSTR(REPLACE({lhs}, %s, %s), 1, 4)", (*params, "../", "")


def widen_partial_date_columns(app_label: str):
    """A migration operation bringing an app's partial-date columns, created at 10
    characters, to MAX_LENGTH (a no-op on a database created at MAX_LENGTH)."""
    from django.db import migrations

    def forwards(apps, schema_editor):
        for model in apps.get_app_config(app_label).get_models():
            if model._meta.proxy or not model._meta.managed:
                continue
            for field in model._meta.local_fields:
                if isinstance(field, PartialDateField) and field.max_length == MAX_LENGTH:
                    narrow = field.clone()
                    narrow.max_length = 10
                    narrow.set_attributes_from_name(field.name)
                    narrow.model = model
                    schema_editor.alter_field(model, narrow, field)

    return migrations.RunPython(forwards, migrations.RunPython.noop)


# No fact this app records (a visit, an observation, a hunger strike, a detention,
# an event, a charge, a verdict) happened before this day: an earlier date is a
# typing slip or a junk default ("0001-01-01"), refused like a future one.
DATE_FLOOR = dt.date(1900, 1, 1)


def not_in_future(value: PartialDate | dt.date | None) -> None:
    """A fact cannot be dated after today (the earliest possible reading of a
    partial date) nor wholly before DATE_FLOOR (its latest possible reading).
    An open side never fails: "before X" has no earliest reading, "after X" no
    latest one."""
    if value is None:
        return
    if isinstance(value, PartialDate):
        earliest, latest = value.lower(), value.upper()
    else:
        earliest = latest = value
    if isinstance(earliest, dt.datetime):
        earliest, latest = earliest.date(), latest.date()
    from django.utils import timezone

    if latest is not None and latest < DATE_FLOOR:
        raise ValidationError(
            _("This date is before %(floor)s: please check it."),
            code="implausible_date",
            params={"floor": DATE_FLOOR.isoformat()},
        )
    if earliest is not None and earliest > timezone.localdate():
        raise ValidationError(_("This date is in the future."), code="future_date")
