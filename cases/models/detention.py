from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casetracker.partial_dates import PartialDateField, certainly_after, not_in_future
from casetracker.records import Record, RecordQuerySet, SourcedRecord
from casetracker.validators import CountryCodeField, validate_country


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
    country = CountryCodeField(_("country"), validators=[validate_country])
    postal_address = models.TextField(
        _("postal address"),
        blank=True,
        help_text=_("For letters to prisoners: the address as the post office needs it."),
    )

    class Meta:
        verbose_name = _("facility")
        verbose_name_plural = _("facilities")
        ordering = ["country", "name"]

    def __str__(self) -> str:
        return f"{self.name}, {self.city}" if self.city else self.name


def detained_now_q(prefix: str = "") -> Q:
    """THE definition of "detained now", as a condition on a detention reached
    through `prefix` (e.g. "detentions__" from a person): the detention is not
    archived, has no end date and no end reason, and its person is not recorded
    as dead. Every surface (pages, counts, listings, the stale-health job) uses
    this, or DetentionQuerySet.current() / PersonQuerySet.detained() built on it.

    An end reason without a date ("released, date not known") ends a detention:
    monitors often learn of a release before its date.
    """
    return Q(
        **{
            f"{prefix}archived_at__isnull": True,
            f"{prefix}ended_on": "",
            f"{prefix}end_reason": "",
            f"{prefix}person__date_of_death": "",
        }
    )


class DetentionQuerySet(RecordQuerySet):
    def current(self):
        """Open detentions of living people (see detained_now_q)."""
        return self.filter(detained_now_q())


class Detention(SourcedRecord):
    """A period during which a person is held in one place. An empty end (no date,
    no reason) means still held; a transfer ends one detention (reason "transfer")
    and the next detention, in the new place, starts."""

    class Kind(models.TextChoices):
        UNKNOWN = "", _("Not known")
        POLICE_CELL = "police_cell", _("Police cell")
        PRE_TRIAL = "pre_trial", _("Pre-trial detention")
        PENAL_COLONY = "penal_colony", _("Penal colony")
        PRISON = "prison", _("Prison")
        PSYCHIATRIC = "psychiatric", _("Psychiatric hospital")
        HOUSE_ARREST = "house_arrest", _("House arrest")
        ADMINISTRATIVE_ARREST = "administrative_arrest", _("Administrative arrest")

    class Regime(models.TextChoices):
        """Penal colony regimes as Russian, Belarusian and Kazakh courts set them."""

        NONE = "", _("Not known / not applicable")
        SETTLEMENT = "settlement", _("Colony-settlement")
        GENERAL = "general", _("General regime")
        STRICT = "strict", _("Strict regime")
        SPECIAL = "special", _("Special regime")
        MINIMUM_SECURITY = "minimum", _("Minimum security")
        MEDIUM_SECURITY = "medium", _("Medium security")
        MAXIMUM_SECURITY = "maximum", _("Maximum security")

    class EndReason(models.TextChoices):
        NONE = "", _("Still held (or not known)")
        END_OF_TERM = "end_of_term", _("Released at the end of the term")
        RELEASED = "released", _("Released (reason not reported)")
        PARDON = "pardon", _("Pardoned")
        AMNESTY = "amnesty", _("Amnesty")
        EXCHANGE = "exchange", _("Prisoner exchange")
        PAROLE = "parole", _("Parole")
        ACQUITTAL = "acquittal", _("Acquitted")
        TRANSFER = "transfer", _("Transferred")
        DEATH = "death", _("Died in custody")
        ESCAPE = "escape", _("Escaped")
        DEPORTATION = "deportation", _("Deported")

    RELEASES = frozenset(
        {
            EndReason.END_OF_TERM,
            EndReason.RELEASED,
            EndReason.PARDON,
            EndReason.AMNESTY,
            EndReason.EXCHANGE,
            EndReason.PAROLE,
            EndReason.ACQUITTAL,
            EndReason.DEPORTATION,
        }
    )

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
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices, blank=True)
    regime = models.CharField(
        _("regime"),
        max_length=20,
        choices=Regime.choices,
        blank=True,
        help_text=_("For a penal colony or prison: the regime the court set."),
    )
    started_on = PartialDateField(_("from"), validators=[not_in_future])
    ended_on = PartialDateField(_("to"), validators=[not_in_future])
    end_reason = models.CharField(
        _("end reason"),
        max_length=20,
        choices=EndReason.choices,
        blank=True,
        help_text=_("Why it ended. A transfer ends this detention; record the next one."),
    )
    expected_release_on = PartialDateField(
        _("expected release"),
        help_text=_("As reported, e.g. the end of an administrative arrest or of a term."),
    )

    published_via = "person"

    objects = DetentionQuerySet.as_manager()

    class Meta:
        verbose_name = _("detention")
        verbose_name_plural = _("detentions")
        ordering = ["person", F("started_on__sortable").desc(), "pk"]
        indexes = [
            # "who is detained now": WHERE ended_on = '' (per person)
            models.Index(fields=["person", "ended_on"], name="detention_open_idx"),
        ]

    def __str__(self) -> str:
        place = self.facility or _("place not known")
        return f"{self.person} — {place}"

    @property
    def is_current(self) -> bool:
        """detained_now_q in Python, for a detention already loaded (with its person)."""
        return (
            self.archived_at is None
            and not self.ended_on
            and not self.end_reason
            and not self.person.date_of_death
        )

    @property
    def is_release(self) -> bool:
        return self.end_reason in self.RELEASES

    def clean(self):
        super().clean()
        errors = {}
        if certainly_after(self.started_on, self.ended_on):
            errors["ended_on"] = _("The end cannot be before the start.")
        if self.regime and self.kind not in (self.Kind.PENAL_COLONY, self.Kind.PRISON):
            errors["regime"] = _("A regime applies to a penal colony or a prison only.")
        if errors:
            raise ValidationError(errors)

    def days(self, today=None) -> int | None:
        """Days held, counted from the earliest possible start; None when the start is unknown."""
        if not self.started_on:
            return None
        end = self.ended_on.latest() if self.ended_on else (today or timezone.localdate())
        return (end - self.started_on.earliest()).days


class DeathInCustody(SourcedRecord):
    """A death in custody, as reported: when, where and how, each with its sources
    (the claims often differ: the authorities' account and the family's)."""

    person = models.ForeignKey(
        "people.Person",
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="deaths_in_custody",
        help_text=_("One per person (cases.lifecycle.record_death refuses a second)."),
    )
    detention = models.ForeignKey(
        Detention,
        verbose_name=_("detention"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    died_on = PartialDateField(_("died on"), validators=[not_in_future])
    place = models.CharField(
        _("place"),
        max_length=300,
        blank=True,
        help_text=_("Where the person died, as reported (a cell, a prison hospital, a city)."),
    )
    facility = models.ForeignKey(
        Facility,
        verbose_name=_("facility"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    circumstances = models.TextField(
        _("circumstances as reported"),
        blank=True,
        help_text=_("Who says what: the authorities' account, the family's, the lawyers'."),
    )

    published_via = "person"

    class Meta:
        verbose_name = _("death in custody")
        verbose_name_plural = _("deaths in custody")

    def __str__(self) -> str:
        return f"{self.person} — {self.died_on.display if self.died_on else _('date not known')}"
