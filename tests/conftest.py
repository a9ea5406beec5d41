"""Shared fixtures: the named users, and the rule for service-dependent tests.

Tests marked `postgres` or `redis` skip with a reason on a developer machine
without the service, and FAIL in CI (CI=true), where the services must exist.
"""

import os
import socket

import pytest
from django.contrib.auth.models import Group

from accounts import roles

IN_CI = os.environ.get("CI") == "true"


def _unavailable(reason: str):
    if IN_CI:
        pytest.fail(f"{reason} — required in CI (CI=true)", pytrace=False)
    pytest.skip(reason)


def redis_url() -> str:
    return os.environ.get("CELERY_BROKER_URL", "") or os.environ.get("REDIS_URL", "")


def redis_reachable(url: str) -> bool:
    if not url.startswith("redis://"):
        return False
    hostport = url.split("://", 1)[1].split("/", 1)[0].rsplit("@", 1)[-1]
    host, _, port = hostport.partition(":")
    try:
        with socket.create_connection((host or "127.0.0.1", int(port or 6379)), timeout=1):
            return True
    except OSError:
        return False


def pytest_runtest_setup(item):
    if item.get_closest_marker("postgres"):
        from django.db import connection

        if connection.vendor != "postgresql":
            _unavailable("needs PostgreSQL: set DATABASE_URL=postgres://... to run it")
    if item.get_closest_marker("redis"):
        url = redis_url()
        if not redis_reachable(url):
            _unavailable(f"needs Redis: set CELERY_BROKER_URL=redis://... (got {url!r})")


@pytest.fixture(scope="session", autouse=True)
def _ci_runs_on_postgres(django_db_setup, django_db_blocker):
    """In CI the whole suite must exercise the real database, not SQLite."""
    if IN_CI:
        from django.db import connection

        if connection.vendor != "postgresql":
            pytest.fail("CI=true but DATABASE_URL does not point at PostgreSQL", pytrace=False)


@pytest.fixture(scope="session")
def _evidence_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("evidence")


@pytest.fixture(autouse=True)
def fast_tests_settings(settings, _evidence_dir):
    """Evidence goes to a throwaway directory, never var/evidence; and passwords are
    hashed cheaply (PBKDF2 costs half a second per user and is not under test); and
    static files are looked up per request instead of listed when each test client
    starts (WhiteNoise with finders lists all ~9,000 files every time)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.WHITENOISE_AUTOREFRESH = True
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(_evidence_dir)},
        },
    }
    return _evidence_dir


def _user(django_user_model, username, role=None, **extra):
    user = django_user_model.objects.create_user(
        username=username, password="correct horse battery staple", **extra
    )
    if role:
        group, _ = Group.objects.get_or_create(name=role)
        user.groups.add(group)
    return user


@pytest.fixture
def monitor(db, django_user_model):
    return _user(django_user_model, "monitor", roles.MONITOR, is_staff=True)


@pytest.fixture
def other_monitor(db, django_user_model):
    return _user(django_user_model, "other_monitor", roles.MONITOR, is_staff=True)


@pytest.fixture
def editor(db, django_user_model):
    return _user(django_user_model, "editor", roles.EDITOR, is_staff=True)


@pytest.fixture
def researcher(db, django_user_model):
    return _user(django_user_model, "researcher", roles.RESEARCHER)


@pytest.fixture
def outsider(db, django_user_model):
    return _user(django_user_model, "outsider")


@pytest.fixture
def administrator(db, django_user_model):
    return _user(
        django_user_model, "administrator", roles.ADMINISTRATOR, is_staff=True, is_superuser=True
    )


@pytest.fixture(autouse=True)
def _public_follows_live(request, monkeypatch):
    """The public site reads only the read model (public/), written at publication.
    Most tests create published cases straight through factories and expect them
    public at once: before each test-client request the read model is rebuilt from
    the live records, as if an editor had just published every published case.
    Tests marked `staged` get no such help: they prove the staging itself."""
    if request.node.get_closest_marker("staged"):
        yield
        return
    uses_db = request.node.get_closest_marker("django_db") or {
        "db",
        "transactional_db",
        "django_db_reset_sequences",
    } & set(request.fixturenames)
    if not uses_db:
        yield
        return
    from django.db import connection
    from django.db.models.signals import m2m_changed, post_delete, post_save
    from django.test.client import Client

    from public.writer import rebuild

    original = Client.request
    dirty = [True]

    def changed(sender, **kwargs):
        if sender._meta.app_label in {"cases", "people"}:
            dirty[0] = True

    def request_after_republish(self, **kwargs):
        if dirty[0]:
            # not counted by query-count assertions: they measure the page
            logged = len(connection.queries_log)
            rebuild(from_live=True)
            while len(connection.queries_log) > logged:
                connection.queries_log.pop()
            dirty[0] = False
        return original(self, **kwargs)

    for signal in (post_save, post_delete, m2m_changed):
        signal.connect(changed, dispatch_uid="public-follows-live")
    monkeypatch.setattr(Client, "request", request_after_republish)
    yield
    for signal in (post_save, post_delete, m2m_changed):
        signal.disconnect(dispatch_uid="public-follows-live")
