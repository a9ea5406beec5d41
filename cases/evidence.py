"""Upload rules for evidence files: a size limit and a type allowlist decided by
the file's first bytes (its "magic number"), never by its name or the type the
client claims, and the one helper the public site may use to list files."""

from __future__ import annotations

from pathlib import PurePosixPath

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db.models import Q
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from cases.models import EvidenceFile
from casetracker.validators import first_control_character

# The filetype package reads at most this many bytes of a file.
SNIFF_BYTES = 8192
# filetype's names where they differ from the ones this app has always stored.
_NORMALISED = {"audio/x-wav": "audio/wav"}


def sniff(head: bytes) -> str | None:
    """The content type of a file from its first bytes (filetype's signatures), or
    None when they match none: HEIC, AVIF and QuickTime each have their own, not
    the video/mp4 of every ISO-media file."""
    kind = filetype.guess(head)
    if kind is None:
        return None
    return _NORMALISED.get(kind.mime, kind.mime)


def download_name(original: str, content_type: str) -> str:
    """The client's file name with the extension of the sniffed type, and nothing in
    it that could act as a path or a control character: `poly.jpg.html` holding a
    JPEG is kept as `poly.jpg`, never as a page a browser would render."""
    name = PurePosixPath((original or "").replace("\\", "/")).name
    name = "".join(c for c in name if first_control_character(c, multiline=False) is None)
    extension = EvidenceFile.EXTENSIONS.get(content_type, "bin")
    stem = name.rpartition(".")[0] if "." in name.lstrip(".") else name.lstrip(".")
    stem = stem.strip(" .") or _("evidence")
    if stem.lower().endswith(f".{extension}"):
        return stem[:255]
    return f"{stem[: 254 - len(extension)]}.{extension}"


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
    head = upload.read(SNIFF_BYTES)
    upload.seek(0)
    content_type = sniff(head)
    if content_type not in settings.EVIDENCE_ALLOWED_TYPES:
        raise ValidationError(
            {
                "file": _(
                    "This type of file is not accepted. Upload a photo (JPEG, PNG, WebP, "
                    "HEIC, AVIF), a PDF, or a recording (MP3, OGG, WAV, M4A, MP4, MOV)."
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
