"""Mass assignment: nobody raises their own (or anyone's) privileges without being
a superuser, and every form names the fields it accepts."""

import importlib
import pkgutil

import pytest
from django import forms
from django.contrib.auth.models import Group, Permission

from accounts import roles

pytestmark = pytest.mark.django_db


@pytest.fixture
def user_manager(django_user_model):
    """An administrator (the admin is theirs: they manage accounts) who is not a superuser."""
    manager = django_user_model.objects.create_user(
        username="manager", password="correct horse battery staple", is_staff=True
    )
    manager.groups.add(Group.objects.get(name=roles.ADMINISTRATOR))
    return manager


def change_form_data(user, **overrides):
    data = {
        "username": user.username,
        "is_active": "on",
        "is_staff": "on" if user.is_staff else "",
        "date_joined_0": user.date_joined.strftime("%Y-%m-%d"),
        "date_joined_1": user.date_joined.strftime("%H:%M:%S"),
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value != ""}


def test_a_user_manager_cannot_make_themselves_superuser_or_administrator(client, user_manager):
    admin_role, _ = Group.objects.get_or_create(name=roles.ADMINISTRATOR)
    everything = list(Permission.objects.values_list("pk", flat=True))
    client.force_login(user_manager)

    client.post(
        f"/admin/accounts/user/{user_manager.pk}/change/",
        change_form_data(
            user_manager,
            first_name="Still Me",
            is_superuser="on",
            groups=[admin_role.pk],
            user_permissions=everything,
        ),
    )

    user_manager.refresh_from_db()
    assert user_manager.first_name == "Still Me"  # the ordinary edit went through
    assert not user_manager.is_superuser
    assert list(user_manager.groups.values_list("name", flat=True)) == [roles.ADMINISTRATOR]
    assert not user_manager.user_permissions.exists()


def test_a_user_manager_cannot_grant_staff_or_roles_to_someone_else(
    client, user_manager, researcher
):
    editor_role, _ = Group.objects.get_or_create(name=roles.EDITOR)
    client.force_login(user_manager)

    client.post(
        f"/admin/accounts/user/{researcher.pk}/change/",
        change_form_data(researcher, is_staff="on", groups=[editor_role.pk]),
    )

    researcher.refresh_from_db()
    assert not researcher.is_staff
    assert list(researcher.groups.values_list("name", flat=True)) == [roles.RESEARCHER]


def test_a_user_manager_cannot_change_a_superusers_account(client, user_manager, administrator):
    client.force_login(user_manager)

    response = client.post(
        f"/admin/accounts/user/{administrator.pk}/password/",
        {"password1": "taken over 12345", "password2": "taken over 12345"},
    )

    assert response.status_code == 403
    administrator.refresh_from_db()
    assert not administrator.check_password("taken over 12345")


def test_a_user_manager_cannot_widen_a_role(client, user_manager):
    monitor_role = Group.objects.get(name=roles.MONITOR)
    granted = set(monitor_role.permissions.values_list("pk", flat=True))
    client.force_login(user_manager)

    response = client.post(
        f"/admin/auth/group/{monitor_role.pk}/change/",
        {
            "name": roles.MONITOR,
            "permissions": list(Permission.objects.values_list("pk", flat=True)),
        },
    )

    assert response.status_code == 403
    assert set(monitor_role.permissions.values_list("pk", flat=True)) == granted


def test_a_superuser_can_still_grant_roles(client, administrator, researcher):
    editor_role, _ = Group.objects.get_or_create(name=roles.EDITOR)
    client.force_login(administrator)

    client.post(
        f"/admin/accounts/user/{researcher.pk}/change/",
        change_form_data(researcher, is_staff="on", groups=[editor_role.pk]),
    )

    researcher.refresh_from_db()
    assert researcher.is_staff
    assert list(researcher.groups.values_list("name", flat=True)) == [roles.EDITOR]


PROJECT_PACKAGES = ("accounts", "casetracker", "cases", "people")


def project_modules():
    for package_name in PROJECT_PACKAGES:
        package = importlib.import_module(package_name)
        for info in pkgutil.walk_packages(package.__path__, f"{package_name}."):
            if ".migrations" in info.name or ".management" in info.name:
                continue
            yield importlib.import_module(info.name)


def all_subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from all_subclasses(sub)


def test_every_project_model_form_and_serializer_lists_its_fields():
    list(project_modules())  # import everything, so every form class exists
    classes = list(all_subclasses(forms.ModelForm))
    try:
        from rest_framework import serializers

        classes += list(all_subclasses(serializers.ModelSerializer))
    except ImportError:  # pragma: no cover
        pass
    offenders = []
    for cls in classes:
        if not cls.__module__.startswith(PROJECT_PACKAGES):
            continue
        meta = getattr(cls, "Meta", None)
        if getattr(meta, "model", None) is None:
            continue  # an abstract base (no model): it cannot be instantiated to assign
        fields = getattr(meta, "fields", None)
        if fields is None or fields == "__all__" or getattr(meta, "exclude", None):
            offenders.append(f"{cls.__module__}.{cls.__qualname__}")
    assert offenders == []
