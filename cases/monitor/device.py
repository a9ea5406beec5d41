"""What a monitor's phone needs to work offline: the service worker, the web app
manifest, and the per-session key that encrypts drafts (see SECURITY.md)."""

from __future__ import annotations

import base64
import hashlib
import json
import secrets

from django.conf import settings
from django.contrib.staticfiles.storage import staticfiles_storage
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from .views import staff_view

SESSION_DRAFT_KEY = "device_draft_key"
# What the shell needs offline besides its pages (they are cached when visited).
SHELL_ASSETS = (
    "css/site.css",
    "css/monitor.css",
    "js/monitor-form.js",
    "js/monitor-formset.js",
    "js/monitor-device.js",
    "icons/icon-192.png",
)


@staff_view
@require_GET
def draft_key(request):
    """The AES key that encrypts this session's drafts on the device. It lives in
    the session only: once the session ends (logout, expiry) the drafts it
    encrypted can no longer be read, by anyone."""
    key = request.session.get(SESSION_DRAFT_KEY)
    if not key:
        key = base64.b64encode(secrets.token_bytes(32)).decode()
        request.session[SESSION_DRAFT_KEY] = key
    return JsonResponse({"key": key})


@require_GET
def service_worker(request):
    """Served from /monitor/ so that its scope is the workspace (a script under
    /static/ could only control /static/). Holds no data: code and URLs."""
    assets = [staticfiles_storage.url(name) for name in SHELL_ASSETS]
    pages = [reverse("monitor:workspace"), reverse("monitor:visit_new")]
    # A new deploy (new asset names) is a new worker, which drops the old caches.
    version = hashlib.sha256("|".join(assets + pages).encode()).hexdigest()[:12]
    body = render_to_string(
        "monitor/sw.js",
        {"assets_json": json.dumps(assets), "pages_json": json.dumps(pages), "version": version},
    )
    response = HttpResponse(body, content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    return response


@require_GET
def manifest(request):
    icons = [
        {
            "src": staticfiles_storage.url(f"icons/icon-{size}.png"),
            "sizes": f"{size}x{size}",
            "type": "image/png",
            "purpose": "any maskable",
        }
        for size in (192, 512)
    ]
    response = JsonResponse(
        {
            "name": _("casetracker workspace"),
            "short_name": "casetracker",
            "start_url": reverse("monitor:workspace"),
            "scope": reverse("monitor:workspace"),
            "display": "standalone",
            "background_color": "#ffffff",
            "theme_color": "#0b5394",
            "lang": request.LANGUAGE_CODE or settings.LANGUAGE_CODE,
            "icons": icons,
        }
    )
    response["Content-Type"] = "application/manifest+json"
    return response
