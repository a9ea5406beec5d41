"""Sign-in with password and authenticator code through gunicorn in production
mode (behind a pretend TLS proxy) while the cache's Redis is dead: no 500, no
429, the owner is signed in; a code used once is refused when replayed, also
through another web process (which never saw it: with Redis down each process
has only its own memory). The stack's own private redis-server."""

import time

import pytest
from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.contrib.auth.models import Group
from django.db import connection

from accounts import roles
from tests.security.conftest import MFA_URL, PASSWORD, current_code, enrol_totp
from tests.stack.browser_client import StackClient
from tests.stack.servers import PrivateRedis, app_env, database_url, gunicorn

pytestmark = [pytest.mark.postgres, pytest.mark.timeout(240)]

LOGIN_URL = "/accounts/login/"


def production_user(django_user_model, username: str):
    """A monitor whose password gunicorn's (production) hashers can check."""
    user = django_user_model.objects.create(
        username=username,
        is_staff=True,
        password=PBKDF2PasswordHasher().encode(PASSWORD, "stacksalt", iterations=1000),
    )
    user.groups.add(Group.objects.get_or_create(name=roles.MONITOR)[0])
    return user


def stack_env(redis: PrivateRedis, **extra) -> dict:
    return app_env(
        DATABASE_URL=database_url(connection.settings_dict),
        CACHE_URL=redis.url,
        CELERY_BROKER_URL=redis.url,
        CONN_MAX_AGE="0",
        # the TOTP secrets enrolled here are encrypted with this process's keys
        SECRET_KEY=settings.SECRET_KEY,
        MFA_ENCRYPTION_KEYS=",".join(settings.MFA_ENCRYPTION_KEYS),
        BEHIND_TLS_PROXY="true",
        MFA_REQUIRED_FOR_STAFF="true",
        **extra,
    )


def password_step(client: StackClient, username: str) -> None:
    response = client.post_form(LOGIN_URL, {"login": username, "password": PASSWORD})
    assert response.status_code == 302, (response.status_code, response.text[:800])
    assert response.headers["Location"] == MFA_URL


def signed_in(client: StackClient) -> bool:
    return client.get("/monitor/").status_code == 200


def fresh_code(secret: str) -> str:
    """A code with at least 5 s of its 30 s period left (no tolerance is configured)."""
    if time.time() % 30 > 25:
        time.sleep(30 - time.time() % 30 + 0.5)
    return current_code(secret)


def test_sign_in_with_code_while_redis_is_dead_and_a_replayed_code_is_refused(
    transactional_db, django_user_model, tmp_path
):
    user = production_user(django_user_model, "outage_monitor")
    secret = enrol_totp(user)
    redis = PrivateRedis(tmp_path)
    webs = []
    try:
        redis.start()
        env = stack_env(redis)
        webs = [gunicorn(env, tmp_path / f"gunicorn-{n}.log") for n in (1, 2)]
        (web_a, base_a), (web_b, base_b) = webs
        assert StackClient(base_a).get(LOGIN_URL).status_code == 200  # Redis in use
        redis.stop()

        owner = StackClient(base_a)
        password_step(owner, "outage_monitor")
        wrong = owner.post_form(MFA_URL, {"code": "000000"})
        assert wrong.status_code == 200, web_a.output()[-3000:]
        assert "Incorrect code" in wrong.text
        code = fresh_code(secret)
        response = owner.post_form(MFA_URL, {"code": code})
        assert response.status_code == 302, (response.status_code, web_a.output()[-3000:])
        assert signed_in(owner)

        for base, web in ((base_a, web_a), (base_b, web_b)):
            thief = StackClient(base)
            password_step(thief, "outage_monitor")
            replay = thief.post_form(MFA_URL, {"code": code})
            assert replay.status_code == 200, (replay.status_code, web.output()[-3000:])
            assert "Incorrect code" in replay.text
            assert not signed_in(thief)
        assert web_a.alive() and web_b.alive()
        assert "Internal Server Error" not in web_a.output() + web_b.output()
    finally:
        for web, _ in webs:
            web.stop()
        redis.stop()
