"""Brute force: axes locks a username+address pair after five wrong passwords,
and nothing wider (no lockout of a monitor by strangers elsewhere)."""

import datetime as dt

import pytest
import time_machine
from axes.models import AccessAttempt
from django.utils import timezone

from .conftest import is_signed_in, sign_in

pytestmark = pytest.mark.django_db

ATTACKER = "198.51.100.7"
ELSEWHERE = "192.0.2.44"


def fail_five_times(client, username, ip=ATTACKER):
    for _ in range(5):
        response = sign_in(client, username, "wrong password 123", ip=ip)
        assert not is_signed_in(client)
    return response


def test_five_wrong_passwords_lock_that_username_from_that_address(client, monitor):
    fail_five_times(client, "monitor")

    response = sign_in(client, "monitor", ip=ATTACKER)  # now the right password

    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()
    assert not is_signed_in(client)


def test_four_wrong_passwords_do_not_lock(client, monitor):
    for _ in range(4):
        sign_in(client, "monitor", "wrong password 123", ip=ATTACKER)

    sign_in(client, "monitor", ip=ATTACKER)

    assert is_signed_in(client)


def test_a_locked_username_still_signs_in_from_another_address(client, monitor):
    fail_five_times(client, "monitor")

    sign_in(client, "monitor", ip=ELSEWHERE)

    assert is_signed_in(client)


def test_other_usernames_still_sign_in_from_the_locked_address(client, monitor, editor):
    fail_five_times(client, "monitor")

    sign_in(client, "editor", ip=ATTACKER)

    assert is_signed_in(client)


def test_changing_the_case_of_the_username_does_not_buy_more_attempts(client, monitor):
    for variant in ("monitor", "Monitor", "MONITOR", "moNitor", "monitoR"):
        sign_in(client, variant, "wrong password 123", ip=ATTACKER)

    response = sign_in(client, "Monitor", ip=ATTACKER)

    assert response.status_code == 429
    assert not is_signed_in(client)


def test_a_forged_forwarded_for_header_does_not_escape_the_lockout(client, monitor):
    fail_five_times(client, "monitor")

    response = sign_in(client, "monitor", ip=ATTACKER, HTTP_X_FORWARDED_FOR=ELSEWHERE)

    assert response.status_code == 429


def test_behind_a_trusted_proxy_the_lockout_is_per_forwarded_client(client, monitor, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = "10.0.0.2"
    for _ in range(5):
        sign_in(client, "monitor", "wrong password 123", ip=proxy, HTTP_X_FORWARDED_FOR=ATTACKER)

    locked = sign_in(client, "monitor", ip=proxy, HTTP_X_FORWARDED_FOR=f"{ELSEWHERE}, {ATTACKER}")
    assert locked.status_code == 429  # the client-written left part is ignored

    sign_in(client, "monitor", ip=proxy, HTTP_X_FORWARDED_FOR=ELSEWHERE)
    assert is_signed_in(client)  # another client behind the same proxy


def test_admin_sign_in_counts_towards_the_same_lockout(client, monitor):
    response = client.get("/admin/login/?next=/admin/cases/case/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=%2Fadmin%2Fcases%2Fcase%2F"

    fail_five_times(client, "monitor")
    assert sign_in(client, "monitor", ip=ATTACKER).status_code == 429


def test_failed_attempts_are_stored_without_the_password(client, monitor):
    fail_five_times(client, "monitor")

    attempt = AccessAttempt.objects.get()
    assert attempt.failures_since_start == 5
    assert "wrong password 123" not in f"{attempt.post_data} {attempt.get_data}"


def reset_password_by_email(client, user, new_password):
    import re

    from django.core import mail

    user.email = f"{user.username}@example.org"
    user.save()
    client.post("/accounts/password/reset/", {"email": user.email}, REMOTE_ADDR=ELSEWHERE)
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/\S+)", mail.outbox[-1].body)
    form_url = client.get(link.group(1), REMOTE_ADDR=ELSEWHERE)["Location"]
    response = client.post(
        form_url, {"password1": new_password, "password2": new_password}, REMOTE_ADDR=ELSEWHERE
    )
    assert response.status_code == 302


def test_a_password_reset_lifts_the_lockout_of_that_username(client, monitor, security_log):
    fail_five_times(client, "monitor")
    new_password = "a new and long passphrase 42"

    reset_password_by_email(client, monitor, new_password)

    sign_in(client, "monitor", new_password, ip=ATTACKER)
    assert is_signed_in(client)
    (event,) = security_log.named("lockout_lifted")
    assert (event["username"], event["reason"]) == ("monitor", "password_reset")


def test_an_administrator_lifts_a_lockout_from_the_admin(client, monitor, administrator):
    fail_five_times(client, "monitor")
    admin_client = type(client)()
    admin_client.force_login(administrator)

    response = admin_client.post(
        "/admin/accounts/user/",
        {"action": "lift_lockouts", "_selected_action": [monitor.pk]},
    )

    assert response.status_code == 302
    assert not AccessAttempt.objects.filter(username="monitor").exists()
    sign_in(client, "monitor", ip=ATTACKER)
    assert is_signed_in(client)


def test_lifting_one_lockout_leaves_the_others(client, monitor, editor, administrator):
    fail_five_times(client, "monitor")
    fail_five_times(client, "editor", ip=ELSEWHERE)
    admin_client = type(client)()
    admin_client.force_login(administrator)

    admin_client.post(
        "/admin/accounts/user/", {"action": "lift_lockouts", "_selected_action": [monitor.pk]}
    )

    assert sign_in(client, "editor", ip=ELSEWHERE).status_code == 429


PROXY = "10.0.0.2"


def many_addresses(count: int, first: int = 1) -> list[str]:
    return [f"203.0.113.{n}" for n in range(first, first + count)]


def test_a_lockout_attempt_from_behind_the_proxy_leaves_the_owner_signing_in_elsewhere(
    client, monitor, settings
):
    """The attacker's wrong passwords (behind the proxy, TRUSTED_PROXY_COUNT=1)
    lock the attacker's pair only; the owner, at another address, signs in."""
    settings.TRUSTED_PROXY_COUNT = 1
    for _ in range(8):
        sign_in(client, "monitor", "wrong password 123", ip=PROXY, HTTP_X_FORWARDED_FOR=ATTACKER)
    assert sign_in(client, "monitor", ip=PROXY, HTTP_X_FORWARDED_FOR=ATTACKER).status_code == 429

    sign_in(client, "monitor", ip=PROXY, HTTP_X_FORWARDED_FOR=ELSEWHERE)
    assert is_signed_in(client)


def test_guesses_from_many_addresses_are_slowed_per_account_not_locked(
    client, monitor, settings, security_log
):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.LOGIN_THROTTLE_FAILURES = 10
    start = dt.datetime(2026, 3, 1, 12, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False) as clock:
        for address in many_addresses(10):  # 10 addresses, 1 guess each: under axes' limit
            sign_in(client, "monitor", "wrong guess", ip=PROXY, HTTP_X_FORWARDED_FOR=address)
        assert AccessAttempt.objects.count() == 10

        # Now every attempt from an unknown browser waits after the last wrong one.
        early = sign_in(client, "monitor", ip=PROXY, HTTP_X_FORWARDED_FOR="192.0.2.201")
        assert early.status_code == 200
        assert "Wait 2 seconds, then try again." in early.content.decode()
        assert not is_signed_in(client)
        assert AccessAttempt.objects.count() == 10  # the refused attempt checked no password
        assert security_log.named("login_throttled")

        clock.shift(2)
        sign_in(client, "monitor", "wrong guess", ip=PROXY, HTTP_X_FORWARDED_FOR="192.0.2.202")
        again = sign_in(client, "monitor", ip=PROXY, HTTP_X_FORWARDED_FOR="192.0.2.203")
        assert "Wait 4 seconds, then try again." in again.content.decode()

        clock.shift(4)  # a delay, not a lock: it passes by itself
        sign_in(client, "monitor", ip=PROXY, HTTP_X_FORWARDED_FOR="192.0.2.204")
        assert is_signed_in(client)


def test_the_delay_grows_and_is_capped(monitor, settings):
    from casetracker.security.throttle import seconds_to_wait

    settings.LOGIN_THROTTLE_FAILURES = 10
    settings.LOGIN_THROTTLE_MAX_DELAY_SECONDS = 300
    now = timezone.now()
    AccessAttempt.objects.create(
        username="monitor", ip_address=ATTACKER, failures_since_start=12, get_data="",
        post_data="", http_accept="", path_info="/", user_agent="",
    )  # fmt: skip
    AccessAttempt.objects.filter().update(attempt_time=now)
    assert seconds_to_wait("monitor", now) == 8  # 2 past the free 10: 2 ** 3
    AccessAttempt.objects.update(failures_since_start=40)
    assert seconds_to_wait("monitor", now) == 300
    assert seconds_to_wait("Monitor", now + dt.timedelta(seconds=301)) == 0


def test_the_owner_on_a_known_browser_is_not_slowed(client, monitor, settings):
    settings.LOGIN_THROTTLE_FAILURES = 3
    sign_in(client, "monitor", ip=ELSEWHERE)
    assert is_signed_in(client)
    assert client.cookies["ct_known_device"].value
    client.post("/accounts/logout/")

    from django.test import Client

    attacker = Client()
    for address in many_addresses(6, first=50):
        sign_in(attacker, "monitor", "wrong guess", ip=address)
    refused = sign_in(attacker, "monitor", ip="203.0.113.99")
    assert "then try again" in refused.content.decode()

    sign_in(client, "monitor", ip="198.51.100.200")  # the owner, elsewhere, same browser
    assert is_signed_in(client)


def test_the_known_browser_cookie_is_set_only_once_the_second_factor_is_passed(client, monitor):
    from .conftest import MFA_URL, current_code, enrol_totp

    secret = enrol_totp(monitor)
    sign_in(client, "monitor", ip=ELSEWHERE)
    assert "ct_known_device" not in client.cookies  # password alone proves nothing

    response = client.post(MFA_URL, {"code": current_code(secret)}, REMOTE_ADDR=ELSEWHERE)
    cookie = response.cookies["ct_known_device"]
    assert cookie.value and cookie["httponly"] and cookie["samesite"] == "Lax"
