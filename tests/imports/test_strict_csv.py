"""A CSV file is read strictly and within limits: what cannot be read exactly is an
error naming its line, never rows silently glued together, a 500 or a stuck worker."""

import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cases.importer import COLUMNS, MAX_COLUMNS, Outcome, import_cases
from cases.models import Case
from people.models import Person
from tests.imports.conftest import FINE, VALID, to_csv

pytestmark = pytest.mark.django_db


def errors_by_line(report):
    return {
        row.line: {e.column: e.message for e in row.errors}
        for row in report.rows
        if row.outcome == Outcome.ERROR
    }


def _lines(*rows: dict) -> list[str]:
    return to_csv(list(rows)).decode().splitlines()


def test_an_unclosed_quote_in_row_2_is_an_error_naming_its_line():
    header, first, second, third = _lines(
        {**FINE, "summary": "Fined."},
        {**FINE, "person_name": "Ann One"},
        {**FINE, "person_name": "Ann Two"},
    )
    broken = first.replace("Fined.", '"Fined. The court')
    assert broken != first
    data = "\r\n".join([header, broken, second, third]) + "\r\n"

    report = import_cases(data=data, dry_run=True)

    assert report.file_errors == [
        'Line 2: a quoted cell is never closed (a " opens it and the file ends inside it).'
    ]
    assert report.rows == []


def test_a_file_with_an_unclosed_quote_stores_nothing():
    header, first, second = _lines(FINE, {**FINE, "person_name": "Ann One"})
    broken = first.replace("Almaty", '"Almaty')
    assert broken != first
    data = "\r\n".join([header, broken, second]) + "\r\n"

    report = import_cases(data=data)

    assert not report.applied
    assert Case.objects.count() == 0


def test_text_after_a_closing_quote_is_an_error_naming_its_line():
    header, first, second = _lines(FINE, VALID)
    broken = second.replace("Sentenced to seven years.", '"Sentenced" to seven years')
    assert broken != second

    report = import_cases(data="\r\n".join([header, first, broken]) + "\r\n", dry_run=True)

    assert len(report.file_errors) == 1
    assert report.file_errors[0].startswith("Line 3:")


def test_a_quoted_summary_over_several_lines_is_still_one_cell():
    summary = 'Fined 78,000 KZT.\nAppeal refused, "as expected".'
    report = import_cases(data=to_csv([{**FINE, "summary": summary}]))

    assert report.applied, report.file_errors or errors_by_line(report)
    assert Case.objects.get().summary == summary


def test_a_nul_byte_in_a_cell_is_a_row_error_naming_its_column():
    report = import_cases(
        data=to_csv([FINE, {**VALID, "occupation": "Activist\x00runner"}]), dry_run=True
    )

    errors = errors_by_line(report)
    assert list(errors) == [3]
    assert list(errors[3]) == ["occupation"]
    assert "control character" in errors[3]["occupation"]


@pytest.mark.parametrize("column", ["person_name", "name_variants", "facility", "recognized_by"])
def test_a_control_character_in_any_cell_is_a_row_error(column):
    row = {**VALID, column: f"{VALID[column]}\x1b[31m"}
    report = import_cases(data=to_csv([row]), dry_run=True)

    assert column in errors_by_line(report)[2]


def test_an_invalid_date_beside_a_valid_one_is_a_row_error_not_a_crash():
    row = {**FINE, "arrest_date": "2024-01", "verdict_date": "garbage"}
    report = import_cases(data=to_csv([row]), dry_run=True)

    assert "real date" in errors_by_line(report)[2]["verdict_date"]


def test_a_header_of_100000_columns_is_refused_at_once():
    data = ",".join(["person_name", *(f"c{n}" for n in range(100_000))]) + "\r\nAnn\r\n"

    started = time.monotonic()
    report = import_cases(data=data, dry_run=True)

    assert time.monotonic() - started < 2
    assert report.file_errors == [
        f"Line 1: the header has 100001 columns; at most {MAX_COLUMNS} are read."
    ]


def test_a_row_of_too_many_cells_is_refused_with_its_line():
    data = to_csv([FINE]).decode() + "Ann," + "," * (MAX_COLUMNS + 5) + "\r\n"

    report = import_cases(data=data, dry_run=True)

    assert report.file_errors == [
        f"Line 3: the row has {MAX_COLUMNS + 7} cells; at most {MAX_COLUMNS} are read."
    ]


def test_an_overlong_cell_is_a_file_error_naming_its_line(settings):
    settings.IMPORT_MAX_CELL_CHARS = 1000
    data = to_csv([FINE, {**FINE, "person_name": "Ann One", "summary": "x" * 1001}])

    report = import_cases(data=data, dry_run=True)

    assert report.file_errors == ["Line 3: a cell is longer than 1000 characters."]


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(settings):
    settings.IMPORT_MAX_UPLOAD_BYTES = 1000
    data = to_csv([FINE] * 20)
    assert len(data) > 1000

    report = import_cases(data=data, dry_run=True)

    assert report.file_errors == ["The file is larger than 1000\xa0bytes."]
    assert report.rows == []


def test_the_header_lists_every_known_column_within_the_limit():
    assert len(COLUMNS) < MAX_COLUMNS


# --- through the editors' pages --------------------------------------------------------


@pytest.fixture
def editor_client(client, editor, settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    client.force_login(editor)
    return client


def test_a_nul_byte_is_shown_in_the_preview_and_confirming_imports_nothing(editor_client):
    data = to_csv([FINE, {**VALID, "summary": "Seven\x00years"}])
    preview = editor_client.post(
        "/imports/", {"file": SimpleUploadedFile("cases.csv", data, content_type="text/csv")}
    )
    assert preview.status_code == 200
    assert "control character" in preview.content.decode()
    token = preview.context["confirm_form"].initial["token"]

    confirmed = editor_client.post("/imports/confirm/", {"token": token})

    assert confirmed.status_code == 200
    assert "Nothing was imported" in confirmed.content.decode()
    assert Person.objects.count() == 0


def test_importing_the_valid_rows_only_leaves_the_row_with_a_nul_out(editor_client):
    data = to_csv([FINE, {**VALID, "summary": "Seven\x00years"}])
    preview = editor_client.post(
        "/imports/", {"file": SimpleUploadedFile("cases.csv", data, content_type="text/csv")}
    )
    token = preview.context["confirm_form"].initial["token"]

    confirmed = editor_client.post("/imports/confirm/", {"token": token, "valid_only": "on"})

    assert confirmed.status_code == 200
    assert list(Person.objects.values_list("full_name", flat=True)) == [FINE["person_name"]]
