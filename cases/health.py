"""Health monitoring: when is each detained person's next health update due?

The healthchecks design (`alert_after`): `Person.health_due_at` is a stored,
indexed column, recomputed by every service that changes one of its inputs
(they call `refresh_health_due`), and in bulk by the stale-health job as a
safety net. The job itself then only asks "who is past due?".

The rule, for a person who is currently detained (an active detention with no
end) and whose record is not archived:

    due = max(latest observation, start of the current detention) + interval

- An observation's moment is its date and time in settings.TIME_ZONE; without a
  time it counts from the start of that day (the earliest reading, so never late).
  On SQLite (development only) dates are read as UTC.
- The detention start is the earliest day of its partial date ("2024" is
  1 January 2024). With several open detentions, the earliest counts. When the
  start is not known, the clock starts when the detention was recorded
  (`created_at`): monitors get one interval to record a first observation, and a
  person is never silently exempt because a date is missing.
- An observation from before the current detention does not count as a check on
  it: the clock restarts at the detention start.
- interval = the smallest `Case.health_check_interval_days` among the person's
  active (not archived) cases, else settings.STALE_HEALTH_DAYS; while a hunger
  strike is ongoing it is at most settings.STALE_HEALTH_HUNGER_STRIKE_DAYS (a
  strike only ever shortens the interval, an override of 1 day stays 1 day).

Everybody else (released, never detained, archived) has no due moment (NULL).

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
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Least
from django.utils import timezone

from cases.models import Case, Detention, HealthObservation, HungerStrike, StaleHealthFlag
from people.models import Person

logger = logging.getLogger(__name__)

# Any bigint serves: it names the lock that keeps two bulk recomputes from
# updating the same person rows in different orders (a deadlock, then a retry).
_RECOMPUTE_LOCK_KEY = 0x5EA17_4EA1
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

    The stored ISO string padded with "-01-01" and cut to ten characters is the
    earliest day at every precision: "2024-01-01", "2024-11-01", "2024-11-05".
    """

    output_field = DateTimeField()

    def as_postgresql(self, compiler, conn, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        day = f"SUBSTR(NULLIF({sql}, '') || '-01-01', 1, 10)"
        return f"(CAST({day} AS timestamp) AT TIME ZONE %s)", (*params, settings.TIME_ZONE)

    def as_sqlite(self, compiler, conn, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"datetime(SUBSTR(NULLIF({sql}, '') || '-01-01', 1, 10))", params


class _GreatestNotNull(Func):
    """The later of two moments, ignoring a NULL one (PostgreSQL's GREATEST semantics)."""

    output_field = DateTimeField()

    def as_postgresql(self, compiler, conn, **extra):
        (a, a_params), (b, b_params) = (compiler.compile(e) for e in self.source_expressions)
        return f"GREATEST({a}, {b})", (*a_params, *b_params)

    def as_sqlite(self, compiler, conn, **extra):
        (a, a_params), (b, b_params) = (compiler.compile(e) for e in self.source_expressions)
        return f"MAX(COALESCE({a}, {b}), COALESCE({b}, {a}))", (*a_params, *b_params) * 2


class _PlusDays(Func):
    """moment + n days."""

    output_field = DateTimeField()

    def as_postgresql(self, compiler, conn, **extra):
        (at, at_params), (days, days_params) = (
            compiler.compile(e) for e in self.source_expressions
        )
        return f"({at} + make_interval(days => {days}))", (*at_params, *days_params)

    def as_sqlite(self, compiler, conn, **extra):
        (at, at_params), (days, days_params) = (
            compiler.compile(e) for e in self.source_expressions
        )
        return f"datetime({at}, '+' || ({days}) || ' days')", (*at_params, *days_params)


# --- The rule, as annotations on a Person queryset ---


def _latest_observations(person_ref: str) -> QuerySet:
    """Active observations of OuterRef(person_ref), latest first (ties: untimed last)."""
    return (
        HealthObservation.objects.active()
        .filter(person=OuterRef(person_ref))
        .order_by(F("observed_on").desc(), F("observed_time").desc(nulls_last=True), "-pk")
    )


def _open_detentions() -> QuerySet:
    return Detention.objects.active().filter(ended_on="")


def _annotate_due(people: QuerySet) -> QuerySet:
    """Annotate `due_base` (when the clock started), `due_interval` (days) and `due_at`."""
    latest_observation_at = Subquery(
        _latest_observations("pk").annotate(at=_ObservedAt()).values("at")[:1],
        output_field=DateTimeField(),
    )
    detention_start = Subquery(
        _open_detentions()
        .filter(person=OuterRef("pk"))
        .annotate(start=Coalesce(_PartialDateStart("started_on"), F("created_at")))
        .order_by("start")
        .values("start")[:1],
        output_field=DateTimeField(),
    )
    override = Subquery(
        Case.objects.active()
        .filter(person=OuterRef("pk"), health_check_interval_days__isnull=False)
        .order_by("health_check_interval_days")
        .values("health_check_interval_days")[:1],
        output_field=IntegerField(),
    )
    # `pk IN (SELECT person_id ...)` rather than a correlated EXISTS: PostgreSQL
    # hashes the (small) set of strikers once instead of probing per person.
    on_strike = Q(pk__in=HungerStrike.objects.active().ongoing().values("person_id"))
    interval = Least(
        Coalesce(override, Value(settings.STALE_HEALTH_DAYS)),
        CaseWhen(
            When(on_strike, then=Value(settings.STALE_HEALTH_HUNGER_STRIKE_DAYS)),
            default=Value(32767),
        ),
        output_field=IntegerField(),
    )
    base = _GreatestNotNull(latest_observation_at, detention_start)
    return people.annotate(due_base=base, due_interval=interval, due_at=_PlusDays(base, interval))


def _monitored_people() -> QuerySet:
    """People who have a due moment: detained now, record not archived."""
    return Person.objects.active().filter(pk__in=_open_detentions().values("person_id"))


def _recompute(person_ids: list[int] | None) -> int:
    """Store the due moment of these people (everybody when None); return rows changed.

    Two statements: clear it for people who no longer have one, then one
    UPDATE ... FROM (the rule as a SELECT) that writes only the rows whose value
    changes, so an idempotent rerun writes nothing.
    """
    people = (
        Person.objects.all() if person_ids is None else Person.objects.filter(pk__in=person_ids)
    )
    monitored = _monitored_people().values("pk")
    cleared = people.filter(health_due_at__isnull=False).exclude(pk__in=monitored)
    changed = cleared.update(health_due_at=None)

    rows = _annotate_due(people.filter(pk__in=monitored)).values("pk", "due_at")
    select_sql, params = rows.query.sql_with_params()
    table = connection.ops.quote_name(Person._meta.db_table)
    differs = "IS DISTINCT FROM" if connection.vendor == "postgresql" else "IS NOT"
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET health_due_at = due.due_at "  # noqa: S608 (names, not input)
            f"FROM ({select_sql}) AS due "
            f"WHERE {table}.id = due.pk AND {table}.health_due_at {differs} due.due_at",
            params,
        )
        changed += cursor.rowcount
    return changed


# --- Flags ---


def _resolve_flags(*, now: dt.datetime, person_ids: list[int] | None = None) -> int:
    """Close open flags whose person is no longer overdue; return how many.

    Three UPDATEs, one per reason: released (or record archived), a newer
    observation (recorded as resolved_by), or the interval changed (a strike
    ended, an override grew). Each only touches still-open flags, so a
    concurrent run finds nothing left to do.
    """
    open_flags = StaleHealthFlag.objects.open()
    if person_ids is not None:
        open_flags = open_flags.filter(person_id__in=person_ids)
    resolved = open_flags.filter(person__health_due_at__isnull=True).update(
        resolved_at=now, resolution=StaleHealthFlag.Resolution.NOT_DETAINED
    )
    no_longer_due = open_flags.filter(person__health_due_at__gt=now)
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
    """One INSERT ... SELECT for every overdue person without an open flag.

    The partial unique constraint `one_open_stale_flag_per_person` arbitrates
    between concurrent runs: the loser's row hits ON CONFLICT DO NOTHING.
    """
    has_open_flag = StaleHealthFlag.objects.open().filter(person=OuterRef("pk"))
    overdue = _annotate_due(
        _monitored_people().filter(health_due_at__lte=now).exclude(Exists(has_open_flag))
    ).values("pk", "health_due_at", "due_interval", "due_base")
    select_sql, params = overdue.query.sql_with_params()
    table = connection.ops.quote_name(StaleHealthFlag._meta.db_table)
    with connection.cursor() as cursor:
        # WHERE true: SQLite needs it to parse ON CONFLICT after INSERT ... SELECT.
        cursor.execute(
            f"INSERT INTO {table} "  # noqa: S608 (names, not input)
            "(person_id, raised_at, due_since, interval_days, counted_from, resolution) "
            "SELECT o.pk, %s, o.health_due_at, o.due_interval, o.due_base, '' "
            f"FROM ({select_sql}) AS o WHERE true ON CONFLICT DO NOTHING",
            (now, *params),
        )
        return cursor.rowcount


# --- Public entry points ---


def refresh_health_due(*, person_ids: Iterable[int]) -> None:
    """Recompute Person.health_due_at for these people (set-based), and close their
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


def recompute_all_health_due() -> int:
    """The safety net: recompute every person's due moment; return rows changed."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_RECOMPUTE_LOCK_KEY])
        return _recompute(None)


@dataclass(frozen=True)
class StaleHealthRun:
    recomputed: int
    resolved: int
    raised: int
    notified: int


def run_stale_health_job(*, now: dt.datetime | None = None) -> StaleHealthRun:
    """The periodic job. Steps, each its own transaction so a crash between two
    leaves a consistent state that the next run completes:

    1. recompute every due moment (safety net for writes that bypassed services);
    2. resolve open flags of people no longer overdue;
    3. raise a flag for each overdue person without an open flag;
    4. claim the flags nobody was told about yet and email their monitors.

    Idempotent: a second run finds nothing to change. Fixed number of queries.
    """
    from cases.health_alerts import notify_new_flags

    now = now or timezone.now()
    recomputed = recompute_all_health_due()
    with transaction.atomic():
        resolved = _resolve_flags(now=now)
    with transaction.atomic():
        raised = _raise_flags(now=now)
    notified = notify_new_flags(now=now)
    if raised or resolved:
        logger.info("stale health: %d raised, %d resolved", raised, resolved)
    return StaleHealthRun(
        recomputed=recomputed, resolved=resolved, raised=raised, notified=notified
    )
