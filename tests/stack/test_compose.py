"""docker-compose.yml describes the production stack (no Docker engine here: structure only)."""

from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def services():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]


APP = ("web", "worker", "beat", "migrate")


def test_the_stack_has_web_worker_beat_migrations_postgres_and_redis(services):
    assert set(services) == {"web", "worker", "beat", "migrate", "db", "redis"}
    assert services["web"]["command"].startswith("gunicorn casetracker.wsgi")
    assert "celery -A casetracker worker" in services["worker"]["command"]
    assert "celery -A casetracker beat" in services["beat"]["command"]


@pytest.mark.parametrize("name", APP)
def test_app_services_take_their_configuration_from_dot_env(services, name):
    service = services[name]
    assert service["env_file"] == ".env"
    assert service["environment"]["DATABASE_URL"].startswith("postgres://")
    assert service["environment"]["CELERY_BROKER_URL"].startswith("redis://redis")


@pytest.mark.parametrize("name", ["web", "worker", "beat"])
def test_app_processes_wait_for_healthy_services_and_applied_migrations(services, name):
    assert services[name]["depends_on"] == {
        "db": {"condition": "service_healthy"},
        "redis": {"condition": "service_healthy"},
        "migrate": {"condition": "service_completed_successfully"},
    }


@pytest.mark.parametrize("name", ["web", "worker", "db", "redis"])
def test_long_running_services_have_health_checks(services, name):
    assert services[name]["healthcheck"]["test"]


def test_web_health_check_probes_healthz(services):
    assert "/healthz" in " ".join(services["web"]["healthcheck"]["test"])


def test_database_redis_and_evidence_live_on_volumes(services):
    assert "pgdata:/var/lib/postgresql/data" in services["db"]["volumes"]
    assert "redisdata:/data" in services["redis"]["volumes"]
    for name in APP:
        assert "evidence:/data/evidence" in services[name]["volumes"]
        assert services[name]["environment"]["EVIDENCE_ROOT"] == "/data/evidence"


def test_only_the_web_port_is_published_and_only_on_loopback(services):
    published = {name: s["ports"] for name, s in services.items() if s.get("ports")}
    assert published == {"web": ["127.0.0.1:8000:8000"]}


def test_no_database_password_is_written_in_the_file(services):
    assert "${POSTGRES_PASSWORD" in services["db"]["environment"]["POSTGRES_PASSWORD"]
