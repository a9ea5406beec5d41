from django.db import models
from django.db.models import F
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from casetracker.partial_dates import PartialDateField, not_in_future
from casetracker.records import Record, SourcedRecord


class Source(Record):
    """Where a fact comes from. Every observation, event and public claim cites one."""

    class Kind(models.TextChoices):
        VISIT = "visit", _("First-hand visit")
        LAWYER = "lawyer", _("Lawyer")
        RELATIVE = "relative", _("Relative")
        OFFICIAL = "official", _("Official statement")
        COURT = "court", _("Court document")
        MEDIA = "media", _("Media report")
        SOCIAL = "social", _("Social media post")
        OTHER = "other", _("Other")

    class Reliability(models.TextChoices):
        CONFIRMED = "confirmed", _("Confirmed by several sources")
        RELIABLE = "reliable", _("Reliable")
        UNVERIFIED = "unverified", _("Unverified")
        DISPUTED = "disputed", _("Disputed")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("title or description"), max_length=300)
    author = models.CharField(_("author"), max_length=200, blank=True)
    publisher = models.CharField(_("publisher or platform"), max_length=200, blank=True)
    url = models.URLField(_("URL"), max_length=500, blank=True)
    reference = models.CharField(
        _("reference"),
        max_length=300,
        blank=True,
        help_text=_("When there is no URL: document number, archive reference, etc."),
    )
    date = PartialDateField(_("date"), validators=[not_in_future])
    reliability = models.CharField(
        _("reliability"), max_length=20, choices=Reliability.choices, default=Reliability.UNVERIFIED
    )
    identity_confidential = models.BooleanField(
        _("identity confidential"),
        default=False,
        help_text=_(
            "Shown publicly only as “confidential source”: no author, title, URL or reference."
        ),
    )
    notes = models.TextField(_("internal notes"), blank=True)

    class Meta:
        verbose_name = _("source")
        verbose_name_plural = _("sources")
        ordering = [F("date__sortable").desc(), "title"]

    def __str__(self) -> str:
        return self.title

    @property
    def web_url(self) -> str:
        """The URL, if it is a web address: the only kind of URL pages link to.
        Validation refuses others, but a row written around it (a raw update, an
        old import) must still never become a `javascript:` link."""
        return self.url if self.url.lower().startswith(("https://", "http://")) else ""


class Event(SourcedRecord):
    """One dated entry of a case's timeline."""

    class Kind(models.TextChoices):
        ARREST = "arrest", _("Arrest")
        DETENTION = "detention", _("Detention")
        SUMMONS = "summons", _("Summons")
        SEARCH = "search", _("Search")
        CHARGE = "charge", _("Charge brought")
        PUBLICATION = "publication", _("Publication or post")
        HEARING = "hearing", _("Hearing")
        TRIAL = "trial", _("Trial")
        VERDICT = "verdict", _("Verdict")
        APPEAL = "appeal", _("Appeal")
        TRANSFER = "transfer", _("Transfer")
        RELEASE = "release", _("Release")
        HUNGER_STRIKE = "hunger_strike", _("Hunger strike")
        AUTHORITY_STATEMENT = "authority_statement", _("Statement by authorities")
        OTHER = "other", _("Other")

    case = models.ForeignKey(
        "cases.Case", verbose_name=_("case"), on_delete=models.CASCADE, related_name="events"
    )
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    date = PartialDateField(_("date"), blank=False, validators=[not_in_future])
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("public description"), blank=True)
    location = models.CharField(_("place"), max_length=200, blank=True)

    published_via = "case"

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["case", F("date__sortable").asc(), "pk"]
        indexes = [
            # case page timeline: WHERE case_id = ? ORDER BY date
            models.Index(fields=["case", "date"], name="event_case_date_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("public:case", kwargs={"slug": self.case.slug}) + f"#event-{self.pk}"
