"""Brute force: axes locks a username+address pair after five wrong passwords,
and nothing wider (no lockout of a monitor by strangers elsewhere)."""

import pytest
from axes.models import AccessAttempt

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
