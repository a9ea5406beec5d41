from django.shortcuts import render


def csrf_failure(request, reason=""):
    """The ordinary 403 page: Django's own CSRF page explains the mechanism, which
    helps nobody but an attacker probing it. The reason goes to the security log
    (SecurityEventMiddleware logs every 403)."""
    return render(request, "403.html", status=403)
