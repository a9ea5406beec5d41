"""Evidence is named and typed by its content: phone formats (HEIC, AVIF, MOV) each
keep their own type, and a file never keeps an extension its content does not have."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cases.evidence import download_name, sniff
from cases.models import EvidenceFile
from tests import factories as f

pytestmark = pytest.mark.django_db

JPEG_BYTES = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01" + b"\x00" * 64
# A JPEG that is also a web page: the bytes a browser would render as HTML if the
# file were saved as .html.
POLYGLOT = JPEG_BYTES + b"<html><script>alert(document.cookie)</script></html>"
HEIC = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 64
AVIF = b"\x00\x00\x00\x1cftypavif\x00\x00\x00\x00avifmif1miaf" + b"\x00" * 64
MOV = b"\x00\x00\x00\x14ftypqt  \x00\x00\x00\x00qt  " + b"\x00" * 64
MP4 = b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2" + b"\x00" * 64


@pytest.fixture
def visit(draft_case, monitor):
    return f.PrisonVisitFactory(person=draft_case.person, case=draft_case, created_by=monitor)


def upload(client, visit, name, content):
    return client.post(
        reverse("monitor:visit_evidence", args=[visit.pk]),
        {"file": SimpleUploadedFile(name, content), "visibility": "internal"},
    )


@pytest.mark.parametrize(
    ("content", "content_type", "extension"),
    [
        (HEIC, "image/heic", "heic"),
        (AVIF, "image/avif", "avif"),
        (MOV, "video/quicktime", "mov"),
        (MP4, "video/mp4", "mp4"),
    ],
    ids=["heic", "avif", "mov", "mp4"],
)
def test_a_phone_photo_or_video_is_stored_with_its_own_type(
    client, monitor, visit, content, content_type, extension
):
    client.force_login(monitor)
    response = upload(client, visit, f"IMG_0001.{extension}", content)

    assert response.status_code == 302
    evidence = EvidenceFile.objects.get()
    assert evidence.content_type == content_type
    assert evidence.file.name.endswith(f".{extension}")
    assert evidence.original_name == f"IMG_0001.{extension}"


def test_a_polyglot_named_poly_jpg_html_does_not_keep_html(client, monitor, visit):
    client.force_login(monitor)
    upload(client, visit, "poly.jpg.html", POLYGLOT)

    evidence = EvidenceFile.objects.get()
    assert evidence.content_type == "image/jpeg"
    assert evidence.original_name == "poly.jpg"
    assert evidence.file.name.endswith(".jpg")
    response = client.get(reverse("monitor:evidence_download", args=[evidence.pk]))
    assert response["Content-Disposition"] == 'attachment; filename="poly.jpg"'
    assert response["Content-Type"] == "image/jpeg"


def test_an_older_file_saved_with_the_clients_extension_downloads_with_the_sniffed_one(
    client, monitor, visit
):
    evidence = f.EvidenceFileFactory(visit=visit, created_by=monitor, original_name="x.svg")
    client.force_login(monitor)

    response = client.get(reverse("monitor:evidence_download", args=[evidence.pk]))

    assert response["Content-Disposition"] == 'attachment; filename="x.png"'


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("photo.jpg", "photo.jpg"),
        ("photo.JPG", "photo.jpg"),
        ("scan.jpeg", "scan.jpg"),
        ("poly.jpg.html", "poly.jpg"),
        ("page.html", "page.jpg"),
        ("../../etc/passwd", "passwd.jpg"),
        ("C:\\Users\\source\\gate.jpeg", "gate.jpg"),
        (".htaccess", "htaccess.jpg"),
        ("", "evidence.jpg"),
        ("a\x00b\x1b[2J.jpg", "ab[2J.jpg"),
    ],
)
def test_the_kept_name_carries_the_sniffed_extension_only(name, expected):
    assert download_name(name, "image/jpeg") == expected


def test_html_is_recognised_as_no_accepted_type():
    assert sniff(b"<!doctype html><html></html>") is None
