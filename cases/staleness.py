"""Staleness beyond health, on the stored-due-moment design of cases.health.

Two more things a monitor must not let slip:

- **no visit**: a case whose person is detained (an open detention, record not
  archived) is due a visit `Case.visit_interval_days` (default
  settings.STALE_VISIT_DAYS, 30) days after the latest visit on that case, or
  after the detention's known start when nobody visited since, or after the
  case was recorded when neither is known;
- **a hunger strike without observation**: an ongoing hunger strike is due an
  observation settings.STALE_STRIKE_OBSERVATION_HOURS (24) hours after the
  latest observation of the striker, or after the first day of the strike.

Each subject has a stored, indexed due moment (CareDue, keyed "visit:<case>" or
"strike_observation:<person>"), recomputed for the people concerned whenever a
visit, observation, hunger strike, detention or case is written (signals, at
commit) and for everybody by the job, which then resolves the flags
(CareFlag) whose moment is no longer past and raises one per subject past due.
The workspace reads the stored moments; the emails of cases.health_alerts
carry the new flags beside the health ones.

Set-based: a fixed number of statements whatever the number of cases; every
step is idempotent (upserts, conditional inserts and updates).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.db.models import DateTimeField, Exists, F, Func, Min, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from cases.health import (
    _GreatestNotNull,
    _latest_observations,
    _ObservedAt,
    _open_detentions,
    _PartialDateStart,
    _plus_days_sql,
)
from cases.models import CareDue, CareFlag, CareKind, Case, HungerStrike, PrisonVisit

_LOCK_KEY = 0x5EA17_CA4E


class _DayStart(Func):
    """A date's first moment in settings.TIME_ZONE (UTC on SQLite)."""

    output_field = DateTimeField()

    def as_postgresql(self, compiler, conn, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"(CAST({sql} AS timestamp) AT TIME ZONE %s)", (*params, settings.TIME_ZONE)

    def as_sqlite(self, compiler, conn, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"datetime({sql})", params


def _plus_hours_sql(at: str, hours: str) -> str:
    if connection.vendor == "postgresql":
        return f"({at} + make_interval(hours => {hours}))"
    return f"datetime({at}, '+' || ({hours}) || ' hours')"


def _visit_rows(person_ids):
    """One row per case of a detained person: pk, person_id, base, days."""
    cases = Case.objects.active().filter(
        person__archived_at__isnull=True,
        person_id__in=_open_detentions().values("person_id"),
    )
    if person_ids is not None:
        cases = cases.filter(person_id__in=person_ids)
    latest_visit = Subquery(
        PrisonVisit.objects.active()
        .filter(case=OuterRef("pk"))
        .order_by("-visited_on")
        .annotate(at=_DayStart("visited_on"))
        .values("at")[:1],
        output_field=DateTimeField(),
    )
    detention_start = Subquery(
        _open_detentions()
        .filter(person=OuterRef("person_id"))
        .exclude(started_on="")
        .annotate(at=_PartialDateStart("started_on"))
        .order_by("at")
        .values("at")[:1],
        output_field=DateTimeField(),
    )
    return (
        cases.order_by()
        .annotate(
            base=Coalesce(
                _GreatestNotNull(latest_visit, detention_start),
                F("created_at"),
                output_field=DateTimeField(),
            ),
            days=Coalesce(F("visit_interval_days"), Value(settings.STALE_VISIT_DAYS)),
        )
        .values("pk", "person_id", "base", "days")
    )


def _strike_rows(person_ids):
    """One row per person on an ongoing hunger strike: person_id, base."""
    strikes = HungerStrike.objects.active().ongoing().filter(person__archived_at__isnull=True)
    if person_ids is not None:
        strikes = strikes.filter(person_id__in=person_ids)
    latest_observation = Subquery(
        _latest_observations("person_id").annotate(at=_ObservedAt()).values("at")[:1],
        output_field=DateTimeField(),
    )
    return (
        strikes.order_by()
        .values("person_id")
        .annotate(base=_GreatestNotNull(latest_observation, Min(_DayStart("started_on"))))
        .values("person_id", "base")
    )


def refresh_care_due(*, person_ids: Iterable[int] | None = None) -> None:
    """Recompute the stored due moments of these people's cases and strikes (all when
    None): delete theirs, upsert what the rule gives. Three statements."""
    ids = None if person_ids is None else sorted({int(pk) for pk in person_ids if pk})
    if ids == []:
        return
    table = connection.ops.quote_name(CareDue._meta.db_table)
    upsert = (
        "ON CONFLICT (key) DO UPDATE SET kind = excluded.kind, person_id = excluded.person_id, "
        "case_id = excluded.case_id, due_at = excluded.due_at, "
        "counted_from = excluded.counted_from"
    )
    visit_sql, visit_params = _visit_rows(ids).query.sql_with_params()
    strike_sql, strike_params = _strike_rows(ids).query.sql_with_params()
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_KEY])
        if ids is None:
            cursor.execute(f"DELETE FROM {table}")  # noqa: S608 (names, not input)
        else:
            marks = ", ".join(["%s"] * len(ids))
            cursor.execute(f"DELETE FROM {table} WHERE person_id IN ({marks})", ids)  # noqa: S608
        # WHERE true: SQLite needs it to parse ON CONFLICT after INSERT ... SELECT.
        cursor.execute(
            f"INSERT INTO {table} (key, kind, person_id, case_id, due_at, counted_from) "  # noqa: S608
            f"SELECT %s || r.pk, %s, r.person_id, r.pk, {_plus_days_sql('r.base', 'r.days')}, "
            f"r.base FROM ({visit_sql}) AS r WHERE true {upsert}",
            (f"{CareKind.VISIT}:", CareKind.VISIT, *visit_params),
        )
        cursor.execute(
            f"INSERT INTO {table} (key, kind, person_id, case_id, due_at, counted_from) "  # noqa: S608
            f"SELECT %s || r.person_id, %s, r.person_id, NULL, "
            f"{_plus_hours_sql('r.base', '%s')}, r.base FROM ({strike_sql}) AS r WHERE true "
            f"{upsert}",
            (
                f"{CareKind.STRIKE_OBSERVATION}:",
                CareKind.STRIKE_OBSERVATION,
                settings.STALE_STRIKE_OBSERVATION_HOURS,
                *strike_params,
            ),
        )


def _resolve_flags(now: dt.datetime) -> int:
    still_due = CareDue.objects.filter(key=OuterRef("key"), due_at__lte=now)
    return CareFlag.objects.open().exclude(Exists(still_due)).update(resolved_at=now)


def _raise_flags(now: dt.datetime) -> int:
    open_flag = CareFlag.objects.open().filter(key=OuterRef("key"))
    overdue = (
        CareDue.objects.filter(due_at__lte=now)
        .exclude(Exists(open_flag))
        .values("key", "kind", "person_id", "case_id", "due_at", "counted_from")
    )
    select_sql, params = overdue.query.sql_with_params()
    table = connection.ops.quote_name(CareFlag._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} "  # noqa: S608 (names, not input)
            "(key, kind, person_id, case_id, due_since, counted_from, raised_at) "
            f"SELECT o.key, o.kind, o.person_id, o.case_id, o.due_at, o.counted_from, %s "
            f"FROM ({select_sql}) AS o WHERE true ON CONFLICT DO NOTHING",
            (now, *params),
        )
        return cursor.rowcount


@dataclass(frozen=True)
class CareRun:
    resolved: int
    raised: int


def run_care_job(*, now: dt.datetime | None = None) -> CareRun:
    """Recompute every due moment, resolve what is no longer overdue, raise what is.
    Idempotent; a fixed number of queries whatever the number of cases."""
    now = now or timezone.now()
    with transaction.atomic():
        refresh_care_due()
        resolved = _resolve_flags(now)
        raised = _raise_flags(now)
    return CareRun(resolved=resolved, raised=raised)


def overdue_for(user, *, now: dt.datetime | None = None):
    """What the workspace lists: past-due visits (on cases this user may see) and
    strike observations (of people this user may see), flagged by the job or not yet."""
    from django.db.models import Q

    from people.models import Person

    now = now or timezone.now()
    visible_cases = Case.objects.active().visible_to(user).values("pk")
    visible_people = Person.objects.active().visible_to(user).values("pk")
    return (
        CareDue.objects.filter(due_at__lte=now)
        .filter(
            Q(kind=CareKind.VISIT, case_id__in=visible_cases)
            | Q(kind=CareKind.STRIKE_OBSERVATION, person_id__in=visible_people)
        )
        .select_related("person", "case")
        .order_by("due_at", "key")[:50]
    )


# --- kept in step with writes (at commit, for the people written) ---


def _on_write(sender, instance, **kwargs) -> None:
    """At commit, refresh the people written in this transaction: one refresh per
    transaction, however many rows it wrote (an import writes thousands)."""
    person_id = getattr(instance, "person_id", None)
    if person_id is None:
        return
    for _sids, callback, *_rest in transaction.get_connection().run_on_commit:
        pending = getattr(callback, "care_person_ids", None)
        if pending is not None:
            pending.add(person_id)
            return

    def refresh() -> None:
        refresh_care_due(person_ids=refresh.care_person_ids)

    refresh.care_person_ids = {person_id}
    transaction.on_commit(refresh)


def connect_signals() -> None:
    from django.db.models.signals import post_delete, post_save

    from cases.models import Detention, HealthObservation

    for model in (PrisonVisit, HealthObservation, HungerStrike, Detention, Case):
        post_save.connect(_on_write, sender=model, dispatch_uid=f"care-due-{model.__name__}")
        post_delete.connect(_on_write, sender=model, dispatch_uid=f"care-due-del-{model.__name__}")
