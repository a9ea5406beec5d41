"""Favicon, meta descriptions and share previews (Open Graph / Twitter): public
values only, URLs on the host that served the page."""

import re

import pytest

from tests import factories as f

from .conftest import text

pytestmark = pytest.mark.django_db


def meta(page: str) -> dict:
    found = dict(re.findall(r'<meta (?:property|name)="([^"]+)" content="([^"]*)"', page))
    found["canonical"] = re.search(r'<link rel="canonical" href="([^"]*)"', page).group(1)
    return found


def test_every_page_links_the_svg_favicon(client):
    page = text(client.get("/"))
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in page
    assert 'name="description"' in page


def test_a_case_page_previews_its_summary_and_nothing_internal(client):
    case = f.CaseFactory(
        slug="someone-2024",
        person__full_name="Aigerim Example",
        summary="Arrested after a peaceful protest.",
        internal_notes="SECRET-NOTE",
    )
    page = text(client.get("/cases/someone-2024/"))
    tags = meta(page)
    assert tags["og:title"] == tags["twitter:title"] == "Aigerim Example"
    assert tags["og:description"] == tags["description"] == "Arrested after a peaceful protest."
    assert tags["og:type"] == "article"
    assert tags["og:url"] == tags["canonical"] == "http://testserver/cases/someone-2024/"
    assert "SECRET-NOTE" not in page
    assert case.record_number in page


def test_a_person_page_and_the_list_have_previews(client):
    f.CaseFactory(
        person__full_name="Aigerim Example",
        person__slug="aigerim-example",
        person__occupation="Journalist",
    )
    tags = meta(text(client.get("/people/aigerim-example/")))
    assert tags["og:title"] == "Aigerim Example"
    assert tags["og:description"] == "Journalist"
    assert tags["og:url"] == tags["canonical"] == "http://testserver/people/aigerim-example/"
    tags = meta(text(client.get("/cases/?country=KZ")))
    assert tags["og:title"] == "Cases"
    assert tags["og:url"] == tags["canonical"] == "http://testserver/cases/"
    assert tags["og:description"].startswith("Browse and filter")
