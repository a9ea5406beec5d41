import pytest
from django.core.cache import cache
from rest_framework.test import APIClient


@pytest.fixture(autouse=True)
def _fresh_throttle_counts():
    """Throttle counters live in the cache; every test starts with none."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def api():
    return APIClient()


def results(response):
    assert response.status_code == 200, response.content[:500]
    return response.json()["results"]


def ids(response):
    return [item["id"] for item in results(response)]
