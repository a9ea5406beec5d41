"""Backups: database dump + evidence files + a manifest of SHA-256 checksums.

The dump is Django's portable JSON (dumpdata with natural keys), so a backup
taken on PostgreSQL restores into SQLite and back. A restore verifies every
checksum before writing anything, refuses a non-empty database, and refuses a
backup taken at a different schema (migration) state than the running code.

Backups hold confidential data: keep them encrypted at rest (see SECURITY.md).
"""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import io
import json
import shutil
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction
from django.db.migrations.loader import MigrationLoader

DUMP = "database.json.gz"
MANIFEST = "manifest.json"
EXCLUDE = ["contenttypes", "auth.permission", "sessions"]


class BackupError(Exception):
    pass


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def evidence_root() -> Path:
    return Path(settings.STORAGES["default"]["OPTIONS"]["location"])


def migration_heads() -> dict[str, str]:
    loader = MigrationLoader(connection, ignore_no_migrations=True)
    return {app: name for app, name in sorted(loader.graph.leaf_nodes())}


def create_backup(target: Path) -> dict:
    target.mkdir(parents=True, exist_ok=False)
    buffer = io.StringIO()
    call_command(
        "dumpdata",
        natural_foreign=True,
        natural_primary=True,
        exclude=EXCLUDE,
        stdout=buffer,
        verbosity=0,
    )
    with gzip.open(target / DUMP, "wt", encoding="utf-8") as fh:
        fh.write(buffer.getvalue())
    source = evidence_root()
    if source.exists():
        shutil.copytree(source, target / "evidence")
    files = {
        str(path.relative_to(target)): {"sha256": sha256(path), "bytes": path.stat().st_size}
        for path in sorted(target.rglob("*"))
        if path.is_file()
    }
    manifest = {
        "created_at": dt.datetime.now(dt.UTC).isoformat(),
        "database_vendor": connection.vendor,
        "migrations": migration_heads(),
        "files": files,
    }
    (target / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True))
    return manifest


def verify_backup(source: Path) -> dict:
    manifest_path = source / MANIFEST
    if not manifest_path.exists():
        raise BackupError(f"No {MANIFEST} in {source}.")
    manifest = json.loads(manifest_path.read_text())
    for name, meta in manifest["files"].items():
        path = source / name
        if not path.is_file() or sha256(path) != meta["sha256"]:
            raise BackupError(f"Checksum mismatch or missing file: {name}")
    return manifest


def database_is_empty() -> bool:
    from django.contrib.auth import get_user_model

    from cases.models import Case
    from people.models import Person

    return not (
        get_user_model().objects.exists() or Case.objects.exists() or Person.objects.exists()
    )


def restore_backup(source: Path) -> dict:
    manifest = verify_backup(source)
    call_command("migrate", interactive=False, verbosity=0)
    if manifest["migrations"] != migration_heads():
        raise BackupError(
            "The backup was taken at another schema version; restore it with the code "
            "version that made it, then upgrade."
        )
    if not database_is_empty():
        raise BackupError("The database is not empty; restore only into an empty database.")
    with transaction.atomic():
        with gzip.open(source / DUMP, "rt", encoding="utf-8") as fh:
            fixture = source / "restore-fixture.json"
            fixture.write_text(fh.read(), encoding="utf-8")
        try:
            call_command("loaddata", str(fixture), verbosity=0)
        finally:
            fixture.unlink()
    evidence = source / "evidence"
    if evidence.exists():
        shutil.copytree(evidence, evidence_root(), dirs_exist_ok=True)
    return manifest
