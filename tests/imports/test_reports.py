"""Reports: exit codes, the --report CSV, warnings that keep the row, the import page."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from cases.importer import Outcome, import_cases
from cases.models import Case
from people.models import Person
from tests.imports.conftest import FINE, VALID, to_csv

pytestmark = pytest.mark.django_db

UYGHUR = {
    "person_name": "Ilham Tohti",
    "name_variants": "伊力哈木·土赫提;ئىلھام توختى",
    "birth_date": "1969-10",
    "case_type": "criminal",
    "country": "CN",
    "status": "convicted",
    "verdict_date": "2014-09-23",
    "court": "Ürümqi Intermediate People's Court",
    "charges": "103: separatism",
    "sentence_kind": "life_imprisonment",
    "source_title": "Court verdict as reported",
}


def command(*args):
    """(exit status, stdout): 0, or 1 when the command raises CommandError."""
    out = io.StringIO()
    try:
        call_command("import_cases", *map(str, args), stdout=out, stderr=io.StringIO())
    except CommandError as error:
        return 1, out.getvalue() + str(error)
    return 0, out.getvalue()


def read_report(path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_a_clean_file_exits_zero_and_a_failed_row_exits_non_zero(tmp_path):
    good = tmp_path / "good.csv"
    good.write_bytes(to_csv([VALID, UYGHUR]))
    assert command(good, "--dry-run")[0] == 0
    assert command(good)[0] == 0
    bad = tmp_path / "bad.csv"
    bad.write_bytes(to_csv([FINE, {**FINE, "person_name": "Ann", "status": "vanished"}]))
    status, out = command(bad, "--dry-run")
    assert status == 1 and "line 3: status:" in out
    status, out = command(bad, "--valid-only")
    assert status == 1 and "Imported: 1 created" in out and "1 rows failed" in out
    assert Case.objects.filter(person__full_name=FINE["person_name"]).exists()


def test_the_report_lists_every_row_with_its_outcome_slug_and_messages(tmp_path, editor):
    command_path = tmp_path / "first.csv"
    command_path.write_bytes(to_csv([VALID, UYGHUR]))
    command(command_path)
    rows = [
        {**VALID, "status": "released"},  # updated
        UYGHUR,  # unchanged
        {**FINE, "person_name": "Zhylanbayev, Marat", "birth_date": ""},  # duplicate?
        {**FINE, "person_name": "Ann", "status": "vanished"},  # failed
        {**FINE, "person_name": "Бахытжан Торегожина", "birth_date": "1954-02-29"},  # created
    ]
    path = tmp_path / "second.csv"
    path.write_bytes(to_csv(rows))
    report_path = tmp_path / "report.csv"
    status, _out = command(path, "--valid-only", "--report", report_path)
    assert status == 1
    report = read_report(report_path)
    assert [r["line"] for r in report] == ["2", "3", "4", "5", "6"]
    assert [r["outcome"] for r in report] == [
        "updated",
        "unchanged",
        "duplicate?",
        "failed",
        "created",
    ]
    assert set(report[0]) == {"line", "outcome", "case_slug", "person_name", "messages"}
    updated = Case.objects.get(person__full_name="Marat Zhylanbayev")
    assert report[0]["case_slug"] == updated.slug
    assert "case.status: convicted → released" in report[0]["messages"]
    assert report[1]["case_slug"] == Case.objects.get(country="CN").slug
    assert "may be the same person as Marat Zhylanbayev" in report[2]["messages"]
    assert report[3]["case_slug"] == "" and "status: Unknown value" in report[3]["messages"]
    assert "1954-02" in report[4]["messages"]
    assert report[4]["case_slug"] == Case.objects.get(person__full_name="Бахытжан Торегожина").slug


def test_the_report_is_written_on_a_dry_run_too(tmp_path):
    path = tmp_path / "f.csv"
    path.write_bytes(to_csv([UYGHUR, {**FINE, "case_type": "civil"}]))
    report_path = tmp_path / "r.csv"
    assert command(path, "--dry-run", "--report", report_path)[0] == 1
    assert [r["outcome"] for r in read_report(report_path)] == ["created", "failed"]
    assert Case.objects.count() == 0


def test_an_impossible_birth_date_is_a_warning_and_keeps_what_is_certain():
    row = {**FINE, "person_name": "Бахытжан Торегожина", "birth_date": "1954-02-29"}
    report = import_cases(data=to_csv([FINE, row]))
    assert not report.has_errors
    result = report.rows[1]
    assert result.outcome == Outcome.CREATED
    assert any("Line 3" in w and "1954-02" in w for w in result.warnings)
    assert result.warnings[0] in report.warnings
    person = Person.objects.get(full_name="Бахытжан Торегожина")
    assert str(person.birth_date) == "1954-02"


def test_a_month_that_does_not_exist_is_still_an_error():
    report = import_cases(data=to_csv([{**FINE, "birth_date": "1954-13-01"}]))
    assert [e.column for e in report.rows[0].errors] == ["birth_date"]


def test_the_status_unknown_is_accepted():
    report = import_cases(data=to_csv([{**FINE, "status": "unknown"}]))
    assert report.rows[0].outcome == Outcome.CREATED
    assert Case.objects.get().status == Case.Status.UNKNOWN


@pytest.fixture
def _private_storage(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }


@pytest.mark.usefixtures("_private_storage")
def test_the_import_page_shows_changes_and_links_to_created_cases(client, editor):
    import_cases(data=to_csv([VALID]), user=editor)
    client.force_login(editor)
    data = to_csv([{**VALID, "status": "released", "region": "Pavlodar"}, UYGHUR])
    file = SimpleUploadedFile("cases.csv", data, content_type="text/csv")
    preview = client.post("/imports/", {"file": file})
    token = preview.context["confirm_form"].initial["token"]
    page = client.post("/imports/confirm/", {"token": token}).content.decode()
    assert "case.status: convicted → released" in page
    assert "case.region:  → Pavlodar" in page
    created = Case.objects.get(country="CN")
    assert f'href="/monitor/cases/{created.pk}/"' in page
    assert created.slug in page
