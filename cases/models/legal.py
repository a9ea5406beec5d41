from __future__ import annotations

import re
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition

from cases.terms import effective_sentence, format_term  # noqa: F401 - re-exported
from casetracker.partial_dates import PartialDateField, certainly_after, not_in_future
from casetracker.record_numbers import format_record_number
from casetracker.records import Record, RecordQuerySet, SourcedRecord, Visibility
from casetracker.validators import CountryCodeField, validate_country, validate_currency

# An article number as codes print it: 405, 207.3, 158-1, 80(d), 505(b), 12A.
ARTICLE_NUMBER = re.compile(r"[0-9A-Za-z][0-9A-Za-z.\-]*(?:\([A-Za-z0-9]{1,3}\))?")


class LegalArticle(Record):
    """An article of a country's code, e.g. KZ criminal code 405."""

    class Code(models.TextChoices):
        CRIMINAL = "criminal", _("Criminal code")
        ADMINISTRATIVE = "administrative", _("Administrative code")

    country = CountryCodeField(_("country"), validators=[validate_country])
    code = models.CharField(_("code"), max_length=20, choices=Code.choices)
    number = models.CharField(
        _("article number"),
        max_length=30,
        blank=True,
        help_text=_("E.g. 405 or 207.3. Leave empty when the source does not name it."),
    )
    edition = models.CharField(
        _("edition of the code"),
        max_length=20,
        blank=True,
        help_text=_(
            "When a country changed codes and the numbers repeat: e.g. 1960 or 2000 for "
            "Azerbaijan's criminal codes. Empty for the code in force."
        ),
    )
    title = models.CharField(_("title"), max_length=300)

    class Meta:
        verbose_name = _("legal article")
        verbose_name_plural = _("legal articles")
        ordering = ["country", "code", "edition", "number", "title"]
        constraints = [
            models.UniqueConstraint(
                fields=["country", "code", "edition", "number"],
                condition=~models.Q(number=""),
                name="unique_numbered_article_edition",
            ),
            models.UniqueConstraint(
                fields=["country", "code", "edition", "title"],
                condition=models.Q(number=""),
                name="unique_unnumbered_article_edition",
            ),
        ]

    def __str__(self) -> str:
        label = f"{self.country} {self.get_code_display()}"
        if self.edition:
            label += f" ({self.edition})"
        if self.number:
            label += f" art. {self.number}"
        return f"{label} — {self.title}"

    @property
    def key(self) -> str:
        """The citable filter value, e.g. KZ:criminal:405, AZ:criminal@1960:283 for an
        edition (empty when unnumbered)."""
        if not self.number:
            return ""
        code = f"{self.code}@{self.edition}" if self.edition else self.code
        return f"{self.country}:{code}:{self.number}"

    def clean(self):
        super().clean()
        self.country = (self.country or "").upper()
        if self.number and not ARTICLE_NUMBER.fullmatch(self.number):
            raise ValidationError(
                {"number": _("Give the article's number alone, e.g. 405, 207.3 or 80(d).")}
            )


class Case(FSMModelMixin, Record):
    class Type(models.TextChoices):
        CRIMINAL = "criminal", _("Criminal")
        ADMINISTRATIVE = "administrative", _("Administrative")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        UNKNOWN = "unknown", _("Not known")
        INVESTIGATION = "investigation", _("Under investigation")
        AWAITING_TRIAL = "awaiting_trial", _("Awaiting trial")
        TRIAL = "trial", _("On trial")
        CONVICTED = "convicted", _("Convicted")
        APPEAL = "appeal", _("On appeal")
        RELEASED = "released", _("Released")
        ACQUITTED = "acquitted", _("Acquitted")
        CLOSED = "closed", _("Closed")
        DIED_IN_CUSTODY = "died_in_custody", _("Died in custody")
        HOUSE_ARREST = "house_arrest", _("Under house arrest")
        DISAPPEARED = "disappeared", _("Disappeared")
        IN_EXILE = "in_exile", _("In exile")

    class EditorialState(models.TextChoices):
        DRAFT = "draft", _("Draft")
        IN_REVIEW = "in_review", _("In review")
        PUBLISHED = "published", _("Published")

    person = models.ForeignKey(
        "people.Person", verbose_name=_("person"), on_delete=models.PROTECT, related_name="cases"
    )
    slug = models.SlugField(_("slug"), max_length=220, unique=True)
    case_type = models.CharField(_("type"), max_length=20, choices=Type.choices)
    country = CountryCodeField(_("country"), validators=[validate_country])
    region = models.CharField(_("region"), max_length=200, blank=True)
    authority = models.CharField(
        _("prosecuting authority"),
        max_length=300,
        blank=True,
        help_text=_("The body that brought the case (police, prosecutor, security service)."),
    )
    court = models.CharField(_("court"), max_length=300, blank=True)
    case_number = models.CharField(_("case number"), max_length=100, blank=True)
    # a group trial this case is heard in, with its co-defendants' cases
    proceeding = models.ForeignKey(
        "cases.Proceeding",
        verbose_name=_("proceeding (group trial)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
    )
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
    visit_interval_days = models.PositiveSmallIntegerField(
        _("visit interval (days)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("A visit is overdue after this many days without one (default: 30)."),
    )
    is_synthetic = models.BooleanField(_("synthetic"), default=False, editable=False)

    objects = RecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = [F("arrest_date__sortable").desc(), "pk"]
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

    @property
    def record_number(self) -> str:
        """`CT-000123`: stable, from the primary key (casetracker.record_numbers)."""
        return format_record_number(self.pk) if self.pk else ""

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


class CaseLink(SourcedRecord):
    """A relation between two cases, shown on both pages: Toregozhina was
    prosecuted for reporting on Zhylanbayev's case; two cases from the same
    protest are "same events"."""

    class Kind(models.TextChoices):
        REPORTING_ON = "reporting_on", _("Prosecuted for reporting on")
        SAME_EVENTS = "same_events", _("Same events")
        DEFENDING = "defending", _("Prosecuted for defending")
        RELATED = "related", _("Related case")

    # How the link reads from the other case's page.
    INVERSE = {
        Kind.REPORTING_ON: _("Reported on by"),
        Kind.SAME_EVENTS: _("Same events"),
        Kind.DEFENDING: _("Defended by"),
        Kind.RELATED: _("Related case"),
    }

    from_case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="links_out"
    )
    to_case = models.ForeignKey(
        Case, verbose_name=_("linked case"), on_delete=models.CASCADE, related_name="links_in"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    note = models.CharField(_("note"), max_length=500, blank=True)

    published_via = "from_case"

    class Meta:
        verbose_name = _("case link")
        verbose_name_plural = _("case links")
        ordering = ["from_case", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["from_case", "to_case", "kind"], name="unique_case_link"
            ),
            models.CheckConstraint(
                condition=~models.Q(from_case=models.F("to_case")), name="case_link_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.from_case} — {self.get_kind_display()} — {self.to_case}"

    def clean(self):
        super().clean()
        if self.from_case_id and self.from_case_id == self.to_case_id:
            raise ValidationError({"to_case": _("A case cannot be linked to itself.")})

    @property
    def inverse_label(self) -> str:
        return self.INVERSE.get(self.kind, self.get_kind_display())


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
    part = models.CharField(
        _("part"), max_length=20, blank=True, help_text=_("E.g. 2 in “ч. 2 ст. 207.3”.")
    )
    paragraph = models.CharField(_("paragraph"), max_length=20, blank=True)
    letter = models.CharField(
        _("letter"),
        max_length=10,
        blank=True,
        help_text=_("E.g. д in “п. «д» ч. 2 ст. 207.3”, d in “80(d)”."),
    )
    cited_as = models.CharField(
        _("provision as written"),
        max_length=100,
        blank=True,
        help_text=_("In the country's own notation, e.g. “п. «д» ч. 2 ст. 207.3”."),
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

    @property
    def provision(self) -> str:
        """The provision as written, else built from its parts ("part 2, (d)")."""
        return self.cited_as or self.parts_display

    @property
    def parts_display(self) -> str:
        """Part, paragraph and letter in the reader's language ("part 2, (d)")."""
        bits = []
        if self.part:
            bits.append(_("part %(n)s") % {"n": self.part})
        if self.paragraph:
            bits.append(_("paragraph %(n)s") % {"n": self.paragraph})
        if self.letter:
            bits.append(f"({self.letter})")
        return ", ".join(str(b) for b in bits)


class Sentence(SourcedRecord):
    class Kind(models.TextChoices):
        IMPRISONMENT = "imprisonment", _("Imprisonment")
        LIFE_IMPRISONMENT = "life_imprisonment", _("Life imprisonment")
        FINE = "fine", _("Fine")
        RESTRICTED_FREEDOM = "restricted_freedom", _("Restricted freedom")
        PROBATION = "probation", _("Probation")
        FORCED_TREATMENT = "forced_treatment", _("Forced psychiatric treatment")
        TRAVEL_BAN = "travel_ban", _("Travel ban")
        ADMINISTRATIVE_ARREST = "administrative_arrest", _("Administrative arrest")
        DEATH_PENALTY = "death_penalty", _("Death penalty")
        NONE = "none", _("No punishment (acquittal, release)")
        OTHER = "other", _("Other")

    class Decision(models.TextChoices):
        """Each court or clemency decision is its own record; the latest is in force."""

        FIRST_INSTANCE = "first_instance", _("First instance")
        APPEAL = "appeal", _("Appeal")
        CASSATION = "cassation", _("Cassation")
        SUPERVISORY = "supervisory", _("Supervisory review")
        PARDON = "pardon", _("Pardon")
        AMNESTY = "amnesty", _("Amnesty")
        COMMUTATION = "commutation", _("Commutation")
        EXCHANGE = "exchange", _("Exchange")
        PAROLE = "parole", _("Parole")

    # Decisions that free the person: the term stops running.
    RELEASING_DECISIONS = frozenset(
        {Decision.PARDON, Decision.AMNESTY, Decision.EXCHANGE, Decision.PAROLE}
    )

    class AppealOutcome(models.TextChoices):
        NONE = "", _("No appeal known")
        PENDING = "pending", _("Appeal pending")
        UPHELD = "upheld", _("Upheld on appeal")
        REDUCED = "reduced", _("Reduced on appeal")
        INCREASED = "increased", _("Increased on appeal")
        OVERTURNED = "overturned", _("Overturned on appeal")

    TERM_KINDS = {
        Kind.IMPRISONMENT,
        Kind.RESTRICTED_FREEDOM,
        Kind.PROBATION,
        Kind.TRAVEL_BAN,
        Kind.ADMINISTRATIVE_ARREST,
    }
    CUSTODIAL_KINDS = {Kind.IMPRISONMENT, Kind.ADMINISTRATIVE_ARREST}

    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="sentences"
    )
    decision = models.CharField(
        _("decision"),
        max_length=20,
        choices=Decision.choices,
        default=Decision.FIRST_INSTANCE,
        help_text=_(
            "Record every decision separately (an appeal does not overwrite the first "
            "instance): the latest decision is the sentence in force."
        ),
    )
    sentenced_on = PartialDateField(_("decided on"), validators=[not_in_future])
    court = models.CharField(_("court"), max_length=300, blank=True)
    kind = models.CharField(
        _("main punishment"),
        max_length=30,
        choices=Kind.choices,
        help_text=_("Additional punishments (a fine, a ban) are recorded beside it."),
    )
    term_months = models.PositiveIntegerField(
        _("term (months)"),
        null=True,
        blank=True,
        help_text=_("The whole term in months, years included (51 = 4 years 3 months)."),
    )
    term_days = models.PositiveIntegerField(
        _("term: days"),
        null=True,
        blank=True,
        help_text=_("Days beyond the months, or the whole term of an administrative arrest."),
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
        ordering = ["case", F("sentenced_on__sortable").asc(), "pk"]
        indexes = [
            # /cases/?min_months=&max_months=
            models.Index(fields=["term_months"], name="sentence_term_idx"),
        ]

    def __str__(self) -> str:
        if self.term_months or self.term_days:
            return f"{self.get_kind_display()}, {format_term(self.term_months, self.term_days)}"
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
        if self.kind in (self.Kind.LIFE_IMPRISONMENT, self.Kind.DEATH_PENALTY) and (
            self.term_months or self.term_days
        ):
            errors["term_months"] = _("A life sentence or a death penalty has no term.")
        if self.term_months == 0 and not self.term_days:
            errors["term_months"] = _("The term must be at least one month or one day.")
        if certainly_after(self.starts_on, self.ends_on):
            errors["ends_on"] = _("The end cannot be before the start.")
        if errors:
            raise ValidationError(errors)

    @property
    def releases(self) -> bool:
        """This decision frees the person (a pardon, an amnesty, an acquittal...)."""
        return (
            self.decision in self.RELEASING_DECISIONS
            or self.kind == self.Kind.NONE
            or self.appeal_outcome == self.AppealOutcome.OVERTURNED
        )

    def term(self) -> relativedelta | None:
        if not (self.term_months or self.term_days):
            return None
        return relativedelta(months=self.term_months or 0, days=self.term_days or 0)

    def expected_release(self, held_since=None):
        """The end of the term: its stated end, else its start + term, else (for a
        custodial term) the start of the time already held + term, since time held
        before the verdict counts toward it. None when unknown, for life or death,
        and for a decision that frees the person."""
        if self.releases or self.kind in (self.Kind.LIFE_IMPRISONMENT, self.Kind.DEATH_PENALTY):
            return None
        if self.ends_on:
            return self.ends_on.earliest()
        term = self.term()
        if term is None or self.kind not in self.TERM_KINDS:
            return None
        start = self.starts_on or (held_since if self.kind in self.CUSTODIAL_KINDS else None)
        if not start:
            return None
        start = start.earliest() if hasattr(start, "earliest") else start
        return start + term


class AdditionalPunishment(Record):
    """A punishment added to a sentence's main one: "19 years and a fine of 300,000
    roubles", "and a ban on journalism for 3 years"."""

    class Kind(models.TextChoices):
        FINE = "fine", _("Fine")
        ACTIVITY_BAN = "activity_ban", _("Ban on an activity or profession")
        TRAVEL_BAN = "travel_ban", _("Travel ban")
        RESTRICTION = "restriction", _("Restriction of freedom")
        INTERNET_BAN = "internet_ban", _("Ban on using the internet")
        DEPRIVATION = "deprivation", _("Deprivation of rank, title or award")
        CONFISCATION = "confiscation", _("Confiscation of property")
        OTHER = "other", _("Other")

    sentence = models.ForeignKey(
        Sentence,
        verbose_name=_("sentence"),
        on_delete=models.CASCADE,
        related_name="additional_punishments",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    term_months = models.PositiveIntegerField(_("term (months)"), null=True, blank=True)
    term_days = models.PositiveIntegerField(_("term: days"), null=True, blank=True)
    fine_amount = models.DecimalField(
        _("fine amount"),
        max_digits=16,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01"), _("A fine must be a positive amount."))],
    )
    fine_currency = models.CharField(
        _("fine currency"), max_length=3, blank=True, validators=[validate_currency]
    )
    description = models.CharField(
        _("as worded"), max_length=300, blank=True, help_text=_("E.g. “ban on journalism”.")
    )

    published_via = "sentence"

    class Meta:
        verbose_name = _("additional punishment")
        verbose_name_plural = _("additional punishments")
        ordering = ["sentence", "pk"]

    def __str__(self) -> str:
        label = self.description or self.get_kind_display()
        if self.fine_amount:
            return f"{label}, {self.fine_amount:,.0f} {self.fine_currency}"
        term = format_term(self.term_months, self.term_days)
        return f"{label}, {term}" if term else label

    def clean(self):
        super().clean()
        errors = {}
        self.fine_currency = (self.fine_currency or "").upper()
        if self.kind == self.Kind.FINE and self.fine_amount is None:
            errors["fine_amount"] = _("Give the amount of the fine.")
        if self.fine_amount is not None and not self.fine_currency:
            errors["fine_currency"] = _("Give the currency of the fine.")
        if errors:
            raise ValidationError(errors)


class Recognition(SourcedRecord):
    """Who recognises the person in this case as a political prisoner."""

    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="recognitions"
    )
    recognizer = models.ForeignKey(
        "people.Organization",
        verbose_name=_("recognising organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="recognitions_given",
        help_text=_(
            "Memorial, Viasna, OVD-Info, Amnesty International, the UN Working Group on "
            "Arbitrary Detention… Browse and count by it."
        ),
    )
    recognized_by = models.CharField(
        _("recognised by (as written)"),
        max_length=300,
        blank=True,
        help_text=_("As the source words it; the organisation's name when left empty."),
    )
    recognized_on = PartialDateField(_("recognised on"), validators=[not_in_future])
    url = models.URLField(_("link"), max_length=500, blank=True)

    published_via = "case"

    class Meta:
        verbose_name = _("political prisoner recognition")
        verbose_name_plural = _("political prisoner recognitions")
        ordering = ["case", "pk"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return self.recognized_by or (self.recognizer.name if self.recognizer_id else "")

    def clean(self):
        super().clean()
        if not self.recognized_by and not self.recognizer_id:
            raise ValidationError(
                {"recognizer": _("Name the organisation (or who) recognises the person.")}
            )


__all__ = [
    "AdditionalPunishment",
    "Case",
    "CaseLink",
    "Charge",
    "LegalArticle",
    "Recognition",
    "Sentence",
    "Visibility",
    "effective_sentence",
    "format_term",
]
