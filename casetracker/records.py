"""What every record carries, and the visibility rule — in one place.

A record may appear publicly only when it is public itself, not archived, and
the case it belongs to is published. Every public page, feed, export, API
response and search starts from `Model.objects.public()`; a leak is then a bug
in this module, not in twenty views. A model whose records also depend on
another record refines `publishable()` in its own queryset, once (a charge needs
its legal article: cases.models.legal.ChargeQuerySet).
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from casetracker.validators import validate_no_control_characters, validate_text_length


class Visibility(models.TextChoices):
    PUBLIC = "public", _("Public")
    INTERNAL = "internal", _("Internal (staff only)")
    CONFIDENTIAL = "confidential", _("Confidential (editors and author only)")


def publishable_q(path: str = "") -> models.Q:
    """publishable() as a condition on records reached through `path` (e.g.
    "sentences__"), for counts that join a case's children to cases already
    restricted by Case.objects.public(). The same caveat as publishable() applies."""
    return models.Q(**{f"{path}archived_at__isnull": True, f"{path}visibility": Visibility.PUBLIC})


class RecordQuerySet(models.QuerySet):
    def active(self):
        return self.filter(archived_at__isnull=True)

    def archived(self):
        return self.filter(archived_at__isnull=False)

    def publishable(self):
        """The record-level half of the rule: public and not archived.

        Only for children of a case the caller has already cleared for showing
        (a published case, or an editor's "view as public" preview); everything
        else uses public().
        """
        return self.filter(publishable_q())

    def public(self):
        """The visibility rule. See the module docstring."""
        return self.model.restrict_to_published(self.publishable())

    def visible_to(self, user):
        """Staff read rule: editors and administrators see everything; other staff
        see everything but confidential records of other authors; everybody else
        sees only what is public."""
        from accounts import roles

        if roles.sees_confidential(user):
            return self
        if roles.is_staff_member(user):
            return self.exclude(
                models.Q(visibility=Visibility.CONFIDENTIAL) & ~models.Q(created_by=user)
            )
        return self.public()


class Record(models.Model):
    """Abstract base: authorship, visibility, soft delete and full history."""

    visibility = models.CharField(
        _("visibility"),
        max_length=12,
        choices=Visibility.choices,
        default=Visibility.INTERNAL,
        help_text=_("Public records may appear on published pages; the others never do."),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.PROTECT,
        related_name="+",
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.PROTECT,
        related_name="+",
    )
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True, editable=False)
    archived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("archived by"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.PROTECT,
        related_name="+",
    )

    history = HistoricalRecords(inherit=True)
    objects = RecordQuerySet.as_manager()

    class Meta:
        abstract = True

    @classmethod
    def restrict_to_published(cls, qs):
        """Narrow public-visibility rows to those whose case is published.

        Models owned by a case or a person name the path in `published_via`;
        reference data (articles, facilities, organizations) has none.
        """
        via = getattr(cls, "published_via", None)
        if via is None:
            return qs
        related = cls._meta.get_field(via).related_model
        return qs.filter(**{f"{via}__in": related.objects.public().values("pk")})

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    def clean_fields(self, exclude=None):
        """Django's field checks, then two that every text of every record needs: no
        control characters (a NUL fails on PostgreSQL at save: a 500, after the form
        was lost) and a length limit on text fields, which have none of their own."""
        errors: dict = {}
        try:
            super().clean_fields(exclude=exclude)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        limit = settings.TEXT_MAX_CHARS
        for field in self._meta.concrete_fields:
            if field.name in errors or (exclude and field.name in exclude):
                continue
            if not isinstance(field, (models.CharField, models.TextField)):
                continue
            value = getattr(self, field.attname)
            if not isinstance(value, str):
                continue
            is_text = isinstance(field, models.TextField)
            try:
                validate_no_control_characters(value, multiline=is_text)
                if is_text:
                    validate_text_length(value, limit=limit)
            except ValidationError as error:
                errors[field.name] = error.error_list
        if errors:
            raise ValidationError(errors)


class SourcedRecord(Record):
    """A record that makes a claim, and so cites its sources."""

    sources = models.ManyToManyField(
        "cases.Source",
        verbose_name=_("sources"),
        blank=True,
        related_name="%(app_label)s_%(class)s_cited",
    )

    class Meta:
        abstract = True


def archive_record(*, record: Record, by) -> Record:
    """Soft delete: the record disappears from every list but stays restorable."""
    if record.archived_at is None:
        record.archived_at = timezone.now()
        record.archived_by = by
        record.updated_by = by
        record._change_reason = "archived"
        record._history_user = by
        record.save(update_fields=["archived_at", "archived_by", "updated_by", "updated_at"])
    return record


def restore_record(*, record: Record, by) -> Record:
    if record.archived_at is not None:
        record.archived_at = None
        record.archived_by = None
        record.updated_by = by
        record._change_reason = "restored"
        record._history_user = by
        record.save(update_fields=["archived_at", "archived_by", "updated_by", "updated_at"])
    return record
