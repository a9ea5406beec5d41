"""Who is on the other end: the client address and the username being tried.

One rule for every consumer (axes lockout, allauth rate limits, the security log,
the session list), driven by TRUSTED_PROXY_COUNT: with N trusted proxies in front,
the client is the N-th address from the right of X-Forwarded-For (each proxy
appends the address it saw; anything further left was written by the client and
can be forged). With 0, the header is ignored.
"""

from ipaddress import ip_address

from django.conf import settings
from django.http import HttpRequest


def _valid(candidate: str | None) -> str | None:
    if not candidate:
        return None
    try:
        return str(ip_address(candidate.strip()))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str:
    remote = _valid(request.META.get("REMOTE_ADDR")) or "0.0.0.0"  # noqa: S104  # nosec B104
    count = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if count <= 0 or not forwarded:
        return remote
    hops = [hop.strip() for hop in forwarded.split(",")]
    if len(hops) < count:
        # Fewer hops than trusted proxies: the request did not come through the
        # whole chain, so nothing in the header can be trusted.
        return remote
    return _valid(hops[-count]) or remote


def login_username(request: HttpRequest, credentials: dict | None = None) -> str | None:
    """The username axes locks on, whichever login form sent it.

    allauth passes `username` to authenticate(); its form field is `login`; the
    Django login form uses `username`. Lower-cased because allauth matches
    usernames case-insensitively: without it, "Monitor" and "MONITOR" would each
    get their own five attempts.
    """
    value = None
    if credentials:
        value = credentials.get("username") or credentials.get("login")
    if value is None and request is not None:
        data = getattr(request, "data", None) or request.POST
        value = data.get("login") or data.get("username")
    if not isinstance(value, str):
        return None
    return value.strip().lower()[:150] or None


def lift_lockouts(user) -> int:
    """Lift every lockout of `user`'s username, from every address (their owner
    proved who they are by resetting the password, or an administrator vouched
    for them). Returns how many locked or counting address pairs were cleared."""
    from axes.utils import reset

    return reset(username=user.get_username().strip().lower())
