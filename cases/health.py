"""Health monitoring: when is each detained person's next health update due?

The healthchecks design (`alert_after`): the due moment is a stored, indexed
column (`HealthDue.due_at`, one row per monitored person), recomputed by every
service that changes one of its inputs (they call `refresh_health_due`), and in
bulk by the stale-health job as a safety net. The job itself then only asks
"who is past due?". It lives in its own narrow table, not on Person, so that a
bulk recompute rewrites two small indexes instead of every index of the wide
people_person rows (see HealthDue).

The rule, for a person who is detained now (detained_now_q: an active detention
with no end date or end reason, and no recorded death) and whose record is not
archived:

    due = max(latest observation, start of the current detention) + interval

- An observation's moment is its date and time in settings.TIME_ZONE; without a
  time it counts from the start of that day (the earliest reading, so never late).
  On SQLite (development only) dates are read as UTC.
- The detention start is the earliest day of its partial date ("2024" is
  1 January 2024). With several open detentions, the earliest known start counts.
- An observation from before the current detention does not count as a check on
  it: the clock restarts at the detention start.
- When no start is known, the latest observation counts (one cannot tell it is
  from before the detention, and a prisoner last seen a year ago must not look
  freshly checked because his detention was entered today); with no observation
  either, the clock starts when the detention was recorded (`created_at`):
  monitors get one interval to record a first observation, and a person is never
  silently exempt because a date is missing.
- interval = the smallest `Case.health_check_interval_days` among the person's
  active (not archived) cases, else settings.STALE_HEALTH_DAYS; while a hunger
  strike is ongoing it is at most settings.STALE_HEALTH_HUNGER_STRIKE_DAYS (a
  strike only ever shortens the interval, an override of 1 day stays 1 day).

Everybody else (released, never detained, archived) has no due moment (no
HealthDue row).

Every query here is set-based: a fixed number of statements whatever the
number of people, so the job costs the same number of round trips for ten or
a hundred thousand prisoners.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Case as CaseWhen
from django.db.models import (
    DateTimeField,
    Exists,
    F,
    Func,
    IntegerField,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Least
from django.utils import timezone

from cases.models import (
    Case,
    Detention,
    HealthDue,
    HealthDueSweep,
    HealthObservation,
    HungerStrike,
    StaleHealthFlag,
)
from people.models import Person

logger = logging.getLogger(__name__)

# Any bigint serves: it names the lock that keeps two bulk recomputes from
# writing the same HealthDue rows in different orders (a deadlock, then a retry).
_SWEEP_LOCK_KEY = 0x5EA17_4EA1
# Rows written by a transaction that began before a sweep and committed after it
# carry an earlier updated_at: the next sweep looks back this much further.
_SWEEP_MARGIN = dt.timedelta(minutes=15)
_EPOCH = dt.datetime(1900, 1, 1, tzinfo=dt.UTC)


# --- SQL building blocks (PostgreSQL, with a SQLite fallback for development) ---


class _ObservedAt(Func):
    """observed_on + observed_time (midnight when empty), as a moment."""

    output_field = DateTimeField()

    def __init__(self, prefix: str = ""):
        super().__init__(F(f"{prefix}observed_on"), F(f"{prefix}observed_time"))

    def as_postgresql(self, compiler, conn, **extra):
        (on_sql, on_params), (time_sql, time_params) = (
            compiler.compile(e) for e in self.source_expressions
        )
        sql = f"(({on_sql} + COALESCE({time_sql}, TIME '00:00')) AT TIME ZONE %s)"
        return sql, (*on_params, *time_params, settings.TIME_ZONE)

    def as_sqlite(self, compiler, conn, **extra):
        (on_sql, on_params), (time_sql, time_params) = (
            compiler.compile(e) for e in self.source_expressions
        )
        sql = f"datetime({on_sql} || ' ' || COALESCE({time_sql}, '00:00:00'))"
        return sql, (*on_params, *time_params)


class _PartialDateStart(Func):
    """The first moment of a PartialDateField ("2024" -> 2024-01-01 00:00); NULL when empty.

    The earliest day the stored string can mean, as in casetracker.partial_dates:
    the EDTF marks of approximate or uncertain dates dropped ("2024-11~"), a period's
    start ("2017/2018", "2021-03/.."), and for "before X" ("../2021-03") the bound X;
    then padded with "-01-01" and cut to ten characters: "2024-01-01", "2024-11-01",
    "2024-11-05".
    """

    output_field = DateTimeField()

    @staticmethod
    def _day(sql: str, params, vendor: str):
        marks = ("../", "~", "?", "%")
        plain = sql
        for _mark in marks:
            plain = f"REPLACE({plain}, %s, '')"
        plain_params = (*params, *marks)
        if vendor == "postgresql":
            start, params = f"SPLIT_PART({plain}, '/', 1)", plain_params
        else:
            start = (
                f"(CASE WHEN INSTR({plain}, '/') > 0 "
                f"THEN SUBSTR({plain}, 1, INSTR({plain}, '/') - 1) ELSE {plain} END)"
            )
            params = plain_params * 4
        return f"SUBSTR(NULLIF({start}, '') || '-01-01', 1, 10)", params

    def as_postgresql(self, compiler, conn, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        day, params = self._day(sql, params, "postgresql")
        return f"(CAST({day} AS timestamp) AT TIME ZONE %s)", (*params, settings.TIME_ZONE)

    def as_sqlite(self, compiler, conn, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        day, params = self._day(sql, params, "sqlite")
        return f"datetime({day})", params


class _GreatestNotNull(Func):
    """The later of two moments, ignoring a NULL one (PostgreSQL's GREATEST semantics)."""

    output_field = DateTimeField()

    def as_postgresql(self, compiler, conn, **extra):
        (a, a_params), (b, b_params) = (compiler.compile(e) for e in self.source_expressions)
        return f"GREATEST({a}, {b})", (*a_params, *b_params)

    def as_sqlite(self, compiler, conn, **extra):
        (a, a_params), (b, b_params) = (compiler.compile(e) for e in self.source_expressions)
        return f"MAX(COALESCE({a}, {b}), COALESCE({b}, {a}))", (*a_params, *b_params) * 2


def _plus_days_sql(at: str, days: str) -> str:
    """SQL for the moment `at` plus `days` days (both SQL expressions)."""
    if connection.vendor == "postgresql":
        return f"({at} + make_interval(days => {days}))"
    return f"datetime({at}, '+' || ({days}) || ' days')"


# --- The rule, as annotations on the open detentions ---


def _latest_observations(person_ref: str) -> QuerySet:
    """Active observations of OuterRef(person_ref), latest first (ties: untimed last)."""
    return (
        HealthObservation.objects.active()
        .filter(person=OuterRef(person_ref))
        .order_by(F("observed_on").desc(), F("observed_time").desc(nulls_last=True))
    )


def _open_detentions() -> QuerySet:
    """Detained now: the one definition (cases.models.detention.detained_now_q), so a
    released or dead person is never monitored, hence never flagged."""
    return Detention.objects.current()


def _due_rows(person_ids: list[int] | QuerySet | None = None) -> QuerySet:
    """One row per monitored person: `person_id`, `due_base` (when the clock
    started) and `due_interval` (days). The due moment is their sum, added by the
    statement that reads these rows (_recompute): as a third annotation here, the
    SQL would repeat the other two, and evaluate the rule twice per prisoner.

    Driven from the open detentions, grouped by person, so PostgreSQL hashes the
    small sets (strikers, overrides) once and probes the observation index once
    per prisoner: the plan of the hand-written query in bench/stale_health.py.
    """
    detentions = _open_detentions().filter(person__archived_at__isnull=True)
    if person_ids is not None:
        detentions = detentions.filter(person_id__in=person_ids)
    latest_observation_at = Subquery(
        _latest_observations("person_id").annotate(at=_ObservedAt()).values("at")[:1],
        output_field=DateTimeField(),
    )
    overrides = Case.objects.active().filter(health_check_interval_days__isnull=False)
    override = CaseWhen(
        # Probe the cases only for the few people with an override (hashed IN first).
        When(
            person_id__in=overrides.values("person_id"),
            then=Subquery(
                overrides.filter(person=OuterRef("person_id"))
                .order_by("health_check_interval_days")
                .values("health_check_interval_days")[:1]
            ),
        ),
        default=Value(settings.STALE_HEALTH_DAYS),
    )
    strike_cap = CaseWhen(
        When(
            person_id__in=HungerStrike.objects.active().ongoing().values("person_id"),
            then=Value(settings.STALE_HEALTH_HUNGER_STRIKE_DAYS),
        ),
        default=Value(32767),
    )
    # Min() over the person's open detentions of a per-person value: an aggregate,
    # so the statement groups by person_id alone (a plain expression would join the
    # GROUP BY, evaluated a second time and sorted on).
    interval = Min(Least(override, strike_cap, output_field=IntegerField()))
    known_start = Min(_PartialDateStart("started_on"))  # NULL when no start is known
    base = Coalesce(
        _GreatestNotNull(latest_observation_at, known_start),
        Min("created_at"),
        output_field=DateTimeField(),
    )
    return detentions.order_by().values("person_id").annotate(due_base=base, due_interval=interval)


def _recompute(person_ids: list[int] | QuerySet | None) -> int:
    """Store the due moment of these people (everybody when None); return rows changed.

    Two statements: delete the rows of people who no longer have one, then one
    INSERT ... SELECT (the rule) ... ON CONFLICT DO UPDATE that writes only the
    rows whose value changes, so an idempotent rerun writes nothing. Both
    PostgreSQL and SQLite (3.24+) run the upsert.

    (Measured at 80,000 prisoners, bench/stale_health.py: an UPDATE of the
    changed rows plus an INSERT of the missing ones, from one materialised CTE,
    was no faster on a rerun and slower on a first run.)
    """
    # Everybody without a due moment now: released, archived, or gone altogether
    # (HealthDue has no database foreign key).
    monitored = _open_detentions().filter(person__archived_at__isnull=True).values("person_id")
    stale = HealthDue.objects.exclude(person_id__in=monitored)
    if person_ids is not None:
        stale = stale.filter(person_id__in=person_ids)
    stale_sql, stale_params = stale.values("person_id").query.sql_with_params()
    columns = ("person_id", "due_base", "due_interval")
    rule_sql, params = _due_rows(person_ids).values(*columns).query.sql_with_params()
    due_at = _plus_days_sql("rule.due_base", "rule.due_interval")
    table = connection.ops.quote_name(HealthDue._meta.db_table)
    differs = "IS DISTINCT FROM" if connection.vendor == "postgresql" else "IS NOT"
    changed_when = " OR ".join(
        f"{table}.{column} {differs} excluded.{column}"
        for column in ("due_at", "counted_from", "interval_days")
    )
    with connection.cursor() as cursor:
        # Raw DELETE: QuerySet.delete() may first SELECT the rows (signals, cascades),
        # in batches whose number grows with the data.
        cursor.execute(
            f"DELETE FROM {table} WHERE person_id IN ({stale_sql})",  # noqa: S608 (names)
            stale_params,
        )
        changed = cursor.rowcount
        # WHERE true: SQLite needs it to parse ON CONFLICT after INSERT ... SELECT.
        cursor.execute(
            f"INSERT INTO {table} (person_id, due_at, counted_from, interval_days) "  # noqa: S608
            f"SELECT rule.person_id, {due_at}, rule.due_base, rule.due_interval "
            f"FROM ({rule_sql}) AS rule WHERE true "
            "ON CONFLICT (person_id) DO UPDATE SET due_at = excluded.due_at, "
            "counted_from = excluded.counted_from, interval_days = excluded.interval_days "
            f"WHERE {changed_when}",
            params,
        )
        changed += cursor.rowcount
    return changed


# --- Flags ---


def _resolve_flags(*, now: dt.datetime, person_ids: list[int] | QuerySet | None = None) -> int:
    """Close open flags whose person is no longer overdue; return how many.

    UPDATEs, one per reason: died, released, otherwise not detained (or record
    archived), a newer
    observation (recorded as resolved_by), or the interval changed (a strike
    ended, an override grew). Each only touches still-open flags, so a
    concurrent run finds nothing left to do.
    """
    open_flags = StaleHealthFlag.objects.open()
    if person_ids is not None:
        open_flags = open_flags.filter(person_id__in=person_ids)
    # No longer monitored: say why. Died first (a death ends any detention), then
    # released (a detention ended by a release), else "not detained" (archived,
    # transferred without a next detention recorded, detention removed).
    not_monitored = open_flags.exclude(person_id__in=HealthDue.objects.values("person_id"))
    ended_by = Detention.objects.active().filter(person=OuterRef("person_id"))
    died = Q(person__date_of_death__gt="") | Exists(
        ended_by.filter(end_reason=Detention.EndReason.DEATH)
    )
    resolved = not_monitored.filter(died).update(
        resolved_at=now, resolution=StaleHealthFlag.Resolution.DIED
    )
    resolved += not_monitored.filter(
        Exists(ended_by.filter(end_reason__in=Detention.RELEASES))
    ).update(resolved_at=now, resolution=StaleHealthFlag.Resolution.RELEASED)
    resolved += not_monitored.update(
        resolved_at=now, resolution=StaleHealthFlag.Resolution.NOT_DETAINED
    )
    no_longer_due = open_flags.filter(
        person_id__in=HealthDue.objects.filter(due_at__gt=now).values("person_id")
    )
    newer = (
        _latest_observations("person_id")
        .annotate(at=_ObservedAt())
        # A flag without counted_from (none are raised so) counts any observation.
        .filter(at__gt=Coalesce(OuterRef("counted_from"), Value(_EPOCH)))
    )
    resolved += no_longer_due.filter(Exists(newer)).update(
        resolved_at=now,
        resolution=StaleHealthFlag.Resolution.OBSERVATION,
        resolved_by=Subquery(newer.values("pk")[:1]),
    )
    resolved += no_longer_due.update(
        resolved_at=now, resolution=StaleHealthFlag.Resolution.RESCHEDULED
    )
    return resolved


def _raise_flags(*, now: dt.datetime) -> int:
    """One INSERT ... SELECT for every overdue person without an open flag, from the
    stored due moments alone (the sweep just brought them up to date).

    The partial unique constraint `one_open_stale_flag_per_person` arbitrates
    between concurrent runs: the loser's row hits ON CONFLICT DO NOTHING.
    """
    has_open_flag = StaleHealthFlag.objects.open().filter(person=OuterRef("person_id"))
    # A stored due moment implies a monitored person (the sweep keeps it so).
    overdue = (
        HealthDue.objects.filter(due_at__lte=now)
        .exclude(Exists(has_open_flag))
        .values("person_id", "due_at", "interval_days", "counted_from")
    )
    select_sql, params = overdue.query.sql_with_params()
    table = connection.ops.quote_name(StaleHealthFlag._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The statement fills the table its NOT EXISTS reads. Where statistics
            # say that table is empty (a new install, a quiet spell) the planner
            # picks a nested loop that rescans it for every overdue person, rows
            # it just wrote included: quadratic, 27 s for the first 16,000 flags.
            # A hash anti join reads it once, before the first insert.
            cursor.execute("SET LOCAL enable_nestloop = off")
        # WHERE true: SQLite needs it to parse ON CONFLICT after INSERT ... SELECT.
        cursor.execute(
            f"INSERT INTO {table} "  # noqa: S608 (names, not input)
            "(person_id, raised_at, due_since, interval_days, counted_from, resolution) "
            "SELECT o.person_id, %s, o.due_at, o.interval_days, o.counted_from, '' "
            f"FROM ({select_sql}) AS o WHERE true ON CONFLICT DO NOTHING",
            (now, *params),
        )
        return cursor.rowcount


# --- Public entry points ---


def refresh_health_due(*, person_ids: Iterable[int]) -> None:
    """Recompute the due moment (HealthDue) of these people (set-based), and close their
    flags that no longer apply, so the workspace is right as soon as the caller's
    transaction commits. Raising flags (and emailing) is left to the job.

    Called by every service that records an observation, starts or ends a hunger
    strike or a detention, or changes a case's interval override.
    """
    ids = sorted({int(pk) for pk in person_ids if pk is not None})
    if not ids:
        return
    with transaction.atomic():
        _recompute(ids)
        _resolve_flags(now=timezone.now(), person_ids=ids)


def _rule() -> str:
    """What the stored due moments depend on besides the data: change it, sweep all."""
    return (
        f"days={settings.STALE_HEALTH_DAYS};strike={settings.STALE_HEALTH_HUNGER_STRIKE_DAYS};"
        f"tz={settings.TIME_ZONE};v=1"
    )


def _changed_people(since: dt.datetime) -> QuerySet:
    """Ids of people any of whose inputs was written since then (all Records stamp
    updated_at on save, archive and restore)."""
    changed = Q(updated_at__gte=since)
    for model in (HealthObservation, Detention, HungerStrike, Case):
        changed |= Q(pk__in=model.objects.filter(updated_at__gte=since).values("person_id"))
    return Person.objects.filter(changed).values("pk")


def sweep_health_due(*, now: dt.datetime | None = None, full: bool = False) -> int:
    """The safety net: recompute due moments and resolve the flags they close.

    Recomputes the people whose records changed since the previous sweep (with a
    margin for transactions that committed late), or everybody when `full`, on
    the first sweep, when the rule's settings changed, or when the last full
    sweep is older than settings.STALE_HEALTH_FULL_SWEEP_HOURS: that catches
    writes nothing stamped (raw SQL, deleted rows). Recompute and resolution
    share a transaction, so a crash never leaves a flag open on a person no
    longer overdue. Returns the number of flags resolved.
    """
    now = now or timezone.now()
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                # Serialises concurrent sweeps: two upserts over the same people in
                # different orders would deadlock.
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_SWEEP_LOCK_KEY])
        sweep = HealthDueSweep.objects.filter(pk=1).first()
        full_every = dt.timedelta(hours=settings.STALE_HEALTH_FULL_SWEEP_HOURS)
        full = (
            full
            or sweep is None
            or sweep.rule != _rule()
            or sweep.full_started_at <= now - full_every
        )
        if full:
            _recompute(None)
            resolved = _resolve_flags(now=now)
        else:
            people = _changed_people(sweep.started_at - _SWEEP_MARGIN)
            _recompute(people)
            resolved = _resolve_flags(now=now, person_ids=people)
        # One upsert whichever the case, so the job's query count never varies.
        HealthDueSweep.objects.bulk_create(
            [
                HealthDueSweep(
                    pk=1,
                    started_at=now,
                    rule=_rule(),
                    full_started_at=now if full else sweep.full_started_at,
                )
            ],
            update_conflicts=True,
            unique_fields=["id"],
            update_fields=["started_at", "rule", "full_started_at"],
        )
    return resolved


@dataclass(frozen=True)
class StaleHealthRun:
    resolved: int
    raised: int
    notified: int | None = None  # None: notifying was left to its own task


def run_stale_health_job(
    *, now: dt.datetime | None = None, full: bool = False, notify: bool = True
) -> StaleHealthRun:
    """The periodic job. Steps, each its own transaction so a crash between two
    leaves a consistent state that the next run completes:

    1. sweep: recompute due moments (safety net for writes that bypassed the
       services) and resolve open flags of people no longer overdue;
    2. raise a flag for each overdue person without an open flag;
    3. unless `notify` is False, claim the flags nobody was told about yet and
       email their monitors (cases.health_alerts). The Celery task leaves this
       step to a task of its own (cases.tasks), so a slow or failing mail server
       never holds up or repeats the flagging, and flagging never waits for mail.

    Idempotent: a second run finds nothing to change. Fixed number of queries.
    """
    from cases.health_alerts import notify_new_flags

    now = now or timezone.now()
    resolved = sweep_health_due(now=now, full=full)
    with transaction.atomic():
        raised = _raise_flags(now=now)
    if raised or resolved:
        logger.info("stale health: %d raised, %d resolved", raised, resolved)
    notified = notify_new_flags(now=now) if notify else None
    return StaleHealthRun(resolved=resolved, raised=raised, notified=notified)
