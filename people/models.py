from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from casetracker.partial_dates import PartialDateField, certainly_after, not_in_future
from casetracker.records import Record, RecordQuerySet, SourcedRecord, Visibility
from casetracker.validators import CountryCodeField, validate_country

from .names import normalize_name


class Gender(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    OTHER = "other", _("Other")


class PersonQuerySet(RecordQuerySet):
    def detained(self):
        """People detained now (cases.models.detention.detained_now_q)."""
        from cases.models import Detention

        return self.filter(Exists(Detention.objects.current().filter(person=OuterRef("pk"))))


class Person(Record):
    full_name = models.CharField(_("full name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=220, unique=True, allow_unicode=False)
    name_normalized = models.CharField(max_length=200, editable=False, db_index=True)
    birth_date = PartialDateField(_("birth date"), validators=[not_in_future])
    reported_age = models.PositiveSmallIntegerField(
        _("age as reported"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(120)],
        help_text=_("When a source gives an age but no birth date (“the 61-year-old”)."),
    )
    reported_age_on = PartialDateField(_("age reported on"))
    gender = models.CharField(_("gender"), max_length=10, choices=Gender.choices, blank=True)
    birthplace = models.CharField(_("birthplace"), max_length=300, blank=True)
    date_of_death = PartialDateField(
        _("date of death"),
        validators=[not_in_future],
        help_text=_("A recorded death ends every detention: the person is no longer held."),
    )
    ethnicity = models.CharField(
        _("ethnicity"),
        max_length=200,
        blank=True,
        help_text=_("Internal: recorded for persecution patterns, never shown publicly."),
    )
    religion = models.CharField(
        _("religion"),
        max_length=200,
        blank=True,
        help_text=_("Internal: recorded for persecution patterns, never shown publicly."),
    )
    citizenship = CountryCodeField(
        _("citizenship"),
        max_length=2,
        blank=True,
        validators=[validate_country],
        help_text=_("ISO 3166-1 alpha-2 code, e.g. KZ."),
    )
    occupation = models.CharField(
        _("occupation or description"),
        max_length=300,
        blank=True,
        help_text=_("E.g. “human rights lawyer”, “activist and ultra-marathon runner”."),
    )
    photo = models.ImageField(_("photo"), upload_to="people/photos/", blank=True)
    public_biography = models.TextField(_("public biography"), blank=True)
    internal_notes = models.TextField(
        _("internal notes"), blank=True, help_text=_("Never shown publicly.")
    )
    is_synthetic = models.BooleanField(
        _("synthetic"),
        default=False,
        editable=False,
        help_text=_("Generated for benchmarks; never mixed with real records."),
    )

    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["full_name"]

    def __str__(self) -> str:
        return self.full_name

    def clean(self):
        super().clean()
        if certainly_after(self.birth_date, self.date_of_death):
            raise ValidationError({"date_of_death": _("The death cannot be before the birth.")})

    def save(self, *args, **kwargs):
        self.name_normalized = normalize_name(self.full_name)
        if kwargs.get("update_fields") is not None and "full_name" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "name_normalized"}
        super().save(*args, **kwargs)

    @classmethod
    def restrict_to_published(cls, qs):
        """A person is public only while one of their cases is published."""
        from cases.models import Case

        return qs.filter(Exists(Case.objects.public().filter(person=OuterRef("pk"))))

    def get_absolute_url(self) -> str:
        return reverse("public:person", kwargs={"slug": self.slug})

    def latest_weight(self):
        from cases.models import HealthObservation

        obs = (
            HealthObservation.objects.active()
            .filter(person=self, weight_kg__isnull=False)
            .order_by("-observed_on", "-observed_time", "-pk")
            .first()
        )
        return obs.weight_kg if obs else None


class NameVariant(Record):
    class Kind(models.TextChoices):
        TRANSLITERATION = "transliteration", _("Transliteration")
        SCRIPT = "script", _("Other script")
        MISSPELLING = "misspelling", _("Common misspelling")
        FORMER = "former", _("Former name")
        ALIAS = "alias", _("Alias")

    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="name_variants"
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(
        _("kind"), max_length=20, choices=Kind.choices, default=Kind.TRANSLITERATION
    )
    script = models.CharField(
        _("script"), max_length=4, blank=True, help_text=_("ISO 15924 code, e.g. Latn, Cyrl.")
    )
    name_normalized = models.CharField(max_length=200, editable=False, db_index=True)

    published_via = "person"

    class Meta:
        verbose_name = _("name variant")
        verbose_name_plural = _("name variants")
        constraints = [
            models.UniqueConstraint(fields=["person", "name"], name="unique_name_variant"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.name_normalized = normalize_name(self.name)
        super().save(*args, **kwargs)


class Organization(Record):
    class Kind(models.TextChoices):
        PARTY = "party", _("Political party")
        MOVEMENT = "movement", _("Movement")
        NGO = "ngo", _("NGO")
        MEDIA = "media", _("Media")
        RELIGIOUS = "religious", _("Religious group")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=200)
    translated_name = models.CharField(
        _("name in English"),
        max_length=200,
        blank=True,
        help_text=_("E.g. “Forward, Kazakhstan!” for “Alga, Kazakhstan!”."),
    )
    slug = models.SlugField(_("slug"), max_length=220, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    country = CountryCodeField(
        _("country"), max_length=2, blank=True, validators=[validate_country]
    )
    description = models.TextField(_("public description"), blank=True)

    class Meta:
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("public:organization", kwargs={"slug": self.slug})


class LegalStatus(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    UNREGISTERED = "unregistered", _("Unregistered")
    REFUSED = "refused", _("Registration refused")
    SUSPENDED = "suspended", _("Suspended")
    BANNED = "banned", _("Banned")
    EXTREMIST = "extremist", _("Designated “extremist”")
    TERRORIST = "terrorist", _("Designated “terrorist”")
    LIQUIDATED = "liquidated", _("Liquidated")


class OrganizationStatus(SourcedRecord):
    """One entry of an organization's legal-status history."""

    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        on_delete=models.CASCADE,
        related_name="statuses",
    )
    status = models.CharField(_("legal status"), max_length=20, choices=LegalStatus.choices)
    since = PartialDateField(_("since"), validators=[not_in_future])
    authority = models.CharField(_("deciding authority"), max_length=300, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("legal status")
        verbose_name_plural = _("legal status history")
        ordering = ["organization", "since", "pk"]

    def __str__(self) -> str:
        return f"{self.organization}: {self.get_status_display()}"


class Membership(SourcedRecord):
    class Role(models.TextChoices):
        LEADER = "leader", _("Leader")
        FOUNDER = "founder", _("Founder")
        MEMBER = "member", _("Member")
        SUPPORTER = "supporter", _("Supporter")

    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="memberships"
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        on_delete=models.PROTECT,
        related_name="memberships",
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.MEMBER)
    started_on = PartialDateField(_("from"), validators=[not_in_future])
    ended_on = PartialDateField(_("to"), validators=[not_in_future])

    published_via = "person"

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["person", "organization"]

    def __str__(self) -> str:
        return f"{self.person} — {self.get_role_display()}, {self.organization}"

    def clean(self):
        super().clean()
        if certainly_after(self.started_on, self.ended_on):
            raise ValidationError({"ended_on": _("The end cannot be before the start.")})


class PersonRelation(Record):
    """A person linked to another: a relative (the relation as reported, "mother",
    "husband") or a lawyer or advocate. Confidential by default and never public:
    not declared in cases.publicity, so it can never enter a version; staff read
    it only as cases.policy.may_read_relations allows."""

    class Kind(models.TextChoices):
        RELATIVE = "relative", _("Relative")
        LAWYER = "lawyer", _("Lawyer or advocate")

    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="relations"
    )
    other = models.ForeignKey(
        Person,
        verbose_name=_("linked person"),
        on_delete=models.PROTECT,
        related_name="relations_as_other",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    # never public: only the two staff visibilities are offered (or accepted)
    visibility = models.CharField(
        _("visibility"),
        max_length=12,
        choices=[
            (Visibility.CONFIDENTIAL, Visibility.CONFIDENTIAL.label),
            (Visibility.INTERNAL, Visibility.INTERNAL.label),
        ],
        default=Visibility.CONFIDENTIAL,
        help_text=_("Relatives and lawyers are never public."),
    )
    relation = models.CharField(
        _("relation"),
        max_length=100,
        blank=True,
        help_text=_("For a relative, as reported: mother, husband, brother…"),
    )
    since = PartialDateField(_("since"))
    until = PartialDateField(_("until"))
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("relative or lawyer")
        verbose_name_plural = _("relatives and lawyers")
        ordering = ["person", "kind", "pk"]

    def __str__(self) -> str:
        label = self.relation if self.kind == self.Kind.RELATIVE and self.relation else None
        return f"{self.person} — {label or self.get_kind_display()}: {self.other}"

    @classmethod
    def restrict_to_published(cls, qs):
        """Never public, whatever its visibility says."""
        return qs.none()

    def clean(self):
        super().clean()
        errors = {}
        if self.person_id is not None and self.person_id == self.other_id:
            errors["other"] = _("A person cannot be linked to themselves.")
        if self.kind == self.Kind.RELATIVE and not self.relation.strip():
            errors["relation"] = _("Say how they are related (mother, husband, brother…).")
        if certainly_after(self.since, self.until):
            errors["until"] = _("The end cannot be before the start.")
        if errors:
            raise ValidationError(errors)


__all__ = [
    "Gender",
    "LegalStatus",
    "Membership",
    "NameVariant",
    "Organization",
    "OrganizationStatus",
    "Person",
    "PersonRelation",
    "Visibility",
]
