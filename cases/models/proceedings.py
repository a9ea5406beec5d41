from __future__ import annotations

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from casetracker.records import Record
from casetracker.validators import CountryCodeField, validate_country


class Proceeding(Record):
    """A group trial: several defendants' cases heard together ("the Viasna leaders
    trial"). Reference data: public only while a published case belongs to it."""

    name = models.CharField(
        _("name"), max_length=200, help_text=_("As it is known, e.g. “Viasna leaders trial”.")
    )
    slug = models.SlugField(_("slug"), max_length=220, unique=True)
    country = CountryCodeField(_("country"), validators=[validate_country])
    court = models.CharField(_("court"), max_length=300, blank=True)
    description = models.TextField(_("public description"), blank=True)

    class Meta:
        verbose_name = _("proceeding")
        verbose_name_plural = _("proceedings")
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("public:proceeding", kwargs={"slug": self.slug})

    def clean(self):
        super().clean()
        self.country = (self.country or "").upper()
