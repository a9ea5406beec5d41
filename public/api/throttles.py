"""Rate limits: anonymous callers by address, API-token holders by account.

The rates are read at request time (not at import, as DRF's own throttles do),
so the operator's settings and the tests' overrides both apply.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from accounts import roles


def may_hold_token(user) -> bool:
    """Researchers (and staff, who also analyse the data) may create an API token."""
    return roles.has_role(user, roles.RESEARCHER) or roles.is_staff_member(user)


@dataclass(frozen=True)
class RateLimit:
    """What the `RateLimit-*` headers say (public.api.middleware): the limit, the
    requests left in the window, and the seconds until the oldest one leaves it."""

    limit: int
    remaining: int
    reset: int


class _RuntimeRateThrottle(SimpleRateThrottle):
    def __init__(self):
        # SimpleRateThrottle parses the rate in __init__; defer it to allow_request.
        pass

    def allow_request(self, request, view):
        self.rate = api_settings.DEFAULT_THROTTLE_RATES[self.scope]
        self.num_requests, self.duration = self.parse_rate(self.rate)
        allowed = super().allow_request(request, view)
        if getattr(self, "key", None) is not None:  # this throttle applies to the caller
            history = self.history
            reset = self.duration - (self.now - history[-1]) if history else self.duration
            request._request.ratelimit = RateLimit(
                limit=self.num_requests,
                remaining=max(0, self.num_requests - len(history)),
                reset=max(0, math.ceil(reset)),
            )
        return allowed


class PublicRateThrottle(_RuntimeRateThrottle):
    """Everybody without a researcher's token, keyed by client address."""

    scope = "api_public"

    def get_cache_key(self, request, view):
        if may_hold_token(request.user):
            return None
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class TokenRateThrottle(_RuntimeRateThrottle):
    """Token holders, keyed by account. Losing the role drops back to the public rate."""

    scope = "api_token"

    def get_cache_key(self, request, view):
        if not may_hold_token(request.user):
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.user.pk}
