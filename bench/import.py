"""Benchmark of the CSV import: a synthetic 10,000-row file on SQLite and PostgreSQL.

    .venv/bin/python bench/import.py [--rows 10000] [--pg postgres://postgres@127.0.0.1:5432]

For each database: a fresh, migrated database (SQLite: a temporary file;
PostgreSQL: `ct_bench_import`, dropped and re-created), then
`manage.py import_cases FILE --publish` (everything created), the same again
(everything unchanged) and a `--dry-run`. Prints the wall time of each run,
which includes starting Django (about a second). The goal: under 30 s.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
FIRST = [
    "Marat",
    "Aigerim",
    "Nurlan",
    "Bakhytzhan",
    "Dana",
    "Yerlan",
    "Saule",
    "Timur",
    "Aliya",
    "Serik",
    "Galym",
    "Zhanar",
    "Askar",
    "Madina",
    "Ruslan",
    "Inna",
    "Oleg",
    "Ivan",
    "Anna",
    "Dmitry",
    "Olga",
    "Sergei",
    "Elena",
    "Pavel",
    "Maria",
    "Azamat",
    "Gulnara",
    "Bolat",
]
LAST = [
    "Zhylanbayev",
    "Toregozhina",
    "Nurlanov",
    "Sadykov",
    "Abenova",
    "Kaliyev",
    "Omarova",
    "Petrov",
    "Ivanova",
    "Smirnov",
    "Kuznetsova",
    "Popov",
    "Sokolova",
    "Mukhamedov",
    "Akhmetova",
    "Bekov",
    "Dzhaksybekov",
    "Tokayeva",
    "Rakhimov",
    "Utegenova",
    "Zhakiyanov",
]
ORGS = [
    "Alga, Kazakhstan!",
    "Democratic Choice of Kazakhstan",
    "Oyan, Qazaqstan",
    "Memorial",
    "Free Press Union",
    "Green Movement",
    "Workers' Union",
]
KZ_ARTICLES = [
    ("405", "participation in a banned organization"),
    ("258", "financing of extremism"),
    ("174", "inciting social discord"),
    ("274", "spreading false information"),
    ("272", "calls to mass unrest"),
]
RU_ARTICLES = [
    ("207.3", "spreading fakes about the army"),
    ("280.3", "discrediting the army"),
    ("282.2", "organizing an extremist organization"),
    ("275", "high treason"),
]


def synthetic_rows(n: int, seed: int = 7):
    rng = random.Random(seed)
    for i in range(n):
        country = rng.choice(["KZ", "KZ", "RU"])
        first, last = rng.choice(FIRST), rng.choice(LAST)
        name = f"{first} {last} {chr(65 + i % 26)}{i}"
        year = rng.randint(1950, 2000)
        arrest = f"{rng.randint(2015, 2024)}-{rng.randint(1, 12):02d}"
        verdict_year = int(arrest[:4]) + 1
        case_type = rng.choice(["criminal", "criminal", "administrative"])
        articles = KZ_ARTICLES if country == "KZ" else RU_ARTICLES
        charges = ";".join(
            f"{num}: {wording}" for num, wording in rng.sample(articles, rng.randint(1, 2))
        )
        fine = case_type == "administrative"
        yield {
            "person_name": name,
            "name_variants": f"{first} {last}ov {i}" if rng.random() < 0.3 else "",
            "birth_date": str(year) if rng.random() < 0.5 else f"{year}-{rng.randint(1, 12):02d}",
            "gender": rng.choice(["female", "male", ""]),
            "citizenship": country,
            "occupation": rng.choice(["activist", "journalist", "lawyer", "blogger", ""]),
            "organizations": f"{rng.choice(ORGS)}|{rng.choice(['member', 'leader', 'supporter'])}"
            if rng.random() < 0.6
            else "",
            "case_type": case_type,
            "country": country,
            "region": rng.choice(["Almaty", "Astana", "Moscow", ""]),
            "court": "District court",
            "case_number": f"{i}-{year}",
            "status": "convicted",
            "arrest_date": arrest,
            "verdict_date": f"{verdict_year}-{rng.randint(1, 12):02d}",
            "charges": charges,
            "sentence_kind": "fine" if fine else "imprisonment",
            "sentence_months": "" if fine else str(rng.randint(6, 120)),
            "fine_amount": str(rng.randint(10, 500) * 1000) if fine else "",
            "fine_currency": ("KZT" if country == "KZ" else "RUB") if fine else "",
            "fine_usd": "",
            "facility": "" if fine else f"Penal colony No. {rng.randint(1, 60)}",
            "facility_city": "" if fine else rng.choice(["Almaty", "Pavlodar", "Perm"]),
            "detained_since": "" if fine else arrest,
            "recognized_by": "Memorial" if rng.random() < 0.4 else "",
            "summary": f"Synthetic case {i} for the import benchmark.",
            "source_url": f"https://example.org/report/{i % 2000}",
            "source_title": f"Report {i % 2000}",
            "source_date": "2025-01",
        }


def write_csv(path: Path, n: int) -> None:
    from_rows = list(synthetic_rows(n))
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(from_rows[0]))
        writer.writeheader()
        writer.writerows(from_rows)


def manage(env: dict, *args: str) -> tuple[float, str]:
    started = time.monotonic()
    done = subprocess.run(
        [PY, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    elapsed = time.monotonic() - started
    if done.returncode != 0:
        sys.exit(f"manage.py {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    lines = done.stdout.strip().splitlines()
    return elapsed, lines[-1] if lines else ""


CREATE_EDITOR = """
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from accounts import roles
user, _ = get_user_model().objects.get_or_create(
    username="bench-editor", defaults={"is_staff": True}
)
user.groups.add(Group.objects.get(name=roles.EDITOR))
"""


def run(label: str, database_url: str, csv_path: Path) -> None:
    env = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": "bench", "DEBUG": "false"}
    manage(env, "migrate", "--noinput", "-v0")
    # --publish publishes as a user who may publish (an editor)
    manage(env, "shell", "-c", CREATE_EDITOR)
    publish = ["--publish", "--user", "bench-editor"]
    for title, extra in (
        ("first import (all created)", publish),
        ("re-import (all unchanged)", publish),
        ("dry run", ["--dry-run"]),
    ):
        elapsed, last = manage(env, "import_cases", str(csv_path), "-v0", *extra)
        print(f"{label:10} {title:28} {elapsed:6.1f} s   [{last}]", flush=True)


def reset_postgres(server: str, name: str) -> str:
    import psycopg2

    conn = psycopg2.connect(f"{server}/postgres")
    conn.autocommit = True
    with conn.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    conn.close()
    return f"{server}/{name}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--no-pg", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        csv_path = Path(tmp) / "synthetic.csv"
        write_csv(csv_path, args.rows)
        print(f"{args.rows} rows, {csv_path.stat().st_size / 1e6:.1f} MB")
        run("SQLite", f"sqlite:///{tmp}/bench.sqlite3", csv_path)
        if not args.no_pg:
            run("PostgreSQL", reset_postgres(args.pg, "ct_bench_import"), csv_path)


if __name__ == "__main__":
    main()
