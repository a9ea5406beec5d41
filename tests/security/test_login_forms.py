"""No sign-in path skips the second factor.

The walk takes every route the URLconf exposes (tests/security/routes.py), as a
visitor and as a signed-in monitor (the insider who found Django's admin login
form behind their own session), finds every form with a password field on the
page each route leads to, and submits an enrolled administrator's username and
password to it, and to the route itself. None may sign the administrator in:
the only way in is allauth's login, which then asks for the code.
"""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import urljoin

import pytest
from allauth.account.forms import default_token_generator
from allauth.account.utils import user_pk_to_url_str
from django.test import Client

from .conftest import MFA_URL, PASSWORD, current_code, enrol_totp
from .routes import all_routes, concrete_url

pytestmark = pytest.mark.django_db


class Forms(HTMLParser):
    """The forms of a page: action, method and their inputs (name, type, value)."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append(
                {
                    "action": attrs.get("action") or "",
                    "method": attrs.get("method", "get"),
                    "inputs": [],
                }
            )
        elif tag in ("input", "textarea", "select") and self.forms and attrs.get("name"):
            self.forms[-1]["inputs"].append(
                (attrs["name"], (attrs.get("type") or "text").lower(), attrs.get("value") or "")
            )


def password_forms(page_url: str, html: str) -> list[dict]:
    parser = Forms()
    parser.feed(html)
    found = []
    for form in parser.forms:
        if any(kind == "password" for _name, kind, _value in form["inputs"]):
            form["url"] = urljoin(page_url, form["action"] or page_url)
            found.append(form)
    return found


def credentials_for(form: dict, username: str) -> dict:
    """What an attacker who knows the administrator's password types into it."""
    data = {}
    for name, kind, value in form["inputs"]:
        if kind == "password":
            data[name] = PASSWORD
        elif kind in ("text", "email") or name in ("login", "username"):
            data[name] = username
        elif kind not in ("checkbox", "radio", "submit"):
            data[name] = value
    return data


def signed_in_as(client: Client) -> str | None:
    return client.session.get("_auth_user_id")


@pytest.fixture
def enrolled(administrator, monitor):
    administrator.email = "administrator@example.org"
    administrator.save()
    secrets = {"administrator": enrol_totp(administrator), "monitor": enrol_totp(monitor)}
    values = {
        "uidb36": user_pk_to_url_str(administrator),
        "key": default_token_generator.make_token(administrator),
        "object_id": administrator.pk,
        "admin:accounts.user": administrator.pk,
    }
    return secrets, values


def _as_before(client: Client, monitor) -> None:
    """Signed in as the monitor again if a route signed them out (or as nobody)."""
    if monitor is not None and signed_in_as(client) != str(monitor.pk):
        # Fresh from the database: the walk's own POST to the password-change form
        # re-hashes the password, which would end a session signed with the old hash.
        monitor.refresh_from_db()
        client.force_login(monitor)


def walk(as_monitor: bool, monitor, administrator, values) -> tuple[list[str], list[str]]:
    """(every password form found, as `route -> form url`; every sign-in without a code)."""
    found, bypasses = [], []
    for number, route in enumerate(all_routes()):
        url = concrete_url(route, values)
        # A fresh client per route: a sign-in left half-way (waiting for its code)
        # must not change where the next route leads.
        client = Client(raise_request_exception=False)

        # A fresh address per route: allauth's per-address limits are not under test.
        address = f"198.18.{number // 250}.{number % 250 + 1}"
        _as_before(client, monitor if as_monitor else None)
        page = client.get(url, follow=True, REMOTE_ADDR=address)
        page_url = page.redirect_chain[-1][0] if page.redirect_chain else url
        html = "" if page.streaming else page.content.decode(errors="replace")  # exports
        targets = [
            (form["url"], credentials_for(form, "administrator"))
            for form in password_forms(page_url, html)
        ]
        found += [f"{route.template} -> {target}" for target, _data in targets]
        # The route itself, too: a view may accept credentials it never shows a form for.
        targets.append((url, {"username": "administrator", "login": "administrator",
                              "password": PASSWORD, "this_is_the_login_form": "1"}))  # fmt: skip
        for target, data in targets:
            _as_before(client, monitor if as_monitor else None)
            client.post(target, data, REMOTE_ADDR=address)
            if signed_in_as(client) == str(administrator.pk):
                bypasses.append(f"{route.template}: POST {target}")
    return found, bypasses


@pytest.mark.parametrize("as_monitor", [False, True], ids=["visitor", "signed-in-monitor"])
def test_no_form_the_urlconf_exposes_signs_in_an_enrolled_user_without_the_code(
    as_monitor, enrolled, monitor, administrator
):
    _secrets, values = enrolled

    found, bypasses = walk(as_monitor, monitor, administrator, values)

    assert bypasses == []
    # The walk reached the password forms, so "no bypass" means something.
    expected = (
        ("/accounts/reauthenticate/ -> ", "/accounts/password/change/ -> ")
        if as_monitor
        else ("/accounts/login/ -> ", "/admin/login/ -> ", "/accounts/password/reset/key/")
    )
    for start in expected:
        assert any(line.startswith(start) for line in found), (start, found)


def test_the_allauth_login_the_walk_found_asks_for_the_code_and_then_signs_in(
    client, enrolled, administrator
):
    secrets, _values = enrolled
    page = client.get("/admin/login/?next=/admin/", follow=True)
    (form,) = password_forms(page.redirect_chain[-1][0], page.content.decode())

    response = client.post(form["url"], credentials_for(form, "administrator"))

    assert response["Location"] == MFA_URL
    assert signed_in_as(client) is None
    response = client.post(MFA_URL, {"code": current_code(secrets["administrator"])})
    assert response["Location"] == "/admin/"
    assert signed_in_as(client) == str(administrator.pk)


def test_a_signed_in_monitor_at_the_admin_login_is_sent_to_sign_out_first(client, monitor):
    client.force_login(monitor)

    response = client.get("/admin/login/?next=/admin/")

    assert response.status_code == 302
    assert response["Location"] == (
        "/accounts/logout/?next=%2Faccounts%2Flogin%2F%3Fnext%3D%252Fadmin%252F"
    )
    assert signed_in_as(client) == str(monitor.pk)  # a GET signs nobody out
    response = client.post(response["Location"], {"next": "/accounts/login/?next=/admin/"})
    assert response["Location"] == "/accounts/login/?next=/admin/"
    assert signed_in_as(client) is None


def test_credentials_posted_to_the_admin_login_sign_the_monitor_out_and_nobody_in(
    client, enrolled, monitor, administrator
):
    client.force_login(monitor)

    response = client.post(
        "/admin/login/?next=/admin/",
        {"username": "administrator", "password": PASSWORD, "this_is_the_login_form": "1"},
    )

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=%2Fadmin%2F"
    assert signed_in_as(client) is None


def test_a_signed_in_administrator_at_the_admin_login_goes_on_to_next(client, administrator):
    client.force_login(administrator)

    response = client.get("/admin/login/?next=/admin/cases/case/")

    assert response["Location"] == "/admin/cases/case/"


def test_the_admin_login_refuses_to_send_anyone_to_another_site(client):
    response = client.get("/admin/login/?next=https://evil.example/")

    assert response["Location"] == "/accounts/login/?next=%2Fadmin%2F"
