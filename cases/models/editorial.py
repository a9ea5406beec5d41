"""The editorial log: every submission, publication, unpublication and restore of a case.

Rows are append-only. A publication stores the JSON snapshot of the case's
public content at that moment (see cases.snapshots), so the next review can show
what changed since, and an editor can restore exactly what was published.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PublicationQuerySet(models.QuerySet):
    def for_case(self, case):
        return self.filter(case=case)

    def snapshots(self):
        """Entries that made a version public (and so carry its snapshot)."""
        return self.filter(action__in=Publication.PUBLISHING_ACTIONS)

    def last_published(self, case):
        return self.for_case(case).snapshots().order_by("-created_at", "-pk").first()

    def last_published_of(self, case_ids) -> dict[int, Publication]:
        """The last publication of each of these cases (that has one), by case id."""
        from django.db import connection

        qs = self.filter(case_id__in=case_ids).snapshots()
        qs = qs.order_by("case_id", "-created_at", "-pk")
        if connection.vendor == "postgresql":
            qs = qs.distinct("case_id")  # one row per case
        latest: dict[int, Publication] = {}
        for pub in qs:
            latest.setdefault(pub.case_id, pub)
        return latest

    def public_corrections(self, case):
        """Correction notes to show on the public page of `case`, newest first.

        Empty unless the case itself is public (published and not archived):
        the public page may call this for any case it has already cleared.
        """
        from cases.models import Case

        return (
            self.filter(case__in=Case.objects.public().values("pk"), case=case)
            .exclude(correction_note="")
            .order_by("-created_at", "-pk")
        )


class Publication(models.Model):
    class Action(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted for review")
        RETURNED = "returned", _("Returned to draft")
        PUBLISHED = "published", _("Published")
        UNPUBLISHED = "unpublished", _("Unpublished")
        RESTORED = "restored", _("Restored a previous version")

    PUBLISHING_ACTIONS = (Action.PUBLISHED, Action.RESTORED)

    case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("case"),
        on_delete=models.CASCADE,
        related_name="publications",
    )
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("when"), default=timezone.now, editable=False)
    snapshot = models.JSONField(
        _("public content"),
        null=True,
        blank=True,
        help_text=_("What the public page showed once this version was published."),
    )
    changes = models.JSONField(
        _("changes since the previous publication"), default=list, blank=True
    )
    comment = models.TextField(
        _("internal comment"), blank=True, help_text=_("Never shown publicly.")
    )
    correction_note = models.TextField(
        _("public correction note"),
        blank=True,
        help_text=_("Shown on the public case page, e.g. “The weight was misreported.”"),
    )
    restored_from = models.ForeignKey(
        "self",
        verbose_name=_("restored from"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    objects = PublicationQuerySet.as_manager()

    class Meta:
        verbose_name = _("publication record")
        verbose_name_plural = _("publication records")
        ordering = ["-created_at", "-pk"]
        indexes = [
            # last publication of a case: WHERE case_id = ? ORDER BY created_at DESC
            models.Index(fields=["case", "-created_at"], name="publication_case_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.case} — {self.get_action_display()} ({self.created_at:%Y-%m-%d %H:%M})"

    @property
    def has_snapshot(self) -> bool:
        return self.snapshot is not None


class PendingChange(models.Model):
    """The review queue's marker: this case has changes an editor has not published.

    Written set-based on every save of a record that belongs to the case (one
    upsert, cases.review), and by the importer for the drafts it writes; removed
    when the case is published. `sections` (what changed, counted per section)
    is computed from the diff of the live content against the last published
    version when first shown and stored until the next change; an internal-only
    change leaves nothing to count, and its marker is then dropped.
    """

    case = models.OneToOneField(
        "cases.Case",
        verbose_name=_("case"),
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="pending_change",
    )
    changed_at = models.DateTimeField(_("last changed"), default=timezone.now)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("last changed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    sections = models.JSONField(
        _("changes per section"),
        null=True,
        blank=True,
        help_text=_("Empty until computed after the latest change."),
    )
    total = models.PositiveIntegerField(_("changes"), null=True, blank=True)

    class Meta:
        verbose_name = _("unpublished change")
        verbose_name_plural = _("unpublished changes")
        indexes = [models.Index(fields=["-changed_at"], name="pending_change_recent_idx")]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.total if self.total is not None else '?'}"
