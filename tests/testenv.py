"""Loaded by pytest before Django (see pyproject.toml): test-only defaults."""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "casetracker.settings")
os.environ.setdefault("SECRET_KEY", "insecure-key-for-tests-only")
os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
# Tests talk plain HTTP to the test client and run without `collectstatic`;
# production values of these are checked by the deploy-settings tests.
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("STATIC_MANIFEST", "false")
os.environ.setdefault("DJANGO_READ_DOT_ENV", "0")  # tests never read a developer .env
# Staff MFA enrolment is enforced in production; the general suite signs staff in
# with force_login and no authenticator. tests/security turns it on where it tests it.
os.environ.setdefault("MFA_REQUIRED_FOR_STAFF", "false")
# Each test sees its own data: the public page cache (casetracker/cache.py) is
# off, except in tests/stack/test_page_cache.py, which turns it on and clears it.
os.environ.setdefault("PUBLIC_PAGE_CACHE_SECONDS", "0")
