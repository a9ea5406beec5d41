"""Officials (judges, prosecutors, investigators, prison heads) as records, and
their part in a case: who decided what, when, on which source.

An official is reference data, like a facility: public only while a published
case shows a public part they played (cases.snapshots). The part is a case's
record: it follows the visibility rule with its case.
"""

from __future__ import annotations

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from casetracker.partial_dates import PartialDateField, not_in_future
from casetracker.records import Record, SourcedRecord
from casetracker.validators import CountryCodeField, validate_country


class Official(Record):
    """A person acting for the state in a case: the accountability list's entry."""

    class Kind(models.TextChoices):
        JUDGE = "judge", _("Judge")
        PROSECUTOR = "prosecutor", _("Prosecutor")
        INVESTIGATOR = "investigator", _("Investigator")
        PRISON_HEAD = "prison_head", _("Prison head")
        OTHER = "other", _("Other official")

    full_name = models.CharField(_("full name"), max_length=300)
    slug = models.SlugField(_("slug"), max_length=220, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    country = CountryCodeField(_("country"), validators=[validate_country])
    institution = models.CharField(
        _("institution"),
        max_length=300,
        blank=True,
        help_text=_("The court, prosecutor's office, investigative body or facility served."),
    )

    class Meta:
        verbose_name = _("official")
        verbose_name_plural = _("officials")
        ordering = ["full_name", "pk"]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.institution})" if self.institution else self.full_name

    def get_absolute_url(self) -> str:
        return reverse("public:official", kwargs={"slug": self.slug})

    def clean(self):
        super().clean()
        self.country = (self.country or "").upper()


class CaseOfficial(SourcedRecord):
    """An official's part in a case: the judge who sentenced, the prosecutor who
    asked for the term, the investigator who brought the charge."""

    class Role(models.TextChoices):
        PRESIDING_JUDGE = "presiding_judge", _("Presiding judge")
        JUDGE = "judge", _("Judge")
        APPEAL_JUDGE = "appeal_judge", _("Appeal judge")
        PROSECUTOR = "prosecutor", _("Prosecutor")
        INVESTIGATOR = "investigator", _("Investigator")
        PRISON_HEAD = "prison_head", _("Head of the facility")
        OTHER = "other", _("Other")

    case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("case"),
        on_delete=models.CASCADE,
        related_name="official_parts",
    )
    official = models.ForeignKey(
        Official, verbose_name=_("official"), on_delete=models.PROTECT, related_name="parts"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    decision = models.CharField(
        _("decision or act"),
        max_length=500,
        blank=True,
        help_text=_("What they decided or did, as the source reports it."),
    )
    date = PartialDateField(_("date"), validators=[not_in_future])

    published_via = "case"

    class Meta:
        verbose_name = _("official's part")
        verbose_name_plural = _("officials' parts")
        ordering = ["case", "date", "pk"]

    def __str__(self) -> str:
        return f"{self.official.full_name}: {self.get_role_display()}"


__all__ = ["CaseOfficial", "Official"]
