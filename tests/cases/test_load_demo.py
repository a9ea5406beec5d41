"""The demo data is the reference case: its facts are stored, and loading is idempotent."""

import datetime as dt
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.management import call_command

from cases import services
from cases.demo import DEMO_PUBLISHER
from cases.models import Case, HealthObservation, HungerStrike, PrisonVisit, Publication
from people.models import Person
from public import models as pm

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115


def _row_counts():
    counts = {}
    for model in apps.get_models():
        if model._meta.app_label in ("people", "cases"):
            counts[model._meta.label] = model.objects.count()
    return counts


def test_loading_twice_changes_nothing(demo):
    before = _row_counts()
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert _row_counts() == before
    assert before["cases.Case"] == 2
    # no new history rows either: a second run writes nothing at all (each case
    # has two: created, then published)
    assert before["cases.HistoricalCase"] == 4
    assert before["cases.Publication"] == 2


def test_the_criminal_case_has_two_charges_and_84_months(demo):
    case = Case.objects.get(person__full_name="Marat Zhylanbayev")
    assert sorted(case.charges.values_list("wording", flat=True)) == [
        "Financing an extremist organization",
        "Participation in a banned organization",
    ]
    sentence = case.sentences.get()
    assert (sentence.kind, sentence.term_months, str(sentence.sentenced_on)) == (
        "imprisonment",
        84,
        "2024-11",
    )


def test_the_administrative_case_has_the_78000_kzt_fine(demo):
    case = Case.objects.get(person__full_name="Bakhytzhan Toregozhina")
    assert case.case_type == "administrative"
    sentence = case.sentences.get()
    assert (sentence.fine_amount, sentence.fine_currency, sentence.fine_usd_reported) == (
        Decimal("78000.00"),
        "KZT",
        Decimal("143.00"),
    )
    assert str(case.verdict_date) == "2025-07-31"
    assert case.charges.get().article.title == "Spreading false information"


def test_two_hunger_strikes_with_dates_left_unknown(demo):
    strikes = HungerStrike.objects.filter(person__slug="marat-zhylanbayev")
    assert strikes.count() == 2
    assert all(s.started_on is None and s.ended_on is None for s in strikes)


def test_health_observations_each_cite_a_source(demo):
    observations = HealthObservation.objects.filter(person__slug="marat-zhylanbayev")
    weights = [o.weight_kg for o in observations if o.weight_kg is not None]
    assert weights == [Decimal("45.0")]
    descriptions = " ".join(observations.values_list("description", flat=True))
    assert "skin tone" in descriptions and "Fainting spells" in descriptions
    assert all(o.sources.exists() for o in observations)


def test_the_refused_25_july_visit(demo):
    visit = PrisonVisit.objects.get(person__slug="marat-zhylanbayev")
    assert (visit.visited_on, visit.kind, visit.outcome) == (
        dt.date(2025, 7, 25),
        "in_person",  # in person, to ask for a video call
        "refused",
    )
    assert "not members" in visit.refusal_reason
    assert "surveillance footage" in visit.public_summary


def test_name_variants_include_the_other_spelling_and_cyrillic(demo):
    person = Person.objects.get(slug="marat-zhylanbayev")
    assert set(person.name_variants.values_list("name", flat=True)) == {
        "Marat Zhylanbaev",
        "Марат Жыланбаев",
    }
    assert person.memberships.get().organization.translated_name == "Forward, Kazakhstan!"


def test_events_of_26_to_31_july_are_on_the_timeline(demo):
    case = Case.objects.get(person__slug="bakhytzhan-toregozhina")
    assert [str(e.date) for e in case.events.order_by("date")] == [
        "2025-07-26",
        "2025-07-28",
        "2025-07-30",
        "2025-07-31",
    ]


def test_the_demo_is_public_and_published(demo):
    assert Case.objects.public().count() == 2
    assert Person.objects.public().count() == 2


def test_the_demo_is_published_through_the_editorial_service(
    caplog, django_capture_on_commit_callbacks
):
    with (
        caplog.at_level("INFO", logger="casetracker.security"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    for case in Case.objects.all():
        (publication,) = Publication.objects.filter(case=case)
        assert publication.action == Publication.Action.PUBLISHED
        assert publication.actor.username == DEMO_PUBLISHER
        assert publication.snapshot["case"]["slug"] == case.slug
        # the receiver wrote the read model from that version
        version = pm.PublicVersion.objects.get(case_id=case.pk)
        assert version.publication_id == publication.pk
        assert pm.PublicCase.objects.filter(pk=case.pk).exists()
    events = [r.security_event for r in caplog.records if hasattr(r, "security_event")]
    published = [e for e in events if e["event"] == "case_published"]
    assert {e["case_id"] for e in published} == set(Case.objects.values_list("pk", flat=True))
    assert {e["username"] for e in published} == {DEMO_PUBLISHER}


def test_nobody_signs_in_as_the_demo_publisher(demo):
    from django.contrib.auth import get_user_model

    assert not get_user_model().objects.get(username=DEMO_PUBLISHER).has_usable_password()


def test_a_reload_republishes_only_what_it_changed(demo, editor):
    case = Case.objects.get(slug="marat-zhylanbayev-2024-banned-organization")
    Case.objects.filter(pk=case.pk).update(summary="Someone else's edit")  # not the demo's text
    services.publish_case(by=editor, case=case)
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    # the demo's text is back, and published again; the other case is left alone
    assert Publication.objects.filter(case=case).count() == 3
    assert Publication.objects.exclude(case=case).count() == 1
    assert pm.PublicCase.objects.get(pk=case.pk).summary.startswith("Activist")


def test_a_reload_leaves_a_case_an_editor_unpublished(demo, editor):
    case = Case.objects.get(slug="marat-zhylanbayev-2024-banned-organization")
    services.unpublish_case(by=editor, case=case)
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    case.refresh_from_db()
    assert case.editorial_state == Case.EditorialState.DRAFT
    assert not pm.PublicCase.objects.filter(pk=case.pk).exists()
