"""Read models of the workspace: each a fixed number of queries, whatever the data size."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Exists, F, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cases import policy
from cases.models import (
    Case,
    HealthObservation,
    HungerStrike,
    PrisonVisit,
    Publication,
    StaleHealthFlag,
)
from people.models import Person

LIST_LIMIT = 50


def ongoing_strikes(user):
    return (
        policy.readable(user, HungerStrike.objects.active().visible_to(user))
        .ongoing()
        .select_related("person", "case")
        .order_by("started_on", "pk")[:LIST_LIMIT]
    )


def overdue_people(user, now=None):
    """Detained people whose health update is overdue: an open StaleHealthFlag, or a
    past due moment (`HealthDue.due_at`) the job has not flagged yet. Both are
    maintained by the stale-health rule in cases.health, the only place that knows
    the intervals."""
    now = now or timezone.now()
    latest = (
        policy.readable(user, HealthObservation.objects.active().visible_to(user))
        .filter(person=OuterRef("pk"))
        .order_by("-observed_on", "-pk")
    )
    weighed = latest.filter(kind=HealthObservation.Kind.WEIGHT, weight_kg__isnull=False)
    return (
        policy.readable_people(user, Person.objects.active().visible_to(user))
        .annotate(
            due_at=F("health_due__due_at"),
            last_observed=Subquery(latest.values("observed_on")[:1]),
            last_weight=Subquery(weighed.values("weight_kg")[:1]),
            last_weighed=Subquery(weighed.values("observed_on")[:1]),
            flagged=Exists(
                StaleHealthFlag.objects.filter(person=OuterRef("pk"), resolved_at__isnull=True)
            ),
        )
        .filter(Q(flagged=True) | Q(health_due__due_at__lte=now))
        .order_by("health_due__due_at", "full_name")[:LIST_LIMIT]
    )


def my_cases(user):
    return (
        Case.objects.active()
        .visible_to(user)
        .filter(assigned_monitors=user)
        .select_related("person")
        .order_by("person__full_name", "pk")
    )


@dataclass
class Activity:
    when: dt.datetime
    text: str
    url: str
    who: str


def recent_activity(user, limit: int = 15) -> list[Activity]:
    """The latest visits, observations, hunger strikes and editorial actions (4 queries)."""
    items: list[Activity] = []
    for visit in (
        policy.readable(user, PrisonVisit.objects.active().visible_to(user))
        .select_related("person", "created_by")
        .order_by("-created_at")[:limit]
    ):
        items.append(
            Activity(
                visit.created_at,
                _("Visit (%(outcome)s): %(person)s")
                % {"outcome": visit.get_outcome_display(), "person": visit.person},
                reverse("monitor:visit_detail", args=[visit.pk]),
                str(visit.created_by or ""),
            )
        )
    for obs in (
        policy.readable(user, HealthObservation.objects.active().visible_to(user))
        .select_related("person", "created_by")
        .order_by("-created_at")[:limit]
    ):
        items.append(
            Activity(
                obs.created_at,
                _("Health observation (%(kind)s): %(person)s")
                % {"kind": obs.get_kind_display(), "person": obs.person},
                reverse("monitor:person_detail", args=[obs.person_id]),
                str(obs.created_by or ""),
            )
        )
    for strike in (
        policy.readable(user, HungerStrike.objects.active().visible_to(user))
        .select_related("person", "updated_by")
        .order_by("-updated_at")[:limit]
    ):
        items.append(
            Activity(
                strike.updated_at,
                _("Hunger strike (%(state)s): %(person)s")
                % {
                    "state": _("ongoing") if strike.is_ongoing else strike.get_outcome_display(),
                    "person": strike.person,
                },
                reverse("monitor:person_detail", args=[strike.person_id]),
                str(strike.updated_by or ""),
            )
        )
    for entry in (
        Publication.objects.filter(case__in=Case.objects.active().visible_to(user).values("pk"))
        .select_related("case__person", "actor")
        .order_by("-created_at")[:limit]
    ):
        items.append(
            Activity(
                entry.created_at,
                f"{entry.get_action_display()}: {entry.case}",
                reverse("monitor:case_detail", args=[entry.case_id]),
                str(entry.actor),
            )
        )
    items.sort(key=lambda item: item.when, reverse=True)
    return items[:limit]
