"""Object access for every staff view: one helper per model.

Each helper returns the object or raises: 403 (PermissionDenied) when the user
may not use staff views or may not perform the action at all, 404 when the
object does not exist *for this user* (archived, or another author's
confidential record: its existence is not revealed). Views never fetch
sensitive objects directly.

Rules:
- staff views: monitors, editors, administrators (accounts.roles); researchers
  and everybody else get 403;
- reading: `.visible_to(user)`, so confidential records only for editors,
  administrators and their author;
- actions need the model permission the role's group carries
  (accounts/migrations/0002_roles.py);
- cases: monitors edit only the cases they are assigned to;
- what is live (public on a published case) changes only by an editor's hand:
  monitors may not edit such records (the same rule guards creation, in
  cases.services).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404

from accounts import roles
from cases.models import (
    Case,
    Event,
    EvidenceFile,
    HealthObservation,
    HungerStrike,
    PrisonVisit,
    Publication,
    Source,
)
from people.models import Person


def require_staff(user) -> None:
    if not roles.is_staff_member(user):
        raise PermissionDenied


def can_publish(user) -> bool:
    return roles.is_staff_member(user) and user.has_perm("cases.publish_case")


def require_perm(user, perm: str) -> None:
    require_staff(user)
    if not user.has_perm(perm):
        raise PermissionDenied


def is_live(record: Model) -> bool:
    """Shown on the public site right now (public record of a published case)."""
    if record.pk is None:
        return False
    return type(record).objects.public().filter(pk=record.pk).exists()


def _get(queryset: QuerySet, user, pk) -> Model:
    require_staff(user)
    try:
        return queryset.active().visible_to(user).get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def _check_edit(user, record: Model, perm: str) -> None:
    require_perm(user, perm)
    if not can_publish(user) and is_live(record):
        raise PermissionDenied


# --- one helper per model -------------------------------------------------


def access_case(user, pk, *, edit: bool = False) -> Case:
    case = _get(Case.objects.select_related("person"), user, pk)
    if edit:
        require_perm(user, "cases.change_case")
        if not can_publish(user) and not case.assigned_monitors.filter(pk=user.pk).exists():
            raise PermissionDenied
    return case


def access_case_to_publish(user, pk) -> Case:
    require_perm(user, "cases.publish_case")
    return access_case(user, pk)


def access_person(user, pk) -> Person:
    return _get(Person.objects.all(), user, pk)


def access_visit(user, pk, *, edit: bool = False) -> PrisonVisit:
    visit = _get(PrisonVisit.objects.select_related("person", "case", "facility"), user, pk)
    if edit:
        _check_edit(user, visit, "cases.change_prisonvisit")
    return visit


def access_observation(user, pk, *, edit: bool = False) -> HealthObservation:
    obs = _get(HealthObservation.objects.select_related("person", "visit"), user, pk)
    if edit:
        _check_edit(user, obs, "cases.change_healthobservation")
    return obs


def access_hunger_strike(user, pk, *, edit: bool = False) -> HungerStrike:
    strike = _get(HungerStrike.objects.select_related("person", "case"), user, pk)
    if edit:
        _check_edit(user, strike, "cases.change_hungerstrike")
    return strike


def access_event(user, pk, *, edit: bool = False) -> Event:
    event = _get(Event.objects.select_related("case"), user, pk)
    if edit:
        _check_edit(user, event, "cases.change_event")
    return event


def access_source(user, pk, *, edit: bool = False) -> Source:
    source = _get(Source.objects.all(), user, pk)
    if edit:
        _check_edit(user, source, "cases.change_source")
    return source


def access_evidence(user, pk) -> EvidenceFile:
    """A file is readable only with its visit or observation: a non-confidential file
    on another author's confidential visit stays hidden."""
    evidence = _get(EvidenceFile.objects.all(), user, pk)
    if evidence.visit_id is not None:
        parent = PrisonVisit.objects.active().visible_to(user).filter(pk=evidence.visit_id)
    else:
        parent = (
            HealthObservation.objects.active().visible_to(user).filter(pk=evidence.observation_id)
        )
    if not parent.exists():
        raise Http404
    return evidence


def access_publication(user, pk, *, restore: bool = False) -> Publication:
    require_staff(user)
    if restore:
        require_perm(user, "cases.publish_case")
    try:
        publication = Publication.objects.select_related("case", "actor").get(pk=pk)
    except (Publication.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    access_case(user, publication.case_id)  # archived case: 404
    return publication
