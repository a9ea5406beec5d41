"""The editors' review queue: which cases have changes the public has not seen.

A change to a published case is staged: the public sees the case's last
published version until an editor publishes again. So the queue lists every
case whose live content differs from its published version, and every draft
(imported drafts included), with what changed (counted per section), who
changed it last and when, newest first.

How it stays cheap:
- every save of a record that belongs to a case (the case, its person, their
  charges, sentences, events, detentions, hunger strikes, observations, visits,
  memberships, name variants, the sources they cite) upserts one PendingChange
  row per case, in one statement, with who saved it (the history user of that
  save, the same as its django-simple-history row) and when;
- the importer, which writes by raw INSERT, marks its cases the same way;
- publishing removes the marker;
- what changed is the diff of build_snapshot(case) against the last
  publication's snapshot (cases.snapshots), computed the first time the marker
  is shown and stored with it; an internal-only change counts nothing, and the
  marker is then dropped.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from django.db.models import Model
from django.db.models.signals import m2m_changed, post_save
from django.utils import timezone

from casetracker.records import Record


def case_ids_of(record: Model) -> list[int]:
    """The cases whose public content `record` may change."""
    from cases import policy
    from cases.models import Case, HealthObservation, Official, Proceeding, Source
    from people.models import Person

    if isinstance(record, Case):
        return [record.pk]
    if isinstance(record, Official):  # shown on the page of every case they acted in
        return list(record.parts.values_list("case_id", flat=True).distinct())
    if isinstance(record, Proceeding):  # its name and court are on each of its cases' pages
        return list(record.cases.values_list("pk", flat=True))
    if isinstance(record, Person):
        return list(Case.objects.filter(person_id=record.pk).values_list("pk", flat=True))
    if isinstance(record, Source):
        return list(policy.citing_cases(record).values_list("pk", flat=True))
    if isinstance(record, HealthObservation) and record.visit_id is not None:
        return list(policy.cases_of(record).values_list("pk", flat=True))
    case_id = getattr(record, "case_id", None)
    if case_id is not None:
        return [case_id]
    person_id = getattr(record, "person_id", None)
    if person_id is not None:
        return list(Case.objects.filter(person_id=person_id).values_list("pk", flat=True))
    return []  # reference data (facilities, articles, organizations) and the rest


def mark_changed(case_ids: Iterable[int], *, by=None, when=None) -> None:
    """Put these cases in the review queue (or bring them to its top): one upsert."""
    from cases.models import PendingChange

    ids = sorted(set(case_ids))
    if not ids:
        return
    when = when or timezone.now()
    by_id = getattr(by, "pk", by)
    PendingChange.objects.bulk_create(
        [PendingChange(case_id=i, changed_at=when, changed_by_id=by_id) for i in ids],
        update_conflicts=True,
        unique_fields=["case"],
        update_fields=["changed_at", "changed_by", "sections", "total"],
    )


def clear(case) -> None:
    """The case is published as it is: nothing waits for review."""
    from cases.models import PendingChange

    PendingChange.objects.filter(case=case).delete()


def clear_many(case_ids) -> None:
    """clear() for many cases, in one query."""
    from cases.models import PendingChange

    PendingChange.objects.filter(case_id__in=case_ids).delete()


def _saver_id(record: Model):
    user = getattr(record, "_history_user", None)
    return getattr(user, "pk", None) or getattr(record, "updated_by_id", None)


def _on_save(sender, instance, raw=False, **kwargs):
    if raw:
        # loaddata (a backup's restore): the sources it sets next are not a change.
        instance._loaded_raw = True
        return
    if not isinstance(instance, Record):
        return
    mark_changed(case_ids_of(instance), by=_saver_id(instance))


def _on_sources_changed(sender, instance, action, **kwargs):
    if getattr(instance, "_loaded_raw", False):
        return
    if action in ("post_add", "post_remove", "post_clear") and isinstance(instance, Record):
        mark_changed(case_ids_of(instance), by=_saver_id(instance))


def connect() -> None:
    post_save.connect(_on_save, dispatch_uid="review-queue-marker")
    m2m_changed.connect(_on_sources_changed, dispatch_uid="review-queue-marker-sources")


def section_counts(changes) -> dict[str, int]:
    """{"Visits": 1, "Case": 1, …} in the diff's order."""
    return dict(Counter(change.section_label for change in changes))


def refresh(markers) -> None:
    """Compute what changed for markers not yet counted; drop the empty ones."""
    from cases.services import current_changes

    for marker in markers:
        if marker.sections is not None:
            continue
        case = marker.case
        changes = current_changes(case)
        if not changes and case.is_published:
            marker.delete()
            marker.total = 0
            continue
        marker.sections = section_counts(changes)
        marker.total = len(changes)
        marker.save(update_fields=["sections", "total"])


def queue(user):
    """The markers of the cases `user` may review, newest change first."""
    from cases.models import Case, PendingChange

    return (
        PendingChange.objects.filter(case__in=Case.objects.active().visible_to(user).values("pk"))
        .select_related("case__person", "changed_by")
        .order_by("-changed_at", "-case_id")
    )
