"""The API's manners, for every response under /api/: errors as JSON with a
`detail` field (also the 404s and 405s no DRF view raised: an unknown route, a
malformed id), and the IETF draft's `RateLimit-*` headers on throttled endpoints
(the numbers come from public.api.throttles)."""

from __future__ import annotations

from http import HTTPStatus

from django.http import JsonResponse

API_PREFIX = "/api/"


def _is_json(response) -> bool:
    return response.get("Content-Type", "").startswith("application/json")


class ApiMannersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not request.path_info.startswith(API_PREFIX):
            return response
        if response.status_code >= 400 and not _is_json(response):
            response = self._json_error(response)
        limit = getattr(request, "ratelimit", None)
        if limit is not None:
            response["RateLimit-Limit"] = str(limit.limit)
            response["RateLimit-Remaining"] = str(limit.remaining)
            response["RateLimit-Reset"] = str(limit.reset)
        return response

    @staticmethod
    def _json_error(response):
        try:
            reason = HTTPStatus(response.status_code).phrase
        except ValueError:
            reason = "Error"
        json = JsonResponse({"detail": reason}, status=response.status_code)
        for header in ("Allow", "Retry-After"):
            if header in response:
                json[header] = response[header]
        return json
