"""Roles are groups (accounts.roles); this gives each its model permissions.

Permissions are created first, so the migration works on a fresh database, where
Django would otherwise create them only after the last migration (post_migrate).
Object-level rules (assigned cases, confidential records) live in cases.access.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

# Records monitors create and edit. They edit cases too, but only those they are
# assigned to (cases.access); they never publish.
MONITOR_RECORDS = ("prisonvisit", "healthobservation", "hungerstrike", "event", "source", "evidencefile")
CASE_MODELS = (
    "case", "charge", "sentence", "recognition", "legalarticle", "facility", "detention",
    "prisonvisit", "healthobservation", "hungerstrike", "event", "source", "evidencefile",
    "stalehealthflag", "publication",
)
PEOPLE_MODELS = ("person", "namevariant", "organization", "organizationstatus", "membership")


def _codenames(actions, models):
    return [f"{action}_{model}" for action in actions for model in models]


ROLE_PERMISSIONS = {
    "monitor": {
        "cases": _codenames(["view"], CASE_MODELS)
        + _codenames(["add", "change"], MONITOR_RECORDS)
        + ["change_case"],
        "people": _codenames(["view"], PEOPLE_MODELS),
    },
    "editor": {
        # Everything a monitor does, on every case, plus publishing. No hard delete:
        # records are archived.
        "cases": _codenames(["view", "add", "change"], CASE_MODELS) + ["publish_case"],
        "people": _codenames(["view", "add", "change"], PEOPLE_MODELS),
    },
    # Researchers read published data through the public site (and later the API);
    # they get no model permissions and no staff views.
    "researcher": {},
    "administrator": {
        "cases": "__all__",
        "people": "__all__",
        "accounts": "__all__",
        "auth": "__all__",
    },
}


def create_roles(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    grant_role_permissions(apps)


def grant_role_permissions(apps):
    """Also used by tests that flush the database (live-server browser tests)."""
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, by_app in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        wanted = []
        for app_label, codenames in by_app.items():
            perms = Permission.objects.filter(content_type__app_label=app_label)
            if codenames != "__all__":
                perms = perms.filter(codename__in=codenames)
                missing = set(codenames) - set(perms.values_list("codename", flat=True))
                if missing:
                    raise RuntimeError(f"Unknown permissions for {role}: {sorted(missing)}")
            wanted.extend(perms)
        group.permissions.set(wanted)


def remove_roles(apps, schema_editor):
    # Groups may hold users by now: keep them, only drop what this migration gave.
    Group = apps.get_model("auth", "Group")
    for group in Group.objects.filter(name__in=ROLE_PERMISSIONS):
        group.permissions.clear()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("cases", "0003_editorial_and_evidence"),
        ("people", "0002_trigram_search"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
