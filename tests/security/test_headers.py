"""Response headers: strict CSP, HSTS, framing and sniffing protection, and no
caching of staff pages or of anything shown to a signed-in user."""

import re

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def csp(response) -> dict[str, str]:
    directives = [part.strip() for part in response["Content-Security-Policy"].split(";")]
    return {d.split(" ", 1)[0]: (d.split(" ", 1) + [""])[1] for d in directives if d}


@pytest.mark.parametrize("path", ["/", "/accounts/login/", "/admin/login/", "/no-such-page/"])
def test_every_page_carries_the_strict_content_security_policy(client, path):
    policy = csp(client.get(path))

    assert policy["default-src"] == "'self'"
    assert policy["script-src"] == "'self'"
    assert policy["style-src"] == "'self'"
    assert policy["object-src"] == "'none'"
    assert policy["frame-ancestors"] == "'none'"
    assert policy["base-uri"] == "'self'"
    assert policy["form-action"] == "'self'"
    assert "unsafe" not in " ".join(policy.values())


def test_https_responses_carry_hsts_and_the_other_protective_headers(client):
    response = client.get("/accounts/login/", secure=True)

    assert response["Strict-Transport-Security"].startswith("max-age=31536000")
    assert "includeSubDomains" in response["Strict-Transport-Security"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]


@pytest.mark.parametrize(
    "path", ["/admin/login/", "/accounts/login/", "/monitor/", "/imports/", "/accounts/2fa/"]
)
def test_staff_and_account_pages_are_never_stored(client, path):
    assert "no-store" in client.get(path)["Cache-Control"]


def test_pages_shown_to_a_signed_in_user_are_never_stored(client, editor):
    client.force_login(editor)

    assert "no-store" in client.get("/")["Cache-Control"]
    assert "no-store" in client.get("/admin/")["Cache-Control"]


def test_public_pages_for_anonymous_visitors_may_be_cached(client):
    assert "no-store" not in client.get("/").get("Cache-Control", "")


def test_session_cookie_is_host_bound_secure_httponly_and_same_site(client, monitor):
    from .conftest import sign_in

    response = sign_in(client, "monitor")

    cookie = response.cookies["__Host-sessionid"]
    assert cookie["secure"] and cookie["httponly"]
    assert cookie["samesite"] == "Lax"
    assert cookie["path"] == "/" and not cookie["domain"]


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.I)
INLINE_HANDLER = re.compile(r"\son[a-z]+\s*=", re.I)
INLINE_STYLE = re.compile(r'\sstyle\s*=\s*"([^"]*)"', re.I)
# Inline style attributes the CSP blocks, knowingly: cosmetic only.
BLOCKED_COSMETIC_STYLES = {"border-top: 0"}  # simple-history's paginator


def test_admin_and_account_pages_need_no_inline_script_or_style(admin_client, client):
    """The CSP forbids inline code; these pages must not depend on any."""
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    from cases.models import Case

    case = Case.objects.first()
    pages = [
        (admin_client, "/admin/"),
        (admin_client, "/admin/cases/case/"),
        (admin_client, f"/admin/cases/case/{case.pk}/change/"),
        (admin_client, "/admin/cases/case/add/"),
        (admin_client, f"/admin/cases/case/{case.pk}/history/"),
        (admin_client, "/admin/accounts/user/add/"),
        (client, "/accounts/login/"),
        (client, "/accounts/password/reset/"),
    ]
    for page_client, path in pages:
        body = page_client.get(path).content.decode()
        assert not INLINE_SCRIPT.search(body), path
        assert not INLINE_HANDLER.search(body), path
        assert set(INLINE_STYLE.findall(body)) <= BLOCKED_COSMETIC_STYLES, path


def test_the_language_cookie_is_secure_and_same_site_lax(client, settings):
    response = client.post("/i18n/setlang/", {"language": "ru", "next": "/"}, secure=True)

    cookie = response.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert cookie.value == "ru"
    assert cookie["secure"] is True
    assert cookie["samesite"] == "Lax"
    assert cookie["httponly"] is True


def test_the_language_cookie_follows_the_session_cookie_settings():
    from casetracker import settings as module

    assert module.LANGUAGE_COOKIE_SECURE == module.SESSION_COOKIE_SECURE
    assert module.LANGUAGE_COOKIE_SAMESITE == "Lax"


def test_the_csrf_cookie_is_httponly(client):
    # Scripts read the token from the form's hidden field, never from the cookie.
    response = client.get("/accounts/login/", secure=True)

    cookie = response.cookies["csrftoken"]
    assert cookie["httponly"] is True
