"""Stable record numbers (`CT-000123`, from the primary key), their redirect, and
the "How to cite" block: all from the read model."""

import re

import pytest
from django.test import override_settings
from django.urls import reverse

from casetracker.record_numbers import format_record_number, parse_record_number
from public.models import PublicCase
from tests import factories as f

from .conftest import text

pytestmark = pytest.mark.django_db


def test_numbers_are_padded_and_parsed_in_any_case():
    assert format_record_number(123) == "CT-000123"
    assert format_record_number(1234567) == "CT-1234567"
    assert parse_record_number("CT-000123") == 123
    assert parse_record_number("ct-123") == 123
    for junk in ("CT-abc", "CT-", "XX-000123", "CT-0", "CT-12 3", "", "CT-" + "9" * 19):
        assert parse_record_number(junk) is None


def test_a_case_and_its_mirror_have_the_same_number():
    case = f.CaseFactory()
    assert case.record_number == format_record_number(case.pk) == f"CT-{case.pk:06d}"
    f.publish_all()
    assert PublicCase.objects.get(pk=case.pk).record_number == f"CT-{case.pk:06d}"


def test_the_number_redirects_permanently_to_the_case_page(client):
    case = f.CaseFactory(slug="someone-2024")
    for path in (f"/cases/{case.record_number}/", f"/cases/{case.record_number.lower()}/"):
        response = client.get(path)
        assert response.status_code == 301
        assert response["Location"] == "/cases/someone-2024/"
    assert client.get(f"/cases/CT-{case.pk}/").status_code == 301
    assert reverse("public:case_by_number", kwargs={"number": case.pk}) == (
        f"/cases/{case.record_number}/"
    )


def test_unknown_unpublished_and_junk_numbers_are_404s(client):
    draft = f.CaseFactory(editorial_state="draft")
    assert client.get(f"/cases/{draft.record_number}/").status_code == 404
    assert client.get("/cases/CT-999999/").status_code == 404
    for junk in ("/cases/CT-abc/", "/cases/CT-/", "/cases/CT-0/", "/cases/CT-" + "9" * 19 + "/"):
        assert client.get(junk).status_code == 404, junk


def test_the_case_page_shows_the_number_and_a_citation_with_the_serving_host(client):
    case = f.CaseFactory(slug="someone-2024", person__full_name="Aigerim Example")
    with override_settings(
        ALLOWED_HOSTS=["monitor.example.org"], PUBLISHER_NAME="Example Monitors"
    ):
        page = text(client.get("/cases/someone-2024/", HTTP_HOST="monitor.example.org"))
    assert f"<strong>{case.record_number}</strong>" in page
    assert 'id="cite-heading"' in page
    citation = page.split('id="citation" class="citation">')[1].split("</p>")[0]
    assert citation.startswith("Example Monitors. “Aigerim Example: criminal case”.")
    assert f"Record {case.record_number}." in citation
    assert "Version of " in citation
    assert "http://monitor.example.org/cases/someone-2024/ (accessed [date])." in citation
    assert '<link rel="canonical" href="http://monitor.example.org/cases/someone-2024/">' in page


def test_the_staff_case_page_shows_the_number(client, monitor):
    case = f.CaseFactory(editorial_state="draft")
    client.force_login(monitor)
    page = client.get(reverse("monitor:case_detail", args=[case.pk])).content.decode()
    assert case.record_number in page


def test_the_citation_is_translated_and_dated_the_same_in_every_language(client):
    case = f.CaseFactory(slug="someone-2024", person__full_name="Aigerim Example")
    page = text(client.get("/cases/someone-2024/", HTTP_ACCEPT_LANGUAGE="ru"))
    assert "Как цитировать" in page
    assert f"Запись {case.record_number}. Версия от " in page
    assert "(дата обращения: [дата])" in page
    english = text(client.get("/cases/someone-2024/", HTTP_ACCEPT_LANGUAGE="en"))
    assert re.search(r"Version of \d{4}-\d{2}-\d{2}\. http", english)
    assert re.search(r"Версия от \d{4}-\d{2}-\d{2}\. http", page)
