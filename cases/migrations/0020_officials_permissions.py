"""The roles' permissions on officials and their parts (accounts/migrations/0002_roles.py
gave the roles theirs on the models that existed then).

Monitors record an official's part on the cases assigned to them (cases.policy)
and may add an official they name; changing an official, shared by every case
they acted in, is for editors. Administrators hold every permission."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ROLE_PERMISSIONS = {
    "monitor": ["view_official", "add_official", "view_caseofficial", "add_caseofficial",
                "change_caseofficial"],
    "editor": [f"{action}_{model}" for action in ("view", "add", "change")
               for model in ("official", "caseofficial")],
    "administrator": [f"{action}_{model}" for action in ("view", "add", "change", "delete")
                      for model in ("official", "caseofficial")],
}


def grant(apps, schema_editor):
    app_config = apps.get_app_config("cases")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, codenames in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label="cases", codename__in=codenames)
        )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, codenames in ROLE_PERMISSIONS.items():
        for group in Group.objects.filter(name=role):
            group.permissions.remove(
                *Permission.objects.filter(content_type__app_label="cases", codename__in=codenames)
            )


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0019_officials_records"),
        ("accounts", "0002_roles"),
    ]
    operations = [migrations.RunPython(grant, revoke)]
