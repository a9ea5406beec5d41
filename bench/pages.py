"""Page latency, query counts and throughput at two data sizes (PostgreSQL).

    .venv/bin/python bench/pages.py                      # 1,000 and 100,000 cases
    .venv/bin/python bench/pages.py --sizes 1000 20000   # quicker

For each size it prepares a database `ct_bench_pages_<N>` (migrate, seed_synthetic,
load_demo; reused on the next run), then prints for each page the median latency
of N in-process requests and its SQL query count, and the requests/s through
gunicorn for /cases/ and for a bare view rendering base.html. Targets (issue):
equal query counts at both sizes; median at the large size <= 1.3x the small one;
gunicorn throughput of /cases/ >= 50% of the bare view's.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import ROOT, ensure_database, env_for, manage, median_ms  # noqa: E402

PAGES = [
    ("bare view (base.html)", "/bench/bare/"),
    ("/cases/", "/cases/"),
    ("/cases/?country=KZ", "/cases/?country=KZ"),
    ("/cases/?status=convicted&year=2020", "/cases/?status=convicted&year=2020"),
    ("/cases/?min_months=24&sort=sentence", "/cases/?min_months=24&sort=sentence"),
    ("/cases/?article=KZ:criminal:905", "/cases/?article=KZ:criminal:905"),
    ("search /cases/?q=Zhylanbaev", "/cases/?q=Zhylanbaev"),
    ("case page", "{case}"),
    ("person page", "{person}"),
    ("/stats/", "/stats/"),
    ("/api/v1/cases/", "/api/v1/cases/"),
]


def prepare(size: int) -> str:
    db = f"ct_bench_pages_{size}"
    ensure_database(db)
    manage(db, "migrate", "--noinput")
    have = int(  # the last line: `shell` may print a banner first
        manage(
            db,
            "shell",
            "-c",
            "from cases.models import Case; print(Case.objects.filter(is_synthetic=True).count())",
        ).split()[-1]
    )
    if have < size:
        print(f"  seeding {size - have} synthetic cases into {db} ...", flush=True)
        started = time.monotonic()
        manage(
            db,
            "seed_synthetic",
            "--people",
            str(size - have),
            "--observations",
            "3",
            "--seed",
            str(have + 1),
            "--force",
        )
        print(f"  seeded in {time.monotonic() - started:.0f} s", flush=True)
    manage(db, "load_demo")
    # Bulk-seeded tables have no planner statistics until autovacuum gets to them,
    # and with none PostgreSQL plans the facet counts as if every table held one row
    # (nested loops: seconds at 1,000 cases). Production gets the same after a big
    # import; `manage.py dbshell -c ANALYZE` (or autovacuum) is the remedy there.
    analyze(db)
    return db


def analyze(db: str) -> None:
    import psycopg2

    from bench.common import PG

    conn = psycopg2.connect(f"{PG}/{db}")
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("ANALYZE")
    conn.close()


def measure(repeat: int) -> dict:
    """Runs inside the bench database's environment (see main)."""
    import django

    django.setup()
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from cases.models import Case

    # A reference case (load_demo), identical at both sizes: a synthetic case
    # picked by position may lack a section at one size (no sentence, say), and
    # its page then skips a query the other size's page runs.
    sample = (
        Case.objects.public().select_related("person").filter(is_synthetic=False).earliest("pk")
    )
    client = Client()
    results = {}
    for label, url in PAGES:
        url = url.format(case=sample.get_absolute_url(), person=sample.person.get_absolute_url())
        for _ in range(3):
            response = client.get(url)
        if response.status_code != 200:
            results[label] = {"status": response.status_code}
            continue
        # The request_started signal empties connection.queries_log, and the context
        # slices that live log: start from an empty log and count before the next request.
        reset_queries()
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        query_count = len(queries)
        samples = []
        for _ in range(repeat):
            start = time.perf_counter()
            client.get(url)
            samples.append(time.perf_counter() - start)
        results[label] = {"median_ms": round(median_ms(samples), 1), "queries": query_count}
    return results


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def throughput(db: str, seconds: float, paths: list[str]) -> dict:
    port = free_port()
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "casetracker.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env_for(db),
    )
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=1)  # noqa: S310
                break
            except OSError:
                time.sleep(0.1)
        out = {}
        for path in paths:
            out[path] = _hammer(base + path, seconds)
        return out
    finally:
        server.terminate()
        server.wait(timeout=10)


def _hammer(url: str, seconds: float, threads: int = 8) -> dict:
    done, errors = [0], [0]
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def worker():
        while time.monotonic() < stop:
            try:
                with urllib.request.urlopen(url, timeout=10) as r:  # noqa: S310
                    r.read()
                ok = r.status == 200
            except OSError:
                ok = False
            with lock:
                if ok:
                    done[0] += 1
                else:
                    errors[0] += 1

    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    return {"rps": round(done[0] / seconds, 1), "errors": errors[0]}


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs=2, default=[1000, 100000])
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--throughput-seconds", type=float, default=10)
    parser.add_argument(
        "--page-cache",
        type=int,
        default=0,
        metavar="SECONDS",
        help="PUBLIC_PAGE_CACHE_SECONDS for the measured app (default 0: every request "
        "builds its page; >0 measures cache hits, in-process LocMem unless CACHE_URL is set)",
    )
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:  # in the environment main() prepared
        print(json.dumps(measure(args.repeat)))
        return
    os.environ["PUBLIC_PAGE_CACHE_SECONDS"] = str(args.page_cache)

    figures = {}
    print(f"page cache: {args.page_cache or 'off'}", flush=True)
    for size in args.sizes:
        print(f"== {size} cases", flush=True)
        db = prepare(size)
        out = subprocess.run(
            [sys.executable, __file__, "--measure", "--repeat", str(args.repeat)],
            cwd=ROOT,
            env=env_for(db),
            capture_output=True,
            text=True,
            check=True,
        )
        figures[size] = json.loads(out.stdout.strip().splitlines()[-1])
        figures[size]["throughput"] = throughput(
            db, args.throughput_seconds, ["/bench/bare/", "/cases/"]
        )

    small, large = args.sizes
    print(
        f"\n{'page':<40} {'q@' + str(small):>7} {'q@' + str(large):>8} "
        f"{'ms@' + str(small):>9} {'ms@' + str(large):>10} {'ratio':>6}"
    )
    for label, _url in PAGES:
        a, b = figures[small].get(label, {}), figures[large].get(label, {})
        if "median_ms" not in a or "median_ms" not in b:
            print(f"{label:<40} status {a.get('status')} / {b.get('status')}")
            continue
        ratio = b["median_ms"] / a["median_ms"] if a["median_ms"] else float("nan")
        flag = "" if a["queries"] == b["queries"] and ratio <= 1.3 else "  <-- off target"
        print(
            f"{label:<40} {a['queries']:>7} {b['queries']:>8} {a['median_ms']:>9} "
            f"{b['median_ms']:>10} {ratio:>6.2f}{flag}"
        )
    for size in args.sizes:
        t = figures[size]["throughput"]
        bare, cases = t["/bench/bare/"], t["/cases/"]
        share = cases["rps"] / bare["rps"] * 100 if bare["rps"] else 0
        print(
            f"gunicorn @ {size}: bare {bare['rps']} req/s, /cases/ {cases['rps']} req/s "
            f"({share:.0f}% of bare), errors {bare['errors'] + cases['errors']}"
        )


if __name__ == "__main__":
    os.chdir(ROOT)
    main()
