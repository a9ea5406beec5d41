"""Local demo logins, one per role, printed once. Refused outside DEBUG."""

import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError

from accounts import roles
from cases.models import Case

DEMO_USERS = (
    ("admin", roles.ADMINISTRATOR, {"is_staff": True, "is_superuser": True}),
    ("editor", roles.EDITOR, {"is_staff": True}),
    ("monitor", roles.MONITOR, {"is_staff": True}),
    ("researcher", roles.RESEARCHER, {}),
)


class Command(BaseCommand):
    help = "Create one local demo login per role (DEBUG only); passwords are printed once."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("Demo logins are for local development only (DEBUG is off).")
        User = get_user_model()
        created = []
        for username, role, flags in DEMO_USERS:
            if User.objects.filter(username=username).exists():
                continue
            password = secrets.token_urlsafe(12)
            user = User.objects.create_user(username=username, password=password, **flags)
            user.groups.add(Group.objects.get_or_create(name=role)[0])
            created.append((username, role, password))
        monitor = User.objects.filter(username="monitor").first()
        if monitor:
            for case in Case.objects.filter(is_synthetic=False):
                case.assigned_monitors.add(monitor)
        if not created:
            self.stdout.write("Demo logins already exist (passwords were printed when created).")
            return
        self.stdout.write(self.style.WARNING("Local demo logins (shown once, DEBUG only):"))
        for username, role, password in created:
            self.stdout.write(f"  {role:<14} {username:<11} {password}")
