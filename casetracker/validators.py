"""Validators shared by models, forms, the importer and the API."""

import re

import pycountry
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _


def validate_country(value: str) -> None:
    if value and pycountry.countries.get(alpha_2=value.upper()) is None:
        raise ValidationError(
            _("“%(value)s” is not an ISO 3166-1 alpha-2 country code (e.g. KZ)."),
            code="invalid_country",
            params={"value": value},
        )


def validate_currency(value: str) -> None:
    if value and pycountry.currencies.get(alpha_3=value.upper()) is None:
        raise ValidationError(
            _("“%(value)s” is not an ISO 4217 currency code (e.g. KZT, USD)."),
            code="invalid_currency",
            params={"value": value},
        )


def country_name(code: str) -> str:
    country = pycountry.countries.get(alpha_2=code.upper()) if code else None
    return country.name if country else code


# C0 controls but tab, line feed and carriage return; DEL; the C1 controls. They are
# invisible, PostgreSQL refuses NUL in text, and escape sequences can rewrite a
# terminal that prints a log or an export.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# A one-line field takes no line break either.
_CONTROL_ONE_LINE = re.compile("[\x00-\x1f\x7f-\x9f]")


def first_control_character(value: str, *, multiline: bool = True) -> str | None:
    match = (_CONTROL if multiline else _CONTROL_ONE_LINE).search(value)
    return match.group() if match else None


def validate_no_control_characters(value, *, multiline: bool = True) -> None:
    if not isinstance(value, str):
        return
    found = first_control_character(value, multiline=multiline)
    if found is not None:
        raise ValidationError(
            _(
                "This text contains an invisible control character (U+%(code)s); "
                "remove it and try again."
            ),
            code="control_character",
            params={"code": f"{ord(found):04X}"},
        )


def validate_text_length(value, *, limit: int) -> None:
    if isinstance(value, str) and len(value) > limit:
        raise ValidationError(
            _(
                "This text is too long: %(length)s characters; at most %(limit)s. "
                "Shorten it or attach the full text as an evidence file."
            ),
            code="text_too_long",
            params={"length": f"{len(value):,}", "limit": f"{limit:,}"},
        )


def _country_choice_field():
    from django import forms

    class CountryChoiceField(forms.ChoiceField):
        def to_python(self, value):
            return super().to_python(value).strip().upper()

    return CountryChoiceField


class CountryCodeField(models.CharField):
    """An ISO 3166-1 alpha-2 code (stored as before: "KZ"), chosen from a list in
    every staff form (admin and workspace): django-countries gives the names.

    Kept a CharField underneath (deconstructs as one, so no migration and no
    change to stored values or to code reading a plain string); only the form
    field differs.
    """

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 2)
        validators = list(kwargs.pop("validators", []))
        if validate_country not in validators:
            validators.append(validate_country)
        kwargs["validators"] = validators
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.CharField", args, kwargs

    def formfield(self, **kwargs):
        from django_countries import countries

        def choices():
            return [("", "---------"), *((code, name) for code, name in countries)]

        defaults = {
            "choices": choices,
            "required": not self.blank,
            "label": capfirst(self.verbose_name),
            "help_text": self.help_text,
        }
        defaults.update(
            {k: v for k, v in kwargs.items() if k in ("label", "help_text", "required")}
        )
        return _country_choice_field()(**defaults)
