"""Upload rules for evidence files: a size limit and a type allowlist decided by
the file's first bytes (its "magic number"), never by its name or the type the
client claims, and the one helper the public site may use to list files."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db.models import Q
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from cases.models import EvidenceFile

# (offset, magic bytes, extra check at offset 8, content type)
_SIGNATURES = (
    (0, b"\xff\xd8\xff", None, "image/jpeg"),
    (0, b"\x89PNG\r\n\x1a\n", None, "image/png"),
    (0, b"RIFF", b"WEBP", "image/webp"),
    (0, b"RIFF", b"WAVE", "audio/wav"),
    (0, b"%PDF-", None, "application/pdf"),
    (0, b"ID3", None, "audio/mpeg"),
    (0, b"\xff\xfb", None, "audio/mpeg"),
    (0, b"\xff\xf3", None, "audio/mpeg"),
    (0, b"OggS", None, "audio/ogg"),
    (4, b"ftyp", None, "video/mp4"),  # MP4 / M4A / MOV family (ISO base media)
)


def sniff(head: bytes) -> str | None:
    for offset, magic, extra, content_type in _SIGNATURES:
        if head[offset : offset + len(magic)] == magic and (
            extra is None or head[8 : 8 + len(extra)] == extra
        ):
            return content_type
    return None


def check_upload(upload: UploadedFile) -> str:
    """Return the sniffed content type, or raise a field error on `file`."""
    limit = settings.EVIDENCE_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(
            {
                "file": _("The file is too large (%(size)s); the limit is %(limit)s.")
                % {"size": filesizeformat(upload.size), "limit": filesizeformat(limit)}
            }
        )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    content_type = sniff(head)
    if content_type not in settings.EVIDENCE_ALLOWED_TYPES:
        raise ValidationError(
            {
                "file": _(
                    "This type of file is not accepted. Upload a photo (JPEG, PNG, WebP), "
                    "a PDF, or a recording (MP3, OGG, WAV, MP4)."
                )
            }
        )
    return content_type


def public_evidence(case):
    """Files the public page of `case` may offer: public files whose visit or
    observation is itself public (EvidenceFile.public()), for this case's person.
    Empty while the case is not published."""
    from cases.models import Case

    if not Case.objects.public().filter(pk=case.pk).exists():
        return EvidenceFile.objects.none()
    return EvidenceFile.objects.public().filter(
        Q(visit__person=case.person_id) | Q(observation__person=case.person_id)
    )
