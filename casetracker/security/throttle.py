"""Per-account throttling that slows a password guesser without locking the owner out.

axes locks a username *and address* pair after AXES_FAILURE_LIMIT wrong
passwords: one attacker cannot lock a monitor out for everybody, but an attacker
with many addresses gets that many guesses per address. So, per account, from
any address: after LOGIN_THROTTLE_FAILURES wrong passwords within the
axes cool-off, each further attempt must wait 2, 4, 8 ... seconds (at most
LOGIN_THROTTLE_MAX_DELAY_SECONDS) after the last wrong one; an attempt that comes
too early is refused before any password is checked, with how long to wait. It
is a delay, never a lock: it passes by itself, and it does not apply at all to
a browser its owner has signed in with before (a signed "known device" cookie
set at each complete sign-in, second factor included), from whatever address.

The failures are axes' own records (AccessAttempt, in the database), so the
throttle holds while Redis is down and across every web process.
"""

from __future__ import annotations

import datetime as dt
import math

from django.conf import settings
from django.core import signing
from django.db.models import Max, Sum
from django.utils import timezone

KNOWN_DEVICE_COOKIE = "ct_known_device"
_SALT = "casetracker.security.known-device"


def _username(value) -> str:
    return str(value or "").strip().lower()[:150]


def known_device_value(username: str) -> str:
    return signing.dumps(_username(username), salt=_SALT)


def is_known_device(request, username: str) -> bool:
    token = request.COOKIES.get(KNOWN_DEVICE_COOKIE)
    if not token:
        return False
    try:
        known = signing.loads(token, salt=_SALT, max_age=settings.KNOWN_DEVICE_MAX_AGE)
    except signing.BadSignature:
        return False
    return known == _username(username)


def remember_device(response, username: str) -> None:
    response.set_cookie(
        KNOWN_DEVICE_COOKIE,
        known_device_value(username),
        max_age=settings.KNOWN_DEVICE_MAX_AGE,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def seconds_to_wait(username: str, now: dt.datetime | None = None) -> int:
    """How long before `username` may try a password again from an unknown device (0: now)."""
    from axes.models import AccessAttempt

    now = now or timezone.now()
    since = now - settings.AXES_COOLOFF_TIME
    recent = AccessAttempt.objects.filter(username=_username(username), attempt_time__gte=since)
    totals = recent.aggregate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
    extra = (totals["failures"] or 0) - settings.LOGIN_THROTTLE_FAILURES
    if extra < 0 or totals["last"] is None:
        return 0
    delay = min(2 ** (extra + 1), settings.LOGIN_THROTTLE_MAX_DELAY_SECONDS)
    remaining = (totals["last"] + dt.timedelta(seconds=delay) - now).total_seconds()
    return max(0, math.ceil(remaining))
