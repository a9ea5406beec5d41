"""Helpers shared by the bench scripts: databases, subprocesses, timing."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")


def env_for(db: str, **extra) -> dict:
    env = {
        **os.environ,
        "DATABASE_URL": f"{PG}/{db}",
        "SECRET_KEY": os.environ.get("SECRET_KEY", "bench-only-secret-key"),
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DJANGO_READ_DOT_ENV": "0",
        "SECURE_SSL_REDIRECT": "false",
        "STATIC_MANIFEST": "false",
        **extra,
    }
    return env


def manage(db: str, *args: str, **extra) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env_for(db, **extra),
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout


def ensure_database(db: str) -> None:
    import psycopg2

    conn = psycopg2.connect(f"{PG}/postgres")
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db])
        if not cur.fetchone():
            cur.execute(f'CREATE DATABASE "{db}"')
    conn.close()


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000
