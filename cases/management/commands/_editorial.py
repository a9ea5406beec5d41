"""Shared by the publish_case and unpublish_case commands: the case, the user, the policy."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import CommandError

from cases import policy
from cases.models import Case


def case_and_publisher(slug: str, username: str):
    try:
        case = Case.objects.select_related("person").get(slug=slug)
    except Case.DoesNotExist:
        raise CommandError(f"No case with the slug {slug!r}.") from None
    try:
        user = get_user_model().objects.get(username=username)
    except get_user_model().DoesNotExist:
        raise CommandError(f"No user named {username!r}.") from None
    if not policy.may_publish(user):
        raise CommandError(
            f"{username!r} may not publish: publishing needs the permission "
            "cases.publish_case (the editor and administrator roles carry it)."
        )
    return case, user


def run(action, **kwargs):
    """Call the service; its refusals become a command error (nonzero exit)."""
    try:
        return action(**kwargs)
    except ValidationError as error:
        raise CommandError(" ".join(error.messages)) from None
    except PermissionDenied as error:
        raise CommandError(str(error) or "Not allowed.") from None
