"""Services of the detention lifecycle: release, transfer, death in custody.

The same contract as cases.services (keyword-only, one transaction, full_clean,
authorship stamped, the policy's edit rule), in a module of their own. Each one
ends with refresh_health_due: a released or dead person stops being monitored
at once and their open stale-health flag resolves with the reason.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from cases.health import refresh_health_due
from cases.models import DeathInCustody, Detention, Facility, Source
from cases.services import _cite, _require_edit, _save
from people.models import Person


def open_detention(*, person: Person, user=None) -> Detention | None:
    """The detention the person is held in now (the latest open one), as `user`
    may see it; None when nobody holds them (see detained_now_q)."""
    detentions = Detention.objects.current().filter(person=person)
    if user is not None:
        detentions = detentions.visible_to(user)
    return (
        detentions.select_related("facility", "person")
        .order_by("-started_on__sortable", "-pk")
        .first()
    )


def _require_open(detention: Detention) -> None:
    if detention.ended_on or detention.end_reason:
        raise ValidationError({"end_reason": _("This detention has already ended.")})


@transaction.atomic
def end_detention(
    *, by, detention: Detention, ended_on, reason: str, sources: Sequence[Source] = ()
) -> Detention:
    """A release (end of term, pardon, amnesty, exchange, parole, acquittal...), an
    escape or a deportation. A transfer is record_transfer, a death record_death."""
    _require_open(detention)
    if not reason:
        raise ValidationError({"end_reason": _("Say how the detention ended.")})
    if reason in (Detention.EndReason.TRANSFER, Detention.EndReason.DEATH):
        raise ValidationError({"end_reason": _("Record a transfer or a death with its own form.")})
    _require_edit(by, detention)
    detention.ended_on = ended_on or ""
    detention.end_reason = reason
    _save(detention, by, reason=f"detention ended: {reason}")
    _cite(detention, sources)
    refresh_health_due(person_ids=[detention.person_id])
    return detention


@transaction.atomic
def record_transfer(
    *,
    by,
    detention: Detention,
    transferred_on,
    facility: Facility | None,
    kind: str = "",
    regime: str = "",
    sources: Sequence[Source] = (),
) -> Detention:
    """A transfer ends this detention and starts the next one, in the new place,
    on the same day; returns the new detention."""
    _require_open(detention)
    if not transferred_on:
        raise ValidationError({"transferred_on": _("Give the date of the transfer.")})
    _require_edit(by, detention)
    detention.ended_on = transferred_on
    detention.end_reason = Detention.EndReason.TRANSFER
    _save(detention, by, reason="transferred")
    _cite(detention, sources)
    following = Detention(
        person_id=detention.person_id,
        case_id=detention.case_id,
        facility=facility,
        kind=kind,
        regime=regime,
        started_on=transferred_on,
        visibility=detention.visibility,
    )
    _save(following, by, reason="transferred here")
    _cite(following, sources)
    refresh_health_due(person_ids=[detention.person_id])
    return following


@transaction.atomic
def record_death(
    *, by, person: Person, data: Mapping[str, Any], sources: Sequence[Source] = ()
) -> DeathInCustody:
    """A death in custody: the record (date, place, circumstances as reported, cited),
    the person's date of death, and every open detention ended by it."""
    if DeathInCustody.objects.active().filter(person=person).exists():
        raise ValidationError({"died_on": _("A death is already recorded for this person.")})
    death = DeathInCustody(person=person)
    for field in ("died_on", "place", "facility", "circumstances", "visibility"):
        if field in data:
            setattr(death, field, data[field])
    open_detentions = list(
        Detention.objects.current().filter(person=person).order_by("-started_on__sortable", "-pk")
    )
    death.detention = open_detentions[0] if open_detentions else None
    _require_edit(by, person)
    _save(death, by, reason="death in custody recorded")
    _cite(death, sources)
    person.date_of_death = death.died_on or person.date_of_death
    if person.date_of_death:
        _save(person, by, reason="death recorded")
    for detention in open_detentions:
        detention.ended_on = death.died_on or ""
        detention.end_reason = Detention.EndReason.DEATH
        _save(detention, by, reason="died in custody")
        _cite(detention, sources)
    refresh_health_due(person_ids=[person.pk])
    return death
