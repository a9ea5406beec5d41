"""`check --deploy` passes with production settings, and fails when one is missing."""

import os
import subprocess
import sys

from cryptography.fernet import Fernet

from casetracker.settings import BASE_DIR
from tests import testenv

PRODUCTION = {
    "DJANGO_READ_DOT_ENV": "0",
    "DEBUG": "false",
    "SECRET_KEY": "Zq9#xW2!pL7@vN4$rT6%yU8^aB1&cD3*eF5(gH0)jK-production-like-key-0123",
    "ALLOWED_HOSTS": "casetracker.example.org",
    "CSRF_TRUSTED_ORIGINS": "https://casetracker.example.org",
    "BEHIND_TLS_PROXY": "true",
    "SECURE_HSTS_PRELOAD": "true",
    "MFA_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
    "CACHE_URL": "redis://127.0.0.1:6379/6",
    "TRUSTED_PROXY_COUNT": "1",
    "SITE_URL": "https://casetracker.example.org",
    "STALE_HEALTH_UNASSIGNED_EMAILS": "alerts@casetracker.example.org",
}
# Test-only values from tests/testenv.py must not leak into the subprocess.
# (DJANGO_ALLOW_ASYNC_UNSAFE is set by the browser tests' conftest for Playwright.)
DROPPED = {*testenv.PINNED, "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}


def check_deploy(**overrides) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in DROPPED and k not in PRODUCTION}
    env.update(PRODUCTION)
    env.update(overrides)
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def test_check_deploy_passes_with_production_settings():
    result = check_deploy()

    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_fails_when_staff_mfa_is_switched_off():
    result = check_deploy(MFA_REQUIRED_FOR_STAFF="false")

    assert result.returncode != 0
    assert "casetracker.security.W002" in result.stderr


def test_check_deploy_fails_without_a_shared_cache_for_used_codes():
    result = check_deploy(CACHE_URL="")

    assert result.returncode != 0
    assert "casetracker.security.W003" in result.stderr


def test_check_deploy_fails_behind_a_proxy_that_no_client_address_is_trusted_from():
    result = check_deploy(TRUSTED_PROXY_COUNT="0")

    assert result.returncode != 0
    assert "casetracker.security.W006" in result.stderr


def test_check_deploy_fails_without_site_url():
    result = check_deploy(SITE_URL="")

    assert result.returncode != 0
    assert "casetracker.security.W007" in result.stderr


def test_check_deploy_fails_when_nobody_hears_about_unassigned_prisoners():
    result = check_deploy(STALE_HEALTH_UNASSIGNED_EMAILS="")

    assert result.returncode != 0
    assert "casetracker.security.W008" in result.stderr
