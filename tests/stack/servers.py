"""Private Redis and PostgreSQL instances and app subprocesses for the stack tests.

Every instance listens on a spare loopback port in a temporary directory and is
stopped in the test's `finally`: the shared services on 6379/5432, which other
tests use, are never touched.
"""

from __future__ import annotations

import glob
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import quote

from tests.conftest import _unavailable

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(predicate, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(0.1)


def port_open(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


def get(url: str, timeout: float = 10) -> tuple[int, str]:
    """Status and body; an HTTP error status is returned, not raised."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 (loopback)
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def database_url(settings_dict: dict, name: str | None = None) -> str:
    """A DATABASE_URL for the given connection settings (the test database by default)."""
    auth = quote(settings_dict["USER"] or "")
    if settings_dict["PASSWORD"]:
        auth += ":" + quote(settings_dict["PASSWORD"])
    host = f"{settings_dict['HOST'] or '127.0.0.1'}:{settings_dict['PORT'] or 5432}"
    return f"postgres://{auth}@{host}/{name or settings_dict['NAME']}"


def app_env(**extra: str) -> dict[str, str]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "casetracker.settings",
        "DJANGO_READ_DOT_ENV": "0",
        "SECRET_KEY": "stack-test-only-secret-key",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",
        "STATIC_MANIFEST": "false",
        "DEBUG": "false",
        "PUBLIC_PAGE_CACHE_SECONDS": "300",  # the suite turns it off in-process (testenv)
    }
    for name in ("CACHE_URL", "CELERY_BROKER_URL", "CELERY_RESULT_BACKEND"):
        env.pop(name, None)  # each test says which services the processes use
    env.update(extra)
    return env


class Process:
    """A subprocess in its own process group: terminated (then killed) with its children."""

    def __init__(self, argv: list[str], env: dict, log: Path):
        self.log = log
        self._out = log.open("wb")
        self.popen = subprocess.Popen(  # noqa: S603 (our own interpreter and tools)
            argv,
            cwd=ROOT,
            env=env,
            stdout=self._out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def alive(self) -> bool:
        return self.popen.poll() is None

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def stop(self, timeout: float = 10) -> None:
        if self.alive():
            os.killpg(self.popen.pid, signal.SIGTERM)
            try:
                self.popen.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                os.killpg(self.popen.pid, signal.SIGKILL)
                self.popen.wait(timeout=timeout)
        self._out.close()


def gunicorn(env: dict, log: Path, workers: int = 1) -> tuple[Process, str]:
    port = free_port()
    process = Process(
        [
            str(BIN / "gunicorn"),
            "casetracker.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--timeout",
            "30",
        ],
        env,
        log,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(lambda: port_open(port) or not process.alive(), 30, "gunicorn to listen")
        assert process.alive(), process.output()
    except BaseException:
        process.stop()
        raise
    return process, base


class PrivateRedis:
    """`redis-server` on a spare port, no persistence; stop() and start() keep the port."""

    def __init__(self, tmp: Path):
        self.binary = shutil.which("redis-server")
        if not self.binary:
            _unavailable("needs the redis-server binary on PATH to start a private Redis")
        self.port = free_port()
        self.tmp = tmp
        self.process: Process | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = Process(
            [
                self.binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.tmp),
            ],
            os.environ.copy(),
            self.tmp / f"redis-{time.monotonic_ns()}.log",
        )
        wait_for(lambda: port_open(self.port), 10, "the private Redis")

    def stop(self) -> None:
        if self.process:
            self.process.stop()
            self.process = None
        wait_for(lambda: not port_open(self.port), 10, "the private Redis to stop")

    def kill(self) -> None:
        """SIGKILL: the server vanishes without closing its connections politely."""
        if self.process:
            os.killpg(self.process.popen.pid, signal.SIGKILL)
            self.process.popen.wait(timeout=10)
            self.process._out.close()
            self.process = None
        wait_for(lambda: not port_open(self.port), 10, "the private Redis to die")

    def keys(self) -> int:
        import redis

        return redis.Redis(port=self.port).dbsize()


def _pg_bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if not found:
        _unavailable(f"needs the PostgreSQL server binaries (/usr/lib/postgresql/*/bin/{name})")
    return found[-1]


class PrivatePostgres:
    """A throwaway cluster (initdb, trust auth on loopback) run as the `postgres` user."""

    def __init__(self, tmp: Path):
        self.initdb, self.pg_ctl = _pg_bin("initdb"), _pg_bin("pg_ctl")
        if os.geteuid() == 0:
            if not shutil.which("runuser"):
                _unavailable("needs runuser to run PostgreSQL as the postgres user")
            self.prefix = ["runuser", "-u", "postgres", "--"]
        else:
            self.prefix = []
        self.port = free_port()
        # Under /tmp-like storage the postgres user can reach; pytest's tmp_path may sit
        # below a directory only root can enter.
        self.dir = Path(tempfile.mkdtemp(prefix="ct-stack-pg-"))
        if self.prefix:
            shutil.chown(self.dir, "postgres", "postgres")
        self.data = self.dir / "data"
        self._run(self.initdb, "-D", str(self.data), "-A", "trust", "-U", "postgres", "--no-sync")
        self.started = False

    def _run(self, *argv: str) -> None:
        subprocess.run(  # noqa: S603
            [*self.prefix, *argv], check=True, capture_output=True, timeout=120
        )

    def url(self, name: str = "postgres") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"

    def start(self) -> None:
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.dir} -c fsync=off"
        self._run(
            self.pg_ctl, "-D", str(self.data), "-l", str(self.dir / "log"), "-o", options, "-w",
            "start",
        )  # fmt: skip
        self.started = True

    def stop(self) -> None:
        if self.started:
            self._run(self.pg_ctl, "-D", str(self.data), "-m", "fast", "-w", "stop")
            self.started = False

    def create_database(self, name: str) -> None:
        import psycopg2

        conn = psycopg2.connect(self.url())
        conn.autocommit = True
        with conn.cursor() as cur:
            cur.execute(f'CREATE DATABASE "{name}"')
        conn.close()

    def destroy(self) -> None:
        try:
            self.stop()
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)


def manage(env: dict, *args: str) -> str:
    result = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout
