"""Publishing figures (PostgreSQL): one case at two data sizes, and many cases in bulk.

    .venv/bin/python bench/publish.py                           # 1,000 and 100,000; 10,000 in bulk
    .venv/bin/python bench/publish.py --sizes 1000 20000 --bulk 2000   # quicker

- one case: in bench/pages.py's databases (`ct_bench_pages_<N>`: migrate,
  seed_synthetic, load_demo; reused), an editor edits a published synthetic case
  (its summary, through the ORM) and publishes it with cases.services.publish_case
  (the state machine, the version, the Publication, the read model written by
  the receiver, all in one transaction). Printed: the median and the slowest of
  --repeat publications, each of another case, and their query count; then the
  same for the read-model write alone (public.writer.write_version of the
  version just published: the person's rows rewritten, the references checked).
- bulk: a fresh database `ct_bench_publish_bulk` gets --bulk synthetic cases left
  as drafts (seed_synthetic --drafts), which cases.services.publish_many then
  publishes: seconds, cases per second and queries.

Targets (issue 13): one case <= 200 ms at 100,000 published cases, and the same
query count at both sizes; 10,000 cases in bulk <= 60 s.

Figures (2026-12, a shared 2-core machine with other test runs going; 10,000 is
the large size: 100,000 could not be seeded in the time available):

    publish one @ 1,000:   median 133 ms (slowest 211 ms), 95 queries;
                           read model alone 48 ms, 54 queries
    publish one @ 10,000:  median 139 ms (slowest 239 ms), 93 queries;
                           read model alone 62 ms, 53 queries
    bulk: 10,000 draft cases in 159 s (63 cases/s), 1,624 queries (about 81 per
          batch of 500), 10,000 Publication rows -- measured while the machine
          was at its busiest (a profile of a 500-case batch then spent about a
          tenth of its wall time on this process's CPU); not yet <= 60 s here.

The query counts do not grow with the data (a case without, say, a sentence
skips its prefetch: 93 vs 95): the read model's reference sweep checks only the
rows the replaced version brought, and the person's rows are rewritten by
indexed person/case ids.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import ROOT, ensure_database, env_for, manage  # noqa: E402
from bench.pages import analyze, prepare  # noqa: E402

BULK_DB = "ct_bench_publish_bulk"
ENV = {"CELERY_BROKER_URL": "", "CELERY_RESULT_BACKEND": ""}  # tasks run in-process


def _editor():
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from accounts import roles

    user, _created = get_user_model().objects.get_or_create(
        username="bench-editor", defaults={"is_staff": True}
    )
    user.groups.add(Group.objects.get_or_create(name=roles.EDITOR)[0])
    return get_user_model().objects.get(pk=user.pk)  # no cached permissions


def worker_one(repeat: int) -> dict:
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    from cases.models import Case
    from cases.services import publish_case
    from public import writer

    editor = _editor()
    published = Case.objects.public().filter(is_synthetic=True)
    total = published.count()
    step = max(total // (repeat + 1), 1)
    # spread over the table, a different case each time; the first one warms up
    ids = list(published.order_by("pk").values_list("pk", flat=True)[::step][: repeat + 1])
    publish, write, queries, write_queries = [], [], [], []
    for n, pk in enumerate(ids):
        Case.objects.filter(pk=pk).update(summary=f"Synthetic case, edited for the bench ({n}).")
        case = Case.objects.select_related("person").get(pk=pk)
        reset_queries()
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            publication = publish_case(by=editor, case=case, comment="bench")
            took = time.perf_counter() - started
        n_publish = len(captured)  # now: the next reset_queries() empties the log it reads
        reset_queries()
        with CaptureQueriesContext(connection) as captured_write:
            started = time.perf_counter()
            writer.write_version(
                case_id=pk,
                snapshot=publication.snapshot,
                published_at=publication.created_at,
                publication_id=publication.pk,
            )
            took_write = time.perf_counter() - started
        n_write = len(captured_write)
        if n:  # not the warm-up
            publish.append(took)
            write.append(took_write)
            queries.append(n_publish)
            write_queries.append(n_write)
    return {
        "published_cases": total,
        "publish_ms": round(statistics.median(publish) * 1000, 1),
        "publish_max_ms": round(max(publish) * 1000, 1),
        "queries": max(queries),
        "write_ms": round(statistics.median(write) * 1000, 1),
        "write_queries": max(write_queries),
    }


def worker_bulk() -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from cases.models import Case, Publication
    from cases.services import publish_many

    editor = _editor()
    drafts = list(
        Case.objects.filter(is_synthetic=True, editorial_state=Case.EditorialState.DRAFT)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        count = publish_many(by=editor, cases=drafts, comment="bench")
        took = time.perf_counter() - started
    return {
        "cases": len(drafts),
        "published": count,
        "publications": Publication.objects.filter(case_id__in=drafts).count(),
        "seconds": round(took, 1),
        "per_second": round(count / took) if took else 0,
        "queries": len(captured),
    }


def run_worker(db: str, *args: str) -> dict:
    result = subprocess.run(
        [sys.executable, __file__, "--worker", *args],
        cwd=ROOT,
        env=env_for(db, **ENV),
        capture_output=True,
        text=True,
    )
    if result.returncode:
        sys.stderr.write(result.stderr)
        raise SystemExit(f"bench worker failed on {db}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def prepare_bulk(size: int) -> str:
    ensure_database(BULK_DB)
    manage(BULK_DB, "migrate", "--noinput", **ENV)
    manage(BULK_DB, "seed_synthetic", "--clear", **ENV)
    started = time.monotonic()
    manage(
        BULK_DB,
        "seed_synthetic",
        "--people",
        str(size),
        "--observations",
        "3",
        "--drafts",
        "--force",
        **ENV,
    )
    print(f"  seeded {size} draft cases in {time.monotonic() - started:.0f} s", flush=True)
    analyze(BULK_DB)
    return BULK_DB


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 100000])
    parser.add_argument(
        "--bulk", type=int, default=10000, help="cases to publish in bulk (0: skip)"
    )
    parser.add_argument("--repeat", type=int, default=15, help="single publications per size")
    parser.add_argument("--worker", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        import django

        django.setup()
        kind, *rest = args.worker
        reply = worker_one(int(rest[0])) if kind == "one" else worker_bulk()
        print(json.dumps(reply), flush=True)
        return

    for size in args.sizes:
        print(f"== preparing {size} cases", flush=True)
        db = prepare(size)
        one = run_worker(db, "one", str(args.repeat))
        print(
            f"[publish one] @ {one['published_cases']} published cases: "
            f"median {one['publish_ms']} ms (slowest {one['publish_max_ms']} ms), "
            f"{one['queries']} queries; read model alone {one['write_ms']} ms, "
            f"{one['write_queries']} queries",
            flush=True,
        )
    if args.bulk:
        print(f"== preparing {args.bulk} draft cases", flush=True)
        db = prepare_bulk(args.bulk)
        bulk = run_worker(db, "bulk")
        print(
            f"[publish bulk] {bulk['published']} of {bulk['cases']} cases in {bulk['seconds']} s "
            f"({bulk['per_second']} cases/s), {bulk['queries']} queries, "
            f"{bulk['publications']} Publication rows",
            flush=True,
        )


if __name__ == "__main__":
    os.chdir(ROOT)
    main()
