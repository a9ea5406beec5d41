from __future__ import annotations

from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition

from casetracker.partial_dates import PartialDateField, certainly_after, not_in_future
from casetracker.records import Record, RecordQuerySet, SourcedRecord, Visibility
from casetracker.validators import validate_country, validate_currency


class LegalArticle(Record):
    """An article of a country's code, e.g. KZ criminal code 405."""

    class Code(models.TextChoices):
        CRIMINAL = "criminal", _("Criminal code")
        ADMINISTRATIVE = "administrative", _("Administrative code")

    country = models.CharField(_("country"), max_length=2, validators=[validate_country])
    code = models.CharField(_("code"), max_length=20, choices=Code.choices)
    number = models.CharField(
        _("article number"),
        max_length=30,
        blank=True,
        help_text=_("E.g. 405 or 207.3. Leave empty when the source does not name it."),
    )
    title = models.CharField(_("title"), max_length=300)

    class Meta:
        verbose_name = _("legal article")
        verbose_name_plural = _("legal articles")
        ordering = ["country", "code", "number", "title"]
        constraints = [
            models.UniqueConstraint(
                fields=["country", "code", "number"],
                condition=~models.Q(number=""),
                name="unique_numbered_article",
            ),
            models.UniqueConstraint(
                fields=["country", "code", "title"],
                condition=models.Q(number=""),
                name="unique_unnumbered_article",
            ),
        ]

    def __str__(self) -> str:
        label = f"{self.country} {self.get_code_display()}"
        if self.number:
            label += f" art. {self.number}"
        return f"{label} — {self.title}"

    @property
    def key(self) -> str:
        """The citable filter value, e.g. KZ:criminal:405 (empty when unnumbered)."""
        return f"{self.country}:{self.code}:{self.number}" if self.number else ""

    def clean(self):
        super().clean()
        self.country = (self.country or "").upper()


class Case(FSMModelMixin, Record):
    class Type(models.TextChoices):
        CRIMINAL = "criminal", _("Criminal")
        ADMINISTRATIVE = "administrative", _("Administrative")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        INVESTIGATION = "investigation", _("Under investigation")
        TRIAL = "trial", _("On trial")
        CONVICTED = "convicted", _("Convicted")
        APPEAL = "appeal", _("On appeal")
        RELEASED = "released", _("Released")
        ACQUITTED = "acquitted", _("Acquitted")
        CLOSED = "closed", _("Closed")
        DIED_IN_CUSTODY = "died_in_custody", _("Died in custody")

    class EditorialState(models.TextChoices):
        DRAFT = "draft", _("Draft")
        IN_REVIEW = "in_review", _("In review")
        PUBLISHED = "published", _("Published")

    person = models.ForeignKey(
        "people.Person", verbose_name=_("person"), on_delete=models.PROTECT, related_name="cases"
    )
    slug = models.SlugField(_("slug"), max_length=220, unique=True)
    case_type = models.CharField(_("type"), max_length=20, choices=Type.choices)
    country = models.CharField(_("country"), max_length=2, validators=[validate_country])
    region = models.CharField(_("region"), max_length=200, blank=True)
    authority = models.CharField(
        _("prosecuting authority"),
        max_length=300,
        blank=True,
        help_text=_("The body that brought the case (police, prosecutor, security service)."),
    )
    court = models.CharField(_("court"), max_length=300, blank=True)
    case_number = models.CharField(_("case number"), max_length=100, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    arrest_date = PartialDateField(
        _("arrest or first action"),
        validators=[not_in_future],
        help_text=_("Arrest, or the first action against the person (summons, charge)."),
    )
    verdict_date = PartialDateField(_("verdict date"), validators=[not_in_future])
    summary = models.TextField(_("public summary"), blank=True)
    internal_notes = models.TextField(_("internal notes"), blank=True)
    # The editorial state machine: protected, so it changes only through the
    # transitions below, which only cases.services calls (each with its
    # Publication row). A case may be created in any state (fixtures, tests).
    editorial_state = FSMField(
        _("editorial state"),
        max_length=20,
        choices=EditorialState.choices,
        default=EditorialState.DRAFT,
        protected=True,
    )
    assigned_monitors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned monitors"),
        blank=True,
        related_name="assigned_cases",
    )
    health_check_interval_days = models.PositiveSmallIntegerField(
        _("health check interval (days)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("Overrides the default interval between health updates for this case."),
    )
    is_synthetic = models.BooleanField(_("synthetic"), default=False, editable=False)

    objects = RecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-arrest_date", "pk"]
        permissions = [("publish_case", _("Can publish and unpublish cases"))]
        indexes = [
            # every public query: WHERE editorial_state='published' AND visibility='public'
            models.Index(
                fields=["editorial_state", "visibility", "archived_at"], name="case_public_idx"
            ),
            # /cases/ default order, `ORDER BY arrest_date DESC, id LIMIT 25`: read in index
            # order instead of sorting every public case (also the person page's case list).
            models.Index(fields=["-arrest_date", "id"], name="case_arrest_order_idx"),
            # /cases/?country=KZ, and the country facet / stats `GROUP BY country`.
            models.Index(fields=["country"], name="case_country_idx"),
            # /cases/?status=convicted, and the status facet / stats `GROUP BY status`.
            models.Index(fields=["status"], name="case_status_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.person} — {self.get_case_type_display()} ({self.country})"

    def get_absolute_url(self) -> str:
        return reverse("public:case", kwargs={"slug": self.slug})

    @classmethod
    def restrict_to_published(cls, qs):
        """Published, and its person's own record is publishable: a published case
        must never name a person whose record is internal or archived."""
        return qs.filter(
            editorial_state=cls.EditorialState.PUBLISHED,
            person__visibility=Visibility.PUBLIC,
            person__archived_at__isnull=True,
        )

    @property
    def is_published(self) -> bool:
        return self.editorial_state == self.EditorialState.PUBLISHED

    def clean_fields(self, exclude=None):
        # full_clean() would assign the cleaned state back, which the protected
        # field refuses; the state is only ever set by the transitions below.
        super().clean_fields(exclude={*(exclude or ()), "editorial_state"})

    # --- transitions (called by cases.services only) ---------------------------

    @transition(field=editorial_state, source=EditorialState.DRAFT, target=EditorialState.IN_REVIEW)
    def submit(self):
        """Draft → in review."""

    @transition(field=editorial_state, source=EditorialState.IN_REVIEW, target=EditorialState.DRAFT)
    def return_to_draft(self):
        """In review → draft."""

    @transition(field=editorial_state, source="*", target=EditorialState.PUBLISHED)
    def publish(self):
        """Draft, in review, or published again (a new version) → published."""

    @transition(field=editorial_state, source=EditorialState.PUBLISHED, target=EditorialState.DRAFT)
    def unpublish(self):
        """Published → draft (nothing public any more)."""

    @transition(field=editorial_state, source="*", target=EditorialState.PUBLISHED)
    def restore_version(self):
        """Any state → published, with a stored earlier version."""

    def clean(self):
        super().clean()
        self.country = (self.country or "").upper()
        if certainly_after(self.arrest_date, self.verdict_date):
            raise ValidationError(
                {"verdict_date": _("The verdict cannot be dated before the arrest.")}
            )


class ChargeQuerySet(RecordQuerySet):
    def publishable(self):
        """Public, not archived, and under a publishable legal article: when an
        editor keeps an article internal, its title is the secret, so a charge
        under it is left out everywhere (pages, filters, exports, API, snapshots)."""
        return super().publishable().filter(article__in=LegalArticle.objects.publishable())


class Charge(SourcedRecord):
    class Outcome(models.TextChoices):
        PENDING = "pending", _("Pending")
        CONVICTED = "convicted", _("Convicted")
        ACQUITTED = "acquitted", _("Acquitted")
        DROPPED = "dropped", _("Dropped")

    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="charges"
    )
    article = models.ForeignKey(
        LegalArticle,
        verbose_name=_("legal article"),
        on_delete=models.PROTECT,
        related_name="charges",
    )
    wording = models.CharField(_("wording as charged"), max_length=500, blank=True)
    charged_on = PartialDateField(_("charged on"), validators=[not_in_future])
    outcome = models.CharField(
        _("outcome"), max_length=20, choices=Outcome.choices, default=Outcome.PENDING
    )

    published_via = "case"

    objects = ChargeQuerySet.as_manager()

    class Meta:
        verbose_name = _("charge")
        verbose_name_plural = _("charges")
        ordering = ["case", "pk"]

    def __str__(self) -> str:
        return self.wording or self.article.title


class Sentence(SourcedRecord):
    class Kind(models.TextChoices):
        IMPRISONMENT = "imprisonment", _("Imprisonment")
        LIFE_IMPRISONMENT = "life_imprisonment", _("Life imprisonment")
        FINE = "fine", _("Fine")
        RESTRICTED_FREEDOM = "restricted_freedom", _("Restricted freedom")
        PROBATION = "probation", _("Probation")
        FORCED_TREATMENT = "forced_treatment", _("Forced psychiatric treatment")
        TRAVEL_BAN = "travel_ban", _("Travel ban")
        OTHER = "other", _("Other")

    class AppealOutcome(models.TextChoices):
        NONE = "", _("No appeal known")
        PENDING = "pending", _("Appeal pending")
        UPHELD = "upheld", _("Upheld on appeal")
        REDUCED = "reduced", _("Reduced on appeal")
        INCREASED = "increased", _("Increased on appeal")
        OVERTURNED = "overturned", _("Overturned on appeal")

    TERM_KINDS = {Kind.IMPRISONMENT, Kind.RESTRICTED_FREEDOM, Kind.PROBATION, Kind.TRAVEL_BAN}

    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="sentences"
    )
    sentenced_on = PartialDateField(_("sentenced on"), validators=[not_in_future])
    court = models.CharField(_("court"), max_length=300, blank=True)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    term_months = models.PositiveIntegerField(
        _("term (months)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1, _("The term must be at least one month."))],
    )
    fine_amount = models.DecimalField(
        _("fine amount"),
        max_digits=16,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01"), _("A fine must be a positive amount."))],
    )
    fine_currency = models.CharField(
        _("fine currency"),
        max_length=3,
        blank=True,
        validators=[validate_currency],
        help_text=_("ISO 4217 code, e.g. KZT."),
    )
    fine_usd_reported = models.DecimalField(
        _("fine in USD as reported"),
        max_digits=16,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01"), _("Must be a positive amount."))],
    )
    starts_on = PartialDateField(_("term starts"))
    ends_on = PartialDateField(_("term ends"))
    appeal_outcome = models.CharField(
        _("appeal outcome"), max_length=20, choices=AppealOutcome.choices, blank=True
    )

    published_via = "case"

    class Meta:
        verbose_name = _("sentence")
        verbose_name_plural = _("sentences")
        ordering = ["case", "sentenced_on", "pk"]
        indexes = [
            # /cases/?min_months=&max_months=
            models.Index(fields=["term_months"], name="sentence_term_idx"),
        ]

    def __str__(self) -> str:
        if self.term_months:
            return f"{self.get_kind_display()}, {self.term_months} months"
        if self.fine_amount:
            return f"{self.get_kind_display()}, {self.fine_amount} {self.fine_currency}"
        return self.get_kind_display()

    def clean(self):
        super().clean()
        errors = {}
        self.fine_currency = (self.fine_currency or "").upper()
        if self.fine_amount is not None and not self.fine_currency:
            errors["fine_currency"] = _("Give the currency of the fine.")
        if self.fine_currency and self.fine_amount is None:
            errors["fine_amount"] = _("Give the amount of the fine.")
        if self.kind == self.Kind.LIFE_IMPRISONMENT and self.term_months:
            errors["term_months"] = _("A life sentence has no term in months.")
        if certainly_after(self.starts_on, self.ends_on):
            errors["ends_on"] = _("The end cannot be before the start.")
        if errors:
            raise ValidationError(errors)

    def expected_release(self):
        """Start + term, when both are known; None otherwise (or for life)."""
        if self.ends_on:
            return self.ends_on.earliest()
        if not (self.starts_on and self.term_months) or self.kind not in self.TERM_KINDS:
            return None
        return self.starts_on.earliest() + relativedelta(months=self.term_months)


class Recognition(SourcedRecord):
    """Who recognises the person in this case as a political prisoner."""

    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="recognitions"
    )
    recognized_by = models.CharField(_("recognised by"), max_length=300)
    recognized_on = PartialDateField(_("recognised on"), validators=[not_in_future])

    published_via = "case"

    class Meta:
        verbose_name = _("political prisoner recognition")
        verbose_name_plural = _("political prisoner recognitions")
        ordering = ["case", "pk"]

    def __str__(self) -> str:
        return self.recognized_by


__all__ = ["Case", "Charge", "LegalArticle", "Recognition", "Sentence", "Visibility"]
