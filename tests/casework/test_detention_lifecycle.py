"""Release, transfer and death in custody: who is detained now, everywhere."""

import datetime as dt

import pytest
import time_machine
from django.apps import apps
from django.core.exceptions import ValidationError

from cases import lifecycle
from cases.health import run_stale_health_job
from cases.models import Case, Detention, HealthDue, StaleHealthFlag
from people.models import Person
from tests import factories as f

pytestmark = pytest.mark.django_db

UTC = dt.UTC
START = dt.datetime(2025, 7, 1, 12, 0, tzinfo=UTC)


def at(days: float) -> dt.datetime:
    return START + dt.timedelta(days=days)


def run_at(moment):
    with time_machine.travel(moment, tick=False):
        return run_stale_health_job()


def held_case(**detention):
    """A published case whose person is held since 2024-01-10 and was last seen 1 July 2025."""
    with time_machine.travel(START, tick=False):
        case = f.CaseFactory()
        held = f.DetentionFactory(person=case.person, case=case, **detention)
        f.HealthObservationFactory(person=case.person, observed_on=dt.date(2025, 7, 1))
    return case, held


def page(client, case) -> str:
    return " ".join(client.get(case.get_absolute_url()).content.decode().split())


def test_a_released_prisoner_is_not_current_not_counted_as_held_and_not_flagged(client, editor):
    case, held = held_case()
    run_at(at(15))  # overdue: flagged while held
    assert StaleHealthFlag.objects.open().filter(person=case.person).exists()

    with time_machine.travel(at(16), tick=False):
        lifecycle.end_detention(
            by=editor, detention=held, ended_on="2025-07-16", reason=Detention.EndReason.PARDON
        )
    held.refresh_from_db()
    assert not held.is_current
    assert not Person.objects.detained().filter(pk=case.person.pk).exists()
    assert not Detention.objects.current().filter(person=case.person).exists()
    assert HealthDue.objects.filter(person=case.person).count() == 0
    flag = StaleHealthFlag.objects.get(person=case.person)
    assert flag.resolution == StaleHealthFlag.Resolution.RELEASED

    run_at(at(60))  # weeks later: still never flagged again
    assert not StaleHealthFlag.objects.open().filter(person=case.person).exists()

    html = page(client, case)
    assert "(current)" not in html
    assert "Days in detention" not in html
    assert "Released on July 16, 2025 (pardoned)" in html
    assert "to July 16, 2025 (pardoned)" in html


def test_a_release_without_a_known_date_still_ends_the_detention(editor):
    case, held = held_case()
    lifecycle.end_detention(by=editor, detention=held, ended_on="", reason="released")
    assert not Person.objects.detained().filter(pk=case.person.pk).exists()


def test_a_death_in_custody_ends_the_detention_and_resolves_the_flag_as_died(client, editor):
    case, held = held_case()
    run_at(at(15))
    source = f.SourceFactory()
    with time_machine.travel(at(16), tick=False):
        death = lifecycle.record_death(
            by=editor,
            person=case.person,
            data={
                "died_on": "2025-07-14",
                "place": "prison hospital",
                "circumstances": "The prison says heart failure; the family says he was beaten.",
                "visibility": "public",
            },
            sources=[source],
        )
    case.person.refresh_from_db()
    held.refresh_from_db()
    assert str(case.person.date_of_death) == "2025-07-14"
    assert held.end_reason == Detention.EndReason.DEATH
    assert death.detention == held
    flag = StaleHealthFlag.objects.get(person=case.person)
    assert flag.resolution == StaleHealthFlag.Resolution.DIED
    html = page(client, case)
    assert "(current)" not in html
    assert "Died in custody" in html
    assert "the family says he was beaten" in html
    with pytest.raises(ValidationError) as error:
        lifecycle.record_death(by=editor, person=case.person, data={"died_on": "2025-07-14"})
    assert "died_on" in error.value.message_dict


def test_a_recorded_death_alone_means_not_detained_whatever_the_detentions_say():
    case, held = held_case()
    Person.objects.filter(pk=case.person.pk).update(date_of_death="2025-07-10")
    assert not Detention.objects.current().filter(pk=held.pk).exists()
    run_at(at(30))
    assert not StaleHealthFlag.objects.filter(person=case.person).exists()


def test_a_transfer_ends_one_detention_and_starts_the_next(client, editor):
    case, held = held_case(started_on="2024-01-10")
    colony = f.FacilityFactory(name="Penal colony No. 7")
    following = lifecycle.record_transfer(
        by=editor,
        detention=held,
        transferred_on="2025-03-02",
        facility=colony,
        kind=Detention.Kind.PENAL_COLONY,
        regime=Detention.Regime.STRICT,
    )
    held.refresh_from_db()
    assert held.end_reason == Detention.EndReason.TRANSFER
    assert str(held.ended_on) == "2025-03-02"
    assert list(Detention.objects.current().filter(person=case.person)) == [following]
    assert following.case == case
    html = page(client, case)
    assert html.count("(current)") == 1
    assert "(transferred)" in html
    assert "Penal colony, strict regime" in html
    # Days in detention run from the current place's start
    assert "Days in detention" in html


def test_ending_an_ended_detention_is_a_field_error(editor):
    _case, held = held_case()
    lifecycle.end_detention(by=editor, detention=held, ended_on="2025-07-01", reason="amnesty")
    with pytest.raises(ValidationError) as error:
        lifecycle.end_detention(by=editor, detention=held, ended_on="2025-07-02", reason="parole")
    assert "end_reason" in error.value.message_dict


def test_a_regime_on_a_pre_trial_detention_is_a_field_error():
    detention = f.DetentionFactory.build(
        person=f.PersonFactory(), facility=None, kind="pre_trial", regime="strict"
    )
    with pytest.raises(ValidationError) as error:
        detention.full_clean()
    assert "regime" in error.value.message_dict


def test_existing_released_and_dead_records_keep_their_meaning():
    """The data migration: an open detention under a "Released" or "Died in custody"
    case is not "current"; one under "Convicted" stays open."""
    from importlib import import_module

    migration = import_module("cases.migrations.0012_detention_end_reasons_from_status")
    released, released_held = held_case()
    dead, dead_held = held_case()
    convicted, convicted_held = held_case()
    Case.objects.filter(pk=released.pk).update(status="released")
    Case.objects.filter(pk=dead.pk).update(status="died_in_custody")
    Detention.objects.update(kind="", end_reason="")
    migration.forwards(apps, None)
    assert Detention.objects.get(pk=released_held.pk).end_reason == "released"
    assert Detention.objects.get(pk=dead_held.pk).end_reason == "death"
    assert Detention.objects.get(pk=convicted_held.pk).end_reason == ""
    assert Detention.objects.get(pk=convicted_held.pk).kind == "penal_colony"  # its facility's
    assert list(Person.objects.detained()) == [convicted.person]
