"""Page latency, query counts and throughput at two data sizes (PostgreSQL).

    .venv/bin/python bench/pages.py                      # 1,000 and 100,000 cases
    .venv/bin/python bench/pages.py --sizes 1000 20000   # quicker
    .venv/bin/python bench/pages.py --mode cached        # production settings only

For each size it prepares a database `ct_bench_pages_<N>` (migrate, seed_synthetic,
load_demo; reused on the next run). Then, in each mode, it prints for each page the
SQL query count and the median latency of in-process requests, and the requests/s
through gunicorn for /cases/ and for a bare view rendering base.html.

- cached: the production settings, the public page cache in Redis (300 s; --cache-url,
  default $CACHE_URL or the local Redis's db 15, one key prefix per size);
- cold: the cache off, every request builds its page: what the first visitor after a
  change to public content waits, and every query the cache hides.

The two sizes run in two worker processes, and the parent takes their samples in
alternation, page by page, in several rounds: a slow moment on this machine then
falls on both sizes instead of skewing their ratio.

Targets (issue): equal query counts at both sizes; median at the large size <= 1.3x
the small one; gunicorn throughput of /cases/ >= 50% of the bare view's.
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
    # BENCH_PAGES_DB: another name stem, e.g. for a copy a branch may migrate on its own
    db = f"{os.environ.get('BENCH_PAGES_DB', 'ct_bench_pages')}_{size}"
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


class Worker:
    """One size's app, in its own process and environment, measuring on request.

    The parent alternates between the sizes' workers page by page and round by
    round, so a slow minute on this machine lands on both sizes alike instead of
    on whichever size happened to run then: the ratios are what the bench is for.
    """

    def __init__(self, env: dict):
        self.proc = subprocess.Popen(
            [sys.executable, __file__, "--worker"],
            cwd=ROOT,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )

    def ask(self, **command):
        self.proc.stdin.write(json.dumps(command) + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError("bench worker died; run it by hand with --worker to see why")
        return json.loads(line)

    def close(self):
        self.proc.stdin.close()
        self.proc.wait(timeout=30)


def serve_worker() -> None:
    """The worker's side of Worker.ask(): one JSON command per line on stdin."""
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
    urls = {
        label: url.format(case=sample.get_absolute_url(), person=sample.person.get_absolute_url())
        for label, url in PAGES
    }
    client = Client()
    for line in sys.stdin:
        command = json.loads(line)
        if command["cmd"] == "paging":
            print(json.dumps(paging(client, command["rounds"])), flush=True)
            continue
        url = urls[command["label"]]
        if command["cmd"] == "queries":
            for _ in range(3):  # warm: the first request loads templates, fills the cache
                response = client.get(url)
            # The request_started signal empties connection.queries_log, and the context
            # slices that live log: start from an empty log and count before the next request.
            reset_queries()
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url)
            reply = {"status": response.status_code, "queries": len(queries)}
        else:
            samples = []
            for _ in range(command["n"]):
                start = time.perf_counter()
                client.get(url)
                samples.append(time.perf_counter() - start)
            reply = {"samples": samples}
        print(json.dumps(reply), flush=True)


PAGING = "/cases/?country=KZ"


def paging(client, rounds: int) -> dict:
    """Cache misses a reader meets while browsing one filter: after a change to
    public content (a new cache version) the filter's first page builds its body and
    its counts; its next pages and another sort order build only their rows."""
    from casetracker.cache import bump_public_version

    taken = {"first page": [], "next pages": [], "sorted by name": []}
    for _ in range(rounds):
        bump_public_version()
        for key, urls in [
            ("first page", [PAGING]),
            ("next pages", [f"{PAGING}&page={n}" for n in range(2, 7)]),
            ("sorted by name", [f"{PAGING}&sort=name"]),
        ]:
            for url in urls:
                start = time.perf_counter()
                client.get(url)
                taken[key].append(time.perf_counter() - start)
    return {key: round(median_ms(samples), 1) for key, samples in taken.items()}


def measure(envs: dict[int, dict], repeat: int, rounds: int) -> dict:
    """{size: {label: {"median_ms", "queries"} or {"status"}}}, sizes interleaved."""
    workers = {size: Worker(env) for size, env in envs.items()}
    try:
        results = {size: {} for size in envs}
        for label, _url in PAGES:
            for size, worker in workers.items():
                results[size][label] = worker.ask(cmd="queries", label=label)
        samples = {size: {label: [] for label, _url in PAGES} for size in envs}
        per_round = max(1, repeat // rounds)
        order = list(workers.items())
        for round_ in range(rounds):
            for label, _url in PAGES:
                if any(results[size][label]["status"] != 200 for size in envs):
                    continue
                # alternate which size goes first
                for size, worker in order if round_ % 2 == 0 else reversed(order):
                    reply = worker.ask(cmd="sample", label=label, n=per_round)
                    samples[size][label].extend(reply["samples"])
        if any(env["PUBLIC_PAGE_CACHE_SECONDS"] != "0" for env in envs.values()):
            for size, worker in workers.items():
                results[size]["paging"] = worker.ask(cmd="paging", rounds=rounds)
        for size in envs:
            for label, taken in samples[size].items():
                if taken:
                    results[size][label]["median_ms"] = round(median_ms(taken), 2)
        return results
    finally:
        for worker in workers.values():
            worker.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def throughput(env: dict, seconds: float, paths: list[str]) -> dict:
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
        env=env,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=1)  # noqa: S310
                break
            except OSError:
                time.sleep(0.1)
        # The paths take turns, one-second slices each, so both see the same machine.
        slices = max(1, round(seconds))
        done = {path: {"requests": 0, "errors": 0} for path in paths}
        for path in paths:
            _hammer(base + path, 0.5)  # warm both workers' templates and cache entries
        for _ in range(slices):
            for path in paths:
                got = _hammer(base + path, seconds / slices)
                done[path]["requests"] += got["requests"]
                done[path]["errors"] += got["errors"]
        return {
            path: {"rps": round(d["requests"] / seconds, 1), "errors": d["errors"]}
            for path, d in done.items()
        }
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
    return {"requests": done[0], "errors": errors[0]}


def app_env(db: str, size: int, mode: str, cache_url: str) -> dict:
    extra = {
        # the bench measures pages, not the anonymous API rate limit
        "API_PUBLIC_RATE": "1000000/minute",
        "PUBLIC_PAGE_CACHE_SECONDS": "300" if mode == "cached" else "0",
        # no broker: tasks (the page cache warm-up after paging()'s bumps) stay out
        "CELERY_BROKER_URL": "",
        "CELERY_RESULT_BACKEND": "",
    }
    if mode == "cached":
        # Production's cache (Redis), one key prefix per size: the two databases'
        # pages must never be served from each other's entries.
        extra.update(CACHE_URL=cache_url, BENCH_CACHE_PREFIX=f"bench-pages-{size}")
    return env_for(db, **extra)


def report(mode: str, sizes: list[int], figures: dict) -> None:
    small, large = sizes
    print(
        f"\n[{mode}] {'page':<40} {'q@' + str(small):>7} {'q@' + str(large):>8} "
        f"{'ms@' + str(small):>9} {'ms@' + str(large):>10} {'ratio':>6}"
    )
    for label, _url in PAGES:
        a, b = figures[small].get(label, {}), figures[large].get(label, {})
        if "median_ms" not in a or "median_ms" not in b:
            print(f"[{mode}] {label:<40} status {a.get('status')} / {b.get('status')}  <-- error")
            continue
        ratio = b["median_ms"] / a["median_ms"] if a["median_ms"] else float("nan")
        flag = ""
        if a["queries"] != b["queries"]:
            flag = "  <-- query counts differ"
        elif ratio > 1.3:
            flag = "  <-- over 1.3x"
        print(
            f"[{mode}] {label:<40} {a['queries']:>7} {b['queries']:>8} {a['median_ms']:>9} "
            f"{b['median_ms']:>10} {ratio:>6.2f}{flag}"
        )
    for size in sizes:
        if "paging" in figures[size]:
            misses = ", ".join(f"{k} {v} ms" for k, v in figures[size]["paging"].items())
            print(f"[{mode}] misses on {PAGING} after a change @ {size}: {misses}")
    for size in sizes:
        t = figures[size]["throughput"]
        bare, cases = t["/bench/bare/"], t["/cases/"]
        share = cases["rps"] / bare["rps"] * 100 if bare["rps"] else 0
        print(
            f"[{mode}] gunicorn @ {size}: bare {bare['rps']} req/s, /cases/ {cases['rps']} req/s "
            f"({share:.0f}% of bare), errors {bare['errors'] + cases['errors']}"
        )


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs=2, default=[1000, 100000])
    parser.add_argument(
        "--mode",
        choices=["cached", "cold", "both"],
        default="both",
        help="cached: production settings (Redis page cache, 300 s); cold: the cache "
        "off, every request builds its page; both (default)",
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=0,
        help="requests per page and size (default 600 cached, 30 cold)",
    )
    parser.add_argument("--rounds", type=int, default=6, help="interleaved rounds (default 6)")
    parser.add_argument("--throughput-seconds", type=float, default=10)
    parser.add_argument(
        "--cache-url",
        default=os.environ.get("CACHE_URL") or "redis://127.0.0.1:6379/15",
        help="the Redis of the cached mode (default: $CACHE_URL, else local Redis db 15)",
    )
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:  # in the environment main() prepared
        serve_worker()
        return

    dbs = {}
    for size in args.sizes:
        print(f"== preparing {size} cases", flush=True)
        dbs[size] = prepare(size)
    modes = ["cached", "cold"] if args.mode == "both" else [args.mode]
    for mode in modes:
        repeat = args.repeat or (600 if mode == "cached" else 30)
        rounds = min(args.rounds, repeat)
        print(f"== {mode}: {repeat} requests per page and size, in {rounds} rounds", flush=True)
        envs = {size: app_env(dbs[size], size, mode, args.cache_url) for size in args.sizes}
        figures = measure(envs, repeat, rounds)
        for size in args.sizes:
            figures[size]["throughput"] = throughput(
                envs[size], args.throughput_seconds, ["/bench/bare/", "/cases/"]
            )
        report(mode, args.sizes, figures)


if __name__ == "__main__":
    os.chdir(ROOT)
    main()
