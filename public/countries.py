"""Country names in the reader's language (pycountry ships the ISO 3166 catalogues)."""

from __future__ import annotations

import gettext
from functools import lru_cache

import pycountry
from django.utils.translation import get_language

from casetracker.validators import country_name as english_country_name


@lru_cache(maxsize=16)
def _catalogue(language: str) -> gettext.NullTranslations:
    return gettext.translation(
        "iso3166-1", pycountry.LOCALES_DIR, languages=[language], fallback=True
    )


def country_name(code: str) -> str:
    """ "KZ" -> "Kazakhstan" (or "Казахстан" when the page is in Russian)."""
    name = english_country_name(code)
    if not name or name == code:
        return code
    return _catalogue((get_language() or "en").split("-")[0]).gettext(name)
