import pytest
from django.core.management import CommandError, call_command

from cases.models import Case, Detention, HealthObservation
from people.models import NameVariant, Person

pytestmark = pytest.mark.django_db


def seed(**kwargs):
    call_command("seed_synthetic", stdout=open("/dev/null", "w"), **kwargs)  # noqa: SIM115


def test_it_creates_marked_synthetic_people_with_cases_in_both_scripts():
    seed(people=30, observations=2)
    assert Person.objects.filter(is_synthetic=True).count() == 30
    assert Case.objects.filter(is_synthetic=True).count() == 30
    assert NameVariant.objects.filter(script="Cyrl").count() == 30
    assert HealthObservation.objects.count() == 60
    assert Detention.objects.filter(ended_on="").exists()


def test_clear_removes_synthetic_data_and_keeps_real_records():
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    seed(people=10, observations=1, force=True)
    seed(clear=True)
    assert not Person.objects.filter(is_synthetic=True).exists()
    assert Case.objects.count() == 2  # the reference case's two cases


def test_it_refuses_to_mix_with_real_cases_outside_debug(settings):
    settings.DEBUG = False
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    with pytest.raises(CommandError, match="real cases"):
        seed(people=5)
    assert not Person.objects.filter(is_synthetic=True).exists()
