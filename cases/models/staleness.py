"""Staleness beyond health: a detained person's case with no visit for too long,
and an ongoing hunger strike with no observation for too long (cases.staleness).

The same design as HealthDue / StaleHealthFlag: a stored, indexed due moment per
subject, recomputed on every write, and flags raised from it by the job.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class CareKind(models.TextChoices):
    VISIT = "visit", _("No visit")
    STRIKE_OBSERVATION = "strike_observation", _("Hunger strike without observation")


class CareDue(models.Model):
    """When the next visit to a case, or the next observation of a striker, is due.

    `key` names the subject: "visit:<case id>" or "strike_observation:<person id>".
    Derived data, rebuilt by cases.staleness: no database foreign keys.
    """

    key = models.CharField(_("subject"), max_length=60, primary_key=True)
    kind = models.CharField(_("kind"), max_length=20, choices=CareKind.choices)
    person = models.ForeignKey(
        "people.Person", on_delete=models.CASCADE, related_name="+", db_constraint=False
    )
    case = models.ForeignKey(
        "cases.Case",
        null=True,
        on_delete=models.CASCADE,
        related_name="+",
        db_constraint=False,
    )
    due_at = models.DateTimeField(_("due"), db_index=True)
    counted_from = models.DateTimeField(_("counted from"))

    class Meta:
        verbose_name = _("visit or strike observation due")
        verbose_name_plural = _("visits and strike observations due")

    def __str__(self) -> str:
        return f"{self.key} — {self.due_at:%Y-%m-%d %H:%M}"


class CareFlagQuerySet(models.QuerySet):
    def open(self):
        return self.filter(resolved_at__isnull=True)


class CareFlag(models.Model):
    """Raised when a CareDue moment passed; resolved once it no longer has."""

    key = models.CharField(_("subject"), max_length=60)
    kind = models.CharField(_("kind"), max_length=20, choices=CareKind.choices)
    person = models.ForeignKey(
        "people.Person", verbose_name=_("person"), on_delete=models.CASCADE, related_name="+"
    )
    case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("case"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    raised_at = models.DateTimeField(_("raised at"), default=timezone.now)
    due_since = models.DateTimeField(_("due since"))
    counted_from = models.DateTimeField(_("counted from"))
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    notified_at = models.DateTimeField(_("monitors notified at"), null=True, blank=True)

    objects = CareFlagQuerySet.as_manager()

    class Meta:
        verbose_name = _("overdue visit or strike observation")
        verbose_name_plural = _("overdue visits and strike observations")
        ordering = ["-raised_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["key"],
                condition=models.Q(resolved_at__isnull=True),
                name="one_open_care_flag_per_subject",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.key} — {_('overdue since')} {self.due_since:%Y-%m-%d}"
