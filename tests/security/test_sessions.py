"""Sessions: a new key at sign-in, gone at sign-out, gone everywhere when the
account is deactivated, and limited in time for staff."""

import datetime as dt
from importlib import import_module

import pytest
import time_machine
from django.conf import settings as django_settings

from .conftest import is_signed_in, sign_in

pytestmark = pytest.mark.django_db


def session_exists(key: str) -> bool:
    return import_module(django_settings.SESSION_ENGINE).SessionStore().exists(key)


def test_signing_in_replaces_the_session_key(client, monitor):
    client.get("/accounts/login/")
    session = client.session
    session["before_sign_in"] = True
    session.save()
    key_before = session.session_key

    sign_in(client, "monitor")

    assert is_signed_in(client)
    assert client.session.session_key != key_before
    assert not session_exists(key_before)


def test_signing_out_deletes_the_session(client, monitor):
    sign_in(client, "monitor")
    key = client.session.session_key

    client.post("/accounts/logout/")

    assert not session_exists(key)
    assert client.get("/admin/")["Location"].startswith("/admin/login/")


def test_deactivating_a_user_ends_every_session_they_have(client, monitor, django_user_model):
    phone, laptop = client, client.__class__()
    sign_in(phone, "monitor")
    laptop.force_login(monitor)
    keys = [phone.session.session_key, laptop.session.session_key]

    monitor.is_active = False
    monitor.save()

    assert not any(session_exists(key) for key in keys)
    assert phone.get("/admin/")["Location"].startswith("/admin/login/")


def test_deactivating_through_the_admin_ends_the_sessions(client, monitor, administrator):
    monitor_client = client.__class__()
    monitor_client.force_login(monitor)
    key = monitor_client.session.session_key
    client.force_login(administrator)

    change_url = f"/admin/accounts/user/{monitor.pk}/change/"
    data = {
        "username": monitor.username,
        "is_staff": "on",  # "is_active" left unticked
        "groups": [group.pk for group in monitor.groups.all()],
        "date_joined_0": monitor.date_joined.strftime("%Y-%m-%d"),
        "date_joined_1": monitor.date_joined.strftime("%H:%M:%S"),
    }
    response = client.post(change_url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    monitor.refresh_from_db()
    assert not monitor.is_active
    assert not session_exists(key)


def test_staff_session_ends_after_the_idle_timeout(client, monitor, settings):
    with time_machine.travel(dt.datetime(2025, 3, 1, 9, 0, tzinfo=dt.UTC), tick=False) as clock:
        sign_in(client, "monitor")
        clock.shift(dt.timedelta(seconds=settings.STAFF_SESSION_IDLE_SECONDS + 1))

        response = client.get("/admin/")

    assert response["Location"].startswith("/admin/login/")
    assert not is_signed_in(client)


def test_activity_keeps_a_staff_session_alive_within_the_idle_timeout(client, monitor, settings):
    with time_machine.travel(dt.datetime(2025, 3, 1, 9, 0, tzinfo=dt.UTC), tick=False) as clock:
        sign_in(client, "monitor")
        for _ in range(3):
            clock.shift(dt.timedelta(seconds=settings.STAFF_SESSION_IDLE_SECONDS - 60))
            client.get("/")

        assert is_signed_in(client)


def test_staff_session_ends_after_its_absolute_lifetime_despite_activity(client, monitor, settings):
    step = dt.timedelta(seconds=settings.STAFF_SESSION_IDLE_SECONDS - 60)
    with time_machine.travel(dt.datetime(2025, 3, 1, 9, 0, tzinfo=dt.UTC), tick=False) as clock:
        sign_in(client, "monitor")
        elapsed = dt.timedelta(0)
        while elapsed <= dt.timedelta(seconds=settings.STAFF_SESSION_MAX_SECONDS):
            assert is_signed_in(client)
            clock.shift(step)
            elapsed += step
            client.get("/")

        assert not is_signed_in(client)


def test_a_researcher_session_is_not_cut_by_the_staff_idle_timeout(client, researcher, settings):
    with time_machine.travel(dt.datetime(2025, 3, 1, 9, 0, tzinfo=dt.UTC), tick=False) as clock:
        sign_in(client, "researcher")
        clock.shift(dt.timedelta(seconds=settings.STAFF_SESSION_IDLE_SECONDS + 60))
        client.get("/")

        assert is_signed_in(client)


def test_a_user_can_see_and_end_their_other_sessions(client, monitor):
    other = client.__class__()
    sign_in(other, "monitor", ip="192.0.2.5")
    sign_in(client, "monitor")

    page = client.get("/accounts/sessions/")
    assert "192.0.2.5" in page.content.decode()

    client.post("/accounts/sessions/", {})
    assert not is_signed_in(other)
    assert is_signed_in(client)
