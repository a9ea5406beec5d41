import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _load_settings(env: dict) -> subprocess.CompletedProcess:
    clean = {
        k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DEBUG", "DATABASE_URL")
    }
    return subprocess.run(  # noqa: S603
        [
            sys.executable,
            "-c",
            "import casetracker.settings as s; "
            "print(s.DEBUG, s.DATABASES['default']['ENGINE'], s.CELERY_TASK_ALWAYS_EAGER)",
        ],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_settings_refuse_to_start_without_a_secret_key(tmp_path):
    result = _load_settings({"DJANGO_READ_DOT_ENV": "0"})
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_embedded_default_is_sqlite_eager_celery_and_no_debug():
    result = _load_settings(
        {"SECRET_KEY": "x", "CELERY_BROKER_URL": "", "DJANGO_READ_DOT_ENV": "0"}
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "django.db.backends.sqlite3", "True"]


def test_database_url_selects_postgresql():
    result = _load_settings(
        {
            "SECRET_KEY": "x",
            "DATABASE_URL": "postgres://u@127.0.0.1:5432/db",
            "DJANGO_READ_DOT_ENV": "0",
        }
    )
    assert result.stdout.split()[1] == "django.db.backends.postgresql"


def test_the_suite_pins_the_settings_it_tests_whatever_the_shell_exports():
    # `make test` from a shell with a developer's or a deployment's variables exported.
    exported = {
        **os.environ,
        "DEBUG": "true",
        "TRUSTED_PROXY_COUNT": "3",
        "MFA_REQUIRED_FOR_STAFF": "true",
        "AXES_FAILURE_LIMIT": "50",
    }
    result = subprocess.run(  # noqa: S603
        [
            sys.executable,
            "-c",
            "import tests.testenv; import casetracker.settings as s; "
            "print(s.DEBUG, s.TRUSTED_PROXY_COUNT, s.MFA_REQUIRED_FOR_STAFF, s.AXES_FAILURE_LIMIT)",
        ],
        cwd=ROOT,
        env=exported,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "0", "False", "5"]
