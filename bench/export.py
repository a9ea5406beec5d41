"""Streaming CSV export of every case through gunicorn: rows/s and peak memory.

    .venv/bin/python bench/export.py                 # 100,000 cases (ct_bench_pages_100000)
    .venv/bin/python bench/export.py --size 1000

Uses the database bench/pages.py prepares (`ct_bench_pages_<N>`, seeded if
missing). One gunicorn sync worker serves GET /cases/export.csv; the client
reads the stream and counts rows. Peak memory is the worker's own high-water
mark of resident memory (VmHWM in /proc/<pid>/status), read after the export:
the real process, its real allocator and every library, not a tracemalloc
estimate of Python objects only. Target (issue): peak RSS <= 200 MB.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import ROOT, env_for  # noqa: E402
from bench.pages import free_port, prepare  # noqa: E402


def _status_kb(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise LookupError(field)


def _worker_pid(master: int) -> int:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
        if children:
            return int(children[0])
        time.sleep(0.1)
    raise RuntimeError("gunicorn started no worker")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--size", type=int, default=100_000)
    args = parser.parse_args()
    db = prepare(args.size)
    port = free_port()
    server = subprocess.Popen(  # noqa: S603 (our own gunicorn)
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "casetracker.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--timeout",
            "600",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env_for(db),
    )
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(200):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=1)  # noqa: S310 (loopback)
                break
            except OSError:
                time.sleep(0.1)
        worker = _worker_pid(server.pid)
        idle_kb = _status_kb(worker, "VmRSS")
        rows, size = -1, 0  # the header line is not a row
        started = time.perf_counter()
        first_byte = None
        with urllib.request.urlopen(base + "/cases/export.csv", timeout=600) as response:  # noqa: S310
            for line in response:
                if first_byte is None:
                    first_byte = time.perf_counter() - started
                size += len(line)
                rows += line.endswith(b"\r\n")  # csv.writer ends records with CRLF
        elapsed = time.perf_counter() - started
        peak_kb = _status_kb(worker, "VmHWM")
    finally:
        server.terminate()
        server.wait(timeout=20)
    print(f"database                 {db}")
    print(f"rows exported            {rows:,}  ({size / 1e6:.1f} MB of CSV)")
    print(f"time                     {elapsed:.1f} s, first byte after {first_byte * 1000:.0f} ms")
    print(f"rows/s                   {rows / elapsed:,.0f}")
    print(f"worker RSS idle          {idle_kb / 1024:.0f} MB")
    print(f"worker peak RSS (VmHWM)  {peak_kb / 1024:.0f} MB  (target <= 200 MB)")


if __name__ == "__main__":
    os.chdir(ROOT)
    main()
