"""The CSV importer: validation with line and column, all-or-nothing, re-import, matching."""

from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied

from cases.importer import Outcome, import_cases
from cases.models import Case, Charge, Detention, LegalArticle, Publication, Sentence, Source
from casetracker.records import Visibility
from people.models import Membership, NameVariant, Organization, Person
from tests import factories as f
from tests.imports.conftest import FINE, INVALID, VALID, to_csv

pytestmark = pytest.mark.django_db
MODELS = (Person, NameVariant, Organization, Membership, Case, Charge, Sentence, Detention, Source)


def counts():
    return {m.__name__: m.objects.count() for m in MODELS}


def errors_by_line(report):
    return {
        row.line: [e.column for e in row.errors]
        for row in report.rows
        if row.outcome == Outcome.ERROR
    }


def test_a_dry_run_reports_each_error_with_its_line_and_column(mixed_file):
    report = import_cases(data=mixed_file, dry_run=True)
    assert errors_by_line(report) == {line: [column] for line, column, _row in INVALID}


def test_a_dry_run_reports_the_valid_rows_as_created(mixed_file):
    report = import_cases(data=mixed_file, dry_run=True)
    outcomes = {row.line: row.outcome for row in report.rows}
    assert outcomes[2] == Outcome.CREATED
    assert outcomes[len(INVALID) + 3] == Outcome.CREATED


def test_a_dry_run_writes_nothing(mixed_file):
    before = counts()
    report = import_cases(data=mixed_file, dry_run=True, valid_only=True)
    assert not report.applied
    assert counts() == before


def test_errors_messages_say_what_is_wrong(mixed_file):
    report = import_cases(data=mixed_file, dry_run=True)
    messages = {row.line: row.errors[0].message for row in report.rows if row.errors}
    assert "real date" in messages[4]
    assert "ISO 4217" in messages[5]
    assert "civil" in messages[7]
    assert "before the arrest" in messages[8]
    assert "ARTICLE: wording" in messages[9]


def test_a_file_with_errors_writes_nothing_by_default(mixed_file):
    before = counts()
    report = import_cases(data=mixed_file)
    assert not report.applied
    assert counts() == before


def test_valid_only_writes_the_valid_rows_only(mixed_file):
    report = import_cases(data=mixed_file, valid_only=True)
    assert report.applied
    assert sorted(Person.objects.values_list("full_name", flat=True)) == [
        "Bakhytzhan Toregozhina",
        "Marat Zhylanbayev",
    ]
    assert Case.objects.count() == 2


def test_reimporting_the_same_file_creates_nothing_new(mixed_file):
    import_cases(data=mixed_file, valid_only=True)
    before = counts()
    report = import_cases(data=mixed_file, valid_only=True)
    assert counts() == before
    assert report.counts[Outcome.UNCHANGED] == 2
    assert report.counts[Outcome.CREATED] == 0


def test_a_valid_row_becomes_a_draft_case_with_all_its_records():
    import_cases(data=to_csv([VALID]))
    case = Case.objects.get()
    assert case.editorial_state == Case.EditorialState.DRAFT
    assert case.person.full_name == "Marat Zhylanbayev"
    assert str(case.person.birth_date) == "1963"
    assert sorted(case.person.name_variants.values_list("name", flat=True)) == [
        "Marat Zhylanbaev",
        "Марат Жыланбаев",
    ]
    assert sorted(case.charges.values_list("article__number", "article__country")) == [
        ("258", "KZ"),
        ("405", "KZ"),
    ]
    assert case.sentences.get().term_months == 84
    detention = Detention.objects.get()
    assert (detention.facility.name, detention.facility.city) == ("Penal colony No. 1", "Pavlodar")
    assert case.recognitions.get().recognized_by == "Memorial"
    assert Membership.objects.get().role == "leader"


def test_a_charge_resolves_to_the_existing_article_of_the_country_and_code():
    article = f.LegalArticleFactory(country="KZ", code="administrative", number="456-1")
    import_cases(data=to_csv([FINE]))
    assert Charge.objects.get().article == article
    assert LegalArticle.objects.count() == 1


def test_a_missing_article_is_created_in_the_code_implied_by_the_case_type():
    import_cases(data=to_csv([FINE]))
    article = LegalArticle.objects.get()
    assert (article.country, article.code, article.number) == ("KZ", "administrative", "456-1")
    assert article.title == "spreading false information"


def test_publish_publishes_the_cases_and_their_new_reference_records(editor):
    import_cases(data=to_csv([VALID]), publish=True, user=editor)
    assert Case.objects.public().count() == 1
    assert Organization.objects.public().count() == 1


def test_publish_goes_through_the_editorial_service_one_version_per_case(
    editor, django_capture_on_commit_callbacks
):
    second = {**VALID, "person_name": "Bakhytzhan Toregozhina", "birth_date": "1970"}
    with (
        mock.patch("casetracker.security.log.security_event") as logged,
        django_capture_on_commit_callbacks(execute=True),
    ):
        import_cases(data=to_csv([VALID, second]), publish=True, user=editor)

    cases = list(Case.objects.all())
    assert len(cases) == 2
    for case in cases:
        publication = Publication.objects.get(case=case)
        assert publication.action == Publication.Action.PUBLISHED
        assert publication.actor == editor
        assert publication.snapshot["case"]["slug"] == case.slug
    published = [
        c.kwargs["case_id"] for c in logged.call_args_list if c.args == ("case_published",)
    ]
    assert sorted(published) == sorted(c.pk for c in cases)


def test_publishing_an_import_needs_a_user_who_may_publish(monitor):
    with pytest.raises(PermissionDenied):
        import_cases(data=to_csv([VALID]), publish=True, user=monitor)
    with pytest.raises(PermissionDenied):
        import_cases(data=to_csv([VALID]), publish=True)
    assert not Case.objects.exists()


def test_without_publish_new_reference_records_stay_internal():
    import_cases(data=to_csv([VALID]))
    assert Organization.objects.public().count() == 0
    assert LegalArticle.objects.public().count() == 0
    assert Person.objects.public().count() == 0


def test_created_records_carry_the_author_history_and_the_source(editor):
    import_cases(data=to_csv([VALID]), user=editor)
    case = Case.objects.get()
    assert case.created_by == editor
    assert case.history.get().history_user == editor
    assert Charge.objects.first().sources.get().url == "https://example.org/report"
    assert Detention.objects.get().sources.get().title == "News report"


def test_a_person_matches_an_existing_variant_with_the_same_birth_date():
    person = f.PersonFactory(full_name="M. Zhylanbayev", birth_date="1963")
    f.NameVariantFactory(person=person, name="Marat Zhylanbayev")
    report = import_cases(data=to_csv([VALID]))
    assert Person.objects.count() == 1
    assert Case.objects.get().person == person
    assert not report.rows[0].duplicates


def test_a_similar_name_with_the_same_birth_year_is_created_and_reported_as_likely_duplicate():
    other = f.PersonFactory(full_name="Marat Zhilanbaev", birth_date="1963-04")
    report = import_cases(data=to_csv([{**VALID, "name_variants": ""}]))
    assert Person.objects.count() == 2
    (duplicate,) = report.rows[0].duplicates
    assert duplicate.person_id == other.pk


def test_a_similar_name_with_another_birth_year_is_not_reported():
    f.PersonFactory(full_name="Marat Zhilanbaev", birth_date="1980")
    report = import_cases(data=to_csv([{**VALID, "name_variants": ""}]))
    assert report.rows[0].duplicates == []


def test_a_changed_cell_updates_the_existing_case():
    import_cases(data=to_csv([VALID]))
    report = import_cases(data=to_csv([{**VALID, "status": "appeal", "sentence_months": "60"}]))
    assert report.rows[0].outcome == Outcome.UPDATED
    case = Case.objects.get()
    assert case.status == "appeal"
    assert case.sentences.get().term_months == 60
    assert case.history.count() == 2


def test_the_same_case_twice_in_one_file_is_an_error_on_the_second_line():
    report = import_cases(data=to_csv([VALID, VALID]), dry_run=True)
    assert errors_by_line(report) == {3: ["charges"]}  # the identity: its charges


def test_two_cases_of_one_new_person_in_one_file_share_the_person():
    second = {**VALID, "case_type": "administrative", "charges": "", "arrest_date": "2022"}
    import_cases(data=to_csv([VALID, second]))
    assert Person.objects.count() == 1
    assert Case.objects.count() == 2


def test_a_file_that_is_not_utf8_is_refused_whole():
    report = import_cases(data="person_name\nMüller\n".encode("latin-1"))
    assert report.file_errors
    assert Person.objects.count() == 0


def test_a_file_without_the_header_row_is_refused_whole():
    report = import_cases(data=b"Marat,criminal\n")
    assert "header" in report.file_errors[0]


def test_a_row_with_more_cells_than_the_header_is_an_error():
    data = to_csv([FINE]).decode().rstrip("\r\n") + ",extra\r\n"
    report = import_cases(data=data, dry_run=True)
    assert errors_by_line(report) == {2: ["person_name"]}


def test_charges_on_a_case_of_type_other_are_an_error():
    report = import_cases(data=to_csv([{**FINE, "case_type": "other"}]), dry_run=True)
    assert errors_by_line(report) == {2: ["charges"]}


def test_imported_draft_records_do_not_reach_the_public_api(client):
    import_cases(data=to_csv([VALID, FINE]))
    for url in ("/api/v1/cases/", "/api/v1/people/", "/api/v1/organizations/"):
        assert client.get(url).json()["count"] == 0
    assert set(Source.objects.values_list("visibility", flat=True)) == {Visibility.INTERNAL}


@pytest.mark.parametrize(
    ("status", "reason"),
    [("died_in_custody", "death"), ("released", "released"), ("acquitted", "acquittal")],
)
def test_a_row_saying_the_person_died_or_was_freed_ends_the_detention_it_names(status, reason):
    """Lists rarely give the date: the detention ends with the status's reason, so the
    person is not detained now and the stale-health job never flags them."""
    import_cases(data=to_csv([{**VALID, "status": status}]))
    detention = Detention.objects.get()
    assert detention.end_reason == reason
    assert not Person.objects.detained().exists()
    assert not Detention.objects.current().exists()


def test_a_reimport_saying_the_person_was_released_ends_the_open_detention():
    import_cases(data=to_csv([VALID]))
    assert Person.objects.detained().count() == 1
    report = import_cases(data=to_csv([{**VALID, "status": "released"}]))
    assert [row.outcome for row in report.rows] == [Outcome.UPDATED]
    assert Detention.objects.get().end_reason == "released"
    assert not Person.objects.detained().exists()
