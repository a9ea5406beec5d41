from django.contrib import admin
from django.urls import include, path

from .health import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    # Security: allauth owns /accounts/ (login with MFA, logout, password reset,
    # two-factor and session management). Keep it before any other accounts/ include.
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("monitor/", include("cases.monitor.urls")),
    path("api/v1/", include("public.api.urls")),
    path("imports/", include("cases.imports.urls")),
    path("", include("public.urls")),
]
