"""Issue 14, item 1 in the workspace: "Record a release", "Record a transfer" and
"Record a death in custody" on the staff case and person pages.

Each form runs the lifecycle service (cases.lifecycle), is allowed by the policy
(an assigned monitor, an editor), answers every bad input with a field error
(never a 500), and stages its change: the public sees it only after publication.
"""

import pytest
from django.urls import reverse

from cases import services
from cases.models import Case, DeathInCustody, Detention, PendingChange, Source
from tests import factories as f

pytestmark = pytest.mark.django_db

SOURCE = {
    "source-kind": "lawyer",
    "source-title": "Lawyer's message to the family",
    "source-reliability": "reliable",
    "source-visibility": "public",
}


def held_case(monitor=None, **detention):
    """A published case whose person is held now, assigned to `monitor`."""
    case = f.CaseFactory(person__full_name="Held Person", arrest_date="2024-01-10")
    detention.setdefault("started_on", "2024-01-10")
    held = f.DetentionFactory(person=case.person, case=case, **detention)
    if monitor is not None:
        case.assigned_monitors.add(monitor)
    return case, held


def release_url(case):
    return reverse("monitor:case_release", args=[case.pk])


def transfer_url(case):
    return reverse("monitor:case_transfer", args=[case.pk])


def death_url(person):
    return reverse("monitor:person_death", args=[person.pk])


def body(response) -> str:
    return " ".join(response.content.decode().split())


# --- who may ------------------------------------------------------------------------


def test_an_assigned_monitor_records_a_release_with_its_source(client, monitor):
    case, held = held_case(monitor)
    client.force_login(monitor)
    assert client.get(release_url(case)).status_code == 200

    response = client.post(
        release_url(case), {"ended_on": "2025-07-16", "end_reason": "pardon", **SOURCE}
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("monitor:case_detail", args=[case.pk])
    held.refresh_from_db()
    assert (str(held.ended_on), held.end_reason) == ("2025-07-16", "pardon")
    assert list(held.sources.values_list("title", flat=True)) == [SOURCE["source-title"]]
    assert held.updated_by == monitor
    # staged like every workspace edit: the case waits in the review queue
    assert PendingChange.objects.filter(case=case).exists()


def test_the_staff_case_page_offers_the_forms_to_whoever_may_use_them(client, monitor):
    case, _held = held_case(monitor)
    client.force_login(monitor)
    page = body(client.get(reverse("monitor:case_detail", args=[case.pk])))
    assert release_url(case) in page
    assert transfer_url(case) in page
    assert death_url(case.person) in page
    page = body(client.get(reverse("monitor:person_detail", args=[case.person.pk])))
    assert death_url(case.person) in page


@pytest.mark.parametrize("url", [release_url, transfer_url])
def test_a_monitor_not_assigned_to_the_case_is_refused(client, monitor, other_monitor, url):
    case, held = held_case(monitor)
    client.force_login(other_monitor)
    assert client.get(url(case)).status_code == 403
    response = client.post(url(case), {"ended_on": "2025-07-16", "end_reason": "pardon"})
    assert response.status_code == 403
    held.refresh_from_db()
    assert held.is_current
    page = body(client.get(reverse("monitor:case_detail", args=[case.pk])))
    assert release_url(case) not in page


def test_an_unassigned_monitor_cannot_record_a_death(client, monitor, other_monitor):
    case, _held = held_case(monitor)
    client.force_login(other_monitor)
    response = client.post(death_url(case.person), {"place": "cell", **SOURCE})
    assert response.status_code == 403
    assert not DeathInCustody.objects.exists()


def test_researchers_and_visitors_get_no_form(client, monitor, researcher):
    case, _held = held_case(monitor)
    assert client.get(release_url(case)).status_code == 302  # to the login page
    client.force_login(researcher)
    for url in (release_url(case), transfer_url(case), death_url(case.person)):
        assert client.get(url).status_code == 403


def test_an_editor_records_on_any_case(client, editor):
    case, held = held_case()  # nobody assigned
    client.force_login(editor)
    response = client.post(release_url(case), {"ended_on": "2025", "end_reason": "amnesty"})
    assert response.status_code == 302, response.context["errors"]
    held.refresh_from_db()
    assert (str(held.ended_on), held.end_reason) == ("2025", "amnesty")
    assert not held.sources.exists()  # the source is optional for a release


# --- field errors, never a 500 -------------------------------------------------------


def test_a_release_before_the_detention_began_is_a_field_error(client, monitor):
    case, held = held_case(monitor, started_on="2024-03-01")
    client.force_login(monitor)
    response = client.post(release_url(case), {"ended_on": "2024-02", "end_reason": "parole"})
    assert response.status_code == 200
    assert "before the detention began" in response.context["form"].errors["ended_on"][0]
    held.refresh_from_db()
    assert held.is_current
    assert not Source.objects.exists()


def test_nothing_to_end_without_an_open_detention(client, monitor):
    case, held = held_case(monitor)
    Detention.objects.filter(pk=held.pk).update(ended_on="2025-01-01", end_reason="pardon")
    client.force_login(monitor)
    page = body(client.get(release_url(case)))
    assert "No open detention is recorded" in page
    for url in (release_url(case), transfer_url(case)):
        response = client.post(
            url, {"ended_on": "2025-02-01", "transferred_on": "2025-02-01", "end_reason": "pardon"}
        )
        assert response.status_code == 200
        assert "No open detention" in str(response.context["form"].non_field_errors())
    assert Detention.objects.count() == 1


def test_a_transfer_into_the_same_facility_is_refused(client, monitor):
    case, held = held_case(monitor)
    client.force_login(monitor)
    response = client.post(
        transfer_url(case), {"transferred_on": "2025-03-02", "facility": held.facility_id}
    )
    assert response.status_code == 200
    assert "already held in" in response.context["form"].errors["facility"][0]
    assert Detention.objects.count() == 1


def test_a_transfer_opens_the_next_detention(client, monitor):
    case, held = held_case(monitor)
    colony = f.FacilityFactory(name="Penal colony No. 7", postal_address="PO Box 7, Almaty")
    client.force_login(monitor)
    response = client.post(
        transfer_url(case),
        {"transferred_on": "2025-03-02", "facility": colony.pk, "regime": "strict", **SOURCE},
    )
    assert response.status_code == 302, response.context["form"].errors
    held.refresh_from_db()
    following = Detention.objects.current().get(person=case.person)
    assert held.end_reason == Detention.EndReason.TRANSFER
    assert (following.facility, following.kind, following.regime) == (
        colony,
        Detention.Kind.PENAL_COLONY,  # from the facility's kind
        Detention.Regime.STRICT,
    )
    assert following.sources.count() == 1


def test_a_regime_needs_a_colony_or_a_prison(client, monitor):
    case, _held = held_case(monitor)
    cell = f.FacilityFactory(kind="police_cell")
    client.force_login(monitor)
    response = client.post(
        transfer_url(case),
        {"transferred_on": "2025-03-02", "facility": cell.pk, "regime": "strict"},
    )
    assert response.status_code == 200
    assert "regime" in response.context["form"].errors


JUNK = [
    {"ended_on": "31/12/2025", "end_reason": "pardon"},
    {"ended_on": "2025-02-30", "end_reason": "pardon"},
    {"ended_on": "0001-01-01", "end_reason": "pardon"},
    {"ended_on": "2999", "end_reason": "pardon"},
    {"ended_on": "x" * 5000, "end_reason": "pardon"},
    {"ended_on": "2025", "end_reason": "transfer"},
    {"ended_on": "2025", "end_reason": "death"},
    {"ended_on": "2025", "end_reason": "<script>"},
    {"ended_on": "2025", "end_reason": ""},
    {"end_reason": "pardon", "source-title": "x", "source-kind": "nonsense"},
    {"end_reason": "pardon", "source-title": "x", "source-kind": "media", "source-url": "ftp:/x"},
]


@pytest.mark.parametrize("data", JUNK)
def test_junk_release_input_is_a_field_error(client, monitor, data):
    case, held = held_case(monitor)
    client.force_login(monitor)
    response = client.post(release_url(case), data)
    assert response.status_code == 200
    assert response.context["errors"]
    held.refresh_from_db()
    assert held.is_current


@pytest.mark.parametrize(
    "data",
    [
        {"transferred_on": ""},
        {"transferred_on": "2025-03-02", "facility": "abc"},
        {"transferred_on": "2025-03-02", "facility": "99999999999999999999999"},
        {"transferred_on": "2025-03-02", "kind": "dungeon"},
        {"transferred_on": "2025-13"},
    ],
)
def test_junk_transfer_input_is_a_field_error(client, monitor, data):
    case, _held = held_case(monitor)
    client.force_login(monitor)
    response = client.post(transfer_url(case), data)
    assert response.status_code == 200
    assert response.context["errors"]
    assert Detention.objects.count() == 1


# --- death in custody ------------------------------------------------------------------


def test_a_death_needs_its_source(client, monitor):
    case, _held = held_case(monitor)
    client.force_login(monitor)
    response = client.post(death_url(case.person), {"died_on": "2025-07-14", "place": "cell"})
    assert response.status_code == 200
    assert "title" in response.context["source_form"].errors
    assert not DeathInCustody.objects.exists()


def test_a_death_before_the_arrest_is_a_field_error(client, monitor):
    case, _held = held_case(monitor)
    client.force_login(monitor)
    response = client.post(
        death_url(case.person), {"died_on": "2023-05", "place": "cell", **SOURCE}
    )
    assert response.status_code == 200
    assert "before the arrest" in response.context["form"].errors["died_on"][0]


def test_a_death_needs_a_place_or_a_facility(client, monitor):
    case, _held = held_case(monitor)
    client.force_login(monitor)
    response = client.post(death_url(case.person), {"died_on": "2025-07-14", **SOURCE})
    assert response.status_code == 200
    assert "place" in response.context["form"].errors


@pytest.mark.parametrize(
    "data",
    [
        {"died_on": "yesterday", "place": "cell"},
        {"died_on": "2025", "facility": "'; drop table--", "place": ""},
        {"died_on": "2025", "place": "p" * 400},
        {"died_on": "2025", "place": "cell", "visibility": "everyone"},
    ],
)
def test_junk_death_input_is_a_field_error(client, monitor, data):
    case, _held = held_case(monitor)
    client.force_login(monitor)
    response = client.post(death_url(case.person), {**SOURCE, **data})
    assert response.status_code == 200
    assert response.context["errors"]
    assert not DeathInCustody.objects.exists()


def test_a_death_ends_the_detention_and_is_recorded_once(client, monitor):
    case, held = held_case(monitor)
    client.force_login(monitor)
    data = {
        "died_on": "2025-07-14",
        "place": "prison hospital",
        "circumstances": "The prison says heart failure; the family says he was beaten.",
        "visibility": "public",
        **SOURCE,
    }
    response = client.post(death_url(case.person) + f"?case={case.pk}", data)
    assert response.status_code == 302
    assert response["Location"] == reverse("monitor:case_detail", args=[case.pk])
    death = DeathInCustody.objects.get(person=case.person)
    assert death.sources.count() == 1
    held.refresh_from_db()
    assert held.end_reason == Detention.EndReason.DEATH
    case.person.refresh_from_db()
    assert str(case.person.date_of_death) == "2025-07-14"
    assert PendingChange.objects.filter(case=case).exists()

    again = client.post(death_url(case.person), data)
    assert again.status_code == 200
    assert "already recorded" in again.context["form"].errors["died_on"][0]
    page = body(client.get(reverse("monitor:case_detail", args=[case.pk])))
    assert death_url(case.person) not in page
    assert release_url(case) not in page


# --- public only after publication ---------------------------------------------------------


def public_page(client, case) -> str:
    client.logout()
    return body(client.get(case.get_absolute_url()))


@pytest.mark.staged
def test_a_release_is_public_only_once_an_editor_publishes(client, monitor, editor):
    case, _held = held_case(monitor)
    services.publish_case(by=editor, case=Case.objects.get(pk=case.pk))
    assert "(current)" in public_page(client, case)

    client.force_login(monitor)
    client.post(release_url(case), {"ended_on": "2025-07-16", "end_reason": "pardon", **SOURCE})
    page = public_page(client, case)
    assert "(current)" in page
    assert "Released on" not in page

    services.publish_case(by=editor, case=Case.objects.get(pk=case.pk))
    page = public_page(client, case)
    assert "Released on July 16, 2025 (pardoned)" in page
    assert "(current)" not in page
    assert "message to the family" in page  # the public source is cited
    person_page = body(client.get(case.person.get_absolute_url()))
    assert "Released on July 16, 2025 (pardoned)" in person_page


@pytest.mark.staged
def test_a_transfer_shows_where_to_write_once_published(client, monitor, editor):
    case, _held = held_case(monitor)
    services.publish_case(by=editor, case=Case.objects.get(pk=case.pk))
    colony = f.FacilityFactory(name="Penal colony No. 7", postal_address="PO Box 7, Almaty")
    client.force_login(monitor)
    client.post(transfer_url(case), {"transferred_on": "2025-03-02", "facility": colony.pk})
    assert "PO Box 7" not in public_page(client, case)

    services.publish_case(by=editor, case=Case.objects.get(pk=case.pk))
    page = public_page(client, case)
    assert "Write to PO Box 7, Almaty" in page.replace('</dt> <dd class="postal-address">', " ")
    assert "(transferred)" in page
    assert "PO Box 7, Almaty" in body(client.get(case.person.get_absolute_url()))


@pytest.mark.staged
def test_a_death_is_public_only_once_an_editor_publishes(client, monitor, editor):
    case, _held = held_case(monitor)
    services.publish_case(by=editor, case=Case.objects.get(pk=case.pk))
    client.force_login(monitor)
    client.post(
        death_url(case.person),
        {"died_on": "2025-07-14", "place": "prison hospital", "visibility": "public", **SOURCE},
    )
    assert "Died in custody" not in public_page(client, case)

    services.publish_case(by=editor, case=Case.objects.get(pk=case.pk))
    page = public_page(client, case)
    assert "Died in custody on July 14, 2025 at prison hospital" in page
    assert "(current)" not in page
    assert "Days in detention" not in page
    person_page = body(client.get(case.person.get_absolute_url()))
    assert "Died in custody on July 14, 2025 at prison hospital" in person_page
