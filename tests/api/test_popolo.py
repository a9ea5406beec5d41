"""The Popolo export: people, organizations and memberships, public only."""

import pytest

from cases.models import Case
from casetracker.records import Visibility
from tests import factories as f

pytestmark = pytest.mark.django_db


def popolo(api):
    response = api.get("/api/v1/popolo.json")
    assert response.status_code == 200
    return response.json()


def test_a_published_person_with_a_membership_is_exported_in_popolo_shape(api):
    case = f.CaseFactory(person__full_name="Marat Zhylanbayev", person__birth_date="1963")
    f.NameVariantFactory(person=case.person, name="Марат Жыланбаев")
    org = f.OrganizationFactory(name="Alga, Kazakhstan!", translated_name="Forward, Kazakhstan!")
    f.MembershipFactory(person=case.person, organization=org, role="leader", started_on="2019-03")
    data = popolo(api)
    (person,) = data["persons"]
    assert person["id"] == f"person/{case.person.pk}"
    assert person["name"] == "Marat Zhylanbayev"
    assert person["birth_date"] == "1963"
    assert person["other_names"] == [{"name": "Марат Жыланбаев"}]
    assert person["links"][0]["url"].endswith(f"/people/{case.person.slug}/")
    (organization,) = data["organizations"]
    assert organization["other_names"] == [{"name": "Forward, Kazakhstan!", "note": "English"}]
    assert data["memberships"] == [
        {
            "id": data["memberships"][0]["id"],
            "person_id": f"person/{case.person.pk}",
            "organization_id": f"organization/{org.pk}",
            "role": "leader",
            "start_date": "2019-03",
        }
    ]


def test_people_without_a_published_case_and_their_memberships_are_left_out(api):
    draft = f.CaseFactory(editorial_state=Case.EditorialState.DRAFT)
    f.MembershipFactory(person=draft.person)
    data = popolo(api)
    assert data["persons"] == []
    assert data["memberships"] == []


def test_a_membership_of_an_internal_organization_is_left_out(api):
    case = f.CaseFactory()
    f.MembershipFactory(person=case.person, organization__visibility=Visibility.INTERNAL)
    data = popolo(api)
    assert len(data["persons"]) == 1
    assert data["organizations"] == []
    assert data["memberships"] == []


def test_an_approximate_or_bounded_date_is_left_out_of_popolo_and_kept_in_the_api(api):
    """Popolo dates are plain partial ISO dates: "about 1963" has no Popolo form."""
    case = f.CaseFactory(person__birth_date="1963~", arrest_date="../2021-03")
    org = f.OrganizationFactory()
    f.MembershipFactory(person=case.person, organization=org, started_on="../2019-03")
    data = popolo(api)
    (person,) = data["persons"]
    assert "birth_date" not in person
    assert "start_date" not in data["memberships"][0]
    (row,) = api.get("/api/v1/cases/").json()["results"]
    assert row["arrest_date"] == "../2021-03"  # the API and exports carry EDTF
