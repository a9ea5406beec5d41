"""Backup → wipe → restore gives back the same rows and the same files; the
backup is encrypted at rest, streamed (never the whole dump in memory), and a
restore leaves no plaintext beside it."""

import base64
import gzip
import os
import tracemalloc

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command

from casetracker import backups
from casetracker.backups import evidence_root, sha256

pytestmark = pytest.mark.django_db(transaction=True)


def quiet(*args, **kwargs):
    call_command(*args, stdout=open("/dev/null", "w"), **kwargs)  # noqa: SIM115


def row_counts():
    return {
        m._meta.label: m.objects.count()
        for m in apps.get_models()
        if m._meta.app_label in ("accounts", "people", "cases", "auth")
    }


KEY = base64.urlsafe_b64encode(bytes(range(32))).decode()


@pytest.fixture(autouse=True)
def backup_key(settings):
    settings.BACKUP_ENCRYPTION_KEY = KEY


def every_byte(folder) -> bytes:
    return b"".join(p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file())


@pytest.fixture
def evidence_dir(tmp_path, settings):
    root = tmp_path / "evidence"
    (root / "visits").mkdir(parents=True)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {**settings.STORAGES["default"], "OPTIONS": {"location": str(root)}},
    }
    (root / "visits" / "report.pdf").write_bytes(b"%PDF-1.4 evidence bytes")
    return root


def test_backup_wipe_restore_gives_equal_rows_and_files(tmp_path, evidence_dir, editor):
    quiet("load_demo")
    before_rows = row_counts()
    before_file = sha256(evidence_dir / "visits" / "report.pdf")
    quiet("backup", output=tmp_path / "backup")

    quiet("flush", interactive=False)
    (evidence_dir / "visits" / "report.pdf").unlink()
    assert row_counts()["cases.Case"] == 0

    quiet("restore", tmp_path / "backup")
    assert row_counts() == before_rows
    assert sha256(evidence_root() / "visits" / "report.pdf") == before_file


def test_restore_refuses_a_tampered_backup(tmp_path, evidence_dir):
    quiet("load_demo")
    quiet("backup", output=tmp_path / "backup")
    quiet("flush", interactive=False)
    (tmp_path / "backup" / "evidence" / "visits" / "report.pdf.enc").write_bytes(b"tampered")
    with pytest.raises(CommandError, match="Checksum mismatch"):
        quiet("restore", tmp_path / "backup")
    assert row_counts()["cases.Case"] == 0


def test_restore_refuses_a_non_empty_database(tmp_path, evidence_dir):
    quiet("load_demo")
    quiet("backup", output=tmp_path / "backup")
    with pytest.raises(CommandError, match="not empty"):
        quiet("restore", tmp_path / "backup")


def test_the_backup_holds_no_plaintext_and_restore_leaves_none_behind(tmp_path, evidence_dir):
    quiet("load_demo")
    quiet("backup", output=tmp_path / "backup")
    stored = every_byte(tmp_path / "backup")
    for marker in (b"Toregozhina", "Торегожина".encode(), b"evidence bytes", b"%PDF"):
        assert marker not in stored
    with pytest.raises(OSError):  # not even a gzip stream
        gzip.decompress((tmp_path / "backup" / backups.DUMP).read_bytes())
    files_before = sorted(p.name for p in (tmp_path / "backup").rglob("*"))

    quiet("flush", interactive=False)
    quiet("restore", tmp_path / "backup")

    assert row_counts()["cases.Case"] > 0
    assert sorted(p.name for p in (tmp_path / "backup").rglob("*")) == files_before
    assert b"Toregozhina" not in every_byte(tmp_path / "backup")


def test_backup_and_restore_refuse_without_the_key_or_with_another(tmp_path, settings):
    quiet("load_demo")
    settings.BACKUP_ENCRYPTION_KEY = ""
    with pytest.raises(CommandError, match="BACKUP_ENCRYPTION_KEY is not set"):
        quiet("backup", output=tmp_path / "none")
    settings.BACKUP_ENCRYPTION_KEY = KEY
    quiet("backup", output=tmp_path / "backup")
    quiet("flush", interactive=False)

    settings.BACKUP_ENCRYPTION_KEY = base64.urlsafe_b64encode(os.urandom(32)).decode()
    with pytest.raises(CommandError, match="cannot be decrypted"):
        quiet("restore", tmp_path / "backup")
    assert row_counts()["cases.Case"] == 0


def test_a_backup_cut_short_is_refused(tmp_path):
    key = backups.backup_key()
    plain = tmp_path / "plain"
    plain.write_bytes(os.urandom(3 * backups.CHUNK_BYTES + 5))
    backups.encrypt_file(plain, tmp_path / "sealed", key)
    backups.decrypt_file(tmp_path / "sealed", tmp_path / "opened", key)
    assert (tmp_path / "opened").read_bytes() == plain.read_bytes()

    sealed = (tmp_path / "sealed").read_bytes()
    cut = tmp_path / "cut"
    cut.write_bytes(sealed[: len(sealed) - (len(sealed) // 4)])  # whole chunks missing
    with pytest.raises(backups.BackupError):
        backups.decrypt_file(cut, tmp_path / "opened-cut", key)


def test_the_dump_is_streamed_not_held_in_memory(tmp_path, evidence_dir):
    """Peak memory of a backup stays far below the size of the dump it writes."""
    from tests import factories as f

    # ~6 MB spread over six tables (three models and their histories): dumpdata
    # reads a table at a time, the old backup held the whole dump (twice).
    for _ in range(10):
        case = f.CaseFactory(summary="x" * 100_000)
        f.EventFactory(case=case, description="y" * 100_000)
        f.HealthObservationFactory(person=case.person, description="z" * 100_000)
    tracemalloc.start()
    try:
        quiet("backup", output=tmp_path / "backup")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    key = backups.backup_key()
    dump = b"".join(backups.decrypted_chunks(tmp_path / "backup" / backups.DUMP, key))
    plain = len(gzip.decompress(dump))
    assert plain > 5_000_000
    # the old backup peaked at twice the dump; a table at a time stays well under it
    assert peak < plain / 2, (peak, plain)
