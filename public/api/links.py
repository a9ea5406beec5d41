"""Public URLs the API points to, so every object can be cited."""

from __future__ import annotations

from urllib.parse import urlencode

# The public browse page is a contract (docs/contracts.md: /cases/ with these filter
# names), so legal articles and facilities link to their filtered list.
BROWSE_PATH = "/cases/"


def public_url(request, path: str) -> str:
    return request.build_absolute_uri(path) if request is not None else path


def browse_url(request, **params) -> str:
    return public_url(request, f"{BROWSE_PATH}?{urlencode(params)}")
