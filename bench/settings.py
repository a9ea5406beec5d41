"""Benchmark settings: the project's settings plus a bare view to compare against."""

from casetracker.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
ALLOWED_HOSTS = ["*"]
DEBUG = False
SECURE_SSL_REDIRECT = False
