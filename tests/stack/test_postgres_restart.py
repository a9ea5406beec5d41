"""After a PostgreSQL restart the running app recovers by itself (CONN_HEALTH_CHECKS).

The app keeps its connections open between requests (CONN_MAX_AGE); a restart
kills them. Django checks a persistent connection before reusing it, so the
first request after the restart reconnects instead of failing.
"""

import pytest

from tests.stack.servers import PrivatePostgres, app_env, get, gunicorn, manage

pytestmark = [pytest.mark.postgres, pytest.mark.timeout(240)]

DEMO_CASE = "/cases/marat-zhylanbayev-2024-banned-organization/"


@pytest.fixture
def app_on_private_postgres(tmp_path):
    """(private PostgreSQL, gunicorn process, its base URL), the demo case loaded."""
    pg = PrivatePostgres(tmp_path)
    web = None
    try:
        pg.start()
        pg.create_database("ct")
        env = app_env(DATABASE_URL=pg.url("ct"), CONN_MAX_AGE="600")
        manage(env, "migrate", "--noinput")
        manage(env, "load_demo")
        web, base = gunicorn(env, tmp_path / "gunicorn.log")
        yield pg, web, base
    finally:
        if web:
            web.stop()
        pg.destroy()


def test_the_first_request_after_a_postgresql_restart_is_served(app_on_private_postgres):
    pg, web, base = app_on_private_postgres
    status, body = get(base + DEMO_CASE)  # opens the persistent connection
    assert (status, "Marat Zhylanbayev" in body) == (200, True)
    pg.stop()
    pg.start()
    # The first request, not an eventual one: the dead connection is replaced.
    status, body = get(base + DEMO_CASE)
    assert (status, "Marat Zhylanbayev" in body) == (200, True)
    assert web.alive()


def test_healthz_says_503_while_postgresql_is_down_and_200_once_it_is_back(
    app_on_private_postgres,
):
    pg, _web, base = app_on_private_postgres
    assert get(base + "/healthz")[0] == 200
    pg.stop()
    status, body = get(base + "/healthz")
    assert (status, "database unavailable" in body) == (503, True)
    pg.start()
    assert get(base + "/healthz")[0] == 200
