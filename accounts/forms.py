"""Forms of the accounts area: the second-factor forms with a per-account limit,
and the admin's user form that keeps roles out of reach of non-superusers."""

from allauth.mfa.adapter import get_adapter
from allauth.mfa.base.forms import AuthenticateForm, ReauthenticateForm
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import (
    format_hotp_value,
    hotp_value,
    yield_hotp_counters_from_time,
)
from allauth.mfa.utils import decrypt
from django import forms
from django.conf import settings
from django.contrib.auth.forms import UserChangeForm
from django.core.cache import cache
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from casetracker.security.log import security_event

from .models import User


class PerAccountCodeLimit:
    """At most MFA_FAILURE_LIMIT wrong codes per account per MFA_FAILURE_WINDOW
    seconds, from any address: whoever holds a stolen password cannot walk the
    million TOTP codes from many machines. (allauth's own limit is per address.)"""

    def _failures_key(self) -> str:
        return f"casetracker:mfa-failures:{self.user.pk}"

    def clean_code(self):
        key = self._failures_key()
        if cache.get(key, 0) >= settings.MFA_FAILURE_LIMIT:
            security_event("mfa_rate_limited", user=self.user)
            raise forms.ValidationError(
                _("Too many wrong codes. Wait a few minutes, then try again."),
                code="rate_limited",
            )
        try:
            code = super().clean_code()
        except forms.ValidationError:
            if not cache.add(key, 1, timeout=settings.MFA_FAILURE_WINDOW):
                try:
                    cache.incr(key)
                except ValueError:  # expired between add() and incr()
                    cache.add(key, 1, timeout=settings.MFA_FAILURE_WINDOW)
            raise
        if not claim_totp_step(getattr(self, "authenticator", None), code):
            security_event("mfa_code_replayed", user=self.user)
            raise get_adapter().validation_error("incorrect_code")
        cache.delete(key)
        return code


def claim_totp_step(authenticator, code: str) -> bool:
    """Record in the database that `code`'s time step was used, refusing a step at
    or before the last one used (RFC 6238, 5.2). allauth remembers used codes in
    the cache only: with Redis down each web process has its own memory, so a code
    used on one could be replayed on another. Recovery codes are single-use in the
    database already (True)."""
    if authenticator is None or authenticator.type != Authenticator.Type.TOTP:
        return True
    secret = decrypt(authenticator.data["secret"])
    typed = "".join(code.split())
    step = next(
        (
            counter
            for counter in yield_hotp_counters_from_time()
            if format_hotp_value(hotp_value(secret, counter)) == typed
        ),
        None,
    )
    if step is None:  # allauth's insecure test bypass; nothing to record
        return True
    with transaction.atomic():
        row = Authenticator.objects.select_for_update().get(pk=authenticator.pk)
        if step <= row.data.get("last_used_step", -1):
            return False
        row.data["last_used_step"] = step
        row.save(update_fields=["data"])
    authenticator.data = row.data
    return True


class LimitedAuthenticateForm(PerAccountCodeLimit, AuthenticateForm):
    pass


class LimitedReauthenticateForm(PerAccountCodeLimit, ReauthenticateForm):
    pass


# Fields only a superuser may change on a user: they decide what a user can do.
PRIVILEGE_FIELDS = ("is_superuser", "is_staff", "groups", "user_permissions")


class AdminUserChangeForm(UserChangeForm):
    class Meta(UserChangeForm.Meta):
        model = User
        fields = (
            "username",
            "password",
            "first_name",
            "last_name",
            "email",
            "is_active",
            "is_staff",
            "is_superuser",
            "groups",
            "user_permissions",
            "last_login",
            "date_joined",
        )
