"""Telling monitors about stale-health flags: one email per raised flag, or a daily digest.

Both senders claim their work with a conditional UPDATE ... RETURNING
(`notified_at IS NULL`, `last_digest_on < today`) inside the transaction that
sends, so two workers never send the same alert: the second one's UPDATE waits
for the first to commit and then matches nothing. If sending fails the claim
rolls back and the next run retries (at least once, never twice concurrently).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import connection, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from cases.models import CareFlag, CareKind, Case, HealthAlertPreference, StaleHealthFlag

logger = logging.getLogger(__name__)

Delivery = HealthAlertPreference.Delivery


@dataclass
class _Recipient:
    email: str
    name: str
    flags: list[dict] = field(default_factory=list)
    care: list[dict] = field(default_factory=list)  # overdue visits and strike observations


def set_health_alert_delivery(*, user, delivery: str) -> HealthAlertPreference:
    """A monitor chooses immediate emails or a daily digest."""
    with transaction.atomic():
        preference, _ = HealthAlertPreference.objects.select_for_update().get_or_create(user=user)
        preference.delivery = delivery
        preference.full_clean()
        preference.save(update_fields=["delivery"])
    return preference


def _person_urls() -> Callable[[int], str]:
    """person id -> absolute URL of their admin page. reverse() once, not once per flag:
    per flag it cost about a second on a first run raising 16,000 flags."""
    marker = "0-person-id-0"
    url = settings.SITE_URL.rstrip("/") + reverse("admin:people_person_change", args=[marker])
    before, after = url.split(marker)
    return lambda person_id: f"{before}{person_id}{after}"


def _send(recipients: list[_Recipient], template: str, now: dt.datetime) -> int:
    """Render one email per recipient and send them over one connection."""
    messages = []
    with translation.override(settings.LANGUAGE_CODE):
        for recipient in recipients:
            context = {
                "recipient": recipient,
                "flags": recipient.flags,
                "care": recipient.care,
                "now": now,
            }
            subject = render_to_string(f"emails/{template}_subject.txt", context)
            body = render_to_string(f"emails/{template}.txt", context)
            messages.append(EmailMessage(" ".join(subject.split()), body, to=[recipient.email]))
    if messages:
        get_connection().send_messages(messages)
    return len(messages)


def _flag_rows(flag_ids: list[int]) -> dict[int, dict]:
    """flag id -> what an email says about it."""
    rows = StaleHealthFlag.objects.filter(pk__in=flag_ids).values(
        "pk",
        "person_id",
        "person__full_name",
        "due_since",
        "interval_days",
        "counted_from",
        "raised_at",
    )
    person_url = _person_urls()
    return {
        row["pk"]: {
            "person_id": row["person_id"],
            "person_name": row["person__full_name"],
            "due_since": row["due_since"],
            "interval_days": row["interval_days"],
            "counted_from": row["counted_from"],
            "raised_at": row["raised_at"],
            "url": person_url(row["person_id"]),
        }
        for row in rows
    }


def _assignments(**filters):
    """(person, monitor) pairs of active cases with an active monitor who has an email."""
    return (
        Case.assigned_monitors.through.objects.filter(
            case__archived_at__isnull=True, user__is_active=True, **filters
        )
        .exclude(user__email="")
        .order_by("user_id", "case__person__full_name")
    )


def notify_new_flags(*, now: dt.datetime | None = None) -> int:
    """Email the assigned monitors of every open flag nobody was told about yet.

    One email per monitor, listing their newly flagged people; monitors who
    chose the daily digest hear about it there instead. Flags on people nobody
    is assigned to go to settings.STALE_HEALTH_UNASSIGNED_EMAILS. Overdue visits
    and strike observations (cases.staleness) go out in the same emails. Returns
    the number of health flags claimed. Seven queries whatever the number of flags.
    """
    now = now or timezone.now()
    table = connection.ops.quote_name(StaleHealthFlag._meta.db_table)
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} SET notified_at = %s "  # noqa: S608 (names, not input)
                "WHERE notified_at IS NULL AND resolved_at IS NULL RETURNING id",
                [now],
            )
            flag_ids = [row[0] for row in cursor.fetchall()]
            care_ids = _claim_care_flags(cursor, now)
        if not flag_ids and not care_ids:
            return 0
        flags = {flag["person_id"]: flag for flag in _flag_rows(flag_ids).values()}
        recipients: dict[int | str, _Recipient] = {}
        assigned: set[int] = set()
        pairs = _assignments(case__person_id__in=list(flags)).values_list(
            "case__person_id",
            "user_id",
            "user__email",
            "user__first_name",
            "user__username",
            "user__health_alert_preference__delivery",
        )
        for person_id, user_id, email, first_name, username, delivery in pairs:
            assigned.add(person_id)
            if delivery == Delivery.DAILY_DIGEST:
                continue
            recipient = recipients.setdefault(user_id, _Recipient(email, first_name or username))
            if flags[person_id] not in recipient.flags:  # one person, several cases
                recipient.flags.append(flags[person_id])
        unassigned = [flag for person_id, flag in flags.items() if person_id not in assigned]
        if unassigned:
            logger.warning("stale health: %d flagged people have no monitor", len(unassigned))
            if not settings.STALE_HEALTH_UNASSIGNED_EMAILS:
                # Claimed all the same (a retry would not find anyone either), but
                # said loudly: `check --deploy` warns about this setting too.
                logger.warning(
                    "stale health: STALE_HEALTH_UNASSIGNED_EMAILS is empty, so nobody "
                    "is told about %d unassigned flagged people",
                    len(unassigned),
                )
            for email in settings.STALE_HEALTH_UNASSIGNED_EMAILS:
                recipients[email] = _Recipient(email, "", unassigned)
        _add_care(recipients, care_ids)
        _send(list(recipients.values()), "stale_health_flags", now)
    return len(flag_ids)  # health flags; the care flags claimed ride along


def _claim_care_flags(cursor, now: dt.datetime) -> list[int]:
    """Claim the overdue visits and strike observations (cases.staleness) nobody was
    told about yet: they go out in the same emails as the health flags."""
    table = connection.ops.quote_name(CareFlag._meta.db_table)
    cursor.execute(
        f"UPDATE {table} SET notified_at = %s "  # noqa: S608 (names, not input)
        "WHERE notified_at IS NULL AND resolved_at IS NULL RETURNING id",
        [now],
    )
    return [row[0] for row in cursor.fetchall()]


def _add_care(recipients: dict, care_ids: list[int]) -> None:
    """Each claimed care flag to the monitors of its case (a visit) or of the
    striker's cases (an observation); the unassigned to STALE_HEALTH_UNASSIGNED_EMAILS.
    Sent as raised, whatever the delivery preference (the digest lists health flags)."""
    if not care_ids:
        return
    person_url = _person_urls()
    items = [
        {**row, "person_name": row.pop("person__full_name"), "url": person_url(row["person_id"])}
        for row in CareFlag.objects.filter(pk__in=care_ids)
        .order_by("person__full_name", "pk")
        .values("pk", "kind", "person_id", "case_id", "person__full_name", "counted_from")
    ]
    pairs = _assignments(case__person_id__in={item["person_id"] for item in items}).values_list(
        "case_id", "case__person_id", "user_id", "user__email", "user__first_name", "user__username"
    )
    heard: set[int] = set()
    for case_id, person_id, user_id, email, first_name, username in pairs:
        for item in items:
            concerns = (
                item["case_id"] == case_id
                if item["kind"] == CareKind.VISIT
                else item["person_id"] == person_id
            )
            if not concerns:
                continue
            recipient = recipients.setdefault(user_id, _Recipient(email, first_name or username))
            if item not in recipient.care:
                recipient.care.append(item)
            heard.add(item["pk"])
    unheard = [item for item in items if item["pk"] not in heard]
    for email in settings.STALE_HEALTH_UNASSIGNED_EMAILS if unheard else ():
        recipients.setdefault(email, _Recipient(email, "")).care.extend(unheard)


def send_daily_digests(*, now: dt.datetime | None = None) -> int:
    """One email per digest subscriber listing the open flags on their cases.

    Each subscriber is claimed for today first, so a retried or duplicated task
    sends nothing more. Subscribers with nothing open get no email. Returns the
    number of digests sent.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    table = connection.ops.quote_name(HealthAlertPreference._meta.db_table)
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} SET last_digest_on = %s "  # noqa: S608 (names, not input)
                "WHERE delivery = %s AND (last_digest_on IS NULL OR last_digest_on < %s) "
                "RETURNING user_id",
                [today, Delivery.DAILY_DIGEST, today],
            )
            user_ids = [row[0] for row in cursor.fetchall()]
        if not user_ids:
            return 0
        rows = (
            _assignments(
                user_id__in=user_ids, case__person__stale_health_flags__resolved_at__isnull=True
            )
            .values_list(
                "user_id",
                "user__email",
                "user__first_name",
                "user__username",
                "case__person__stale_health_flags__id",
            )
            .distinct()
        )
        recipients: dict[int, _Recipient] = {}
        flag_ids: dict[int, list[int]] = defaultdict(list)
        for user_id, email, first_name, username, flag_id in rows:
            recipients.setdefault(user_id, _Recipient(email, first_name or username))
            if flag_id not in flag_ids[user_id]:  # one person, several cases
                flag_ids[user_id].append(flag_id)
        flags = _flag_rows([pk for ids in flag_ids.values() for pk in ids])
        yesterday = now - dt.timedelta(days=1)
        for user_id, recipient in recipients.items():
            recipient.flags = [
                {**flags[pk], "is_new": flags[pk]["raised_at"] > yesterday}
                for pk in flag_ids[user_id]
            ]
        return _send(list(recipients.values()), "stale_health_digest", now)
