"""Anonymous callers are rate-limited; a researcher's token buys a higher limit."""

import pytest
from django.contrib.auth.models import Group
from rest_framework.authtoken.models import Token

from accounts import roles

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_rates(settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"api_public": "3/minute", "api_token": "6/minute"},
    }


def statuses(api, n, url="/api/v1/cases/"):
    return [api.get(url).status_code for _ in range(n)]


def test_the_fourth_anonymous_request_in_a_minute_gets_429(api, small_rates):
    assert statuses(api, 4) == [200, 200, 200, 429]


def test_a_429_says_when_to_retry(api, small_rates):
    statuses(api, 3)
    response = api.get("/api/v1/people/")
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0


def test_a_researcher_token_gets_the_higher_limit(api, small_rates, researcher):
    token = Token.objects.create(user=researcher)
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert statuses(api, 7) == [200] * 6 + [429]


def test_a_token_of_someone_who_lost_the_researcher_role_gets_the_public_limit(
    api, small_rates, researcher
):
    token = Token.objects.create(user=researcher)
    researcher.groups.remove(Group.objects.get(name=roles.RESEARCHER))
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert statuses(api, 4) == [200, 200, 200, 429]


def test_a_revoked_token_is_refused(api, researcher):
    token = Token.objects.create(user=researcher)
    key = token.key
    token.delete()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api.get("/api/v1/cases/").status_code == 401


def test_the_token_page_asks_anonymous_visitors_to_log_in(client):
    response = client.get("/api/v1/token/")
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_the_token_page_is_refused_to_a_user_without_a_role(client, outsider):
    client.force_login(outsider)
    assert client.get("/api/v1/token/").status_code == 403


def test_a_researcher_creates_a_token_and_sees_its_key_once(client, researcher):
    client.force_login(researcher)
    response = client.post("/api/v1/token/", {"action": "create"})
    key = Token.objects.get(user=researcher).key
    assert key in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    assert key not in client.get("/api/v1/token/").content.decode()


def test_creating_again_replaces_the_old_token(client, researcher):
    client.force_login(researcher)
    client.post("/api/v1/token/", {"action": "create"})
    old = Token.objects.get(user=researcher).key
    client.post("/api/v1/token/", {"action": "create"})
    assert Token.objects.get(user=researcher).key != old


def test_a_researcher_revokes_the_token(client, researcher):
    client.force_login(researcher)
    client.post("/api/v1/token/", {"action": "create"})
    client.post("/api/v1/token/", {"action": "revoke"})
    assert not Token.objects.filter(user=researcher).exists()
    assert "You have no token" in client.get("/api/v1/token/").content.decode()
