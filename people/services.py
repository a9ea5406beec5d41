"""Business actions on people."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from casetracker.records import archive_record

from .models import Membership, NameVariant, Person, PersonRelation

# Reverse relations of Person that merge_people moves (tests check none is forgotten).
MOVED_RELATIONS = {
    "cases",
    "memberships",
    "name_variants",
    "detentions",
    "hunger_strikes",
    "health_observations",
    "visits",
    "stale_health_flags",
    "deaths_in_custody",
    "relations",
    "relations_as_other",
}
# Reverse relations merge_people does not move but recomputes for both people:
# the due moment (cases.HealthDue) follows the records that moved.
RECOMPUTED_RELATIONS = {"health_due"}
FILLED_FIELDS = (
    "birth_date",
    "birthplace",
    "date_of_death",
    "ethnicity",
    "religion",
    "reported_age",
    "reported_age_on",
    "gender",
    "citizenship",
    "occupation",
    "public_biography",
)


def _save(obj, by, reason: str, fields: list[str]) -> None:
    obj.updated_by = by
    obj._history_user = by
    obj._change_reason = reason
    obj.save(update_fields=[*fields, "updated_by", "updated_at"])


@transaction.atomic
def merge_people(*, keep: Person, merge: Person, by) -> Person:
    """Merge the duplicate `merge` into `keep`.

    Steps: move every record about `merge` to `keep` (cases, memberships,
    detentions, hunger strikes, health observations, visits, stale-health
    flags, name variants), each saved with a history entry naming the merge;
    add `merge`'s name as a variant of `keep`; fill `keep`'s empty fields from
    `merge`; archive `merge` (soft delete: it and its history stay restorable).
    A variant or membership that `keep` already has is archived, not doubled.
    """
    from cases.health import refresh_health_due
    from cases.models import (
        Case,
        DeathInCustody,
        Detention,
        HealthObservation,
        HungerStrike,
        PrisonVisit,
        StaleHealthFlag,
    )

    if keep.pk == merge.pk:
        raise ValidationError(_("A person cannot be merged into themselves."))
    locked = {
        p.pk: p for p in Person.objects.select_for_update().filter(pk__in=[keep.pk, merge.pk])
    }
    if any(p.is_archived for p in locked.values()) or len(locked) != 2:
        raise ValidationError(_("Both people must exist and not be archived."))
    keep, merge = locked[keep.pk], locked[merge.pk]
    reason = f"merged person #{merge.pk} ({merge.full_name}) into #{keep.pk}"

    for model in (Case, Detention, DeathInCustody, HungerStrike, HealthObservation, PrisonVisit):
        for obj in model.objects.filter(person=merge):
            obj.person = keep
            _save(obj, by, reason, ["person"])

    kept = {(m.organization_id, m.role) for m in Membership.objects.active().filter(person=keep)}
    for membership in Membership.objects.filter(person=merge):
        duplicate = membership.archived_at is None and (
            (membership.organization_id, membership.role) in kept
        )
        membership.person = keep
        _save(membership, by, reason, ["person"])
        if duplicate:
            archive_record(record=membership, by=by)

    # Relatives and lawyers follow the person, on either end; a link between the two
    # records being merged would link the person to themselves: archived.
    for relation in PersonRelation.objects.filter(person=merge) | PersonRelation.objects.filter(
        other=merge
    ):
        fields = [
            name for name in ("person", "other") if getattr(relation, f"{name}_id") == merge.pk
        ]
        for name in fields:
            setattr(relation, name, keep)
        _save(relation, by, reason, fields)
        if relation.person_id == relation.other_id and relation.archived_at is None:
            archive_record(record=relation, by=by)

    names = {v.name.casefold() for v in NameVariant.objects.filter(person=keep)}
    names.add(keep.full_name.casefold())
    for variant in NameVariant.objects.filter(person=merge):
        if variant.name.casefold() in names:
            archive_record(record=variant, by=by)
            continue
        names.add(variant.name.casefold())
        variant.person = keep
        _save(variant, by, reason, ["person"])
    if merge.full_name.casefold() not in names:
        variant = NameVariant(
            person=keep,
            name=merge.full_name,
            kind=NameVariant.Kind.ALIAS,
            # The variant is as visible as the record its name came from.
            visibility=merge.visibility,
            created_by=by,
            updated_by=by,
        )
        variant.full_clean()
        variant._history_user = by
        variant._change_reason = reason
        variant.save()

    open_flag_kept = StaleHealthFlag.objects.filter(person=keep, resolved_at__isnull=True).exists()
    for flag in StaleHealthFlag.objects.filter(person=merge):
        if flag.resolved_at is None and open_flag_kept:
            # One open flag per person: the kept person's flag stands for both.
            flag.resolved_at = timezone.now()
        flag.person = keep
        flag.save(update_fields=["person", "resolved_at"])

    filled = [name for name in FILLED_FIELDS if not getattr(keep, name) and getattr(merge, name)]
    for name in filled:
        setattr(keep, name, getattr(merge, name))
    note = _("Merged with #%(pk)s (%(name)s).") % {"pk": merge.pk, "name": merge.full_name}
    keep.internal_notes = "\n\n".join(
        part for part in (keep.internal_notes, note, merge.internal_notes) if part
    )
    keep.full_clean(validate_unique=False)
    _save(keep, by, reason, [*filled, "internal_notes"])

    merge.internal_notes = "\n\n".join(
        part
        for part in (
            merge.internal_notes,
            _("Merged into #%(pk)s (%(name)s).") % {"pk": keep.pk, "name": keep.full_name},
        )
        if part
    )
    _save(merge, by, reason, ["internal_notes"])
    archive_record(record=merge, by=by)
    # keep gains the moved records; merge, now archived, loses its due moment.
    refresh_health_due(person_ids=[keep.pk, merge.pk])
    return keep
