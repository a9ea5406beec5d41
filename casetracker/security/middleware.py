"""Request-level enforcement: staff session lifetime, forced MFA enrolment for
staff, no-store caching of sensitive responses, and logging of denials."""

import time
from urllib.parse import urlencode

from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import messages
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _

from .log import current_request, security_event
from .sessions import end_request_session, expiry_reason, is_staff_account, touch


class StaffSessionTimeoutMiddleware:
    """Ends a staff session after STAFF_SESSION_IDLE_SECONDS without a request or
    STAFF_SESSION_MAX_SECONDS after login. The request then continues anonymous,
    so staff views send the user to the login page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if is_staff_account(user):
            now = int(time.time())
            reason = expiry_reason(request.session, now)
            if reason:
                security_event("session_expired", request=request, user=user, reason=reason)
                end_request_session(request)
                messages.info(request, _("Your session has ended. Please sign in again."))
            else:
                touch(request.session, now)
        return self.get_response(request)


class StaffMFAMiddleware:
    """Sends staff without a second factor from staff areas to TOTP enrolment,
    when MFA_REQUIRED_FOR_STAFF is on. Once enrolled, allauth itself asks for the
    code at every login (the admin login goes through allauth, see accounts/admin.py)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            getattr(settings, "MFA_REQUIRED_FOR_STAFF", False)
            and request.path.startswith(tuple(settings.MFA_ENFORCED_PATHS))
            and is_staff_account(getattr(request, "user", None))
            and not is_mfa_enabled(request.user, [Authenticator.Type.TOTP])
        ):
            security_event("mfa_enrolment_required", request=request)
            target = reverse("mfa_activate_totp")
            return HttpResponseRedirect(f"{target}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)


class SensitiveResponseHeadersMiddleware:
    """`Cache-Control: no-store` for staff areas and for every response to a
    signed-in user (a shared phone's back button must not show a prisoner's
    health), and a Permissions-Policy that switches off powerful browser APIs."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if request.path.startswith(tuple(settings.NO_STORE_PATHS)) or (
            user is not None and user.is_authenticated
        ):
            add_never_cache_headers(response)
            response["Cache-Control"] = "no-store, no-cache, must-revalidate, private, max-age=0"
        policy = getattr(settings, "PERMISSIONS_POLICY", "")
        if policy:
            response.setdefault("Permissions-Policy", policy)
        return response


class SecurityEventMiddleware:
    """Every 403 (permission denied, CSRF failure) goes to the security log; and
    events logged while serving the request (e.g. by cases.services) get its
    client address and path."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = current_request.set(request)
        try:
            response = self.get_response(request)
        finally:
            current_request.reset(token)
        if response.status_code == 403:
            security_event("permission_denied", request=request, status_code=403)
        return response
