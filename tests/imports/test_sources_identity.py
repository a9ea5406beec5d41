"""Sources are facts, people are matched whatever the word order or script, and a
likely duplicate is never published (issue 15, items 2 and 3)."""

import csv
import io

import pytest

from cases.importer import NUMBERED_SOURCE_COLUMNS, READ_COLUMNS, Outcome, import_cases
from cases.models import Case, Charge, DeathInCustody, Event, PendingChange, Source
from people.models import Person
from tests.imports.conftest import FINE, VALID, to_csv

pytestmark = pytest.mark.django_db

NAVALNY = {
    "person_name": "Алексей Навальный",
    "name_variants": "Alexei Navalny",
    "birth_date": "1976-06-04",
    "case_type": "criminal",
    "country": "RU",
    "status": "died_in_custody",
    "arrest_date": "2021-01-17",
    "charges": "282.3: financing extremism",
    "source_url": "https://memo.example/list",
    "source_title": "Memorial: Alexei Navalny, January 2021",
    "source_date": "2021-01-20",
}
GORINOV = {
    "person_name": "Алексей Горинов",
    "birth_date": "1961",
    "case_type": "criminal",
    "country": "RU",
    "status": "convicted",
    "arrest_date": "2022-04-26",
    "charges": "п. «д» ч. 2 ст. 207.3: false information",
    "source_url": "https://memo.example/list",
    "source_title": "Memorial: Alexei Gorinov, July 8, 2022",
    "source_date": "2022-07-08",
}


def to_csv_with(rows: list[dict], columns=READ_COLUMNS) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns)
    writer.writeheader()
    for row in rows:
        writer.writerow({k: row.get(k, "") for k in columns})
    return out.getvalue().encode()


def cited_titles(record) -> set[str]:
    return set(record.sources.values_list("title", flat=True))


# --- sources ---------------------------------------------------------------------


def test_two_rows_sharing_a_url_with_other_titles_cite_two_sources():
    report = import_cases(data=to_csv([NAVALNY, GORINOV]))
    assert not report.has_errors
    assert Source.objects.filter(url="https://memo.example/list").count() == 2
    navalny = Charge.objects.get(case__person__full_name="Алексей Навальный")
    gorinov = Charge.objects.get(case__person__full_name="Алексей Горинов")
    assert cited_titles(navalny) == {"Memorial: Alexei Navalny, January 2021"}
    assert cited_titles(gorinov) == {"Memorial: Alexei Gorinov, July 8, 2022"}


def test_the_same_url_title_and_date_is_one_source():
    other = {**GORINOV, "source_title": NAVALNY["source_title"], "source_date": "2021-01-20"}
    import_cases(data=to_csv([NAVALNY, other]))
    assert Source.objects.count() == 1
    import_cases(data=to_csv([{**GORINOV, "source_date": "2022-07"}]))  # another date
    assert Source.objects.count() == 2


def test_several_sources_per_row_are_cited_by_every_fact():
    row = {
        **VALID,
        "source_url_2": "https://example.org/verdict",
        "source_title_2": "Приговор суда",
        "source_date_2": "2024-11",
        "source_title_3": "Lawyer's statement",
    }
    report = import_cases(data=to_csv_with([row]))
    assert not report.has_errors, report.rows[0].errors
    titles = {"News report", "Приговор суда", "Lawyer's statement"}
    case = Case.objects.get()
    for record in (*case.charges.all(), *case.sentences.all(), *case.recognitions.all()):
        assert cited_titles(record) == titles
    assert Source.objects.count() == 3


def test_a_numbered_source_column_is_validated_under_its_own_name():
    row = {**VALID, "source_url_2": "not a url", "source_date_2": "2024-13"}
    report = import_cases(data=to_csv_with([row]))
    columns = {e.column for e in report.rows[0].errors}
    assert {"source_url_2", "source_date_2"} <= columns
    assert "source_url_5" in NUMBERED_SOURCE_COLUMNS


def test_a_death_in_custody_without_charges_keeps_its_source():
    row = {
        "person_name": "Ильхам Алиев-Оглы",
        "case_type": "other",
        "country": "AZ",
        "status": "died_in_custody",
        "source_url": "https://deaths.example/1",
        "source_title": "Died in pre-trial detention",
        "source_date": "2023",
    }
    report = import_cases(data=to_csv([row]))
    assert report.rows[0].outcome == Outcome.CREATED
    death = DeathInCustody.objects.get()
    assert cited_titles(death) == {"Died in pre-trial detention"}


def test_a_row_without_facts_keeps_its_source_on_the_case_arrest():
    row = {
        "person_name": "王炳章",
        "name_variants": "Wang Bingzhang",
        "case_type": "criminal",
        "country": "CN",
        "status": "unknown",
        "arrest_date": "2002-06",
        "case_number": "粤刑一初字第1号",
        "source_title": "Dui Hua Political Prisoner Database",
    }
    report = import_cases(data=to_csv([row]))
    assert report.rows[0].outcome == Outcome.CREATED, report.rows[0].errors
    event = Event.objects.get()
    assert (event.kind, str(event.date)) == ("arrest", "2002-06")
    assert cited_titles(event) == {"Dui Hua Political Prisoner Database"}
    # Re-importing it changes nothing and cites nothing twice.
    again = import_cases(data=to_csv([row]))
    assert again.rows[0].outcome == Outcome.UNCHANGED
    assert Event.objects.count() == 1 and event.sources.count() == 1


def test_a_row_without_any_date_cites_its_source_from_the_status_as_reported():
    row = {
        "person_name": "Abdulla Karimov",
        "case_type": "other",
        "country": "UZ",
        "status": "unknown",
        "source_title": "Relatives' account",
        "source_date": "2024-03",
    }
    import_cases(data=to_csv([row]))
    event = Event.objects.get()
    assert (event.kind, str(event.date)) == ("other", "2024-03")
    assert cited_titles(event) == {"Relatives' account"}


def test_the_source_of_a_row_without_facts_is_on_the_published_page(client, editor):
    row = {
        "person_name": "Нурлан Ержанов",
        "case_type": "criminal",
        "country": "KZ",
        "status": "investigation",
        "arrest_date": "2025-01",
        "source_url": "https://example.org/ershanov",
        "source_title": "Arrest reported by Adil Soz",
    }
    import_cases(data=to_csv([row]), user=editor, publish=True)
    case = Case.objects.get()
    assert case.is_published
    page = client.get(case.get_absolute_url()).content.decode()
    assert "Arrest reported by Adil Soz" in page
    assert "No public source is cited yet" not in page


def test_a_new_source_on_a_reimported_row_is_an_update():
    import_cases(data=to_csv([VALID]))
    report = import_cases(data=to_csv([{**VALID, "source_title": "Follow-up report"}]))
    row = report.rows[0]
    assert row.outcome == Outcome.UPDATED
    assert any("Follow-up report" in change for change in row.changes)
    charge = Charge.objects.filter(article__number="405").get()
    assert cited_titles(charge) == {"News report", "Follow-up report"}


# --- identity --------------------------------------------------------------------


@pytest.mark.parametrize("name", ["Жыланбаев Марат", "Zhylanbayev, Marat", "ZHYLANBAEV Marat"])
def test_a_person_matches_in_any_word_order_and_script(name):
    import_cases(data=to_csv([VALID]))
    report = import_cases(
        data=to_csv([{**VALID, "person_name": name, "name_variants": "", "case_number": "2"}])
    )
    row = report.rows[0]
    assert row.outcome == Outcome.CREATED  # a new case (its own number) …
    assert not row.person_created and not row.duplicates  # … of the same person
    assert Person.objects.count() == 1


def test_a_han_name_matches_the_same_characters_not_a_homophone():
    liu = {
        "person_name": "刘晓波",
        "name_variants": "Liu Xiaobo",
        "birth_date": "1955-12-28",
        "case_type": "criminal",
        "country": "CN",
        "status": "died_in_custody",
        "verdict_date": "2009-12-25",
        "charges": "105: inciting subversion of state power",
    }
    import_cases(data=to_csv([liu]))
    same = import_cases(data=to_csv([{**liu, "name_variants": "", "case_number": "x"}]))
    assert not same.rows[0].person_created
    homophone = import_cases(
        data=to_csv([{**liu, "person_name": "刘小波", "name_variants": "", "case_number": "y"}])
    )
    assert homophone.rows[0].person_created
    assert Person.objects.count() == 2


def test_a_more_precise_birth_date_refines_the_person():
    first = {**FINE, "person_name": "Aigerim Nurlanova", "birth_date": "1992"}
    import_cases(data=to_csv([first]))
    report = import_cases(data=to_csv([{**first, "birth_date": "1992-02-12"}]))
    row = report.rows[0]
    assert row.outcome == Outcome.UPDATED
    assert "person.birth_date: 1992 → 1992-02-12" in row.changes
    person = Person.objects.get()
    assert str(person.birth_date) == "1992-02-12"
    assert Case.objects.count() == 1
    # A less precise date again matches and keeps the precise one.
    import_cases(data=to_csv([{**first, "birth_date": "1992-02"}]))
    person.refresh_from_db()
    assert str(person.birth_date) == "1992-02-12" and Person.objects.count() == 1


def test_incompatible_birth_dates_are_different_people():
    first = {**FINE, "person_name": "Aigerim Nurlanova", "birth_date": "1992-02-12"}
    import_cases(data=to_csv([first]))
    report = import_cases(data=to_csv([{**first, "birth_date": "1993"}]))
    row = report.rows[0]
    assert row.person_created and not row.duplicates
    assert Person.objects.count() == 2


def test_in_one_file_the_precise_date_refines_the_earlier_row():
    first = {**FINE, "person_name": "Гульзира Ахметова", "birth_date": "1980"}
    second = {**first, "person_name": "Akhmetova Gulzira", "name_variants": "Гульзира Ахметова"}
    second.update(birth_date="1980-05-03", case_number="A-1")
    report = import_cases(data=to_csv([first, second]))
    assert not report.has_errors
    person = Person.objects.get()
    assert str(person.birth_date) == "1980-05-03"
    assert person.cases.count() == 2


def test_a_likely_duplicate_is_reported_and_never_published(editor):
    import_cases(data=to_csv([VALID]), user=editor, publish=True)
    # Surname first and no birth date: maybe the same man, maybe not.
    row = {**VALID, "person_name": "Жыланбаев Марат", "name_variants": "", "birth_date": ""}
    row["case_number"] = "2-77/2025"
    report = import_cases(data=to_csv([row]), user=editor, publish=True)
    result = report.rows[0]
    assert result.person_created
    assert [d.name for d in result.duplicates] == ["Marat Zhylanbayev"]
    assert result.report_outcome == "duplicate?"
    case = Case.objects.get(case_number="2-77/2025")
    assert not case.is_published
    assert PendingChange.objects.filter(case=case).exists()  # in the editors' queue


def test_a_date_that_could_match_two_people_is_a_likely_duplicate(editor):
    twins = [
        {**FINE, "person_name": "Рустам Исмаилов", "birth_date": "1980-01-05"},
        {**FINE, "person_name": "Рустам Исмаилов", "birth_date": "1980-07-09"},
    ]
    import_cases(data=to_csv(twins))
    report = import_cases(
        data=to_csv([{**FINE, "person_name": "Ismailov Rustam", "birth_date": "1980"}]),
        user=editor,
        publish=True,
    )
    result = report.rows[0]
    assert result.person_created and len(result.duplicates) == 2
    assert not Case.objects.filter(person=result.person).get().is_published
    again = import_cases(
        data=to_csv(
            [{**FINE, "person_name": "Рустам Исмаилов", "birth_date": "1980", "region": "Baku"}]
        ),
        user=editor,
        publish=True,
    )
    assert again.rows[0].person_created and len(again.rows[0].duplicates) >= 2
