"""Issue 14, item 7: relatives and lawyers, as linked people. Confidential by
default and never public (not declared, never in a version); on the staff person
and case pages only for the roles cases.policy allows: editors, administrators and
a monitor assigned to one of the person's cases."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cases import policy, services
from cases.models import Case
from cases.publicity import BY_MODEL
from cases.snapshots import build_snapshot
from people.models import Person, PersonRelation
from tests import factories as f
from tests.leaks import API_LISTS, crawl_public_site
from tests.public.conftest import text

pytestmark = pytest.mark.django_db

SECRET = "Zqxrelationsecret"


@pytest.fixture
def prisoner(monitor):
    """A published case assigned to `monitor`, with a mother and a lawyer recorded."""
    case = f.CaseFactory(person__full_name="Held Person", slug="held-case")
    case.assigned_monitors.add(monitor)
    person = case.person
    mother = PersonRelation.objects.create(
        person=person,
        other=f.PersonFactory(full_name=f"Mother {SECRET}", visibility="confidential"),
        kind=PersonRelation.Kind.RELATIVE,
        relation="mother",
        notes=f"Phone her first {SECRET}",
    )
    lawyer = PersonRelation.objects.create(
        person=person,
        other=f.PersonFactory(full_name=f"Advocate {SECRET}"),
        kind=PersonRelation.Kind.LAWYER,
        since="2024-02",
        visibility="internal",
    )
    return case, mother, lawyer


def test_a_relation_is_confidential_by_default_and_can_never_be_public(prisoner):
    case, mother, _lawyer = prisoner
    assert mother.visibility == "confidential"
    mother.visibility = "public"
    with pytest.raises(ValidationError) as error:
        mother.full_clean()
    assert "visibility" in error.value.message_dict
    assert PersonRelation not in BY_MODEL  # never declared public
    assert not PersonRelation.objects.public().exists()
    PersonRelation.objects.filter(pk=mother.pk).update(visibility="public")  # past the form
    assert not PersonRelation.objects.public().exists()


def test_bad_input_is_a_field_error(prisoner):
    case, _m, _l = prisoner
    person = case.person
    for data, field in (
        ({"other": person, "kind": "lawyer"}, "other"),  # themselves
        ({"other": f.PersonFactory(), "kind": "relative", "relation": " "}, "relation"),
        ({"other": f.PersonFactory(), "kind": "lawyer", "since": "2024", "until": "2020"}, "until"),
        ({"other": f.PersonFactory(), "kind": "lawyer", "since": "2024-13"}, "since"),
    ):
        with pytest.raises(ValidationError) as error:
            PersonRelation(person=person, **data).full_clean()
        assert field in error.value.message_dict, data


def test_who_may_read_them(prisoner, monitor, other_monitor, editor, administrator, researcher):
    case, _m, _l = prisoner
    person = case.person
    assert policy.may_read_relations(monitor, person)
    assert policy.may_read_relations(editor, person)
    assert policy.may_read_relations(administrator, person)
    assert not policy.may_read_relations(other_monitor, person)
    assert not policy.may_read_relations(researcher, person)
    assert policy.readable_relations(monitor, person).count() == 2  # confidential included
    assert policy.readable_relations(other_monitor, person).count() == 0


@pytest.mark.parametrize("page", ["person", "case"])
def test_the_staff_pages_show_them_only_to_those_roles(
    client, prisoner, monitor, other_monitor, editor, page
):
    case, _m, _l = prisoner
    url = f"/monitor/people/{case.person.pk}/" if page == "person" else f"/monitor/cases/{case.pk}/"
    for user in (monitor, editor):
        client.force_login(user)
        body = text(client.get(url))
        assert f"Mother {SECRET}" in body and f"Advocate {SECRET}" in body, user
        assert "Relatives and lawyers" in body
    client.force_login(other_monitor)
    response = client.get(url)
    assert SECRET not in text(response)
    assert "Relatives and lawyers" not in text(response)


def test_an_assigned_monitor_adds_a_relative_with_a_new_person(client, prisoner, monitor):
    case, _m, _l = prisoner
    client.force_login(monitor)
    url = f"/monitor/people/{case.person.pk}/relations/new/"
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "kind": "relative",
            "relation": "brother",
            "new_person_name": "Brother Person",
            "since": "",
            "until": "",
            "notes": "Brings parcels",
            "visibility": "confidential",
        },
    )
    assert response.status_code == 302, text(response)
    relation = PersonRelation.objects.get(relation="brother")
    assert relation.person == case.person and relation.created_by == monitor
    assert relation.other.full_name == "Brother Person"
    assert relation.other.visibility == "confidential"  # never a public person record
    assert "Brother Person" in text(client.get(f"/monitor/people/{case.person.pk}/"))


@pytest.mark.parametrize(
    "data,field",
    [
        ({"kind": "lawyer"}, "other"),  # neither a person nor a name
        ({"kind": "relative", "new_person_name": "Someone"}, "relation"),
        ({"kind": "lawyer", "new_person_name": "Someone", "visibility": "public"}, "visibility"),
        ({"kind": "lawyer", "new_person_name": "Someone", "since": "yesterday"}, "since"),
        ({"kind": "spy", "new_person_name": "Someone"}, "kind"),
        ({"kind": "lawyer", "new_person_name": "x" * 300}, "new_person_name"),
    ],
)
def test_the_form_refuses_bad_input_field_by_field(client, prisoner, monitor, data, field):
    case, _m, _l = prisoner
    client.force_login(monitor)
    people = Person.objects.count()
    response = client.post(
        f"/monitor/people/{case.person.pk}/relations/new/",
        {"visibility": "confidential", **data},
    )
    assert response.status_code == 200
    assert field in response.context["form"].errors, response.context["form"].errors
    assert Person.objects.count() == people  # nothing half-created


def test_both_a_person_and_a_new_name_is_an_error(client, prisoner, monitor):
    case, _m, _l = prisoner
    client.force_login(monitor)
    response = client.post(
        f"/monitor/people/{case.person.pk}/relations/new/",
        {
            "kind": "lawyer",
            "other": f.PersonFactory().pk,
            "new_person_name": "Someone",
            "visibility": "internal",
        },
    )
    assert response.status_code == 200
    assert "new_person_name" in response.context["form"].errors


def test_others_cannot_add_one(client, prisoner, other_monitor, researcher):
    case, _m, _l = prisoner
    url = f"/monitor/people/{case.person.pk}/relations/new/"
    client.force_login(other_monitor)
    assert client.get(url).status_code == 403
    assert client.post(url, {"kind": "lawyer", "new_person_name": "X"}).status_code == 403
    client.force_login(researcher)
    assert client.get(url).status_code == 403
    with pytest.raises(PermissionDenied):
        services.add_person_relation(
            by=other_monitor, person=case.person, data={"kind": "lawyer"}, new_person_name="X"
        )
    assert not PersonRelation.objects.filter(other__full_name="X").exists()


def test_never_in_a_version_nor_on_any_public_surface(client, prisoner, editor):
    case, _m, _l = prisoner
    services.publish_case(by=editor, case=Case.objects.get(pk=case.pk))
    assert SECRET not in str(build_snapshot(Case.objects.get(pk=case.pk)))
    pages = crawl_public_site(client)
    assert "/cases/held-case/" in pages
    for url, (_status, body) in pages.items():
        assert SECRET not in body, url
    urls = [
        "/cases/export.csv",
        "/cases/export.json",
        "/feed/",
        "/cases/held-case/feed/",
        "/api/v1/popolo.json",
        *API_LISTS,
        f"/api/v1/cases/{case.pk}/",
        f"/api/v1/people/{case.person.pk}/",
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert SECRET not in text(response), url
    for word in ("Mother", "Advocate"):  # the linked people are nobody's case
        assert "0 cases" in text(client.get("/cases/", {"q": word}))
    # the linked people have no public page of their own
    for other in Person.objects.filter(full_name__contains=SECRET):
        assert client.get(f"/people/{other.slug}/").status_code == 404


def test_merging_two_records_of_a_person_moves_their_relatives_and_lawyers(prisoner, editor):
    from people.services import merge_people

    case, mother, lawyer = prisoner
    duplicate = f.PersonFactory(full_name="Held Persson")
    brother = PersonRelation.objects.create(
        person=duplicate, other=f.PersonFactory(), kind="relative", relation="brother"
    )
    client_of = PersonRelation.objects.create(
        person=f.PersonFactory(), other=duplicate, kind="lawyer"
    )
    to_itself = PersonRelation.objects.create(
        person=case.person, other=duplicate, kind="relative", relation="cousin"
    )
    merge_people(keep=case.person, merge=duplicate, by=editor)
    brother.refresh_from_db()
    client_of.refresh_from_db()
    to_itself.refresh_from_db()
    assert brother.person == case.person
    assert client_of.other == case.person
    assert to_itself.is_archived
    assert policy.readable_relations(editor, case.person).count() == 3  # mother, lawyer, brother
