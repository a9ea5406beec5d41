"""Offline on a 390×844 phone: a visit submitted without a connection waits in the
outbox (sealed), survives a reload offline, stays out of another case's form, is
saved exactly once back online (a resend too), and logging out leaves no
plaintext of it in localStorage, IndexedDB or the Cache Storage."""

import importlib
import time

import pytest
from django.apps import apps

from cases.models import PrisonVisit
from tests import factories as f

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery staple"
MARKER = "MARKER-zq81-what-the-guard-said"

# Every string this origin keeps on the device, in one text.
DEVICE_DUMP = """async () => {
  const out = [JSON.stringify(localStorage), JSON.stringify(sessionStorage)];
  for (const name of await caches.keys()) {
    const cache = await caches.open(name);
    for (const request of await cache.keys()) {
      out.push(request.url, await (await cache.match(request)).text());
    }
  }
  for (const info of await indexedDB.databases()) {
    out.push("idb:" + info.name);
  }
  return out.join("\\n");
}"""


def wait_until(page, expression, timeout=15.0):
    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):
        assert time.monotonic() < deadline, f"timed out waiting for {expression}"
        page.wait_for_timeout(100)


@pytest.fixture
def two_cases(monitor):
    importlib.import_module("accounts.migrations.0002_roles").grant_role_permissions(apps)
    a = f.CaseFactory(person__full_name="Aigul Alpha", editorial_state="draft")
    b = f.CaseFactory(person__full_name="Bolat Beta", editorial_state="draft")
    a.assigned_monitors.add(monitor)
    b.assigned_monitors.add(monitor)
    return a, b


def test_a_visit_submitted_offline_waits_sealed_and_is_saved_once(
    live_server, mobile_page, two_cases, monitor
):
    case_a, case_b = two_cases
    page, base = mobile_page, live_server.url
    context = page.context
    page.goto(base + "/monitor/")
    page.fill("#id_login", "monitor")
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.click("main button[type=submit]")
    # The worker installs and takes the workspace; both forms are opened once online.
    wait_until(page, "navigator.serviceWorker.controller !== null")
    form_a = f"{base}/monitor/visits/new/?case={case_a.pk}"
    form_b = f"{base}/monitor/visits/new/?case={case_b.pk}"
    page.goto(form_b)
    page.goto(form_a)

    context.set_offline(True)
    page.select_option("#id_kind", "in_person")
    page.select_option("#id_outcome", "held")
    page.fill("#id_internal_report", MARKER)
    page.click("text=Save the visit report")
    page.wait_for_selector("[data-draft-status]:has-text('outbox')")
    assert not PrisonVisit.objects.exists()

    # Reloaded without a connection: the form comes from the worker, the report
    # is listed in the outbox, and nothing on the device shows the report.
    page.reload()
    page.wait_for_selector("[data-outbox-entry=report]")
    assert "Unsent report" in page.inner_text("[data-outbox-list]")
    assert MARKER not in page.evaluate(DEVICE_DUMP)
    page.goto(base + "/monitor/")
    page.wait_for_selector("[data-outbox-entry=report]")
    assert "Aigul Alpha" in page.inner_text("[data-outbox-list]")

    # Case B's form knows nothing of A's report.
    page.goto(form_b)
    assert page.input_value("#id_internal_report") == ""
    assert page.locator("[data-outbox-entry]").count() == 0
    assert MARKER not in page.content()

    # Back online: sent by itself, saved once.
    entry = page.evaluate(
        "Object.entries(localStorage).find(([k]) => k.startsWith('casetracker-outbox:'))"
    )
    context.set_offline(False)
    page.goto(base + "/monitor/")
    wait_until(page, "!Object.keys(localStorage).some(k => k.startsWith('casetracker-outbox:'))")
    visit = PrisonVisit.objects.get()
    assert (visit.case, visit.internal_report, visit.created_by) == (case_a, MARKER, monitor)

    # The same entry sent twice more (a lost answer, a second tab): still one visit.
    for _ in range(2):
        page.evaluate("([k, v]) => localStorage.setItem(k, v)", entry)
        page.goto(base + "/monitor/")
        wait_until(
            page, "!Object.keys(localStorage).some(k => k.startsWith('casetracker-outbox:'))"
        )
    assert PrisonVisit.objects.count() == 1

    # A draft being typed, then log out: told what would be lost, then wiped.
    page.goto(form_b)
    page.fill("#id_internal_report", MARKER + " draft")
    page.wait_for_timeout(600)
    stored = page.evaluate("JSON.stringify(localStorage)")
    assert "casetracker-draft:" in stored and MARKER not in stored  # encrypted
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.accept()))
    with page.expect_navigation():
        page.click("text=Log out")
    assert dialogs and "1 draft(s)" in dialogs[0]
    page.goto(base + "/")
    # the wipe finishes in the signed-out page's scripts: give a loaded machine time
    deadline = time.monotonic() + 15
    dump = page.evaluate(DEVICE_DUMP)
    while "casetracker-" in dump and time.monotonic() < deadline:
        page.wait_for_timeout(200)
        dump = page.evaluate(DEVICE_DUMP)
    assert MARKER not in dump
    assert "casetracker-" not in dump
