"""The reference case, faithful to the article, with the link between its two cases."""

import pytest
from django.core.management import call_command

from cases.models import Case, CaseLink, Charge, PrisonVisit, Source

pytestmark = pytest.mark.django_db

TOREGOZHINA = "/cases/bakhytzhan-toregozhina-2025-false-information/"
ZHYLANBAYEV = "/cases/marat-zhylanbayev-2024-banned-organization/"


@pytest.fixture
def demo():
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115


def page(client, url) -> str:
    return " ".join(client.get(url).content.decode().split())


def test_toregozhinas_case_is_linked_to_zhylanbayevs_on_both_pages(demo, client):
    link = CaseLink.objects.get()
    assert link.from_case.person.full_name == "Bakhytzhan Toregozhina"
    assert link.to_case.person.full_name == "Marat Zhylanbayev"
    assert link.kind == "reporting_on"
    hers, his = page(client, TOREGOZHINA), page(client, ZHYLANBAYEV)
    assert f'Prosecuted for reporting on: <a href="{ZHYLANBAYEV}">Marat Zhylanbayev' in hers
    assert f'Reported on by: <a href="{TOREGOZHINA}">Bakhytzhan Toregozhina' in his


def test_the_visit_was_in_person_to_ask_for_a_video_call(demo):
    visit = PrisonVisit.objects.get()
    assert visit.kind == PrisonVisit.Kind.IN_PERSON
    assert "demanding a video call" in visit.public_summary


def test_no_charge_date_is_invented(demo):
    assert not any(Charge.objects.values_list("charged_on", flat=True))


def test_the_inferred_year_is_said_to_be_inferred_on_both_pages(demo, client):
    for url in (TOREGOZHINA, ZHYLANBAYEV):
        assert "2025 is inferred" in page(client, url)


def test_no_source_or_page_names_a_path_of_this_repository(demo, client):
    for source in Source.objects.all():
        for text in (source.title, source.reference, source.notes, source.url):
            assert "article.txt" not in text and "shared/" not in text
    for url in (TOREGOZHINA, ZHYLANBAYEV):
        assert "article.txt" not in page(client, url)
    report = Source.objects.get(author="Almas Kaisar")
    assert report.reference == "News report, reporting by Almas Kaisar"


def test_loading_again_writes_nothing_link_included(demo):
    before = (CaseLink.objects.count(), CaseLink.history.count(), Case.history.count())
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert (CaseLink.objects.count(), CaseLink.history.count(), Case.history.count()) == before
