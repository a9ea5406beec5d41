"""Redis is a cache, not a gate: with the cache server down, staff still sign in
(password and code), and a used code is still refused."""

import pytest

from tests.stack.servers import free_port

from .conftest import MFA_URL, current_code, enrol_totp, is_signed_in, sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def redis_down(settings):
    """The production cache settings (casetracker/settings.py) on a port nobody listens on."""
    settings.CACHES = {
        "default": {
            "BACKEND": "casetracker.security.cache.ResilientRedisCache",
            "LOCATION": f"redis://127.0.0.1:{free_port()}/0",
            "OPTIONS": {
                "IGNORE_EXCEPTIONS": True,
                "SOCKET_CONNECT_TIMEOUT": 1,
                "SOCKET_TIMEOUT": 1,
            },
        }
    }
    yield
    from casetracker.security import cache

    cache._fallback.clear()
    cache._down_until = 0.0


def test_staff_sign_in_with_password_and_code_while_redis_is_down(client, monitor, redis_down):
    secret = enrol_totp(monitor)

    response = sign_in(client, "monitor")
    assert response.status_code == 302, response.content.decode()[:500]
    assert response["Location"] == MFA_URL
    client.post(MFA_URL, {"code": current_code(secret)})

    assert is_signed_in(client)


def test_a_used_code_is_still_refused_while_redis_is_down(client, monitor, redis_down):
    secret = enrol_totp(monitor)
    code = current_code(secret)
    sign_in(client, "monitor")
    client.post(MFA_URL, {"code": code})
    assert is_signed_in(client)
    client.post("/accounts/logout/")

    sign_in(client, "monitor")
    response = client.post(MFA_URL, {"code": code})

    assert "Incorrect code" in response.content.decode()
    assert not is_signed_in(client)


def test_wrong_passwords_are_still_limited_while_redis_is_down(client, monitor, redis_down):
    for _ in range(5):
        sign_in(client, "monitor", "wrong password 123", ip="198.51.100.7")

    assert sign_in(client, "monitor", ip="198.51.100.7").status_code == 429  # axes (database)
    sign_in(client, "monitor", ip="192.0.2.44")
    assert is_signed_in(client)


def test_a_used_code_is_refused_by_a_process_that_never_saw_it(client, monitor, redis_down):
    """Each web process keeps its own memory while Redis is down: the used time
    step is recorded in the database, so another process refuses the code too."""
    from casetracker.security import cache

    secret = enrol_totp(monitor)
    code = current_code(secret)
    sign_in(client, "monitor")
    client.post(MFA_URL, {"code": code})
    assert is_signed_in(client)
    client.post("/accounts/logout/")
    cache._fallback.clear()  # what another gunicorn worker remembers: nothing

    sign_in(client, "monitor")
    response = client.post(MFA_URL, {"code": code})

    assert "Incorrect code" in response.content.decode()
    assert not is_signed_in(client)
