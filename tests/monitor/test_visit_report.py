"""Logging a visit report from a phone: one form, any number of observations and
sources, saved atomically, and nothing typed is ever lost."""

import datetime as dt
from decimal import Decimal
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from cases import services
from cases.models import HealthObservation, PrisonVisit, Publication, Source
from tests import factories as f

pytestmark = pytest.mark.django_db

URL = reverse("monitor:visit_new")


def visit_post(case, **overrides):
    data = {
        "case": case.pk,
        "visited_on": "2025-07-25",
        "kind": "video_call",
        "outcome": "refused",
        "refusal_reason": "The activists were not members of his family.",
        "visitors": "Two activists from Almaty",
        "internal_report": "Guard at the gate was hostile; names withheld.",
        "public_summary": "Activists asked for a video call and were refused.",
        "visibility": "public",
        "observations-TOTAL_FORMS": "2",
        "observations-INITIAL_FORMS": "0",
        "observations-0-kind": "weight",
        "observations-0-weight_kg": "45",
        "observations-0-description": "Shown on a phone recording",
        "observations-0-visibility": "public",
        "observations-1-kind": "general",
        "observations-1-description": "Looks like a living dead man",
        "observations-1-visibility": "internal",
        "sources-TOTAL_FORMS": "1",
        "sources-INITIAL_FORMS": "0",
        "sources-0-kind": "visit",
        "sources-0-title": "Activist present at the 25 July visit",
        "sources-0-reliability": "unverified",
        "sources-0-identity_confidential": "on",
        "sources-0-visibility": "public",
    }
    data.update(overrides)
    return data


def test_a_monitor_logs_a_visit_with_two_observations_and_a_source(client, monitor, draft_case):
    client.force_login(monitor)
    response = client.post(URL, visit_post(draft_case))

    visit = PrisonVisit.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("monitor:visit_detail", args=[visit.pk]) + "?saved=1"
    assert (visit.person, visit.case, visit.created_by) == (draft_case.person, draft_case, monitor)
    observations = HealthObservation.objects.order_by("pk")
    assert [o.kind for o in observations] == ["weight", "general"]
    assert observations[0].weight_kg == Decimal("45")
    assert {o.observed_on for o in observations} == {dt.date(2025, 7, 25)}
    assert {o.visit for o in observations} == {visit}
    source = Source.objects.get()
    assert list(visit.sources.all()) == [source]
    assert all(list(o.sources.all()) == [source] for o in observations)


def test_validation_errors_keep_every_other_value(client, monitor, draft_case):
    client.force_login(monitor)
    response = client.post(
        URL,
        visit_post(
            draft_case, **{"observations-1-kind": "weight", "observations-1-weight_kg": "900"}
        ),
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "A weight above 250 kg is not plausible" in page
    for kept in (
        "Guard at the gate was hostile; names withheld.",
        "Activists asked for a video call and were refused.",
        "Two activists from Almaty",
        "The activists were not members of his family.",
        "Shown on a phone recording",
        "Looks like a living dead man",
        "Activist present at the 25 July visit",
        'value="900"',
        'value="2025-07-25"',
    ):
        assert kept in page, kept
    assert not PrisonVisit.objects.exists()


def test_an_error_in_the_visit_itself_is_shown_on_its_field(client, monitor, draft_case):
    client.force_login(monitor)
    response = client.post(URL, visit_post(draft_case, visited_on="2999-01-01"))

    assert response.status_code == 200
    assert "This date is in the future." in response.content.decode()
    assert "Looks like a living dead man" in response.content.decode()
    assert not HealthObservation.objects.exists()


def test_a_visit_with_two_observations_is_saved_entirely_or_not_at_all(monitor, draft_case):
    with pytest.raises(ValidationError) as error:
        services.record_visit(
            by=monitor,
            case=draft_case,
            visit={"visited_on": dt.date(2025, 7, 25), "kind": "in_person", "outcome": "held"},
            observations=[
                {"kind": "weight", "weight_kg": Decimal("45")},
                {"kind": "weight", "weight_kg": Decimal("900")},
            ],
        )

    assert "observations-1-weight_kg" in error.value.message_dict
    assert not PrisonVisit.objects.exists()
    assert not HealthObservation.objects.exists()


def test_a_failure_after_the_observations_rolls_back_the_whole_report(monitor, draft_case):
    with (
        mock.patch("cases.services.refresh_health_due", side_effect=RuntimeError("db gone")),
        pytest.raises(RuntimeError),
    ):
        services.record_visit(
            by=monitor,
            case=draft_case,
            visit={"visited_on": dt.date(2025, 7, 25), "kind": "in_person", "outcome": "held"},
            observations=[{"kind": "weight", "weight_kg": Decimal("45")}] * 2,
        )

    assert not PrisonVisit.objects.exists()
    assert not HealthObservation.objects.exists()


def test_a_visit_with_observations_refreshes_when_health_is_next_due(monitor, draft_case):
    with mock.patch("cases.services.refresh_health_due") as refresh:
        services.record_visit(
            by=monitor,
            case=draft_case,
            visit={"visited_on": dt.date(2025, 7, 25), "kind": "in_person", "outcome": "held"},
            observations=[{"kind": "weight", "weight_kg": Decimal("45")}],
        )

    refresh.assert_called_once_with(person_ids=[draft_case.person_id])


def test_the_report_is_recorded_in_history_under_the_monitor(monitor, draft_case):
    visit = services.record_visit(
        by=monitor,
        case=draft_case,
        visit={"visited_on": dt.date(2025, 7, 25), "kind": "phone", "outcome": "refused"},
    )

    assert visit.history.get().history_user == monitor


def test_a_monitor_proposes_a_public_visit_and_the_editors_publish_decides(
    client, monitor, editor, published_case
):
    services.publish_case(by=editor, case=published_case)
    client.force_login(monitor)
    response = client.post(URL, visit_post(published_case))

    assert response.status_code == 302
    visit = PrisonVisit.objects.get()
    assert visit.visibility == "public"
    # Not in the published version until the editor publishes.
    assert (
        str(visit.pk) not in Publication.objects.last_published(published_case).snapshot["visits"]
    )
    services.publish_case(by=editor, case=published_case)
    assert str(visit.pk) in Publication.objects.last_published(published_case).snapshot["visits"]


def test_a_monitor_may_log_an_internal_visit_on_a_published_case(client, monitor, published_case):
    client.force_login(monitor)
    response = client.post(
        URL,
        visit_post(
            published_case,
            visibility="internal",
            **{"observations-0-visibility": "internal", "observations-TOTAL_FORMS": "1"},
        ),
    )

    assert response.status_code == 302
    assert PrisonVisit.objects.get().visibility == "internal"


def test_an_editor_may_add_a_public_visit_to_a_published_case(client, editor, published_case):
    client.force_login(editor)
    response = client.post(URL, visit_post(published_case))

    assert response.status_code == 302
    assert PrisonVisit.objects.public().count() == 1


def test_another_authors_confidential_case_cannot_be_chosen(client, monitor, other_monitor):
    hidden = f.CaseFactory(visibility="confidential", created_by=other_monitor)
    client.force_login(monitor)
    response = client.post(URL, visit_post(hidden))

    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not PrisonVisit.objects.exists()


def test_empty_extra_rows_are_ignored(client, monitor, draft_case):
    client.force_login(monitor)
    data = visit_post(draft_case, **{"observations-TOTAL_FORMS": "3", "sources-TOTAL_FORMS": "2"})
    data["observations-2-visibility"] = "internal"  # the untouched default of a blank row
    data["sources-1-reliability"] = "unverified"
    data["sources-1-visibility"] = "internal"
    response = client.post(URL, data)

    assert response.status_code == 302
    assert HealthObservation.objects.count() == 2
    assert Source.objects.count() == 1


def test_the_form_keeps_a_local_draft_with_no_inline_script(client, monitor, draft_case):
    client.force_login(monitor)
    page = client.get(URL + f"?case={draft_case.pk}").content.decode()

    assert "data-device-form" in page and f'data-user="{monitor.pk}"' in page
    assert "js/monitor-device.js" in page and "js/monitor-formset.js" in page
    assert "<script>" not in page and " style=" not in page


def test_the_success_page_tells_the_browser_to_clear_the_draft_and_outbox_entry(
    client, monitor, draft_case
):
    client.force_login(monitor)
    key = "0b7e3f9c-8a51-4c7e-9d0e-2f1a6b4c5d3e"
    response = client.post(URL, visit_post(draft_case, idempotency_key=key), follow=True)

    page = response.content.decode()
    assert f'data-sent-case="{draft_case.pk}" data-sent-key="{key}"' in page
    assert "Visit report saved." in page


def test_a_form_sent_back_with_errors_does_not_restore_an_older_draft(client, monitor, draft_case):
    client.force_login(monitor)
    response = client.post(URL, visit_post(draft_case, visited_on=""))

    assert "data-draft-bound" in response.content.decode()
