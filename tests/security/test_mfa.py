"""Two-factor authentication: staff must enrol, and once enrolled no sign-in
(including the admin's and a password reset) gets past without the code."""

import re

import pytest
from allauth.mfa.models import Authenticator
from django.core import mail

from .conftest import (
    LOGIN_URL,
    MFA_URL,
    PASSWORD,
    current_code,
    enrol_totp,
    is_signed_in,
    sign_in,
)

pytestmark = pytest.mark.django_db

ACTIVATE_URL = "/accounts/2fa/totp/activate/"


def reauthenticate(client):
    response = client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    assert response.status_code == 302


def test_staff_without_authenticator_are_sent_from_the_admin_to_enrolment(
    client, administrator, mfa_required
):
    client.force_login(administrator)

    response = client.get("/admin/cases/case/")

    assert response.status_code == 302
    assert response["Location"] == f"{ACTIVATE_URL}?next=%2Fadmin%2Fcases%2Fcase%2F"


@pytest.mark.parametrize("path", ["/monitor/", "/imports/", "/api/v1/"])
def test_staff_without_authenticator_are_sent_from_staff_areas_to_enrolment(
    client, monitor, mfa_required, path
):
    client.force_login(monitor)

    response = client.get(path)

    assert response.status_code == 302
    assert response["Location"].startswith(ACTIVATE_URL)


def test_staff_can_still_reach_the_enrolment_page_and_the_public_site(
    client, monitor, mfa_required
):
    sign_in(client, "monitor")
    reauthenticate(client)

    assert client.get(ACTIVATE_URL).status_code == 200
    assert not client.get("/").get("Location", "").startswith(ACTIVATE_URL)


def test_researchers_are_not_asked_to_enrol(client, researcher, mfa_required):
    client.force_login(researcher)

    response = client.get("/monitor/")

    assert not response.get("Location", "").startswith(ACTIVATE_URL)


def test_enrolment_is_not_forced_when_the_setting_is_off(client, administrator, settings):
    settings.MFA_REQUIRED_FOR_STAFF = False
    client.force_login(administrator)

    assert client.get("/admin/").status_code == 200


def test_staff_without_authenticator_land_on_enrolment_right_after_sign_in(
    client, editor, mfa_required
):
    response = sign_in(client, "editor")

    assert response.status_code == 302
    assert response["Location"] == ACTIVATE_URL


def test_enrolling_on_the_activation_page_with_a_real_code_adds_the_authenticator(
    client, editor, mfa_required
):
    sign_in(client, "editor")
    assert client.get(ACTIVATE_URL)["Location"].startswith("/accounts/reauthenticate/")
    reauthenticate(client)  # allauth asks for the password again before any 2FA change
    page = client.get(ACTIVATE_URL)
    assert "<svg" in page.content.decode()  # the QR code, inline
    assert "data:image" not in page.content.decode()
    secret = client.session["mfa.totp.secret"]

    response = client.post(ACTIVATE_URL, {"code": current_code(secret)})

    assert response.status_code == 302
    assert Authenticator.objects.filter(user=editor, type=Authenticator.Type.TOTP).exists()
    assert client.get("/monitor/").status_code == 200


def test_admin_sign_in_asks_for_the_code_before_letting_anyone_in(client, administrator):
    secret = enrol_totp(administrator)

    to_login = client.get("/admin/")
    assert to_login["Location"].startswith("/admin/login/")
    to_allauth = client.get(to_login["Location"])
    assert to_allauth["Location"] == f"{LOGIN_URL}?next=%2Fadmin%2F"

    response = client.post(to_allauth["Location"], {"login": "administrator", "password": PASSWORD})
    assert response["Location"] == MFA_URL
    assert not is_signed_in(client)
    assert client.get("/admin/").status_code == 302  # the password alone opens nothing

    response = client.post(MFA_URL, {"code": current_code(secret)})
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_a_wrong_code_does_not_sign_in(client, monitor):
    enrol_totp(monitor)
    sign_in(client, "monitor")

    response = client.post(MFA_URL, {"code": "000000"})

    assert "Incorrect code" in response.content.decode()
    assert not is_signed_in(client)


def test_a_totp_code_cannot_be_used_twice(client, monitor):
    secret = enrol_totp(monitor)
    code = current_code(secret)
    sign_in(client, "monitor")
    client.post(MFA_URL, {"code": code})
    assert is_signed_in(client)
    client.post("/accounts/logout/")

    sign_in(client, "monitor")
    response = client.post(MFA_URL, {"code": code})

    assert "Incorrect code" in response.content.decode()
    assert not is_signed_in(client)


def test_wrong_codes_are_limited_per_account_from_any_address(client, monitor, settings):
    secret = enrol_totp(monitor)
    for attempt in range(settings.MFA_FAILURE_LIMIT):
        sign_in(client, "monitor", ip=f"203.0.113.{attempt + 1}")
        client.post(MFA_URL, {"code": "000000"}, REMOTE_ADDR=f"203.0.113.{attempt + 1}")

    sign_in(client, "monitor", ip="192.0.2.99")
    response = client.post(MFA_URL, {"code": current_code(secret)}, REMOTE_ADDR="192.0.2.99")

    assert "Too many wrong codes" in response.content.decode()
    assert not is_signed_in(client)


def test_a_recovery_code_signs_in_once(client, monitor):
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes

    enrol_totp(monitor)
    recovery = RecoveryCodes(
        Authenticator.objects.get(user=monitor, type=Authenticator.Type.RECOVERY_CODES)
    )
    code = recovery.get_unused_codes()[0]
    sign_in(client, "monitor")
    client.post(MFA_URL, {"code": code})
    assert is_signed_in(client)
    client.post("/accounts/logout/")

    sign_in(client, "monitor")
    client.post(MFA_URL, {"code": code})

    assert not is_signed_in(client)


def test_authenticator_secrets_are_stored_encrypted(monitor):
    secret = enrol_totp(monitor)

    stored = {a.type: a.data for a in Authenticator.objects.filter(user=monitor)}

    assert stored[Authenticator.Type.TOTP]["secret"].startswith("fernet:")
    assert secret not in str(stored)
    assert stored[Authenticator.Type.RECOVERY_CODES]["seed"].startswith("fernet:")


def test_password_reset_neither_signs_in_nor_skips_the_second_factor(client, monitor):
    monitor.email = "monitor@example.org"
    monitor.save()
    secret = enrol_totp(monitor)

    client.post("/accounts/password/reset/", {"email": "monitor@example.org"})
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/\S+)", mail.outbox[0].body)
    form_url = client.get(link.group(1))["Location"]
    new_password = "a new and long passphrase 42"
    response = client.post(form_url, {"password1": new_password, "password2": new_password})

    assert response.status_code == 302
    assert not is_signed_in(client)
    response = sign_in(client, "monitor", new_password)
    assert response["Location"] == MFA_URL
    assert not is_signed_in(client)
    client.post(MFA_URL, {"code": current_code(secret)})
    assert is_signed_in(client)


def test_signup_is_closed(client):
    response = client.post(
        "/accounts/signup/",
        {
            "username": "newcomer",
            "password1": "a long passphrase 42",
            "password2": "a long passphrase 42",
        },
    )

    assert "closed" in response.content.decode().lower()
    from accounts.models import User

    assert not User.objects.filter(username="newcomer").exists()


def test_short_and_common_passwords_are_refused(client, monitor):
    client.force_login(monitor)
    for weak in ("short1!", "password1234"):
        response = client.post(
            "/accounts/password/change/",
            {"oldpassword": PASSWORD, "password1": weak, "password2": weak},
        )
        assert response.status_code == 200, weak
        assert monitor.__class__.objects.get(pk=monitor.pk).check_password(PASSWORD)


def test_rotating_the_encryption_key_keeps_authenticators_working(client, monitor, settings):
    from cryptography.fernet import Fernet
    from django.core.management import call_command

    old_key, new_key = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.MFA_ENCRYPTION_KEYS = [old_key]
    secret = enrol_totp(monitor)

    settings.MFA_ENCRYPTION_KEYS = [new_key, old_key]
    call_command("rotate_mfa_keys", stdout=open("/dev/null", "w"))  # noqa: SIM115
    settings.MFA_ENCRYPTION_KEYS = [new_key]  # the old key is gone

    sign_in(client, "monitor")
    client.post(MFA_URL, {"code": current_code(secret)})
    assert is_signed_in(client)
