"""Roles are groups with permissions created by a migration; login uses Django's views."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

pytestmark = pytest.mark.django_db


def perms(role):
    return set(Group.objects.get(name=role).permissions.values_list("codename", flat=True))


def test_the_four_roles_exist_after_migrating():
    assert set(Group.objects.values_list("name", flat=True)) >= {
        "monitor",
        "editor",
        "researcher",
        "administrator",
    }


def test_monitors_record_but_never_publish():
    monitor = perms("monitor")
    assert {
        "add_prisonvisit",
        "change_healthobservation",
        "add_hungerstrike",
        "add_event",
        "add_source",
        "change_case",
    } <= monitor
    assert "publish_case" not in monitor
    assert not any(p.startswith("delete_") for p in monitor)


def test_editors_publish():
    assert {"publish_case", "change_case", "add_prisonvisit"} <= perms("editor")


def test_researchers_have_no_staff_permissions():
    assert perms("researcher") == set()


def test_administrators_manage_accounts():
    assert {"change_user", "change_group", "publish_case"} <= perms("administrator")


def test_a_monitor_logs_in_and_lands_on_the_workspace(client, monitor, settings):
    response = client.post(
        reverse("account_login"),
        {"login": "monitor", "password": "correct horse battery staple"},
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("monitor:workspace")


def test_the_login_page_uses_the_site_layout(client):
    page = client.get(reverse("account_login")).content.decode()

    assert 'class="site-header"' in page
    assert 'name="login"' in page
