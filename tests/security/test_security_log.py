"""The security log: who, from where, when, what — and never a secret."""

import pytest

from casetracker.security.log import security_event

from .conftest import current_code, enrol_totp, sign_in

pytestmark = pytest.mark.django_db

ADDRESS = "203.0.113.77"


def test_a_failed_sign_in_is_logged_with_user_address_and_utc_time_but_no_password(
    client, monitor, security_log
):
    sign_in(client, "monitor", "Tr0ub4dor&3-not-the-password", ip=ADDRESS)

    (event,) = security_log.named("login_failed")
    assert event["user_id"] == monitor.pk
    assert event["username"] == "monitor"
    assert event["ip"] == ADDRESS
    assert event["time"].endswith("Z")
    assert all("Tr0ub4dor" not in line for line in security_log.raw)


def test_an_unknown_username_is_not_written_to_the_log(client, db, security_log):
    # People type their password into the username box.
    sign_in(client, "MyS3cretPassphrase", "whatever", ip=ADDRESS)

    (event,) = security_log.named("login_failed")
    assert event["username_known"] is False
    assert "MyS3cretPassphrase" not in "".join(security_log.raw)


def test_a_successful_sign_in_and_sign_out_are_logged(client, monitor, security_log):
    sign_in(client, "monitor", ip=ADDRESS)
    client.post("/accounts/logout/", REMOTE_ADDR=ADDRESS)

    assert security_log.named("login_succeeded")[0]["username"] == "monitor"
    assert security_log.named("logout")[0]["ip"] == ADDRESS


def test_a_lockout_is_logged(client, monitor, security_log):
    for _ in range(5):
        sign_in(client, "monitor", "wrong password 123", ip=ADDRESS)

    (event,) = security_log.named("lockout")
    assert event["username"] == "monitor"
    assert event["ip"] == ADDRESS


def test_a_wrong_second_factor_code_is_logged_without_the_code(client, monitor, security_log):
    enrol_totp(monitor)
    sign_in(client, "monitor", ip=ADDRESS)
    client.post("/accounts/2fa/authenticate/", {"code": "924613"}, REMOTE_ADDR=ADDRESS)

    (event,) = security_log.named("mfa_failed")
    assert event["username"] == "monitor"
    assert "924613" not in "".join(security_log.raw)


def test_the_second_factor_step_of_a_sign_in_is_logged(client, monitor, security_log):
    secret = enrol_totp(monitor)
    sign_in(client, "monitor", ip=ADDRESS)
    code = current_code(secret)

    client.post("/accounts/2fa/authenticate/", {"code": code}, REMOTE_ADDR=ADDRESS)

    (event,) = security_log.named("mfa_succeeded")
    assert (event["username"], event["ip"], event["authenticator_type"]) == (
        "monitor",
        ADDRESS,
        "totp",
    )
    assert [e["event"] for e in security_log.events][-2:] == ["mfa_succeeded", "login_succeeded"]
    assert code not in "".join(security_log.raw)


def test_a_permission_denial_is_logged(client, researcher, security_log):
    client.force_login(researcher)

    client.get("/monitor/", REMOTE_ADDR=ADDRESS)  # signed in, not staff: refused

    (event,) = security_log.named("permission_denied")
    assert event["username"] == "researcher"
    assert event["path"] == "/monitor/"


def test_events_keep_only_whitelisted_fields(rf, editor, security_log):
    request = rf.post("/monitor/cases/7/publish/?q=secret-search", REMOTE_ADDR=ADDRESS)
    request.user = editor

    security_event(
        "case_published",
        request=request,
        case_id=7,
        from_state="in_review",
        to_state="published",
        health_notes="he has lost 12 kg",
        source_identity="his cellmate Aibek",
        token="abc123token",
    )

    (event,) = security_log.named("case_published")
    assert event["case_id"] == 7
    assert event["to_state"] == "published"
    assert event["username"] == "editor"
    assert event["path"] == "/monitor/cases/7/publish/"
    assert event["dropped_fields"] == ["health_notes", "source_identity", "token"]
    line = "".join(security_log.raw)
    for secret in ("12 kg", "Aibek", "abc123token", "secret-search"):
        assert secret not in line


def test_deactivation_is_logged_with_the_administrator_who_did_it(
    client, administrator, monitor, security_log
):
    client.force_login(administrator)
    change_url = f"/admin/accounts/user/{monitor.pk}/change/"
    client.post(
        change_url,
        {
            "username": "monitor",
            "is_staff": "on",
            "date_joined_0": monitor.date_joined.strftime("%Y-%m-%d"),
            "date_joined_1": monitor.date_joined.strftime("%H:%M:%S"),
        },
    )

    (event,) = security_log.named("account_flags_changed")
    assert event["username"] == "administrator"
    assert event["target_username"] == "monitor"
    assert event["changed"] == ["is_active=False"]
    assert security_log.named("roles_changed")[0]["roles"] == []
