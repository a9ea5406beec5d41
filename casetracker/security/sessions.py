"""Session lifetime for staff, and ending every session of a user."""

import time
from importlib import import_module

from django.conf import settings
from django.contrib.auth import logout

from accounts.roles import is_staff_member

# Stored in the session at login and on activity (seconds since the epoch).
AUTHENTICATED_AT = "_ct_authenticated_at"
LAST_SEEN_AT = "_ct_last_seen_at"
# Activity is re-stamped at most this often, so a page with many requests does
# not write the session row on each of them.
TOUCH_EVERY_SECONDS = 60


def is_staff_account(user) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and (
        user.is_staff or is_staff_member(user)
    )


def stamp_login(session) -> None:
    now = int(time.time())
    session[AUTHENTICATED_AT] = now
    session[LAST_SEEN_AT] = now


def expiry_reason(session, now: int) -> str | None:
    """Why a staff session is over ("idle" or "lifetime"), or None while it is valid."""
    authenticated_at = session.get(AUTHENTICATED_AT)
    last_seen_at = session.get(LAST_SEEN_AT)
    if authenticated_at is None or last_seen_at is None:
        # A session from before these stamps existed: it gets the full window from now.
        return None
    if now - authenticated_at > settings.STAFF_SESSION_MAX_SECONDS:
        return "lifetime"
    if now - last_seen_at > settings.STAFF_SESSION_IDLE_SECONDS:
        return "idle"
    return None


def touch(session, now: int) -> None:
    session.setdefault(AUTHENTICATED_AT, now)
    last_seen_at = session.get(LAST_SEEN_AT)
    if last_seen_at is None or abs(now - last_seen_at) >= TOUCH_EVERY_SECONDS:
        session[LAST_SEEN_AT] = now


def end_request_session(request) -> None:
    logout(request)


def end_all_sessions(user) -> int:
    """Delete every tracked session of `user` (allauth.usersessions records each
    login's session key); returns how many were ended."""
    from allauth.usersessions.models import UserSession

    store = import_module(settings.SESSION_ENGINE).SessionStore
    ended = 0
    for tracked in UserSession.objects.filter(user_id=user.pk):
        store(session_key=tracked.session_key).delete()
        tracked.delete()
        ended += 1
    return ended
