"""`manage.py import_cases FILE.csv [--dry-run] [--publish] [--valid-only] [--user]`."""

import io

import pytest
from django.core.management import CommandError, call_command

from cases.models import Case
from people.models import Person
from tests.imports.conftest import INVALID, VALID, to_csv

pytestmark = pytest.mark.django_db


@pytest.fixture
def mixed_path(tmp_path, mixed_file):
    path = tmp_path / "cases.csv"
    path.write_bytes(mixed_file)
    return path


def run(*args, fails=False):
    """The command's output; `fails`: it must exit non-zero (a CommandError)."""
    out, err = io.StringIO(), io.StringIO()
    if fails:
        with pytest.raises(CommandError):
            call_command("import_cases", *map(str, args), stdout=out, stderr=err)
    else:
        call_command("import_cases", *map(str, args), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_dry_run_prints_every_error_as_line_and_column(mixed_path):
    out, _err = run(mixed_path, "--dry-run", fails=True)
    for line, column, _row in INVALID:
        assert f"line {line}: {column}:" in out
    assert "Dry run, nothing written: 2 created" in out
    assert Case.objects.count() == 0


def test_errors_without_valid_only_fail_and_write_nothing(mixed_path):
    with pytest.raises(CommandError, match="Nothing written"):
        run(mixed_path)
    assert Case.objects.count() == 0


def test_valid_only_imports_the_valid_rows(mixed_path):
    out, _err = run(mixed_path, "--valid-only", fails=True)
    assert "Imported: 2 created" in out
    assert Case.objects.count() == 2


def test_the_command_prints_progress(mixed_path):
    _out, err = run(mixed_path, "--dry-run", fails=True)
    assert "validated 12/12" in err


def test_user_is_recorded_as_the_author(tmp_path, editor):
    path = tmp_path / "one.csv"
    path.write_bytes(to_csv([VALID]))
    run(path, "--user", "editor", "--publish")
    case = Case.objects.get()
    assert case.created_by == editor
    assert case.is_published


def test_an_unknown_user_is_refused(tmp_path):
    path = tmp_path / "one.csv"
    path.write_bytes(to_csv([VALID]))
    with pytest.raises(CommandError, match="No user"):
        run(path, "--user", "nobody")
    assert Person.objects.count() == 0


def test_a_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        run(tmp_path / "missing.csv")
