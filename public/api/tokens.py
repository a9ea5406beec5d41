"""The researchers' page to create and revoke their API token."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from rest_framework.authtoken.models import Token

from .throttles import may_hold_token


def _token_holder(request):
    if not may_hold_token(request.user):
        raise PermissionDenied(_("API tokens are for researchers."))
    return request.user


@login_required
@require_http_methods(["GET", "POST"])
def token_page(request):
    """GET shows whether a token exists; POST action=create replaces it (the key is
    shown once, in that response); POST action=revoke deletes it."""
    user = _token_holder(request)
    new_key = None
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "create":
            with transaction.atomic():
                Token.objects.filter(user=user).delete()
                new_key = Token.objects.create(user=user).key
        elif action == "revoke":
            Token.objects.filter(user=user).delete()
            return redirect("api:token")
        else:
            return redirect("api:token")
    token = Token.objects.filter(user=user).first()
    response = render(
        request, "api/token.html", {"token": token, "new_key": new_key, "holder": user}
    )
    # The key is a secret: never let a shared cache or the back button keep it.
    response["Cache-Control"] = "no-store"
    return response
