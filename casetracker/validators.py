"""Validators shared by models, forms, the importer and the API."""

import pycountry
from django.core.exceptions import ValidationError
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
