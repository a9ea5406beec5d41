"""Evidence files (photos, documents, recordings) attached to visits and observations.

Files live in the default storage (EVIDENCE_ROOT, outside the web root) under a
random name, and are served only by a permission-checked view. The type is
decided by sniffing the content at upload (cases.evidence), never by the name
the client sent.
"""

from __future__ import annotations

import uuid

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casetracker.records import Record


def evidence_path(instance: EvidenceFile, filename: str) -> str:
    # Never the client's name: it may identify a source, and it is not trusted.
    ext = instance.EXTENSIONS.get(instance.content_type, "bin")
    return f"evidence/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{ext}"


class EvidenceFile(Record):
    EXTENSIONS = {
        "image/jpeg": "jpg",
        "image/png": "png",
        "image/webp": "webp",
        "image/heic": "heic",
        "image/avif": "avif",
        "application/pdf": "pdf",
        "audio/mpeg": "mp3",
        "audio/ogg": "ogg",
        "audio/wav": "wav",
        "audio/mp4": "m4a",
        "video/mp4": "mp4",
        "video/quicktime": "mov",
    }

    visit = models.ForeignKey(
        "cases.PrisonVisit",
        verbose_name=_("visit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="evidence",
    )
    observation = models.ForeignKey(
        "cases.HealthObservation",
        verbose_name=_("health observation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="evidence",
    )
    file = models.FileField(_("file"), upload_to=evidence_path, max_length=200)
    original_name = models.CharField(_("original file name"), max_length=255, blank=True)
    content_type = models.CharField(_("type"), max_length=100, editable=False)
    size = models.PositiveBigIntegerField(_("size (bytes)"), editable=False)
    sha256 = models.CharField(_("SHA-256"), max_length=64, editable=False, db_index=True)
    description = models.CharField(_("description"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(visit__isnull=False) | Q(observation__isnull=False),
                name="evidence_has_parent",
            ),
        ]

    def __str__(self) -> str:
        return self.description or self.original_name or f"{_('evidence')} #{self.pk}"

    @classmethod
    def restrict_to_published(cls, qs):
        """Public only when its visit or observation is itself public (public record of a
        published case): a public file on an internal visit stays private."""
        from cases.models import HealthObservation, PrisonVisit

        return qs.filter(
            Q(visit__in=PrisonVisit.objects.public().values("pk"))
            | Q(observation__in=HealthObservation.objects.public().values("pk"))
        )

    @property
    def parent(self):
        return self.visit or self.observation

    @property
    def person_id(self):
        parent = self.parent
        return parent.person_id if parent else None

    def clean(self):
        super().clean()
        if not (self.visit_id or self.observation_id):
            raise ValidationError(_("Attach the file to a visit or an observation."))
