"""From the prison gate to the public page, on a 390×844 phone.

A monitor logs the reference case's 25 July refused visit with a weight
observation; the connection drops on submit, so the report waits in the
device's outbox, sealed; back online, the outbox sends it. The case is
published, so the monitor's "public" is a proposal: the published version does
not have the report until an editor finds the case in the review queue, reviews
the diff and publishes; then the published version (and the public case page)
shows the public summary, never the internal report.
"""

import datetime as dt
import importlib
import re
import time

import pytest
from django.apps import apps

from cases import services
from cases.demo import load_reference_case
from cases.models import Case, HealthObservation, PrisonVisit, Publication

pytestmark = pytest.mark.browser

VISIT_FORM = re.compile(r".*/monitor/visits/new/.*")
PASSWORD = "correct horse battery staple"
SUMMARY = (
    "Activists asked the prison for a video call with Zhylanbayev and were refused because "
    "they were not family; they were shown a phone recording of surveillance footage."
)
INTERNAL = "INTERNAL: the duty officer at the gate gave his name; do not publish."
REASON = "The activists were not members of Zhylanbayev’s family."


@pytest.fixture
def reference_case(monitor, editor):
    # live_server tests flush the database between tests: give the groups back their
    # permissions, as the roles migration did.
    importlib.import_module("accounts.migrations.0002_roles").grant_role_permissions(apps)
    load_reference_case()
    case = Case.objects.get(slug="marat-zhylanbayev-2024-banned-organization")
    # The visit is what the monitor is about to log; the case is published without it.
    PrisonVisit.objects.filter(person=case.person, visited_on=dt.date(2025, 7, 25)).delete()
    services.publish_case(by=editor, case=case)
    case.assigned_monitors.add(monitor)
    return case


def published_text(case) -> str:
    return str(Publication.objects.last_published(case).snapshot)


def wait_until(page, expression, timeout=10.0):
    """page.wait_for_function() evaluates a string, which the CSP forbids: poll instead."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):
        assert time.monotonic() < deadline, f"timed out waiting for {expression}"
        page.wait_for_timeout(100)


def log_in(page, base, username):
    page.goto(base + "/monitor/")
    page.fill("#id_login", username)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.click("main button[type=submit]")
    assert page.url == base + "/monitor/"


def test_a_visit_logged_offline_reaches_the_public_page(
    live_server, browser, mobile_page, assert_accessible, reference_case, monitor, editor
):
    page, base = mobile_page, live_server.url
    log_in(page, base, "monitor")
    page.click(f'a[href="/monitor/visits/new/?case={reference_case.pk}"]')
    form_url = page.url
    assert_accessible(page)

    page.fill("#id_visited_on", "2025-07-25")
    page.select_option("#id_kind", "video_call")
    page.select_option("#id_outcome", "refused")
    page.fill("#id_refusal_reason", REASON)
    page.fill("#id_visitors", "Activists")
    page.fill("#id_internal_report", INTERNAL)
    page.fill("#id_public_summary", SUMMARY)
    page.select_option("#id_visibility", "public")
    page.select_option("#id_observations-0-kind", "weight")
    page.fill("#id_observations-0-weight_kg", "45")
    page.fill("#id_observations-0-description", "Weight has dropped to 45 kg.")
    page.select_option("#id_observations-0-visibility", "public")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    # The connection drops as the report is sent: the report goes into the outbox,
    # sealed, and the form is ready for the next one.
    page.route(
        VISIT_FORM,
        lambda route: route.abort() if route.request.method == "POST" else route.continue_(),
    )
    page.click("text=Save the visit report")
    page.wait_for_selector("[data-draft-status]:has-text('outbox')")
    assert not PrisonVisit.objects.exists()
    stored = page.evaluate("JSON.stringify(localStorage)")
    assert "casetracker-outbox:" in stored and INTERNAL not in stored
    page.unroute(VISIT_FORM)

    # Back online, the next workspace page sends the outbox by itself.
    page.goto(base + "/monitor/")
    wait_until(page, "!Object.keys(localStorage).some(k => k.startsWith('casetracker-outbox:'))")
    visit = PrisonVisit.objects.get()
    assert (visit.outcome, visit.internal_report) == ("refused", INTERNAL)
    assert HealthObservation.objects.get(visit=visit).weight_kg == 45
    assert form_url

    # A proposal: the published version does not have it yet.
    assert SUMMARY not in published_text(reference_case)

    # The editor finds the case in the review queue, reviews what will change
    # publicly, then publishes: that is what makes the report public.
    editor_context = browser.new_context(viewport={"width": 390, "height": 844})
    review = editor_context.new_page()
    log_in(review, base, "editor")
    review.goto(base + "/monitor/review/")
    review.click(f"text={reference_case}")
    diff = review.inner_text("main")
    assert_accessible(review)
    assert SUMMARY in diff and "45" in diff
    assert INTERNAL not in diff
    with review.expect_navigation():
        review.click("main button:has-text('Publish')")
    assert Case.objects.public().filter(pk=reference_case.pk).exists()
    assert SUMMARY in published_text(reference_case)
    assert INTERNAL not in published_text(reference_case)

    review.goto(f"{base}/cases/{reference_case.slug}/")
    public_text = review.inner_text("body")
    assert INTERNAL not in public_text and INTERNAL not in review.content()
    assert SUMMARY in public_text
    editor_context.close()
