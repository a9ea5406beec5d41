"""Evidence files: sniffed type allowlist, size limit, SHA-256 at upload, stored
under a random name, served only through the permission-checked view."""

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cases.evidence import public_evidence
from cases.models import Case, EvidenceFile
from casetracker.records import Visibility
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def visit(draft_case, monitor):
    return f.PrisonVisitFactory(person=draft_case.person, case=draft_case, created_by=monitor)


def upload(client, visit, name, content, **extra):
    return client.post(
        reverse("monitor:visit_evidence", args=[visit.pk]),
        {"file": SimpleUploadedFile(name, content), "visibility": "internal", **extra},
    )


def test_an_uploaded_photo_is_stored_with_its_checksum(client, monitor, visit, evidence_dir):
    client.force_login(monitor)
    response = upload(client, visit, "gate.png", f.PNG_BYTES, description="Prison gate")

    evidence = EvidenceFile.objects.get()
    assert response.status_code == 302
    assert evidence.sha256 == hashlib.sha256(f.PNG_BYTES).hexdigest()
    assert (evidence.content_type, evidence.size, evidence.original_name) == (
        "image/png",
        len(f.PNG_BYTES),
        "gate.png",
    )
    assert "gate" not in evidence.file.name  # never the client's file name
    assert (evidence_dir / evidence.file.name).read_bytes() == f.PNG_BYTES


def test_the_type_is_decided_by_the_content_not_the_name(client, monitor, visit):
    client.force_login(monitor)
    response = upload(client, visit, "photo.jpg", b"<html><script>alert(1)</script></html>")

    assert response.status_code == 200
    assert "This type of file is not accepted." in response.content.decode()
    assert not EvidenceFile.objects.exists()


def test_a_pdf_named_like_a_photo_is_stored_as_a_pdf(client, monitor, visit):
    client.force_login(monitor)
    upload(client, visit, "photo.jpg", f.PDF_BYTES)

    evidence = EvidenceFile.objects.get()
    assert evidence.content_type == "application/pdf"
    assert evidence.file.name.endswith(".pdf")


def test_a_file_over_the_size_limit_is_refused(client, monitor, visit, settings):
    settings.EVIDENCE_MAX_BYTES = 20
    client.force_login(monitor)
    response = upload(client, visit, "gate.png", f.PNG_BYTES)

    assert "The file is too large" in response.content.decode()
    assert not EvidenceFile.objects.exists()


def test_a_download_is_an_attachment_that_is_not_cached(client, monitor, visit):
    evidence = f.EvidenceFileFactory(visit=visit, created_by=monitor)
    client.force_login(monitor)

    response = client.get(reverse("monitor:evidence_download", args=[evidence.pk]))

    assert b"".join(response.streaming_content) == f.PNG_BYTES
    assert response["Content-Disposition"] == 'attachment; filename="photo.png"'
    assert response["Content-Type"] == "image/png"
    assert "no-store" in response["Cache-Control"]


def test_a_file_on_a_confidential_visit_of_another_author_is_hidden(
    client, monitor, other_monitor, draft_case
):
    secret_visit = f.PrisonVisitFactory(
        person=draft_case.person, visibility=Visibility.CONFIDENTIAL, created_by=other_monitor
    )
    evidence = f.EvidenceFileFactory(visit=secret_visit, visibility=Visibility.INTERNAL)
    client.force_login(monitor)

    assert client.get(reverse("monitor:evidence_download", args=[evidence.pk])).status_code == 404


def test_evidence_is_not_reachable_under_a_media_url(client):
    evidence = f.EvidenceFileFactory()

    assert client.get("/media/" + evidence.file.name).status_code == 404
    assert client.get("/" + evidence.file.name).status_code == 404


def test_only_public_files_of_public_visits_of_a_published_case_are_public(published_case):
    person = published_case.person
    public_visit = f.PrisonVisitFactory(person=person, visibility=Visibility.PUBLIC)
    internal_visit = f.PrisonVisitFactory(person=person, visibility=Visibility.INTERNAL)
    shown = f.EvidenceFileFactory(visit=public_visit, visibility=Visibility.PUBLIC)
    f.EvidenceFileFactory(visit=public_visit, visibility=Visibility.INTERNAL)
    f.EvidenceFileFactory(visit=internal_visit, visibility=Visibility.PUBLIC)

    assert list(public_evidence(published_case)) == [shown]
    f.set_editorial_state(published_case, Case.EditorialState.DRAFT)
    assert not public_evidence(published_case).exists()
    assert not EvidenceFile.objects.public().exists()
