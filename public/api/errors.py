"""DRF's exception handler, with a `detail` in every error: a 400 for invalid
filters keeps its field-level errors beside it."""

from __future__ import annotations

from django.utils.translation import gettext as _
from rest_framework.views import exception_handler as drf_exception_handler


def exception_handler(exc, context):
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    data = response.data
    if isinstance(data, dict) and "detail" not in data:
        response.data = {"detail": _("Invalid parameters."), **data}
    elif isinstance(data, list):
        response.data = {"detail": " ".join(str(item) for item in data)}
    return response
