"""Load test: 50 users for 60 s on loopback (locust, headless), then p50/p95 and errors.

    .venv/bin/python bench/load.py                       # ct_bench_pages_1000
    .venv/bin/python bench/load.py --size 100000 --users 50 --seconds 60

Visitors (9 in 10) browse /cases/ with filters and pages, search, open case
pages, /stats/ and the home page; monitors (1 in 10) sign in through allauth
(/accounts/login/, staff MFA switched off for the bench server only) and log
prison visits through /monitor/visits/new/. gunicorn serves on 127.0.0.1 with
the page cache on (LocMem per worker unless CACHE_URL is set). Target (issue): 0 errors.
"""

from __future__ import annotations

import argparse
import csv
import os
import secrets
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import ROOT, env_for, manage  # noqa: E402
from bench.pages import free_port, prepare  # noqa: E402

MONITORS = 5
SETUP = """
from django.contrib.auth.models import Group
from accounts import roles
from accounts.models import User
from cases.models import Case
group, _ = Group.objects.get_or_create(name=roles.MONITOR)
for n in range({monitors}):
    user, _ = User.objects.get_or_create(
        username=f"bench-monitor-{{n}}", defaults={{"is_staff": True}}
    )
    user.set_password({password!r})
    user.save()
    user.groups.add(group)
slugs = Case.objects.public().order_by("?").values_list("slug", flat=True)[:500]
open({slugs_file!r}, "w").write("\\n".join(slugs))
"""


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--size", type=int, default=1000)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args()

    db = prepare(args.size)
    tmp = Path(tempfile.mkdtemp(prefix="ct-bench-load-"))
    password = secrets.token_urlsafe(16)
    slugs_file = tmp / "slugs.txt"
    script = SETUP.format(monitors=MONITORS, password=password, slugs_file=str(slugs_file))
    manage(db, "shell", "-c", script)

    server_env = env_for(
        db,
        MFA_REQUIRED_FOR_STAFF="false",  # the bench's monitors have no authenticator
        PUBLIC_PAGE_CACHE_SECONDS=os.environ.get("PUBLIC_PAGE_CACHE_SECONDS", "300"),
        API_PUBLIC_RATE="100000/minute",
    )
    port = free_port()
    host = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(  # noqa: S603 (our own gunicorn)
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "casetracker.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(args.workers),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=server_env,
    )
    try:
        for _ in range(200):
            try:
                urllib.request.urlopen(host + "/healthz", timeout=1)  # noqa: S310 (loopback)
                break
            except OSError:
                time.sleep(0.1)
        locust_env = {
            **os.environ,
            "BENCH_SLUGS_FILE": str(slugs_file),
            "BENCH_MONITOR_PASSWORD": password,
            "BENCH_MONITORS": str(MONITORS),
        }
        subprocess.run(  # noqa: S603
            [
                str(Path(sys.executable).parent / "locust"),
                "-f",
                str(ROOT / "bench" / "locustfile.py"),
                "--headless",
                "--host",
                host,
                "--users",
                str(args.users),
                "--spawn-rate",
                "10",
                "--run-time",
                f"{args.seconds}s",
                "--stop-timeout",
                "10",
                "--csv",
                str(tmp / "load"),
                "--only-summary",
                "--loglevel",
                "WARNING",
            ],
            cwd=ROOT,
            env=locust_env,
            check=False,
            timeout=args.seconds + 120,
        )
    finally:
        server.terminate()
        server.wait(timeout=20)
    report(tmp / "load_stats.csv", args)


def report(stats_csv: Path, args) -> None:
    with stats_csv.open() as handle:
        rows = list(csv.DictReader(handle))
    print(f"\n{args.users} users, {args.seconds} s, {args.size} cases, {args.workers} workers")
    print(f"{'request':<36} {'count':>7} {'errors':>7} {'p50 ms':>7} {'p95 ms':>7}")
    for row in rows:
        label = row["Name"] if row["Name"] != "Aggregated" else "ALL"
        print(
            f"{(row['Type'] + ' ' + label).strip():<36} {row['Request Count']:>7} "
            f"{row['Failure Count']:>7} {row['50%']:>7} {row['95%']:>7}"
        )


if __name__ == "__main__":
    os.chdir(ROOT)
    main()
