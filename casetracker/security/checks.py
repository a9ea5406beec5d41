"""System checks for the security settings. The `deploy` ones run with
`manage.py check --deploy` (CI: `make security`)."""

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register


@register(Tags.security)
def mfa_keys_are_valid(app_configs, **kwargs):
    from accounts.adapters import mfa_cipher

    try:
        mfa_cipher()
    except Exception as error:  # noqa: BLE001 - reported, not raised
        return [Error(str(error), id="casetracker.security.E001")]
    return []


@register(Tags.security, deploy=True)
def production_security(app_configs, **kwargs):
    issues = []
    if not settings.MFA_ENCRYPTION_KEYS:
        issues.append(
            Warning(
                "MFA_ENCRYPTION_KEYS is not set: TOTP secrets are encrypted with a key "
                "derived from SECRET_KEY, so rotating SECRET_KEY would lock every staff "
                "member out.",
                hint="Set MFA_ENCRYPTION_KEYS to the output of "
                "`python -c 'from cryptography.fernet import Fernet; "
                "print(Fernet.generate_key().decode())'`.",
                id="casetracker.security.W001",
            )
        )
    if not settings.MFA_REQUIRED_FOR_STAFF:
        issues.append(
            Warning(
                "MFA_REQUIRED_FOR_STAFF is off: staff can reach the admin and the "
                "workspace with a password alone.",
                id="casetracker.security.W002",
            )
        )
    backend = settings.CACHES["default"]["BACKEND"]
    if backend.endswith(("LocMemCache", "DummyCache", "FileBasedCache")):
        issues.append(
            Warning(
                "The cache is per process or per host (the file cache of a run without "
                "CACHE_URL): used TOTP codes, rate limits and wrong-code counters are not "
                "shared between servers, and file locking is not atomic, so a code could "
                "be replayed against another worker.",
                hint="Set CACHE_URL to a Redis database.",
                id="casetracker.security.W003",
            )
        )
    if not settings.AXES_ENABLED:
        issues.append(Warning("AXES_ENABLED is off: no lockout.", id="casetracker.security.W004"))
    if settings.MFA_TOTP_TOLERANCE:
        issues.append(
            Warning(
                "MFA_TOTP_TOLERANCE > 0 lets a used code be replayed in the extra window.",
                id="casetracker.security.W005",
            )
        )
    if getattr(settings, "BEHIND_TLS_PROXY", False) and settings.TRUSTED_PROXY_COUNT <= 0:
        issues.append(
            Warning(
                "BEHIND_TLS_PROXY is on but TRUSTED_PROXY_COUNT is 0: every client has the "
                "proxy's address, so five wrong passwords from anywhere lock a monitor out "
                "for everyone, and the security log cannot tell clients apart.",
                hint="Set TRUSTED_PROXY_COUNT to the number of proxies that append to "
                "X-Forwarded-For (usually 1).",
                id="casetracker.security.W006",
            )
        )
    if not getattr(settings, "SITE_URL_CONFIGURED", True):
        issues.append(
            Warning(
                "SITE_URL is not set: links in alert emails point at http://127.0.0.1:8000.",
                hint="Set SITE_URL to the public https:// address of the site.",
                id="casetracker.security.W007",
            )
        )
    if not settings.STALE_HEALTH_UNASSIGNED_EMAILS:
        issues.append(
            Warning(
                "STALE_HEALTH_UNASSIGNED_EMAILS is empty: nobody hears when a prisoner no "
                "monitor is assigned to is overdue for a health update.",
                hint="Set it to one or more addresses (comma-separated).",
                id="casetracker.security.W008",
            )
        )
    return issues
