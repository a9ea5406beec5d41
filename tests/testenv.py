"""Loaded by pytest before Django (see pyproject.toml): the environment the tests assume.

The suite must pass whatever the shell running `make test` exports (a developer's
`DEBUG=true`, a deployment's `TRUSTED_PROXY_COUNT=1`): the values below are
pinned, not defaulted, and the deployment tunables are removed so that tests see
the documented defaults. Only what says where the services are (DATABASE_URL,
CELERY_BROKER_URL, CACHE_URL, ...) and the secret key pass through. Tests that
need another value set it themselves (pytest-django's `settings` fixture).
"""

import os

PINNED = {
    "DJANGO_SETTINGS_MODULE": "casetracker.settings",
    "DEBUG": "false",
    "DJANGO_READ_DOT_ENV": "0",  # tests never read a developer .env
    "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
    # Tests talk plain HTTP to the test client and run without `collectstatic`;
    # production values of these are checked by the deploy-settings tests.
    "SECURE_SSL_REDIRECT": "false",
    "STATIC_MANIFEST": "false",
    # Staff MFA enrolment is enforced in production; the general suite signs staff in
    # with force_login and no authenticator. tests/security turns it on where it tests it.
    "MFA_REQUIRED_FOR_STAFF": "false",
    # Each test sees its own data: the public page cache (casetracker/cache.py) is
    # off, except in tests/stack/test_page_cache.py, which turns it on and clears it.
    "PUBLIC_PAGE_CACHE_SECONDS": "0",
}

# Deployment tunables: the tests assert their defaults (README, SECURITY.md).
CLEARED = (
    "ALLOWED_HOSTS",
    "API_PUBLIC_RATE",
    "API_TOKEN_RATE",
    "AXES_COOLOFF_MINUTES",
    "AXES_ENABLED",
    "AXES_FAILURE_LIMIT",
    "BACKUP_ENCRYPTION_KEY",
    "BEHIND_TLS_PROXY",
    "CSRF_TRUSTED_ORIGINS",
    "EVIDENCE_MAX_BYTES",
    "EVIDENCE_ROOT",
    "IMPORT_MAX_UPLOAD_BYTES",
    "KNOWN_DEVICE_MAX_AGE_DAYS",
    "LOGIN_THROTTLE_FAILURES",
    "LOGIN_THROTTLE_MAX_DELAY_SECONDS",
    "MFA_ENCRYPTION_KEYS",
    "MFA_FAILURE_LIMIT",
    "MFA_FAILURE_WINDOW_SECONDS",
    "MFA_TOTP_ISSUER",
    "PUBLIC_CACHE_WARM_DELAY",
    "PUBLIC_CASES_PER_PAGE",
    "SECURE_HSTS_PRELOAD",
    "SECURE_HSTS_SECONDS",
    "SECURITY_LOG_FILE",
    "SESSION_COOKIE_AGE",
    "SITE_URL",
    "STAFF_SESSION_IDLE_SECONDS",
    "STAFF_SESSION_MAX_SECONDS",
    "STALE_HEALTH_DAYS",
    "STALE_HEALTH_DIGEST_HOUR",
    "STALE_HEALTH_FULL_SWEEP_HOURS",
    "STALE_HEALTH_HUNGER_STRIKE_DAYS",
    "STALE_HEALTH_UNASSIGNED_EMAILS",
    "STALE_STRIKE_OBSERVATION_HOURS",
    "STALE_VISIT_DAYS",
    "STATIC_ROOT",
    "TIME_ZONE",
    "TRUSTED_PROXY_COUNT",
)

os.environ.update(PINNED)
for _name in CLEARED:
    os.environ.pop(_name, None)
os.environ.setdefault("SECRET_KEY", "insecure-key-for-tests-only")


def _per_worker(environ: dict) -> None:
    """Under pytest-xdist (`make test` runs two workers) each worker gets its own
    cache: its own Redis database (cache tests clear it, throttling counts in it)
    and its own cache directory. pytest-django gives each its own test database."""
    worker = environ.get("PYTEST_XDIST_WORKER", "")
    if not worker.startswith("gw"):
        return
    number = int(worker[2:] or 0)
    url = environ.get("CACHE_URL", "")
    base, _, db = url.rpartition("/")
    if url.startswith("redis://") and base.count("/") >= 2 and db.isdigit():
        environ["CACHE_URL"] = f"{base}/{(int(db) + number) % 16}"
    import tempfile

    environ["CACHE_DIR"] = os.path.join(tempfile.gettempdir(), f"casetracker-test-cache-{worker}")


_per_worker(os.environ)
