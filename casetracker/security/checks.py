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
    if backend.endswith(("LocMemCache", "DummyCache")):
        issues.append(
            Warning(
                "The cache is per process: used TOTP codes, rate limits and wrong-code "
                "counters are not shared between gunicorn workers, so a code could be "
                "replayed against another worker.",
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
    return issues
