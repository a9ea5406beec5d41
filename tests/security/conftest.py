"""Helpers for the tests that attack the app: signing in through the real login
form from a chosen address, real TOTP codes, and the security log as written."""

import json
import logging
import time

import pytest
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from django.core.cache import cache

from casetracker.security.log import JSONLinesFormatter

PASSWORD = "correct horse battery staple"  # the named users' password (tests/conftest.py)
LOGIN_URL = "/accounts/login/"
MFA_URL = "/accounts/2fa/authenticate/"


@pytest.fixture(autouse=True)
def _fresh_cache():
    # Used TOTP codes and rate-limit counters live in the cache; each test starts clean.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def mfa_required(settings):
    settings.MFA_REQUIRED_FOR_STAFF = True


def sign_in(client, username, password=PASSWORD, ip="203.0.113.10", **extra):
    return client.post(
        LOGIN_URL, {"login": username, "password": password}, REMOTE_ADDR=ip, **extra
    )


def current_code(secret: str, offset: int = 0) -> str:
    """The code an authenticator app shows now (allauth's own HOTP helpers)."""
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30 + offset))


def enrol_totp(user) -> str:
    """Give `user` an authenticator app (and recovery codes); returns the secret."""
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    RecoveryCodes.activate(user)
    return secret


def is_signed_in(client) -> bool:
    return "_auth_user_id" in client.session


@pytest.fixture
def security_log():
    """Every line written to the `casetracker.security` logger, formatted as in
    production (JSON), and parsed back."""
    lines: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record):
            lines.append(self.format(record))

    handler = Collect()
    handler.setFormatter(JSONLinesFormatter())
    logger = logging.getLogger("casetracker.security")
    logger.addHandler(handler)

    class Log:
        raw = lines

        @property
        def events(self):
            return [json.loads(line) for line in lines]

        def named(self, name):
            return [event for event in self.events if event["event"] == name]

    yield Log()
    logger.removeHandler(handler)
