"""The visibility rule: public only when the record is public AND its case is published."""

import pytest

from cases.models import Case, Charge, HealthObservation
from casetracker.records import Visibility
from people.models import Person
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_a_draft_case_is_not_public():
    case = f.CaseFactory(editorial_state=Case.EditorialState.DRAFT)
    assert not Case.objects.public().filter(pk=case.pk).exists()


@pytest.mark.parametrize("visibility", [Visibility.INTERNAL, Visibility.CONFIDENTIAL])
def test_a_non_public_record_of_a_published_case_is_not_public(visibility):
    charge = f.ChargeFactory(visibility=visibility)
    assert not Charge.objects.public().filter(pk=charge.pk).exists()


def test_a_public_record_of_a_draft_case_is_not_public():
    f.ChargeFactory(case__editorial_state=Case.EditorialState.DRAFT)
    assert not Charge.objects.public().exists()


def test_a_person_is_public_only_with_a_published_case():
    person = f.PersonFactory()
    assert not Person.objects.public().exists()
    f.CaseFactory(person=person, editorial_state=Case.EditorialState.IN_REVIEW)
    assert not Person.objects.public().exists()
    f.CaseFactory(person=person)
    assert list(Person.objects.public()) == [person]


def test_person_records_follow_the_person():
    obs = f.HealthObservationFactory()
    assert not HealthObservation.objects.public().exists()
    f.CaseFactory(person=obs.person)
    assert list(HealthObservation.objects.public()) == [obs]


def test_monitors_do_not_see_other_authors_confidential_records(monitor, other_monitor, editor):
    mine = f.HealthObservationFactory(visibility=Visibility.CONFIDENTIAL, created_by=monitor)
    theirs = f.HealthObservationFactory(
        visibility=Visibility.CONFIDENTIAL, created_by=other_monitor
    )
    internal = f.HealthObservationFactory(visibility=Visibility.INTERNAL, created_by=other_monitor)
    assert set(HealthObservation.objects.visible_to(monitor)) == {mine, internal}
    assert set(HealthObservation.objects.visible_to(editor)) == {mine, theirs, internal}


def test_outsiders_see_only_public_records(outsider):
    f.HealthObservationFactory(visibility=Visibility.INTERNAL)
    assert not HealthObservation.objects.visible_to(outsider).exists()


@pytest.mark.parametrize("person_visibility", [Visibility.INTERNAL, Visibility.CONFIDENTIAL])
def test_a_published_case_of_a_non_public_person_is_not_public(person_visibility):
    case = f.CaseFactory(person__visibility=person_visibility)
    assert not Case.objects.public().filter(pk=case.pk).exists()
    assert not Person.objects.public().exists()


def test_a_published_case_of_an_archived_person_is_not_public(editor):
    from casetracker.records import archive_record

    case = f.CaseFactory()
    archive_record(record=case.person, by=editor)
    assert not Case.objects.public().filter(pk=case.pk).exists()
