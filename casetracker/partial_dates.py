"""Partial dates: "2024", "2024-11" or "2024-11-05".

The real world gives "convicted in November 2024" or "born in 1963"; inventing a
day would be a false fact. A PartialDate keeps exactly the precision the source
gave. It is stored as its ISO string, which sorts correctly at mixed precision
("2024" < "2024-11" < "2024-11-05") and filters by year with `__startswith`.
"""

from __future__ import annotations

import calendar
import contextlib
import datetime as dt
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models.query_utils import DeferredAttribute
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

_PATTERN = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
FORMAT_HELP = _("YYYY, YYYY-MM or YYYY-MM-DD, as precise as the source allows.")


@dataclass(frozen=True)
class PartialDate:
    year: int
    month: int | None = None
    day: int | None = None

    def __post_init__(self):
        if not 1800 <= self.year <= 2200:
            raise ValueError("year out of range")
        if self.month is not None and not 1 <= self.month <= 12:
            raise ValueError("month out of range")
        if self.day is not None:
            if self.month is None:
                raise ValueError("day without month")
            dt.date(self.year, self.month, self.day)  # raises ValueError if impossible

    @classmethod
    def parse(cls, value: str | PartialDate | dt.date | None) -> PartialDate | None:
        if value is None or isinstance(value, PartialDate):
            return value
        if isinstance(value, dt.date):
            return cls(value.year, value.month, value.day)
        text = str(value).strip()
        if not text:
            return None
        match = _PATTERN.match(text)
        if not match:
            raise ValueError(f"not a partial date: {text!r}")
        year, month, day = (int(part) if part else None for part in match.groups())
        return cls(year, month, day)

    @property
    def precision(self) -> str:
        if self.day is not None:
            return "day"
        return "month" if self.month is not None else "year"

    def earliest(self) -> dt.date:
        return dt.date(self.year, self.month or 1, self.day or 1)

    def latest(self) -> dt.date:
        month = self.month or 12
        day = self.day or calendar.monthrange(self.year, month)[1]
        return dt.date(self.year, month, day)

    def is_after(self, other: PartialDate) -> bool:
        """True only when self is certainly after other, whatever the unknown parts are."""
        return self.earliest() > other.latest()

    def display(self) -> str:
        if self.precision == "day":
            return date_format(self.earliest(), "DATE_FORMAT")
        if self.precision == "month":
            return date_format(self.earliest(), "YEAR_MONTH_FORMAT")
        return str(self.year)

    def __str__(self) -> str:
        text = f"{self.year:04d}"
        if self.month is not None:
            text += f"-{self.month:02d}"
        if self.day is not None:
            text += f"-{self.day:02d}"
        return text

    def __lt__(self, other: PartialDate) -> bool:
        return str(self) < str(other)


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


class PartialDateField(models.CharField):
    description = _("Partial date (year, year-month or full date)")
    descriptor_class = _PartialDateDescriptor

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 10)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        kwargs.setdefault("help_text", FORMAT_HELP)
        super().__init__(*args, **kwargs)
        # The stored string is at most 10 characters by construction; CharField's
        # length validator cannot measure a PartialDate object.
        self.validators[:] = [v for v in self.validators if not isinstance(v, MaxLengthValidator)]

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        for key, value in (("max_length", 10), ("blank", True), ("default", "")):
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
        except ValueError:
            raise ValidationError(
                _("Enter a real date as YYYY, YYYY-MM or YYYY-MM-DD (got “%(value)s”)."),
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
        field.widget.attrs.setdefault("placeholder", "YYYY-MM-DD")
        field.widget.attrs.setdefault("inputmode", "numeric")
        return field

    def validate(self, value, model_instance):
        # CharField validation would check max_length on the object; the string form
        # is what matters and is always <= 10.
        if not self.blank and value in (None, ""):
            raise ValidationError(self.error_messages["blank"], code="blank")


# No fact this app records (a visit, an observation, a hunger strike, a detention,
# an event, a charge, a verdict) happened before this day: an earlier date is a
# typing slip or a junk default ("0001-01-01"), refused like a future one.
DATE_FLOOR = dt.date(1900, 1, 1)


def not_in_future(value: PartialDate | dt.date | None) -> None:
    """A fact cannot be dated after today (the earliest reading of a partial date)
    nor wholly before DATE_FLOOR (its latest reading)."""
    if value is None:
        return
    earliest = value.earliest() if isinstance(value, PartialDate) else value
    latest = value.latest() if isinstance(value, PartialDate) else value
    if isinstance(earliest, dt.datetime):
        earliest, latest = earliest.date(), latest.date()
    from django.utils import timezone

    if latest < DATE_FLOOR:
        raise ValidationError(
            _("This date is before %(floor)s: please check it."),
            code="implausible_date",
            params={"floor": DATE_FLOOR.isoformat()},
        )
    if earliest > timezone.localdate():
        raise ValidationError(_("This date is in the future."), code="future_date")
