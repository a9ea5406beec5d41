"""Nothing unpublished, internal, confidential or archived reaches any API answer."""

import datetime as dt

import pytest
from django.utils import timezone

from cases.models import Case
from casetracker.records import Visibility
from tests import factories as f
from tests.leaks import every_api_answer as every_answer

pytestmark = pytest.mark.django_db

MARKER = "SECRETMARKER"
INTERNAL = Visibility.INTERNAL
CONFIDENTIAL = Visibility.CONFIDENTIAL


@pytest.fixture
def world():
    """One published case with public records, and secrets hidden all around it."""
    shown = f.CaseFactory(internal_notes=MARKER, summary="Shown summary")
    person = shown.person
    person.internal_notes = MARKER
    person.save()
    f.NameVariantFactory(person=person, name=f"{MARKER} alias", visibility=INTERNAL)
    public_org = f.OrganizationFactory(name="Public party")
    f.MembershipFactory(person=person, organization=public_org)
    f.MembershipFactory(
        person=person, organization=f.OrganizationFactory(name=MARKER, visibility=INTERNAL)
    )
    f.OrganizationFactory(name=f"{MARKER} archived", archived_at=timezone.now())
    from people.models import OrganizationStatus

    OrganizationStatus.objects.create(
        organization=public_org, status="banned", authority=MARKER, visibility=INTERNAL
    )

    confidential_source = f.SourceFactory(
        title=MARKER, author=MARKER, url="https://example.org/secret", identity_confidential=True
    )
    internal_source = f.SourceFactory(title=f"{MARKER} internal source", visibility=INTERNAL)
    charge = f.ChargeFactory(case=shown, wording="Public wording")
    charge.sources.add(confidential_source, internal_source)
    f.ChargeFactory(case=shown, wording=MARKER, visibility=INTERNAL)
    f.ChargeFactory(
        case=shown, article__title=MARKER, article__visibility=INTERNAL, visibility=INTERNAL
    )
    f.SentenceFactory(case=shown, court=MARKER, visibility=INTERNAL)
    f.EventFactory(case=shown, title=MARKER, visibility=CONFIDENTIAL)
    f.RecognitionFactory(case=shown, recognized_by=MARKER, archived_at=timezone.now())
    f.DetentionFactory(person=person, facility__name=MARKER, facility__visibility=INTERNAL)
    f.HealthObservationFactory(person=person, description="Public observation")
    f.HealthObservationFactory(person=person, description=MARKER, visibility=INTERNAL)
    f.HungerStrikeFactory(person=person, demands=MARKER, visibility=CONFIDENTIAL)
    f.PrisonVisitFactory(person=person, visitors=MARKER, internal_report=MARKER)

    draft = f.CaseFactory(
        person__full_name=f"{MARKER} Draftperson",
        summary=MARKER,
        editorial_state=Case.EditorialState.DRAFT,
    )
    f.ChargeFactory(
        case=draft,
        wording=MARKER,
        article__title=f"{MARKER} draft article",
        article__visibility=INTERNAL,
    )
    f.HealthObservationFactory(person=draft.person, description=MARKER)
    f.HungerStrikeFactory(person=draft.person, demands=MARKER)
    f.CaseFactory(summary=MARKER, visibility=INTERNAL)
    f.CaseFactory(summary=MARKER, editorial_state=Case.EditorialState.IN_REVIEW)
    f.CaseFactory(summary=MARKER, archived_at=timezone.now())
    return {"shown": shown, "draft": draft}


def test_no_endpoint_shows_a_secret(api, world):
    answers = every_answer(api)
    leaks = [url for url, response in answers.items() if MARKER in response.content.decode()]
    assert leaks == []


def test_the_public_records_do_appear(api, world):
    answers = every_answer(api)
    case = answers[f"/api/v1/cases/{world['shown'].pk}/"].json()
    assert case["summary"] == "Shown summary"
    assert [c["wording"] for c in case["charges"]] == ["Public wording"]
    assert "Public party" in answers["/api/v1/popolo.json"].content.decode()
    assert "Public observation" in answers["/api/v1/health-observations/"].content.decode()


def test_a_confidential_source_shows_only_kind_date_and_that_it_is_confidential(api, world):
    case = api.get(f"/api/v1/cases/{world['shown'].pk}/").json()
    (charge,) = case["charges"]
    assert charge["sources"] == [{"kind": "media", "date": None, "confidential": True}]


def test_a_draft_case_and_its_person_are_not_found_by_id(api, world):
    draft = world["draft"]
    assert api.get(f"/api/v1/cases/{draft.pk}/").status_code == 404
    assert api.get(f"/api/v1/people/{draft.person.pk}/").status_code == 404


def test_the_hunger_strike_of_a_draft_second_case_is_not_in_the_api(api):
    """Issue 13: a draft case's records never show through the person's published case."""
    shown = f.CaseFactory()
    draft = f.CaseFactory(person=shown.person, editorial_state=Case.EditorialState.DRAFT)
    strike = f.HungerStrikeFactory(
        person=shown.person, case=draft, started_on=dt.date(2025, 7, 1), demands="secret"
    )
    assert results_of(api, "/api/v1/hunger-strikes/") == []
    assert api.get(f"/api/v1/hunger-strikes/{strike.pk}/").status_code == 404


def test_a_public_hunger_strike_gives_the_id_of_its_published_case(api):
    shown = f.CaseFactory()
    f.HungerStrikeFactory(person=shown.person, case=shown)
    (strike,) = results_of(api, "/api/v1/hunger-strikes/")
    assert strike["case"] == shown.pk


def results_of(api, url):
    response = api.get(url)
    assert response.status_code == 200
    return response.json()["results"]


def test_an_id_too_large_for_the_database_is_a_404(api):
    assert api.get("/api/v1/cases/99999999999999999999999/").status_code == 404


def test_a_public_charge_under_an_internal_article_is_left_out_as_on_the_case_page(api):
    case = f.CaseFactory()
    f.ChargeFactory(case=case, wording="Shown charge")
    f.ChargeFactory(
        case=case, wording="Charge under a secret article", article__visibility=INTERNAL
    )
    charges = api.get(f"/api/v1/cases/{case.pk}/").json()["charges"]
    assert [c["wording"] for c in charges] == ["Shown charge"]
