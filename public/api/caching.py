"""The API's lists and objects, cached like the public pages (casetracker/cache.py).

What the API shows does not depend on who asks: every viewset starts from
`.public()` (public.api.querysets) and no serializer reads the user. Even so,
only requests that carry no identity at all share an entry: no API token and
no signed-in session. Should a later change show staff or token holders more,
their responses are still built afresh and never stored where an anonymous
caller could read them.

An entry varies, besides the public content version, language and date, on
what the response is built from: the host and scheme (links are absolute), the
path (a `.json` suffix) and the query parameters, sorted. Unknown parameters
are kept: the `next`/`previous` links echo every parameter given (DRF sorts
them, so their order does not matter and is not part of the key).
Errors (an invalid filter, a page beyond the end, a 404) are raised by the
build and never cached.
"""

from __future__ import annotations

from django.contrib.auth import SESSION_KEY
from rest_framework.response import Response

from casetracker.cache import cached


def shares_public_cache(request) -> bool:
    """True when the request carries no identity: no API token (DRF's user) and no
    signed-in session. The session is read directly: DRF replaces the Django
    request's `user` with its own (token-only) one."""
    if request.user.is_authenticated:
        return False
    session = getattr(request._request, "session", None)
    return session is None or SESSION_KEY not in session


def request_vary(request) -> list:
    params = request.query_params
    return [
        request.build_absolute_uri("/"),
        request.path,
        sorted((key, params.getlist(key)) for key in params),
    ]


class PublicCacheMixin:
    """list() and retrieve() of a read-only viewset, cached for anonymous callers."""

    def _cached_data(self, request, build):
        if not shares_public_cache(request):
            return build()
        name = f"api:{self.basename}:{self.action}"
        return cached(name, build, vary=[*request_vary(request), self.kwargs.get("pk")])

    def list(self, request, *args, **kwargs):
        parent = super()

        def build():
            return parent.list(request, *args, **kwargs).data

        return Response(self._cached_data(request, build))

    def retrieve(self, request, *args, **kwargs):
        parent = super()

        def build():
            return parent.retrieve(request, *args, **kwargs).data

        return Response(self._cached_data(request, build))
