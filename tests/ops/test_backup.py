"""Backup → wipe → restore gives back the same rows and the same files."""

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command

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
    (tmp_path / "backup" / "evidence" / "visits" / "report.pdf").write_bytes(b"tampered")
    with pytest.raises(CommandError, match="Checksum mismatch"):
        quiet("restore", tmp_path / "backup")
    assert row_counts()["cases.Case"] == 0


def test_restore_refuses_a_non_empty_database(tmp_path, evidence_dir):
    quiet("load_demo")
    quiet("backup", output=tmp_path / "backup")
    with pytest.raises(CommandError, match="not empty"):
        quiet("restore", tmp_path / "backup")
