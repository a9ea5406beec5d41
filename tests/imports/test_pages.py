"""The editors' upload page (preview, then confirm) and the merge page."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cases.models import Case
from people.models import Person
from tests import factories as f
from tests.imports.conftest import FINE, VALID, to_csv

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _private_storage(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


def upload(client, data: bytes, **options):
    file = SimpleUploadedFile("cases.csv", data, content_type="text/csv")
    return client.post("/imports/", {"file": file, **options})


def token_of(response):
    return response.context["confirm_form"].initial["token"]


def test_the_upload_page_is_for_editors_only(client, monitor, researcher):
    assert client.get("/imports/").status_code == 302
    for user in (monitor, researcher):
        client.force_login(user)
        assert client.get("/imports/").status_code == 403


def test_the_preview_lists_each_row_with_its_outcome_and_writes_nothing(editor_client, mixed_file):
    response = upload(editor_client, mixed_file)
    page = response.content.decode()
    assert response.status_code == 200
    assert "created" in page
    assert "<code>birth_date</code>" in page
    assert "<code>charges</code>" in page
    assert Case.objects.count() == 0


def test_confirming_imports_the_stored_file(editor_client, editor):
    response = upload(editor_client, to_csv([VALID, FINE]))
    done = editor_client.post("/imports/confirm/", {"token": token_of(response)})
    assert done.status_code == 200
    assert "Import done" in done.content.decode()
    assert Case.objects.filter(created_by=editor).count() == 2


def test_confirming_a_file_with_errors_writes_nothing_unless_valid_only(editor_client, mixed_file):
    token = token_of(upload(editor_client, mixed_file))
    response = editor_client.post("/imports/confirm/", {"token": token})
    assert "Nothing was imported" in response.content.decode()
    assert Case.objects.count() == 0
    editor_client.post("/imports/confirm/", {"token": token, "valid_only": "on"})
    assert Case.objects.count() == 2


def test_a_token_is_good_for_one_import_only(editor_client):
    token = token_of(upload(editor_client, to_csv([VALID])))
    editor_client.post("/imports/confirm/", {"token": token})
    again = editor_client.post("/imports/confirm/", {"token": token})
    assert again.status_code == 302
    assert Case.objects.count() == 1


def test_another_editors_token_is_refused(editor_client, client, django_user_model):
    token = token_of(upload(editor_client, to_csv([VALID])))
    from django.contrib.auth.models import Group

    other = django_user_model.objects.create_user(username="other_editor", password="x" * 16)
    other.groups.add(Group.objects.get(name="editor"))
    client.force_login(other)
    assert client.post("/imports/confirm/", {"token": token}).status_code == 302
    assert Case.objects.count() == 0


def test_a_file_that_is_not_csv_text_gets_a_clear_error_not_a_crash(editor_client):
    response = upload(editor_client, b"\x89PNG\r\n\x1a\n\x00\x00")
    assert response.status_code == 200
    assert "not UTF-8" in response.content.decode()


def test_the_result_links_a_likely_duplicate_to_the_merge_page(editor_client):
    other = f.PersonFactory(full_name="Marat Zhilanbaev", birth_date="1963")
    token = token_of(upload(editor_client, to_csv([{**VALID, "name_variants": ""}])))
    page = editor_client.post("/imports/confirm/", {"token": token}).content.decode()
    new = Person.objects.exclude(pk=other.pk).get()
    assert f"/imports/merge/?keep={other.pk}&amp;merge={new.pk}" in page


def test_the_merge_page_merges_on_post(editor_client):
    keep = f.PersonFactory(full_name="Marat Zhylanbayev")
    duplicate = f.PersonFactory(full_name="Marat Zhilanbaev")
    case = f.CaseFactory(person=duplicate)
    url = f"/imports/merge/?keep={keep.pk}&merge={duplicate.pk}"
    assert "Marat Zhilanbaev" in editor_client.get(url).content.decode()
    editor_client.post("/imports/merge/", {"keep": keep.pk, "merge": duplicate.pk})
    case.refresh_from_db()
    assert case.person == keep


def test_the_merge_page_answers_garbage_with_400_not_500(editor_client):
    assert editor_client.get("/imports/merge/?keep=x&merge=").status_code == 400
    assert editor_client.get("/imports/merge/?keep=999999&merge=1").status_code == 404
