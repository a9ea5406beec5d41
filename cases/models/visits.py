from django.db import models
from django.utils.translation import gettext_lazy as _

from casetracker.partial_dates import not_in_future
from casetracker.records import SourcedRecord, Visibility


class PrisonVisit(SourcedRecord):
    """A visit to, or attempt to reach, a detained person."""

    class Kind(models.TextChoices):
        IN_PERSON = "in_person", _("In person")
        LAWYER = "lawyer", _("Lawyer")
        FAMILY = "family", _("Family")
        VIDEO_CALL = "video_call", _("Video call")
        PHONE = "phone", _("Phone")

    class Outcome(models.TextChoices):
        HELD = "held", _("Held")
        REFUSED = "refused", _("Refused")
        PARTIAL = "partial", _("Partial")

    person = models.ForeignKey(
        "people.Person", verbose_name=_("person"), on_delete=models.CASCADE, related_name="visits"
    )
    case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("case"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="visits",
    )
    facility = models.ForeignKey(
        "cases.Facility",
        verbose_name=_("facility"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="visits",
        help_text=_("Leave empty when the place is not known."),
    )
    visited_on = models.DateField(_("date"), validators=[not_in_future])
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices)
    refusal_reason = models.TextField(_("reason given for refusal"), blank=True)
    visitors = models.TextField(
        _("who went"), blank=True, help_text=_("Internal: never shown publicly.")
    )
    internal_report = models.TextField(
        _("internal report"), blank=True, help_text=_("Internal: never shown publicly.")
    )
    public_summary = models.TextField(_("public summary"), blank=True)
    # Chosen by the device that sent the report (the outbox): a resend of the same
    # report finds the visit the first send created instead of adding a second.
    idempotency_key = models.UUIDField(
        _("idempotency key"), null=True, blank=True, unique=True, editable=False
    )

    published_via = "person"

    class Meta:
        verbose_name = _("prison visit")
        verbose_name_plural = _("prison visits")
        ordering = ["person", "-visited_on", "pk"]

    def __str__(self) -> str:
        return f"{self.person} — {self.get_kind_display()} {self.visited_on}"

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        if self.visibility == Visibility.CONFIDENTIAL:
            # Its observations inherit the confidentiality (HealthObservation.save), with
            # a history entry each: a visit made confidential after the fact hides them.
            for observation in self.observations.exclude(visibility=Visibility.CONFIDENTIAL):
                observation.visit = self
                observation._history_user = getattr(self, "_history_user", None)
                observation._change_reason = "visit made confidential"
                observation.save(update_fields=["visibility", "updated_at"])
