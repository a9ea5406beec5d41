"""The one policy (cases.policy): every record type × role × assigned or not × action,
then the same rule through the workspace's URLs, and the findings it closes."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import CommandError, call_command
from django.urls import reverse

from accounts import roles
from cases import policy, services
from cases.models import Case, Event, HungerStrike, PrisonVisit, Publication, Source
from tests import factories as f
from tests.imports.conftest import VALID, to_csv

pytestmark = pytest.mark.django_db

RECORD_TYPES = (
    "case",
    "visit",
    "visit_observation",
    "person_observation",
    "hunger_strike",
    "event",
    "visit_evidence",
    "observation_evidence",
    "source",
)


def _records(case):
    person = case.person
    visit = f.PrisonVisitFactory(person=person, case=case, visibility="internal")
    source = f.SourceFactory(visibility="internal")
    event = f.EventFactory(case=case)
    event.sources.add(source)
    visit_observation = f.HealthObservationFactory(person=person, visit=visit)
    person_observation = f.HealthObservationFactory(person=person)
    return {
        "case": case,
        "visit": visit,
        "visit_observation": visit_observation,
        "person_observation": person_observation,
        "hunger_strike": f.HungerStrikeFactory(person=person, case=case),
        "event": event,
        "visit_evidence": f.EvidenceFileFactory(visit=visit),
        "observation_evidence": f.EvidenceFileFactory(visit=None, observation=person_observation),
        "source": source,
    }


@pytest.fixture
def world(monitor):
    assigned = f.CaseFactory(summary="Assigned")
    assigned.assigned_monitors.add(monitor)
    unassigned = f.CaseFactory(summary="Unassigned")
    return {"assigned": _records(assigned), "unassigned": _records(unassigned)}


ROLES = ("monitor", "editor", "administrator", "researcher", "outsider", "anonymous")
ACTIONS = ("read_internal", "edit", "publish")


def expected(role, where, action):
    if role in ("editor", "administrator"):
        return True
    if role == "monitor":
        return action != "publish" and where == "assigned"
    return False


ASK = {
    "read_internal": policy.may_read_internal,
    "edit": policy.may_edit,
    "publish": lambda user, record: policy.may_publish(user, record),
}


def _mismatches(user, role, world):
    return [
        (record_type, where, action)
        for record_type in RECORD_TYPES
        for where in ("assigned", "unassigned")
        for action in ACTIONS
        if ASK[action](user, world[where][record_type]) is not expected(role, where, action)
    ]


@pytest.mark.parametrize("role", ROLES)
def test_policy_matrix(request, world, role):
    """Every record type × assigned or not × action, for this role (one world per role)."""
    from django.contrib.auth.models import AnonymousUser

    user = AnonymousUser() if role == "anonymous" else request.getfixturevalue(role)
    assert _mismatches(user, role, world) == []


def test_the_matrix_fails_when_assignment_is_ignored(world, monitor, monkeypatch):
    """The matrix can fail: with assignment ignored, it lists every unassigned record."""
    loose = policy.rules.RuleSet()
    loose.add_rule("work_on", policy.is_staff_member)
    loose.add_rule("edit_source", policy.is_staff_member)
    loose.add_rule("publish", policy.is_staff_member & policy.holds_publish_permission)
    monkeypatch.setattr(policy, "_rules", loose)
    wrong = _mismatches(monitor, "monitor", world)
    assert ("visit", "unassigned", "edit") in wrong
    assert ("source", "unassigned", "edit") in wrong


# --- the same rule through the workspace ------------------------------------------------

EDITS = {
    "visit": (
        "monitor:visit_edit",
        {
            "visited_on": "2025-07-25",
            "kind": "phone",
            "outcome": "refused",
            "internal_report": "Rewritten",
            "visibility": "internal",
        },
    ),
    "visit_observation": (
        "monitor:observation_edit",
        {
            "observed_on": "2025-07-25",
            "kind": "general",
            "description": "Rewritten",
            "visibility": "internal",
        },
    ),
    "hunger_strike": (
        "monitor:strike_edit",
        {"started_on": "2025-07-01", "kind": "full", "visibility": "internal"},
    ),
    "event": (
        "monitor:event_edit",
        {"kind": "hearing", "date": "2025-03-01", "title": "Rewritten", "visibility": "public"},
    ),
    "source": (
        "monitor:source_edit",
        {
            "kind": "media",
            "title": "Invented",
            "author": "Invented",
            "reliability": "unverified",
            "visibility": "public",
        },
    ),
}


@pytest.mark.parametrize("record_type", sorted(EDITS))
def test_an_unassigned_monitor_changes_nothing_through_the_workspace(
    client, monitor, world, record_type
):
    client.force_login(monitor)
    name, data = EDITS[record_type]
    record = world["unassigned"][record_type]
    before = type(record).objects.filter(pk=record.pk).values().get()

    response = client.post(reverse(name, args=[record.pk]), data)

    assert response.status_code in (403, 404)
    assert type(record).objects.filter(pk=record.pk).values().get() == before

    # …and the assigned monitor may.
    mine = world["assigned"][record_type]
    response = client.post(reverse(name, args=[mine.pk]), data)
    assert response.status_code == 302, getattr(response, "context", None) and [
        form.errors for form in [response.context.get("form")] if form
    ]


def test_an_unassigned_monitor_reads_no_internal_report_nor_visitors(client, monitor, world):
    visit = world["unassigned"]["visit"]
    PrisonVisit.objects.filter(pk=visit.pk).update(
        internal_report="Qzx internal", visitors="Qzx visitor"
    )
    client.force_login(monitor)

    assert client.get(reverse("monitor:visit_detail", args=[visit.pk])).status_code == 404
    page = client.get(reverse("monitor:case_detail", args=[visit.case_id])).content.decode()
    assert "Qzx" not in page
    page = client.get(reverse("monitor:person_detail", args=[visit.person_id])).content.decode()
    assert "Qzx" not in page


@pytest.mark.parametrize(
    "name,target",
    [
        ("monitor:event_new", "case"),
        ("monitor:observation_new", "person"),
        ("monitor:strike_start", "person"),
    ],
)
def test_an_unassigned_monitor_adds_nothing(client, monitor, world, name, target):
    case = world["unassigned"]["case"]
    pk = case.pk if target == "case" else case.person_id
    client.force_login(monitor)
    counts = (Event.objects.count(), HungerStrike.objects.count())

    response = client.post(
        reverse(name, args=[pk]),
        {"kind": "hearing", "date": "2025-03-01", "title": "X", "started_on": "2025-08-01"},
    )

    assert response.status_code == 403
    assert (Event.objects.count(), HungerStrike.objects.count()) == counts


def test_an_unassigned_monitor_ends_no_hunger_strike(client, monitor, world):
    strike = world["unassigned"]["hunger_strike"]
    client.force_login(monitor)
    response = client.post(
        reverse("monitor:strike_end", args=[strike.pk]),
        {"ended_on": "2025-08-01", "outcome": "demands_met"},
    )
    assert response.status_code in (403, 404)
    strike.refresh_from_db()
    assert strike.is_ongoing


def test_finding_unassigned_monitor_makes_a_cited_internal_source_public(
    client, monitor, editor, world
):
    """The finding: a monitor not assigned to the case edited an internal source cited
    by a public event of a published case, and made it public with an invented title."""
    case = world["unassigned"]["case"]
    source = world["unassigned"]["source"]
    services.publish_case(by=editor, case=case)
    client.force_login(monitor)

    response = client.post(
        reverse("monitor:source_edit", args=[source.pk]),
        {
            "kind": "media",
            "title": "Invented",
            "author": "Invented",
            "reliability": "unverified",
            "visibility": "public",
        },
    )

    assert response.status_code == 403
    source.refresh_from_db()
    assert (source.title, source.visibility) != ("Invented", "public")
    assert source.visibility == "internal"
    with pytest.raises(services.PermissionDenied):
        services.update_source(by=monitor, source=source, data={"title": "Invented"})


# --- publishing comes from the permission, everywhere -------------------------------------


@pytest.fixture
def editors_without_publish(editor):
    group = Group.objects.get(name=roles.EDITOR)
    group.permissions.remove(Permission.objects.get(codename="publish_case"))
    return type(editor).objects.get(pk=editor.pk)  # no cached permissions


def test_removing_publish_case_from_editors_stops_them_publishing_everywhere(
    client, editors_without_publish
):
    editor = editors_without_publish
    case = f.CaseFactory(editorial_state=Case.EditorialState.DRAFT)
    assert not policy.may_publish(editor)
    assert policy.may_import(editor)  # still imports, as drafts

    with pytest.raises(services.PermissionDenied):
        services.publish_case(by=editor, case=case)

    client.force_login(editor)
    assert client.post(reverse("monitor:case_publish", args=[case.pk])).status_code == 403

    # /imports/: the upload refuses "publish" with a field error …
    upload = to_csv([VALID])
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(
        reverse("imports:upload"),
        {"file": SimpleUploadedFile("cases.csv", upload, "text/csv"), "publish": "on"},
    )
    assert response.status_code == 200
    assert "You may not publish" in response.content.decode()
    # … and a hand-made confirmation is refused.
    response = client.post(
        reverse("imports:confirm"), {"token": "x" * 20, "publish": "on", "valid_only": ""}
    )
    assert response.status_code in (302, 403)
    assert not Publication.objects.exists()
    assert Case.objects.filter(editorial_state=Case.EditorialState.PUBLISHED).count() == 0

    with pytest.raises(CommandError, match="may not publish"):
        call_command("publish_case", case.slug, "--by", editor.username)


def test_with_the_permission_the_same_editor_publishes_through_imports(client, editor):
    client.force_login(editor)
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(
        reverse("imports:upload"),
        {
            "file": SimpleUploadedFile("cases.csv", to_csv([VALID]), "text/csv"),
            "publish": "on",
        },
    )
    token = response.context["confirm_form"].initial["token"]
    response = client.post(
        reverse("imports:confirm"), {"token": token, "publish": "on", "valid_only": ""}
    )
    assert response.status_code == 200
    case = Case.objects.get()
    assert case.is_published
    assert Publication.objects.get(case=case).action == Publication.Action.PUBLISHED


def test_sources_are_edited_only_by_monitors_of_every_citing_case(monitor, world):
    shared = f.SourceFactory()
    world["assigned"]["event"].sources.add(shared)
    assert policy.may_edit(monitor, shared)
    world["unassigned"]["event"].sources.add(shared)
    assert not policy.may_edit(monitor, shared)
    uncited_mine = f.SourceFactory(created_by=monitor)
    uncited_other = f.SourceFactory()
    assert policy.may_edit(monitor, uncited_mine)
    assert not policy.may_edit(monitor, uncited_other)
    assert Source.objects.count() >= 4


def test_the_workspace_lists_only_the_monitors_cases(client, monitor, editor, world):
    mine = world["assigned"]["hunger_strike"]
    theirs = world["unassigned"]["hunger_strike"]
    client.force_login(monitor)
    context = client.get(reverse("monitor:workspace")).context
    assert [s.pk for s in context["strikes"]] == [mine.pk]
    people = {item.url for item in context["activity"]}
    assert reverse("monitor:person_detail", args=[theirs.person_id]) not in people

    client.force_login(editor)
    context = client.get(reverse("monitor:workspace")).context
    assert {s.pk for s in context["strikes"]} == {mine.pk, theirs.pk}
