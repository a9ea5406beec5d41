import pytest
from django.core.management import call_command

from casetracker.records import Visibility
from people.models import Person
from people.search import search_people, skeleton
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115


def names(query):
    return sorted(p.full_name for p in search_people(Person.objects.public(), query))


@pytest.mark.parametrize(
    "query",
    [
        "Zhylanbayev",
        "Zhylanbaev",
        "zhylanbaev",
        "ZHYLANBAYEV",
        "Жыланбаев",
        "Марат Жыланбаев",
        "Zhylanbáyev",
        "Zhilanbayev",
        "Zhylanbaiev",
    ],
)
def test_it_finds_him_by_any_spelling_script_or_small_misspelling(demo, query):
    assert names(query) == ["Marat Zhylanbayev"]


def test_an_unrelated_name_finds_nobody(demo):
    assert names("Nazarbayev") == []


def test_a_person_without_a_published_case_is_never_found():
    f.PersonFactory(full_name="Hidden Prisoner")
    assert names("Hidden Prisoner") == []


def test_an_internal_name_variant_does_not_reveal_its_person():
    case = f.CaseFactory(person__full_name="Public Name")
    f.NameVariantFactory(person=case.person, name="Secret Alias", visibility=Visibility.INTERNAL)
    assert names("Secret Alias") == []
    assert names("Public Name") == ["Public Name"]


def test_skeleton_ignores_vowels_and_doubled_letters():
    assert skeleton("Zhylanbayev") == skeleton("Zhilanbaev") == skeleton("Жыланбаев") == "zhlnbv"
