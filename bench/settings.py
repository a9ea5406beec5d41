"""Benchmark settings: the project's settings plus a bare view to compare against."""

import os

from casetracker.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
ALLOWED_HOSTS = ["*"]
DEBUG = False
SECURE_SSL_REDIRECT = False

# The benches talk plain HTTP on loopback: cookies must not require TLS, or the
# load test's monitors could never keep a session (production keeps them Secure).
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SESSION_COOKIE_NAME = "sessionid"

# bench/pages.py runs one app per data size against one Redis: each size keeps
# its own keys (the public content version included).
if os.environ.get("BENCH_CACHE_PREFIX"):
    CACHES["default"]["KEY_PREFIX"] = os.environ["BENCH_CACHE_PREFIX"]  # noqa: F405
