"""A health observation inherits its visit's confidentiality: what was seen on a
confidential visit is never public, whatever the observation's own setting says."""

import pytest

from cases import services
from cases.models import HealthObservation
from casetracker.records import Visibility
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def published_case():
    return f.CaseFactory(person__full_name="Marat Zhylanbayev")


def test_an_observation_in_a_confidential_visit_report_is_saved_confidential(
    editor, published_case
):
    visit = services.record_visit(
        by=editor,
        case=published_case,
        visit={
            "visited_on": "2025-07-25",
            "kind": "lawyer",
            "outcome": "held",
            "visibility": Visibility.CONFIDENTIAL,
        },
        observations=[
            {"kind": "general", "description": "Bruises on both arms", "visibility": "public"}
        ],
    )

    observation = visit.observations.get()
    assert observation.visibility == Visibility.CONFIDENTIAL
    assert not HealthObservation.objects.public().exists()


def test_making_a_visit_confidential_makes_its_observations_confidential(editor, published_case):
    visit = f.PrisonVisitFactory(person=published_case.person, case=published_case)
    observation = f.HealthObservationFactory(person=published_case.person, visit=visit)
    assert HealthObservation.objects.public().get() == observation

    services.update_visit(by=editor, visit=visit, data={"visibility": Visibility.CONFIDENTIAL})

    observation.refresh_from_db()
    assert observation.visibility == Visibility.CONFIDENTIAL
    assert observation.history.first().history_change_reason == "visit made confidential"
    assert not HealthObservation.objects.public().exists()


def test_an_older_public_observation_on_a_confidential_visit_is_not_on_the_public_page(
    client, published_case
):
    visit = f.PrisonVisitFactory(
        person=published_case.person, case=published_case, visibility=Visibility.CONFIDENTIAL
    )
    observation = f.HealthObservationFactory(
        person=published_case.person, visit=visit, description="Bruises on both arms"
    )
    # A row written before the rule (or by raw SQL) still says public.
    HealthObservation.objects.filter(pk=observation.pk).update(visibility=Visibility.PUBLIC)
    f.HealthObservationFactory(person=published_case.person, description="Lost weight")

    page = client.get(published_case.get_absolute_url()).content.decode()
    api = client.get("/api/v1/health-observations/").json()

    assert "Lost weight" in page
    assert "Bruises on both arms" not in page
    assert [o["description"] for o in api["results"]] == ["Lost weight"]


def test_an_observation_on_an_internal_visit_keeps_its_own_visibility(editor, published_case):
    visit = f.PrisonVisitFactory(
        person=published_case.person, case=published_case, visibility=Visibility.INTERNAL
    )
    observation = f.HealthObservationFactory(person=published_case.person, visit=visit)

    assert HealthObservation.objects.public().get() == observation
