"""Backups: database dump + evidence files + a manifest of SHA-256 checksums,
streamed to disk and encrypted at rest.

The dump is Django's portable JSON Lines (dumpdata with natural keys), so a
backup taken on PostgreSQL restores into SQLite and back. It is never held in
memory whole: dumpdata iterates the tables, each line is gzipped and encrypted
as it is written, and restore feeds loaddata from a stream decrypted chunk by
chunk: no plaintext copy of the dump ever reaches the disk. Evidence files are
encrypted the same way, one file each.

Encryption: AES-256-GCM in 1 MiB chunks (the STREAM construction: each chunk's
nonce is a random per-file prefix, the chunk's number and a last-chunk flag, so
chunks cannot be reordered, dropped or the file cut short unnoticed), key from
BACKUP_ENCRYPTION_KEY (32 random bytes, URL-safe base64). The manifest (file
names, sizes, checksums of the encrypted files, migration state) is plaintext.

A restore verifies every checksum before writing anything, refuses a non-empty
database, and refuses a backup taken at a different schema (migration) state
than the running code.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import gzip
import hashlib
import io
import json
import os
import struct
from collections.abc import Iterator
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.management import call_command
from django.core.management.commands import loaddata
from django.db import connection, transaction
from django.db.migrations.loader import MigrationLoader
from django.utils.functional import cached_property

DUMP = "database.jsonl.gz.enc"
MANIFEST = "manifest.json"
EXCLUDE = ["contenttypes", "auth.permission", "sessions"]
ENCRYPTED_SUFFIX = ".enc"

MAGIC = b"CTBACKUP-AESGCM-1\n"
CHUNK_BYTES = 1 << 20
PREFIX_BYTES = 7  # + 4 bytes chunk number + 1 byte last-chunk flag = the 12-byte nonce
_FRAME = struct.Struct(">I")  # ciphertext length before each chunk


class BackupError(Exception):
    pass


def backup_key() -> bytes:
    """BACKUP_ENCRYPTION_KEY, decoded; a BackupError says how to make one."""
    configured = getattr(settings, "BACKUP_ENCRYPTION_KEY", "") or ""
    how = (
        "Set BACKUP_ENCRYPTION_KEY to 32 random bytes in URL-safe base64, e.g. "
        "python -c 'import base64, os; print(base64.urlsafe_b64encode(os.urandom(32)).decode())'"
    )
    if not configured:
        raise BackupError(f"Backups are encrypted and BACKUP_ENCRYPTION_KEY is not set. {how}")
    try:
        key = base64.urlsafe_b64decode(configured.encode())
    except (binascii.Error, ValueError):
        key = b""
    if len(key) != 32:
        raise BackupError(f"BACKUP_ENCRYPTION_KEY is not 32 bytes of URL-safe base64. {how}")
    return key


def _nonce(prefix: bytes, number: int, last: bool) -> bytes:
    return prefix + number.to_bytes(4, "big") + (b"\x01" if last else b"\x00")


class EncryptingWriter(io.RawIOBase):
    """A binary file-like object: what is written is encrypted in chunks into `raw`."""

    def __init__(self, raw, key: bytes):
        self.raw = raw
        self.aead = AESGCM(key)
        self.prefix = os.urandom(PREFIX_BYTES)
        self.number = 0
        self.pending = bytearray()
        raw.write(MAGIC + self.prefix)

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self.pending += data
        while len(self.pending) > CHUNK_BYTES:
            self._emit(bytes(self.pending[:CHUNK_BYTES]), last=False)
            del self.pending[:CHUNK_BYTES]
        return len(data)

    def _emit(self, plaintext: bytes, last: bool) -> None:
        if self.number >= 2**32 - 1:
            raise BackupError("File too large for one backup stream.")
        sealed = self.aead.encrypt(_nonce(self.prefix, self.number, last), plaintext, MAGIC)
        self.raw.write(_FRAME.pack(len(sealed)) + sealed)
        self.number += 1

    def close(self) -> None:
        if not self.closed:
            self._emit(bytes(self.pending), last=True)  # always a last chunk, maybe empty
            self.pending.clear()
            self.raw.close()
        super().close()


def decrypted_chunks(path: Path, key: bytes) -> Iterator[bytes]:
    """The plaintext of an encrypted file, one chunk at a time, each authenticated."""
    aead = AESGCM(key)
    with path.open("rb") as fh:
        if fh.read(len(MAGIC)) != MAGIC:
            raise BackupError(f"{path.name} is not an encrypted backup file.")
        prefix = fh.read(PREFIX_BYTES)
        number, last = 0, False
        while not last:
            frame = fh.read(_FRAME.size)
            if len(frame) != _FRAME.size:
                raise BackupError(f"{path.name} is cut short.")
            sealed = fh.read(_FRAME.unpack(frame)[0])
            last = fh.peek(1) == b"" if hasattr(fh, "peek") else False
            try:
                yield aead.decrypt(_nonce(prefix, number, last), sealed, MAGIC)
            except InvalidTag:
                raise BackupError(
                    f"{path.name} cannot be decrypted: wrong BACKUP_ENCRYPTION_KEY, "
                    "or the file was altered or cut short."
                ) from None
            number += 1


class DecryptingReader(io.RawIOBase):
    def __init__(self, path: Path, key: bytes):
        self.chunks = decrypted_chunks(path, key)
        self.buffer = b""

    def readable(self) -> bool:
        return True

    def readinto(self, target) -> int:
        while not self.buffer:
            try:
                self.buffer = next(self.chunks)
            except StopIteration:
                return 0
        size = min(len(target), len(self.buffer))
        target[:size] = self.buffer[:size]
        self.buffer = self.buffer[size:]
        return size


def encrypt_file(source: Path, target: Path, key: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    with source.open("rb") as fh, EncryptingWriter(target.open("wb"), key) as out:
        for chunk in iter(lambda: fh.read(CHUNK_BYTES), b""):
            out.write(chunk)


def decrypt_file(source: Path, target: Path, key: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("wb") as out:
        for chunk in decrypted_chunks(source, key):
            out.write(chunk)


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
    key = backup_key()
    target.mkdir(parents=True, exist_ok=False)
    with (
        EncryptingWriter((target / DUMP).open("wb"), key) as encrypted,
        gzip.GzipFile(fileobj=encrypted, mode="wb") as compressed,
        io.TextIOWrapper(compressed, encoding="utf-8") as text,
    ):
        call_command(
            "dumpdata",
            format="jsonl",
            natural_foreign=True,
            natural_primary=True,
            exclude=EXCLUDE,
            stdout=text,
            verbosity=0,
        )
    source = evidence_root()
    if source.exists():
        for path in sorted(source.rglob("*")):
            if path.is_file():
                relative = path.relative_to(source)
                encrypt_file(path, target / "evidence" / f"{relative}{ENCRYPTED_SUFFIX}", key)
    files = {
        str(path.relative_to(target)): {"sha256": sha256(path), "bytes": path.stat().st_size}
        for path in sorted(target.rglob("*"))
        if path.is_file()
    }
    manifest = {
        "created_at": dt.datetime.now(dt.UTC).isoformat(),
        "database_vendor": connection.vendor,
        "encryption": "AES-256-GCM, 1 MiB chunks (casetracker/backups.py)",
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
    if DUMP not in manifest["files"]:
        raise BackupError(f"No encrypted dump ({DUMP}) in {source}: not a backup of this version.")
    return manifest


def database_is_empty() -> bool:
    from django.contrib.auth import get_user_model

    from cases.models import Case
    from people.models import Person

    return not (
        get_user_model().objects.exists() or Case.objects.exists() or Person.objects.exists()
    )


class _StreamLoaddata(loaddata.Command):
    """loaddata reading its "stdin" fixture from the given stream (never a file)."""

    def __init__(self, stream, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.stream = stream

    @cached_property
    def compression_formats(self):
        formats = dict(super().compression_formats)
        formats["stdin"] = (lambda *args: self.stream, None)
        return formats


def restore_backup(source: Path) -> dict:
    key = backup_key()
    manifest = verify_backup(source)
    call_command("migrate", interactive=False, verbosity=0)
    if manifest["migrations"] != migration_heads():
        raise BackupError(
            "The backup was taken at another schema version; restore it with the code "
            "version that made it, then upgrade."
        )
    if not database_is_empty():
        raise BackupError("The database is not empty; restore only into an empty database.")
    with (
        transaction.atomic(),
        io.BufferedReader(DecryptingReader(source / DUMP, key)) as encrypted,
        gzip.GzipFile(fileobj=encrypted, mode="rb") as compressed,
        io.TextIOWrapper(compressed, encoding="utf-8") as text,
    ):
        call_command(_StreamLoaddata(text), "-", format="jsonl", verbosity=0)
    evidence = source / "evidence"
    if evidence.exists():
        for path in sorted(evidence.rglob(f"*{ENCRYPTED_SUFFIX}")):
            relative = path.relative_to(evidence)
            plain = relative.with_name(relative.name.removesuffix(ENCRYPTED_SUFFIX))
            decrypt_file(path, evidence_root() / plain, key)
    return manifest
