"""merge_people: everything about the duplicate moves to the kept person; history stays."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from cases.health import refresh_health_due
from cases.models import HealthDue, StaleHealthFlag
from casetracker.records import Visibility
from people.models import Membership, NameVariant, Person
from people.services import MOVED_RELATIONS, RECOMPUTED_RELATIONS, merge_people
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair():
    keep = f.PersonFactory(full_name="Marat Zhylanbayev", birth_date="1963")
    merge = f.PersonFactory(full_name="Marat Zhylanbaev", occupation="Runner")
    return keep, merge


def test_cases_and_every_record_about_the_person_move_over(pair, editor):
    keep, merge = pair
    case = f.CaseFactory(person=merge)
    records = [
        f.DetentionFactory(person=merge),
        f.HungerStrikeFactory(person=merge),
        f.HealthObservationFactory(person=merge),
        f.PrisonVisitFactory(person=merge),
        f.MembershipFactory(person=merge),
    ]
    merge_people(keep=keep, merge=merge, by=editor)
    case.refresh_from_db()
    assert case.person == keep
    for record in records:
        record.refresh_from_db()
        assert record.person == keep


def test_the_merged_name_becomes_a_variant_and_variants_are_combined(pair, editor):
    keep, merge = pair
    f.NameVariantFactory(person=merge, name="Марат Жыланбаев")
    f.NameVariantFactory(person=keep, name="M. Zhylanbayev")
    merge_people(keep=keep, merge=merge, by=editor)
    assert sorted(
        NameVariant.objects.active().filter(person=keep).values_list("name", flat=True)
    ) == [
        "M. Zhylanbayev",
        "Marat Zhylanbaev",
        "Марат Жыланбаев",
    ]


def test_a_variant_both_have_is_not_doubled(pair, editor):
    keep, merge = pair
    f.NameVariantFactory(person=keep, name="Марат Жыланбаев")
    f.NameVariantFactory(person=merge, name="Марат Жыланбаев")
    merge_people(keep=keep, merge=merge, by=editor)
    assert NameVariant.objects.active().filter(person=keep, name="Марат Жыланбаев").count() == 1


def test_the_name_of_an_internal_duplicate_becomes_an_internal_variant(pair, editor):
    keep, merge = pair
    merge.visibility = Visibility.INTERNAL
    merge.save()
    merge_people(keep=keep, merge=merge, by=editor)
    assert NameVariant.objects.get(name="Marat Zhylanbaev").visibility == Visibility.INTERNAL


def test_a_membership_both_have_is_kept_once(pair, editor):
    keep, merge = pair
    org = f.OrganizationFactory()
    f.MembershipFactory(person=keep, organization=org)
    f.MembershipFactory(person=merge, organization=org)
    merge_people(keep=keep, merge=merge, by=editor)
    assert Membership.objects.active().filter(person=keep).count() == 1


def test_the_merged_person_is_archived_not_deleted_and_history_names_the_merge(pair, editor):
    keep, merge = pair
    case = f.CaseFactory(person=merge)
    merge_people(keep=keep, merge=merge, by=editor)
    merge.refresh_from_db()
    assert merge.is_archived
    assert merge.archived_by == editor
    latest = case.history.latest()
    assert latest.history_user == editor
    assert f"merged person #{merge.pk}" in latest.history_change_reason


def test_empty_fields_of_the_kept_person_are_filled_from_the_duplicate(pair, editor):
    keep, merge = pair
    merge_people(keep=keep, merge=merge, by=editor)
    keep.refresh_from_db()
    assert keep.occupation == "Runner"
    assert str(keep.birth_date) == "1963"


def test_two_open_stale_flags_become_one(pair, editor):
    keep, merge = pair
    f.DetentionFactory(person=keep, started_on="2024-01-10")  # held and long overdue
    now = timezone.now()
    StaleHealthFlag.objects.create(person=keep, due_since=now, interval_days=14)
    StaleHealthFlag.objects.create(person=merge, due_since=now, interval_days=14)
    merge_people(keep=keep, merge=merge, by=editor)
    assert StaleHealthFlag.objects.filter(person=keep, resolved_at__isnull=True).count() == 1


def test_a_person_cannot_be_merged_into_themselves(pair, editor):
    keep, _merge = pair
    with pytest.raises(ValidationError):
        merge_people(keep=keep, merge=keep, by=editor)


def test_an_archived_person_cannot_be_merged(pair, editor):
    keep, merge = pair
    merge.archived_at = timezone.now()
    merge.save()
    with pytest.raises(ValidationError):
        merge_people(keep=keep, merge=merge, by=editor)


def test_every_relation_to_a_person_is_handled_by_the_merge():
    relations = {rel.get_accessor_name() for rel in Person._meta.related_objects}
    assert relations - MOVED_RELATIONS - RECOMPUTED_RELATIONS == set()


def test_the_due_moment_follows_the_detention_to_the_kept_person(editor):
    keep = f.PersonFactory()
    merge = f.DetentionFactory(started_on="2025-01-01").person
    refresh_health_due(person_ids=[merge.pk])

    merge_people(keep=keep, merge=merge, by=editor)

    assert list(HealthDue.objects.values_list("person", flat=True)) == [keep.pk]
