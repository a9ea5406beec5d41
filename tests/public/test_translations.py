"""English is the source; Russian and Kazakh translate the whole public interface."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

from .conftest import DEMO_CASE, text

PUBLIC_SOURCES = (
    "templates/public/",
    "templates/base.html",
    "templates/includes/",
    "public/",
)


def _public_entries(language):
    po = Path(settings.BASE_DIR, "locale", language, "LC_MESSAGES", "django.po")
    for block in po.read_text(encoding="utf-8").split("\n\n")[1:]:
        refs = " ".join(re.findall(r"^#: (.*)$", block, re.M))
        if any(source in refs for source in PUBLIC_SOURCES):
            # A long string is wrapped: `msgstr ""` then one quoted line per part.
            msgid = "".join(
                re.findall(r'"(.*)"', re.search(r'^msgid ((?:".*"\n?)+)', block, re.M).group(1))
            )
            strs = [
                "".join(re.findall(r'"(.*)"', value))
                for value in re.findall(r'^msgstr(?:\[\d\])? ((?:".*"\n?)+)', block, re.M)
            ]
            yield msgid, strs, "#, fuzzy" in block


@pytest.mark.parametrize("language", ["ru", "kk"])
def test_every_public_string_is_translated(language):
    entries = list(_public_entries(language))
    assert len(entries) > 150
    untranslated = [m for m, strs, fuzzy in entries if fuzzy or not all(strs)]
    assert untranslated == []


@pytest.mark.parametrize("language, word", [("ru", "Коротко"), ("kk", "Қысқаша")])
def test_the_compiled_catalogue_is_used(language, word):
    with translation.override(language):
        assert translation.gettext("At a glance") == word


@pytest.mark.django_db
def test_the_language_switcher_changes_the_page_language(client, demo):
    response = client.post("/i18n/setlang/", {"language": "ru", "next": DEMO_CASE})
    assert response.status_code == 302
    assert response["Location"] == DEMO_CASE
    page = text(client.get(DEMO_CASE))
    assert '<html lang="ru">' in page
    assert "Коротко" in page
    assert "Осуждён(а)" in page  # a model choice label
    assert "Казахстан" in page  # the country name, from pycountry's catalogue


@pytest.mark.django_db
def test_browse_in_kazakh(client, demo):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "kk"
    page = text(client.get("/cases/"))
    assert "Сүзгілерді қолдану" in page
