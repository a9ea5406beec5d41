from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casetracker.partial_dates import not_in_future
from casetracker.records import RecordQuerySet, SourcedRecord, Visibility


class HungerStrikeQuerySet(RecordQuerySet):
    def ongoing(self):
        """Started, not ended, no outcome: the same rule as HungerStrike.is_ongoing."""
        return self.filter(started_on__isnull=False, ended_on__isnull=True, outcome="")


class HungerStrike(SourcedRecord):
    class Kind(models.TextChoices):
        FULL = "full", _("Full (water only)")
        DRY = "dry", _("Dry (no food or water)")
        PARTIAL = "partial", _("Partial")
        UNKNOWN = "unknown", _("Not reported")

    class Outcome(models.TextChoices):
        ONGOING = "", _("Ongoing")
        DEMANDS_MET = "demands_met", _("Ended: demands met")
        PARTIALLY_MET = "partially_met", _("Ended: demands partly met")
        NOT_MET = "not_met", _("Ended: demands not met")
        HEALTH = "health", _("Ended for health reasons")
        FORCE_FED = "force_fed", _("Ended by force-feeding")
        DIED = "died", _("Died")
        UNKNOWN = "unknown", _("Ended or status not reported")

    person = models.ForeignKey(
        "people.Person",
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="hunger_strikes",
    )
    case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("case"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="hunger_strikes",
    )
    started_on = models.DateField(
        _("started on"),
        null=True,
        blank=True,
        validators=[not_in_future],
        help_text=_("Leave empty only when the source does not give it."),
    )
    ended_on = models.DateField(_("ended on"), null=True, blank=True, validators=[not_in_future])
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.UNKNOWN)
    demands = models.TextField(_("demands"), blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)

    published_via = "person"
    objects = HungerStrikeQuerySet.as_manager()

    class Meta:
        verbose_name = _("hunger strike")
        verbose_name_plural = _("hunger strikes")
        ordering = ["person", "-started_on", "pk"]
        indexes = [
            # ongoing strikes: WHERE ended_on IS NULL AND outcome = ''
            models.Index(fields=["person", "ended_on", "outcome"], name="strike_ongoing_idx"),
        ]

    def __str__(self) -> str:
        when = self.started_on or _("date not reported")
        return f"{self.person} — {_('hunger strike')} ({when})"

    @property
    def is_ongoing(self) -> bool:
        return self.started_on is not None and self.ended_on is None and not self.outcome

    def day_count(self, today=None) -> int | None:
        """Day N of the strike (the first day is day 1); None when the start is unknown."""
        if self.started_on is None:
            return None
        end = self.ended_on or today or timezone.localdate()
        return (end - self.started_on).days + 1

    def clean(self):
        super().clean()
        if self.started_on and self.ended_on and self.ended_on < self.started_on:
            raise ValidationError({"ended_on": _("The end cannot be before the start.")})
        if self.ended_on and not self.outcome:
            raise ValidationError({"outcome": _("Say how the hunger strike ended.")})
        if self.started_on is None and not self.outcome:
            raise ValidationError(
                {"started_on": _("An ongoing hunger strike needs its start date.")}
            )


class HealthObservationQuerySet(RecordQuerySet):
    def publishable(self):
        """Public, not archived, and not made during a confidential visit: what was
        seen on a visit whose very existence is confidential stays confidential, here
        as at save (HealthObservation.save), whatever an older row says."""
        return super().publishable().exclude(visit__visibility=Visibility.CONFIDENTIAL)


class HealthObservation(SourcedRecord):
    class Kind(models.TextChoices):
        WEIGHT = "weight", _("Weight")
        SYMPTOM = "symptom", _("Symptom")
        MEDICAL_ACCESS = "medical_access", _("Access to medical care")
        GENERAL = "general", _("General condition")

    person = models.ForeignKey(
        "people.Person",
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="health_observations",
    )
    visit = models.ForeignKey(
        "cases.PrisonVisit",
        verbose_name=_("visit"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="observations",
    )
    observed_on = models.DateField(_("observed on"), validators=[not_in_future])
    observed_time = models.TimeField(_("time"), null=True, blank=True)
    date_is_approximate = models.BooleanField(
        _("date approximate"),
        default=False,
        help_text=_("The source gives no exact date: observed on or before this date."),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    weight_kg = models.DecimalField(
        _("weight (kg)"),
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[
            MinValueValidator(
                Decimal("20"), _("A weight below 20 kg is not plausible; check the value.")
            ),
            MaxValueValidator(
                Decimal("250"), _("A weight above 250 kg is not plausible; check the value.")
            ),
        ],
    )
    description = models.TextField(_("description"), blank=True)

    published_via = "person"
    objects = HealthObservationQuerySet.as_manager()

    class Meta:
        verbose_name = _("health observation")
        verbose_name_plural = _("health observations")
        ordering = ["person", "-observed_on", "-observed_time", "-pk"]
        indexes = [
            # latest observation per person: ORDER BY observed_on DESC WHERE person_id = ?
            models.Index(fields=["person", "-observed_on"], name="observation_latest_idx"),
            # cases.health: the latest active observation of each detained person,
            # `WHERE archived_at IS NULL ORDER BY observed_on DESC, observed_time DESC
            # LIMIT 1`, from the index alone (one probe per prisoner per run).
            models.Index(
                fields=["person", "-observed_on", "-observed_time"],
                name="observation_active_latest_idx",
                condition=models.Q(archived_at__isnull=True),
            ),
            # cases.health sweep: observations written since the previous sweep.
            models.Index(fields=["updated_at"], name="observation_updated_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.person} — {self.get_kind_display()} ({self.observed_on})"

    def save(self, *args, **kwargs):
        # Every path (services, the admin, a visit made confidential later) saves here.
        if self.visit_id and self.visit.visibility == Visibility.CONFIDENTIAL:
            self.visibility = Visibility.CONFIDENTIAL
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "visibility"}
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        if self.kind == self.Kind.WEIGHT and self.weight_kg is None:
            raise ValidationError({"weight_kg": _("A weight observation needs the weight.")})
        if self.kind != self.Kind.WEIGHT and self.weight_kg is not None and not self.description:
            raise ValidationError({"kind": _("Record a weight as a weight observation.")})


class StaleHealthFlagQuerySet(models.QuerySet):
    def open(self):
        return self.filter(resolved_at__isnull=True)

    def for_monitor(self, user):
        """Flags on people whose active cases this user is assigned to (the workspace list)."""
        return self.filter(
            person__cases__assigned_monitors=user, person__cases__archived_at__isnull=True
        ).distinct()


class StaleHealthFlag(models.Model):
    """Raised when a detained person's health update is overdue; resolved by the next one."""

    class Resolution(models.TextChoices):
        OBSERVATION = "observation", _("New observation")
        NOT_DETAINED = "not_detained", _("No longer detained")
        RELEASED = "released", _("Released")
        DIED = "died", _("Died")
        RESCHEDULED = "rescheduled", _("No longer overdue (interval changed)")

    person = models.ForeignKey(
        "people.Person",
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="stale_health_flags",
    )
    raised_at = models.DateTimeField(_("raised at"), default=timezone.now)
    due_since = models.DateTimeField(_("due since"))
    interval_days = models.PositiveSmallIntegerField(_("interval applied (days)"))
    counted_from = models.DateTimeField(
        _("counted from"),
        null=True,
        blank=True,
        help_text=_("The latest observation, or the detention start, the interval ran from."),
    )
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    resolution = models.CharField(
        _("resolution"), max_length=20, choices=Resolution.choices, blank=True
    )
    resolved_by = models.ForeignKey(
        HealthObservation,
        verbose_name=_("resolved by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    notified_at = models.DateTimeField(_("monitors notified at"), null=True, blank=True)

    objects = StaleHealthFlagQuerySet.as_manager()

    class Meta:
        verbose_name = _("stale health flag")
        verbose_name_plural = _("stale health flags")
        ordering = ["-raised_at"]
        constraints = [
            # Two workers racing can never leave two open flags for one person.
            models.UniqueConstraint(
                fields=["person"],
                condition=models.Q(resolved_at__isnull=True),
                name="one_open_stale_flag_per_person",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} — {_('health update overdue since')} {self.due_since:%Y-%m-%d}"

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None


class HealthAlertPreference(models.Model):
    """How a monitor hears about stale-health flags on their cases.

    No row means settings.STALE_HEALTH_DEFAULT_DELIVERY. There is deliberately no
    "never": an assigned monitor always hears about an overdue prisoner.
    """

    class Delivery(models.TextChoices):
        IMMEDIATE = "immediate", _("One email when a flag is raised")
        DAILY_DIGEST = "daily_digest", _("One daily digest of open flags")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="health_alert_preference",
    )
    delivery = models.CharField(
        _("delivery"), max_length=20, choices=Delivery.choices, default=Delivery.IMMEDIATE
    )
    # Claimed with a conditional UPDATE so a retried digest task never sends twice a day.
    last_digest_on = models.DateField(_("last digest sent on"), null=True, blank=True)

    class Meta:
        verbose_name = _("health alert preference")
        verbose_name_plural = _("health alert preferences")

    def __str__(self) -> str:
        return f"{self.user} — {self.get_delivery_display()}"


class HealthDueSweep(models.Model):
    """Bookkeeping of the stale-health job's safety net (one row).

    Each run recomputes the due moment of people whose records changed since the
    previous sweep; a full sweep runs when there is no row, when the rule's
    settings changed and at least every settings.STALE_HEALTH_FULL_SWEEP_HOURS.

    UNLOGGED on PostgreSQL, like HealthDue (migration 0008): a crash empties both,
    and the next run's full sweep rebuilds the due moments.
    """

    started_at = models.DateTimeField(_("last sweep started at"))
    full_started_at = models.DateTimeField(_("last full sweep started at"))
    rule = models.CharField(_("rule applied"), max_length=200)

    class Meta:
        verbose_name = _("health due sweep")
        verbose_name_plural = _("health due sweeps")

    def __str__(self) -> str:
        return f"{self.started_at:%Y-%m-%d %H:%M} ({self.rule})"


class HealthDue(models.Model):
    """When a detained person's next health observation is due (see cases.health).

    A stored, indexed value recomputed on every write, kept in its own narrow
    table rather than on Person: people_person is wide and carries many indexes
    (name, slug, trigram search), so updating a column there rewrites every one
    of them, which made the job's bulk recompute cost seconds. Here a recompute
    writes a narrow row and its two indexes.

    One row per monitored person (detained, record not archived); no row means no
    due moment. The job keeps the rows in step with the rule, and raises its
    flags from these rows alone (hence the clock's start and the interval beside
    the due moment: a flag records both).

    An UNLOGGED table on PostgreSQL (written without WAL; see migration 0008):
    derived data, emptied with HealthDueSweep after a crash and rebuilt by the
    next run. Open flags, which are records, are ordinary tables.
    """

    # Derived data, rebuilt from the rule by every sweep: no database foreign key.
    # A deferred key check per row cost the job's first run a third of a second for
    # 80,000 prisoners at COMMIT, to guard rows that only INSERT ... SELECT from
    # people_person writes. Deleting a person still deletes their row (the ORM's
    # CASCADE), and the daily full sweep deletes any row whose person is gone.
    person = models.OneToOneField(
        "people.Person",
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="health_due",
        db_constraint=False,
    )
    # The stale-health job and the workspace ask: WHERE due_at <= now.
    due_at = models.DateTimeField(_("health update due"), db_index=True)
    counted_from = models.DateTimeField(
        _("counted from"),
        help_text=_("The latest observation, or the detention start when there is none."),
    )
    interval_days = models.PositiveSmallIntegerField(_("interval applied (days)"))

    class Meta:
        verbose_name = _("health update due")
        verbose_name_plural = _("health updates due")

    def __str__(self) -> str:
        return f"{self.person_id} — {_('health update due')} {self.due_at:%Y-%m-%d %H:%M}"
