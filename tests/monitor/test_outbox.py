"""The device's outbox, server side: a sealed report opens only on the server and
only for its author, a resend never makes a second visit, and the phone gets its
service worker, manifest and per-session draft key."""

import json
import uuid
from urllib.parse import urlencode

import pytest
from django.urls import reverse

from cases.models import PrisonVisit
from casetracker.security import sealing
from tests.monitor.test_visit_report import visit_post

pytestmark = pytest.mark.django_db

URL = reverse("monitor:visit_new")
JSON = {"HTTP_ACCEPT": "application/json"}
MARKER = "MARKER-7f3a-internal-report"


def sealed_report(case, user, **overrides):
    form = visit_post(case, internal_report=MARKER, **overrides)
    return sealing.seal(json.dumps({"form": urlencode(form)}), user=user)


def test_a_sealed_report_holds_no_plaintext_and_opens_only_on_the_server(monitor, draft_case):
    sealed = sealed_report(draft_case, monitor)

    assert MARKER not in sealed
    assert MARKER in sealing.unseal(sealed, user=monitor)


def test_a_report_sealed_by_one_monitor_does_not_open_for_another(
    monitor, other_monitor, draft_case
):
    sealed = sealed_report(draft_case, monitor)

    with pytest.raises(sealing.Unreadable):
        sealing.unseal(sealed, user=other_monitor)


def test_a_report_sealed_to_a_dropped_key_is_unreadable(monitor, draft_case, settings):
    settings.OUTBOX_SEALING_KEYS = ["old-secret"]
    sealed = sealed_report(draft_case, monitor)
    settings.OUTBOX_SEALING_KEYS = ["new-secret", "old-secret"]
    assert MARKER in sealing.unseal(sealed, user=monitor)  # rotation: the old key still opens

    settings.OUTBOX_SEALING_KEYS = ["new-secret"]
    with pytest.raises(sealing.Unreadable):
        sealing.unseal(sealed, user=monitor)


@pytest.mark.parametrize(
    "garbage", ["", "null", "[]", '{"v": 1}', '{"v": 1, "kid": "x"}', "{" * 50, "\x00"]
)
def test_an_unreadable_entry_is_a_clean_400(client, monitor, garbage):
    client.force_login(monitor)

    response = client.post(URL, {"sealed": garbage}, **JSON)

    assert response.status_code == 400
    assert response.json() == {"error": "unreadable"}


def test_the_outbox_sends_a_sealed_report_and_a_resend_makes_no_second_visit(
    client, monitor, draft_case
):
    client.force_login(monitor)
    sealed = sealed_report(draft_case, monitor, idempotency_key=str(uuid.uuid4()))

    first = client.post(URL, {"sealed": sealed}, **JSON)
    second = client.post(URL, {"sealed": sealed}, **JSON)
    third = client.post(URL, {"sealed": sealed}, **JSON)

    visit = PrisonVisit.objects.get()
    assert visit.internal_report == MARKER
    expected = {"saved": reverse("monitor:visit_detail", args=[visit.pk]) + "?saved=1"}
    assert first.json() == second.json() == third.json() == expected


def test_a_resend_from_the_form_itself_is_saved_once(client, monitor, draft_case):
    client.force_login(monitor)
    data = visit_post(draft_case, idempotency_key=str(uuid.uuid4()))

    client.post(URL, data)
    client.post(URL, data)

    assert PrisonVisit.objects.count() == 1


def test_another_monitors_idempotency_key_gets_them_nothing(
    client, monitor, other_monitor, draft_case
):
    key = str(uuid.uuid4())
    client.force_login(monitor)
    client.post(URL, visit_post(draft_case, idempotency_key=key))
    draft_case.assigned_monitors.add(other_monitor)
    client.force_login(other_monitor)

    response = client.post(URL, visit_post(draft_case, idempotency_key=key), **JSON)

    assert response.status_code == 422
    assert PrisonVisit.objects.count() == 1
    assert MARKER not in response.content.decode()


def test_a_sealed_report_with_errors_answers_422_and_opens_as_a_filled_in_form(
    client, monitor, draft_case
):
    client.force_login(monitor)
    sealed = sealed_report(draft_case, monitor, visited_on="2999-01-01")

    response = client.post(URL, {"sealed": sealed}, **JSON)
    assert response.status_code == 422
    assert response.json() == {"errors": ["This date is in the future."]}

    # "Open to correct": the same entry posted by the page, not by fetch().
    page = client.post(URL, {"sealed": sealed}).content.decode()
    assert MARKER in page and 'value="2999-01-01"' in page
    assert not PrisonVisit.objects.exists()


def test_the_page_carries_the_servers_public_key_never_a_private_one(client, monitor):
    client.force_login(monitor)
    page = client.get(URL).content.decode()

    assert f'data-seal-key="{sealing.current_key().public_spki_b64}"' in page
    assert f'data-seal-kid="{sealing.current_key().kid}"' in page


def test_the_draft_key_lives_in_the_session_and_dies_with_it(client, monitor):
    client.force_login(monitor)
    url = reverse("monitor:draft_key")
    first = client.get(url).json()["key"]
    assert client.get(url).json()["key"] == first
    assert "no-store" in client.get(url)["Cache-Control"]

    client.post(reverse("account_logout"))
    assert client.get(url).status_code == 302  # to the login page: no key without a session
    client.force_login(monitor)
    assert client.get(url).json()["key"] != first


def test_the_service_worker_is_served_from_the_workspace_with_its_shell(client):
    response = client.get(reverse("monitor:service_worker"))

    body = response.content.decode()
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert '"/monitor/", "/monitor/visits/new/"' in body
    assert "/static/js/monitor-device.js" in body
    assert 'request.method !== "GET"' in body  # never a POST, never a report


def test_the_app_is_installable(client, monitor):
    manifest = client.get(reverse("monitor:manifest"))

    assert manifest["Content-Type"] == "application/manifest+json"
    data = manifest.json()
    assert data["start_url"] == data["scope"] == "/monitor/"
    assert {icon["sizes"] for icon in data["icons"]} == {"192x192", "512x512"}
    for icon in data["icons"]:
        assert client.get(icon["src"]).status_code == 200
    client.force_login(monitor)
    assert '<link rel="manifest" href="/monitor/manifest.webmanifest">' in (
        client.get(reverse("monitor:workspace")).content.decode()
    )


def test_the_policy_allows_the_worker_and_the_manifest_from_our_origin(client):
    policy = client.get(reverse("monitor:service_worker"))["Content-Security-Policy"]

    assert "worker-src 'self'" in policy
    assert "manifest-src 'self'" in policy
