"""allauth adapters: closed signup, one client-address rule, staff sent to MFA
enrolment at login, and TOTP secrets encrypted at rest."""

import base64

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django import forms
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from accounts.roles import is_staff_member
from casetracker.security import throttle
from casetracker.security.log import security_event
from casetracker.security.net import client_ip, login_username
from casetracker.security.sessions import is_staff_account

ENCRYPTED_PREFIX = "fernet:"


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request):
        # Accounts are created by administrators, who vouch for every monitor.
        return False

    def get_client_ip(self, request):
        return client_ip(request)

    def pre_authenticate(self, request, **credentials):
        # Per-account delay after many wrong passwords from anywhere, skipped on
        # a browser the owner signed in with before (casetracker/security/throttle.py).
        username = login_username(request, credentials)
        if username and not throttle.is_known_device(request, username):
            wait = throttle.seconds_to_wait(username)
            if wait:
                from .models import User

                known = User.objects.filter(username__iexact=username).first()
                security_event(
                    "login_throttled",
                    request=request,
                    user=known,
                    username_known=bool(known),
                    lockout_parameters=f"username, delay {wait} s",
                )
                raise forms.ValidationError(
                    _(
                        "This account has had many wrong passwords. Wait %(seconds)s "
                        "seconds, then try again."
                    ),
                    code="account_throttled",
                    params={"seconds": wait},
                )
        super().pre_authenticate(request, **credentials)

    def post_login(self, request, user, **kwargs):
        # Called once the whole sign-in (second factor included) succeeded.
        response = super().post_login(request, user, **kwargs)
        throttle.remember_device(response, user.get_username())
        return response

    def get_login_redirect_url(self, request):
        # Staff who still have no second factor enrol first thing after login.
        user = request.user
        if (
            settings.MFA_REQUIRED_FOR_STAFF
            and is_staff_account(user)
            and not Authenticator.objects.filter(
                user_id=user.pk, type=Authenticator.Type.TOTP
            ).exists()
        ):
            return reverse("mfa_activate_totp")
        if is_staff_member(user):
            return reverse("monitor:workspace")  # where monitors and editors work
        return super().get_login_redirect_url(request)


def _fernet_keys() -> list[bytes]:
    configured = [key.encode() for key in settings.MFA_ENCRYPTION_KEYS if key]
    if configured:
        return configured
    # Fallback: a key derived from SECRET_KEY (`check --deploy` warns about it,
    # because rotating SECRET_KEY would then make every authenticator unreadable).
    derived = salted_hmac(
        "casetracker.mfa", "encryption-key", secret=settings.SECRET_KEY, algorithm="sha256"
    )
    return [base64.urlsafe_b64encode(derived.digest()[:32])]


def mfa_cipher() -> MultiFernet:
    try:
        return MultiFernet([Fernet(key) for key in _fernet_keys()])
    except ValueError as error:
        raise ImproperlyConfigured(
            "MFA_ENCRYPTION_KEYS must be Fernet keys (Fernet.generate_key())."
        ) from error


class MFAAdapter(DefaultMFAAdapter):
    """TOTP secrets and recovery-code seeds are stored encrypted (Fernet, keys in
    MFA_ENCRYPTION_KEYS, newest first), so a stolen database or backup does not
    hand over the second factor too."""

    def encrypt(self, text: str) -> str:
        return ENCRYPTED_PREFIX + mfa_cipher().encrypt(text.encode()).decode()

    def decrypt(self, encrypted_text: str) -> str:
        if not encrypted_text.startswith(ENCRYPTED_PREFIX):
            raise ImproperlyConfigured("An MFA secret is not encrypted; refusing to use it.")
        token = encrypted_text.removeprefix(ENCRYPTED_PREFIX).encode()
        try:
            return mfa_cipher().decrypt(token).decode()
        except InvalidToken as error:
            raise ImproperlyConfigured(
                "An MFA secret cannot be decrypted with MFA_ENCRYPTION_KEYS "
                "(was a key removed before rotate_mfa_keys ran?)."
            ) from error
