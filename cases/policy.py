"""Who may do what to which record: the one policy module (django-rules).

Every surface asks here — the workspace (through cases.access), the services,
the CSV import pages and command, the admin and the management commands — so a
rule changes in one place.

Rules
- **publish** (publish, unpublish, restore, import with --publish): a staff
  member holding the permission ``cases.publish_case``. Roles carry it through
  their group, so taking it from the editor group stops editors publishing
  everywhere.
- **read internal / edit** a record of a case (visits, observations, hunger
  strikes, events, evidence files, the case itself): editors and
  administrators on every case; a monitor only on the cases assigned to them.
  A record tied to a person rather than a case (an observation without a visit,
  a hunger strike without a case) belongs to every case of that person.
  Internal reports and the names of who went on a visit follow the same rule.
- **record a release, a transfer or a death in custody** (the workspace's
  lifecycle forms): the edit rule of the case or person — editors and
  administrators everywhere, a monitor on assigned cases (``may_record_lifecycle``).
- **edit a source**: a source may be cited by several cases; a monitor may edit
  it only when every case citing it is assigned to them (an uncited source:
  only its author), so nobody rewrites what another case cites.
- **relatives and lawyers** (``people.PersonRelation``, never public): read and
  added by editors and administrators, and by a monitor assigned to one of the
  person's cases — confidential ones included, since they are that monitor's
  casework (who to call, who defends) — and by nobody else: another monitor, a
  researcher or a visitor never learns they exist.
- Model permissions (``cases.change_prisonvisit`` …) still gate each action:
  the rules above narrow them to records, they never widen them.

The predicates are combined into a private rule set (not Django permissions,
so ``user.has_perm`` keeps meaning the group's model permissions).
"""

from __future__ import annotations

import rules
from django.db.models import Model, Q, QuerySet

from accounts import roles

# --- predicates ---------------------------------------------------------------


@rules.predicate
def is_staff_member(user) -> bool:
    return roles.is_staff_member(user)


@rules.predicate
def is_editor_or_administrator(user) -> bool:
    return roles.sees_confidential(user)


@rules.predicate
def holds_publish_permission(user) -> bool:
    return bool(getattr(user, "is_active", False)) and user.has_perm("cases.publish_case")


def _case_model():
    from cases.models import Case

    return Case


def cases_of(record: Model) -> QuerySet:
    """The cases `record` belongs to, as a queryset of Case."""
    from cases.models import (
        Case,
        Event,
        EvidenceFile,
        HealthObservation,
        HungerStrike,
        PrisonVisit,
        Source,
    )
    from people.models import Person

    if isinstance(record, Case):
        return Case.objects.filter(pk=record.pk)
    if isinstance(record, Person):
        return Case.objects.filter(person_id=record.pk)
    if isinstance(record, Event):
        return Case.objects.filter(pk=record.case_id)
    if isinstance(record, PrisonVisit | HungerStrike):
        if record.case_id is not None:
            return Case.objects.filter(pk=record.case_id)
        return Case.objects.filter(person_id=record.person_id)
    if isinstance(record, HealthObservation):
        visit = PrisonVisit.objects.filter(pk=record.visit_id).first() if record.visit_id else None
        if visit is not None:
            return cases_of(visit)
        return Case.objects.filter(person_id=record.person_id)
    if isinstance(record, EvidenceFile):
        parent = record.visit if record.visit_id is not None else record.observation
        return cases_of(parent)
    if isinstance(record, Source):
        return citing_cases(record)
    # Any other record of a case or a person (detention, death in custody, charge,
    # sentence, recognition, case link...): its case when it names one, else the
    # cases of its person.
    if getattr(record, "case_id", None) is not None:
        return Case.objects.filter(pk=record.case_id)
    if getattr(record, "from_case_id", None) is not None:
        return Case.objects.filter(pk=record.from_case_id)
    if getattr(record, "person_id", None) is not None:
        return Case.objects.filter(person_id=record.person_id)
    raise TypeError(f"No case rule for {type(record).__name__}")


def citing_cases(source) -> QuerySet:
    """Every case whose records cite `source` (through the case or its person)."""
    Case = _case_model()
    case_ids, person_ids = set(), set()
    for relation in type(source)._meta.related_objects:
        if not relation.many_to_many or relation.field.name != "sources":
            continue
        model = relation.related_model
        rows = model._base_manager.filter(sources=source)
        names = {f.name for f in model._meta.get_fields()}
        if "case" in names:
            case_ids.update(rows.exclude(case=None).values_list("case_id", flat=True))
        if "visit" in names:
            case_ids.update(rows.exclude(visit__case=None).values_list("visit__case_id", flat=True))
        if "person" in names:
            person_ids.update(rows.values_list("person_id", flat=True))
    return Case.objects.filter(Q(pk__in=case_ids) | Q(person_id__in=person_ids))


@rules.predicate
def is_assigned(user, record) -> bool:
    if record is None or not getattr(user, "is_authenticated", False):
        return False
    return cases_of(record).filter(assigned_monitors=user).exists()


@rules.predicate
def may_edit_source_as_monitor(user, source) -> bool:
    if source is None or source.pk is None:
        return True  # a new source cites nothing yet
    cases = citing_cases(source)
    if not cases.exists():
        return source.created_by_id == user.pk
    return not cases.exclude(assigned_monitors=user).exists()


_rules = rules.RuleSet()
_rules.add_rule("publish", is_staff_member & holds_publish_permission)
_rules.add_rule("work_on", is_staff_member & (is_editor_or_administrator | is_assigned))
_rules.add_rule("import", is_staff_member & is_editor_or_administrator)
_rules.add_rule("relations", is_staff_member & (is_editor_or_administrator | is_assigned))
_rules.add_rule(
    "edit_source", is_staff_member & (is_editor_or_administrator | may_edit_source_as_monitor)
)


# --- the questions -------------------------------------------------------------


def may_publish(user, case=None) -> bool:
    """Publish, unpublish, restore a published version, import with --publish."""
    return _rules.test_rule("publish", user, case)


def may_read_internal(user, record) -> bool:
    """Read a record's internal content: a visit's report and visitors, an
    observation, a hunger strike, an event, an evidence file, a case's notes."""
    return _rules.test_rule("work_on", user, record)


def may_edit(user, record) -> bool:
    """Change `record` (or, for a case or a person, add records to it)."""
    from cases.models import Source

    if isinstance(record, Source):
        return _rules.test_rule("edit_source", user, record)
    return _rules.test_rule("work_on", user, record)


def may_record_lifecycle(user, case_or_person) -> bool:
    """Record a release, a transfer or a death in custody for this case or person
    (cases.lifecycle): whoever works on it."""
    return _rules.test_rule("work_on", user, case_or_person)


def may_add_to(user, case_or_person) -> bool:
    """Add a visit, an observation, a hunger strike, an event to this case or person."""
    return _rules.test_rule("work_on", user, case_or_person)


def may_read_relations(user, person) -> bool:
    """Read (and add) a person's relatives and lawyers: editors, administrators and
    the monitors assigned to one of the person's cases."""
    return _rules.test_rule("relations", user, person)


def readable_relations(user, person) -> QuerySet:
    """The person's relatives and lawyers `user` may read (none, or all of them,
    confidential included: see the rule above), not archived."""
    from people.models import PersonRelation

    qs = PersonRelation.objects.active().filter(person=person)
    return qs if may_read_relations(user, person) else qs.none()


# --- set-based forms of the same rule, for lists ----------------------------------


def workable_cases(user) -> QuerySet:
    """The cases `user` works on (all for editors and administrators)."""
    Case = _case_model()
    if not roles.is_staff_member(user):
        return Case.objects.none()
    if roles.sees_confidential(user):
        return Case.objects.all()
    return Case.objects.filter(assigned_monitors=user)


def _restricted(user, qs: QuerySet, condition) -> QuerySet:
    if roles.sees_confidential(user):
        return qs
    if not roles.is_staff_member(user):
        return qs.none()
    assigned = _case_model().objects.filter(assigned_monitors=user)
    return qs.filter(condition(assigned.values("pk"), assigned.values("person_id")))


def readable_people(user, qs: QuerySet) -> QuerySet:
    """Narrow a queryset of people to those a monitor works on (a case assigned)."""
    if roles.sees_confidential(user):
        return qs
    return qs.filter(pk__in=workable_cases(user).values("person_id"))


def readable(user, qs: QuerySet) -> QuerySet:
    """Narrow a queryset of visits, observations, hunger strikes, events or
    evidence files to those whose internal content `user` may read."""
    from cases.models import Event, EvidenceFile, HealthObservation, HungerStrike, PrisonVisit

    model = qs.model

    def of_visit(prefix=""):
        def condition(case_ids, person_ids):
            return Q(**{f"{prefix}case__in": case_ids}) | Q(
                **{f"{prefix}case__isnull": True, f"{prefix}person__in": person_ids}
            )

        return condition

    if model in (PrisonVisit, HungerStrike):
        return _restricted(user, qs, of_visit())
    if model is Event:
        return _restricted(user, qs, lambda case_ids, _p: Q(case__in=case_ids))
    if model is HealthObservation:
        return _restricted(
            user,
            qs,
            lambda case_ids, person_ids: (
                Q(visit__isnull=True, person__in=person_ids)
                | of_visit("visit__")(case_ids, person_ids)
            ),
        )
    if model is EvidenceFile:
        return _restricted(
            user,
            qs,
            lambda case_ids, person_ids: (
                Q(visit__isnull=False) & of_visit("visit__")(case_ids, person_ids)
                | Q(observation__visit__isnull=True, observation__person__in=person_ids)
                | Q(observation__visit__isnull=False)
                & of_visit("observation__visit__")(case_ids, person_ids)
            ),
        )
    raise TypeError(f"No list rule for {model.__name__}")


def may_import(user) -> bool:
    """Upload CSV files and merge duplicate people (/imports/): editors and
    administrators. Publishing with an import also needs may_publish."""
    return _rules.test_rule("import", user)
