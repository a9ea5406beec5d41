from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casetracker.partial_dates import PartialDateField, certainly_after, not_in_future
from casetracker.records import Record, SourcedRecord
from casetracker.validators import validate_country


class Facility(Record):
    class Kind(models.TextChoices):
        POLICE_CELL = "police_cell", _("Police cell")
        PRE_TRIAL = "pre_trial", _("Pre-trial detention centre")
        PRISON = "prison", _("Prison")
        PENAL_COLONY = "penal_colony", _("Penal colony")
        PSYCHIATRIC = "psychiatric", _("Psychiatric hospital")
        HOUSE_ARREST = "house_arrest", _("House arrest")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=220, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    city = models.CharField(_("city"), max_length=200, blank=True)
    region = models.CharField(_("region"), max_length=200, blank=True)
    country = models.CharField(_("country"), max_length=2, validators=[validate_country])

    class Meta:
        verbose_name = _("facility")
        verbose_name_plural = _("facilities")
        ordering = ["country", "name"]

    def __str__(self) -> str:
        return f"{self.name}, {self.city}" if self.city else self.name


class Detention(SourcedRecord):
    """A period during which a person is held. An empty end means still held."""

    person = models.ForeignKey(
        "people.Person",
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="detentions",
    )
    case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("case"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="detentions",
    )
    facility = models.ForeignKey(
        Facility,
        verbose_name=_("facility"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="detentions",
        help_text=_("Leave empty when the place of detention is not known."),
    )
    started_on = PartialDateField(_("from"), validators=[not_in_future])
    ended_on = PartialDateField(_("to"), validators=[not_in_future])

    published_via = "person"

    class Meta:
        verbose_name = _("detention")
        verbose_name_plural = _("detentions")
        ordering = ["person", "-started_on", "pk"]
        indexes = [
            # "who is detained now": WHERE ended_on = '' (per person)
            models.Index(fields=["person", "ended_on"], name="detention_open_idx"),
        ]

    def __str__(self) -> str:
        place = self.facility or _("place not known")
        return f"{self.person} — {place}"

    @property
    def is_current(self) -> bool:
        return not self.ended_on

    def clean(self):
        super().clean()
        if certainly_after(self.started_on, self.ended_on):
            raise ValidationError({"ended_on": _("The end cannot be before the start.")})

    def days(self, today=None) -> int | None:
        """Days held, counted from the earliest possible start; None when the start is unknown."""
        if not self.started_on:
            return None
        end = self.ended_on.latest() if self.ended_on else (today or timezone.localdate())
        return (end - self.started_on.earliest()).days
