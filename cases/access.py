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
  administrators and their author; then cases.policy: a monitor reads visits,
  observations, hunger strikes, events and evidence only on assigned cases;
- actions need the model permission the role's group carries
  (accounts/migrations/0002_roles.py) and cases.policy's may_edit / may_publish
  (assignment; publishing from the permission `cases.publish_case`).
- A change to a published case is staged: it reaches the public only when an
  editor publishes (so a monitor may propose a record for publication).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404

from accounts import roles
from cases import policy
from cases.models import (
    Case,
    CaseOfficial,
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


def require_perm(user, perm: str) -> None:
    require_staff(user)
    if not user.has_perm(perm):
        raise PermissionDenied


def _get(queryset: QuerySet, user, pk, *, by_assignment: bool = False) -> Model:
    require_staff(user)
    try:
        record = queryset.active().visible_to(user).get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if by_assignment and not policy.may_read_internal(user, record):
        # Another monitor's case: its records are not this monitor's to know.
        raise Http404
    return record


def _check_edit(user, record: Model, perm: str) -> None:
    require_perm(user, perm)
    if not policy.may_edit(user, record):
        raise PermissionDenied


def require_may_add_to(user, case_or_person, perm: str) -> None:
    """Adding a visit, observation, hunger strike or event: the model permission
    and the case (or person) assigned, for a monitor."""
    require_perm(user, perm)
    if not policy.may_add_to(user, case_or_person):
        raise PermissionDenied


def require_may_record_lifecycle(user, case_or_person) -> None:
    """A release, a transfer or a death in custody: a change to the case (the
    permission monitors and editors hold), on a case or person the policy lets
    this user work on."""
    require_perm(user, "cases.change_case")
    if not policy.may_record_lifecycle(user, case_or_person):
        raise PermissionDenied


# --- one helper per model -------------------------------------------------


def access_case(user, pk, *, edit: bool = False) -> Case:
    case = _get(Case.objects.select_related("person"), user, pk)
    if edit:
        _check_edit(user, case, "cases.change_case")
    return case


def require_publisher(user) -> None:
    require_staff(user)
    if not policy.may_publish(user):
        raise PermissionDenied


def access_case_to_publish(user, pk) -> Case:
    require_publisher(user)
    return access_case(user, pk)


def access_person(user, pk) -> Person:
    return _get(Person.objects.all(), user, pk)


def access_visit(user, pk, *, edit: bool = False) -> PrisonVisit:
    visit = _get(
        PrisonVisit.objects.select_related("person", "case", "facility"),
        user,
        pk,
        by_assignment=True,
    )
    if edit:
        _check_edit(user, visit, "cases.change_prisonvisit")
    return visit


def access_observation(user, pk, *, edit: bool = False) -> HealthObservation:
    obs = _get(
        HealthObservation.objects.select_related("person", "visit"), user, pk, by_assignment=True
    )
    if edit:
        _check_edit(user, obs, "cases.change_healthobservation")
    return obs


def access_hunger_strike(user, pk, *, edit: bool = False) -> HungerStrike:
    strike = _get(
        HungerStrike.objects.select_related("person", "case"), user, pk, by_assignment=True
    )
    if edit:
        _check_edit(user, strike, "cases.change_hungerstrike")
    return strike


def access_event(user, pk, *, edit: bool = False) -> Event:
    event = _get(Event.objects.select_related("case"), user, pk, by_assignment=True)
    if edit:
        _check_edit(user, event, "cases.change_event")
    return event


def access_official_part(user, pk, *, edit: bool = False) -> CaseOfficial:
    part = _get(
        CaseOfficial.objects.select_related("case__person", "official"),
        user,
        pk,
        by_assignment=True,
    )
    if edit:
        _check_edit(user, part, "cases.change_caseofficial")
    return part


def access_source(user, pk, *, edit: bool = False) -> Source:
    source = _get(Source.objects.all(), user, pk)
    if edit:
        _check_edit(user, source, "cases.change_source")
    return source


def access_evidence(user, pk) -> EvidenceFile:
    """A file is readable only with its visit or observation: a non-confidential file
    on another author's confidential visit stays hidden."""
    evidence = _get(EvidenceFile.objects.all(), user, pk, by_assignment=True)
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
        require_publisher(user)
    try:
        publication = Publication.objects.select_related("case", "actor").get(pk=pk)
    except (Publication.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    access_case(user, publication.case_id)  # archived case: 404
    return publication
