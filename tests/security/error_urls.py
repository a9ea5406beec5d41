"""Test-only URLs: views that fail the ways a real view can."""

from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.urls import include, path

from casetracker.settings import BASE_DIR


def crash(request):
    raise RuntimeError(f"internal_report of prisoner 42 at {BASE_DIR}/secret.txt")


def forbidden(request):
    raise PermissionDenied("monitor 7 may not read confidential visit 12")


def bad(request):
    raise SuspiciousOperation("tampered signature for source 3")


urlpatterns = [
    path("crash/", crash),
    path("forbidden/", forbidden),
    path("bad/", bad),
    path("", include("casetracker.urls")),
]
