"""Draft → in review → published (and unpublished), with a diff since the last
publication, restore of a published version, and public correction notes."""

import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases import services
from cases.models import Case, Event, Publication
from cases.snapshots import build_snapshot, diff_snapshots
from casetracker.records import Visibility
from tests import factories as f

pytestmark = pytest.mark.django_db

SECRET = "Guard named Ivanov let us see the footage"


@pytest.fixture
def visit(draft_case, monitor):
    return f.PrisonVisitFactory(
        person=draft_case.person,
        case=draft_case,
        outcome="refused",
        visitors="Two activists",
        internal_report=SECRET,
        public_summary="The prison refused a video call.",
        created_by=monitor,
    )


def test_a_monitor_submits_a_draft_for_review(client, monitor, draft_case):
    client.force_login(monitor)
    client.post(reverse("monitor:case_submit", args=[draft_case.pk]), {"comment": "Ready"})

    draft_case.refresh_from_db()
    assert draft_case.editorial_state == Case.EditorialState.IN_REVIEW
    entry = Publication.objects.get()
    assert (entry.action, entry.actor, entry.comment) == ("submitted", monitor, "Ready")


def test_the_review_queue_lists_cases_in_review(client, editor, draft_case, monitor):
    services.submit_for_review(by=monitor, case=draft_case)
    client.force_login(editor)

    page = client.get(reverse("monitor:review_queue")).content.decode()

    assert str(draft_case) in page


def test_a_monitor_cannot_publish_even_by_calling_the_service(monitor, draft_case):
    with pytest.raises(PermissionDenied):
        services.publish_case(by=monitor, case=draft_case)
    draft_case.refresh_from_db()
    assert draft_case.editorial_state == Case.EditorialState.DRAFT


def test_publishing_makes_the_case_public_and_records_who_and_when(editor, draft_case):
    publication = services.publish_case(by=editor, case=draft_case, comment="Checked")

    assert Case.objects.public().filter(pk=draft_case.pk).exists()
    assert (publication.action, publication.actor) == ("published", editor)
    assert publication.snapshot["case"]["summary"] == draft_case.summary


def test_a_snapshot_never_holds_internal_fields_or_records(editor, draft_case, visit):
    draft_case.internal_notes = "Lawyer is under pressure"
    draft_case.save()
    f.HealthObservationFactory(
        person=draft_case.person, visibility=Visibility.INTERNAL, description="Internal only"
    )
    f.EventFactory(case=draft_case, visibility=Visibility.CONFIDENTIAL, title="Secret meeting")

    text = json.dumps(build_snapshot(draft_case))

    assert "The prison refused a video call." in text
    for secret in (
        SECRET,
        "Two activists",
        "Lawyer is under pressure",
        "Internal only",
        "Secret meeting",
    ):
        assert secret not in text


def test_a_confidential_source_is_named_only_as_confidential(editor, draft_case, visit):
    visit.sources.add(f.SourceFactory(title="Cousin of the prisoner", identity_confidential=True))

    text = json.dumps(build_snapshot(draft_case))

    assert "Cousin of the prisoner" not in text
    assert "Confidential source" in text


def test_the_snapshot_is_deterministic(draft_case, visit):
    assert json.dumps(build_snapshot(draft_case), sort_keys=True) == json.dumps(
        build_snapshot(draft_case), sort_keys=True
    )


def test_the_snapshot_takes_a_fixed_number_of_queries(draft_case):
    def queries_for_snapshot():
        case = Case.objects.select_related("person").get(pk=draft_case.pk)
        with CaptureQueriesContext(connection) as ctx:
            build_snapshot(case)
        return len(ctx)

    f.EventFactory(case=draft_case).sources.add(f.SourceFactory())
    f.HealthObservationFactory(person=draft_case.person).sources.add(f.SourceFactory())
    with_one = queries_for_snapshot()
    for _ in range(10):
        f.EventFactory(case=draft_case).sources.add(f.SourceFactory())
        f.HealthObservationFactory(person=draft_case.person).sources.add(f.SourceFactory())

    assert queries_for_snapshot() == with_one


def test_the_diff_shows_a_changed_field_with_its_old_and_new_value(editor, draft_case):
    services.publish_case(by=editor, case=draft_case)
    draft_case.summary = "Released on 1 August."
    draft_case.save()

    (change,) = services.current_changes(draft_case)

    assert (change.section, change.change) == ("case", "changed")
    assert [(c.label, c.new) for c in change.fields] == [
        ("public summary", "Released on 1 August.")
    ]


def test_the_diff_shows_a_record_made_public_since_the_last_publication(editor, draft_case):
    services.publish_case(by=editor, case=draft_case)
    f.EventFactory(case=draft_case, title="Summoned to a police station")

    (change,) = services.current_changes(draft_case)

    assert (change.section, change.change, change.record) == (
        "events",
        "added",
        "2025-03-01 Summoned to a police station",
    )


def test_the_diff_shows_a_record_withdrawn_from_the_public(editor, draft_case):
    event = f.EventFactory(case=draft_case)
    services.publish_case(by=editor, case=draft_case)
    event.visibility = Visibility.INTERNAL
    event.save()

    assert [c.change for c in services.current_changes(draft_case)] == ["removed"]


def test_nothing_changed_means_an_empty_diff(editor, draft_case, visit):
    services.publish_case(by=editor, case=draft_case)

    assert services.current_changes(draft_case) == []


def test_the_review_page_shows_the_diff_without_internal_text(client, editor, draft_case, visit):
    client.force_login(editor)
    page = client.get(reverse("monitor:case_publish", args=[draft_case.pk])).content.decode()

    assert "The prison refused a video call." in page
    assert SECRET not in page
    assert "never published before" in page


def test_an_editor_publishes_from_the_review_page(client, editor, draft_case, monitor):
    services.submit_for_review(by=monitor, case=draft_case)
    client.force_login(editor)
    response = client.post(reverse("monitor:case_publish", args=[draft_case.pk]), {})

    assert response.status_code == 302
    draft_case.refresh_from_db()
    assert draft_case.is_published


def test_a_correction_note_needs_an_already_published_case(editor, draft_case):
    with pytest.raises(ValidationError) as error:
        services.publish_case(by=editor, case=draft_case, correction_note="Weight was 47 kg")

    assert "correction_note" in error.value.message_dict
    assert not Publication.objects.exists()


def test_a_correction_note_is_available_to_the_public_page(editor, published_case):
    services.publish_case(by=editor, case=published_case, correction_note="Weight was 47 kg")

    notes = Publication.objects.public_corrections(published_case)

    assert [n.correction_note for n in notes] == ["Weight was 47 kg"]


def test_correction_notes_of_an_unpublished_case_are_not_public(editor, published_case):
    services.publish_case(by=editor, case=published_case, correction_note="Weight was 47 kg")
    services.unpublish_case(by=editor, case=published_case)

    assert not Publication.objects.public_corrections(published_case).exists()


def test_unpublishing_takes_the_case_off_the_public_site(client, editor, published_case):
    client.force_login(editor)
    client.post(reverse("monitor:case_unpublish", args=[published_case.pk]), {})

    assert not Case.objects.public().filter(pk=published_case.pk).exists()
    assert Publication.objects.get().action == "unpublished"


def test_restoring_a_version_brings_back_its_public_content(editor, draft_case):
    first = services.publish_case(by=editor, case=draft_case)
    draft_case.summary = "A wrong claim"
    draft_case.internal_notes = "Kept through the restore"
    draft_case.save()
    added = f.EventFactory(case=draft_case, title="Unverified rumour")
    services.publish_case(by=editor, case=draft_case)

    restored = services.restore_publication(by=editor, publication=first, comment="Rumour")

    draft_case.refresh_from_db()
    added.refresh_from_db()
    assert draft_case.summary == first.snapshot["case"]["summary"]
    assert draft_case.internal_notes == "Kept through the restore"
    assert added.visibility == Visibility.INTERNAL
    assert (restored.action, restored.actor, restored.restored_from) == ("restored", editor, first)
    assert restored.snapshot == first.snapshot
    assert draft_case.is_published


def test_restoring_brings_back_a_record_withdrawn_since(editor, draft_case):
    event = f.EventFactory(case=draft_case, title="Verdict", description="Seven years")
    first = services.publish_case(by=editor, case=draft_case)
    event.description = "Eight years"
    event.archived_at = event.created_at
    event.save()

    services.restore_publication(by=editor, publication=first)

    event.refresh_from_db()
    assert (event.description, event.archived_at, event.visibility) == (
        "Seven years",
        None,
        "public",
    )
    assert event.history.first().history_change_reason == f"restored publication #{first.pk}"


def test_the_restore_page_shows_what_the_public_page_will_change(client, editor, draft_case):
    first = services.publish_case(by=editor, case=draft_case)
    draft_case.summary = "A wrong claim"
    draft_case.save()
    client.force_login(editor)

    page = client.get(reverse("monitor:restore", args=[first.pk])).content.decode()

    assert "A wrong claim" in page


def test_the_preview_shows_the_public_page_without_internal_text(client, editor, draft_case, visit):
    client.force_login(editor)
    response = client.get(reverse("monitor:case_preview", args=[draft_case.pk]))

    page = response.content.decode()
    assert response.status_code == 200
    assert draft_case.person.full_name in page
    assert SECRET not in page and "Two activists" not in page
    assert "no-store" in response["Cache-Control"]


def test_monitors_do_not_get_the_preview(client, monitor, draft_case):
    client.force_login(monitor)

    assert client.get(reverse("monitor:case_preview", args=[draft_case.pk])).status_code == 403


def test_a_monitor_edit_of_what_is_published_waits_for_the_editor(
    client, monitor, editor, published_case
):
    live = f.EventFactory(case=published_case, title="Verdict")
    services.publish_case(by=editor, case=published_case)
    client.force_login(monitor)

    response = client.post(
        reverse("monitor:event_edit", args=[live.pk]),
        {"kind": "verdict", "date": "2025-01-01", "title": "Changed", "visibility": "public"},
    )

    # Saved as a proposal: the published version still says what the editor approved.
    assert response.status_code == 302
    assert Event.objects.get(pk=live.pk).title == "Changed"
    last = Publication.objects.last_published(published_case)
    assert last.snapshot["events"][str(live.pk)]["title"] == "Verdict"
    assert services.current_changes(published_case)

    services.publish_case(by=editor, case=published_case)
    last = Publication.objects.last_published(published_case)
    assert last.snapshot["events"][str(live.pk)]["title"] == "Changed"


def test_a_monitor_edits_only_internal_fields_of_a_published_case(client, monitor, published_case):
    client.force_login(monitor)
    response = client.post(
        reverse("monitor:case_edit", args=[published_case.pk]),
        {
            "internal_notes": "Family visited",
            "summary": "Hijacked",
            "health_check_interval_days": 7,
        },
    )

    published_case.refresh_from_db()
    assert response.status_code == 302
    assert (published_case.internal_notes, published_case.summary) == (
        "Family visited",
        "Sentenced to seven years.",
    )


def test_diffing_against_nothing_lists_everything_as_added(draft_case):
    changes = diff_snapshots(None, build_snapshot(draft_case))

    assert [c.change for c in changes] == ["added", "added"]


def test_a_correction_note_is_shown_on_the_public_case_page(client, editor, published_case):
    services.publish_case(by=editor, case=published_case, correction_note="Weight was 47 kg")

    page = client.get(published_case.get_absolute_url()).content.decode()

    assert "Corrections" in page and "Weight was 47 kg" in page
