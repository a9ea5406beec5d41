"""The Content-Security-Policy blocks nothing the pages themselves need.

The policy allows no inline script or style anywhere; one test walks the main
pages (sign-in, public case page, browse, visit form, admin change page) in
Chromium and fails on any CSP violation Chromium reports on the console.
"""

import importlib

import pytest
from django.apps import apps

from cases.demo import load_reference_case, publish_reference_case
from cases.models import Case

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery staple"


@pytest.fixture
def reference_case():
    # live_server tests flush the database: give the groups their permissions back.
    importlib.import_module("accounts.migrations.0002_roles").grant_role_permissions(apps)
    publish_reference_case(load_reference_case())  # what load_demo does
    return Case.objects.get(slug="marat-zhylanbayev-2024-banned-organization")


def test_the_main_pages_run_without_a_single_csp_violation(
    live_server, page, reference_case, administrator, settings
):
    settings.MFA_REQUIRED_FOR_STAFF = False  # the policy is under test, not enrolment
    messages = []
    page.on("console", lambda message: messages.append(message.text))
    base = live_server.url

    seen = []
    for path in (reference_case.get_absolute_url(), "/cases/", "/accounts/login/"):
        response = page.goto(base + path)
        assert response.status == 200, path
        assert "default-src 'self'" in response.headers["content-security-policy"]
        seen.append(path)

    page.fill("#id_login", "administrator")
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.click("main button[type=submit]")
    for path in ("/monitor/visits/new/", f"/admin/cases/case/{reference_case.pk}/change/"):
        response = page.goto(base + path)
        assert response.status == 200, path
        page.wait_for_load_state("networkidle")
        seen.append(path)
    # The admin's own scripts ran (its jQuery is defined), so the check below saw them.
    assert page.evaluate("typeof django.jQuery") == "function"

    violations = [m for m in messages if "Content Security Policy" in m]
    assert violations == [], seen
