"""Business actions of the monitors' workspace and the editorial workflow.

One function per action: keyword-only arguments, one transaction, every object
validated with full_clean(), authorship stamped and the history user set. Views,
admin actions, importers and tasks call these, never the ORM directly.

Policy: cases.policy decides who may do what (publishing from the permission
`cases.publish_case`; a monitor works only on assigned cases). A change to a
published case is staged: the public sees it once an editor publishes, so a
monitor may mark a record public as a proposal. The editorial state changes
only here, through the Case's state machine, each step with one Publication row.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Model, Q
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django_fsm import can_proceed

from cases import evidence as evidence_rules
from cases import policy, review
from cases.health import refresh_health_due
from cases.models import (
    Case,
    CaseOfficial,
    Event,
    EvidenceFile,
    HealthObservation,
    HungerStrike,
    Official,
    PrisonVisit,
    Publication,
    Source,
)
from cases.signals import publications_created
from cases.snapshots import (
    CASE_FIELDS,
    PERSON_FIELDS,
    SECTIONS,
    build_snapshot,
    build_snapshots,
    diff_snapshots,
)
from casetracker.records import Visibility
from casetracker.security.log import security_event_on_commit
from people.models import Person, PersonRelation
from people.names import normalize_name

# Case fields an assigned monitor may change while the case is live.
CASE_INTERNAL_FIELDS = ("internal_notes", "health_check_interval_days", "visit_interval_days")
CASE_EDITABLE_FIELDS = (*CASE_FIELDS, *CASE_INTERNAL_FIELDS, "visibility")


# --- helpers ---------------------------------------------------------------


def _stamp(obj: Model, by, reason: str | None = None) -> None:
    if obj.pk is None and hasattr(obj, "created_by_id"):
        obj.created_by = by
    if hasattr(obj, "updated_by_id"):
        obj.updated_by = by
    obj._history_user = by
    if reason:
        obj._change_reason = reason


def _save(obj: Model, by, reason: str | None = None) -> Model:
    _stamp(obj, by, reason)
    obj.full_clean()
    obj.save()
    return obj


def _assign(obj: Model, data: Mapping[str, Any], allowed: Iterable[str]) -> None:
    allowed = set(allowed)
    unknown = set(data) - allowed
    if unknown:
        # A programming error, not user input: forms list their fields explicitly.
        raise TypeError(f"{type(obj).__name__}: unexpected fields {sorted(unknown)}")
    for name, value in data.items():
        setattr(obj, name, value)


PROPOSE_FOR_PUBLICATION = _lazy("Public — proposed: published when an editor publishes the case")


def visibility_choices(*, by, person: Person) -> list[tuple[str, str]]:
    """The visibilities `by` may give a new record of this person (a visit, an
    observation). Every one: on a published case a monitor's "public" is a
    proposal, which reaches the public only when an editor publishes (labelled so)."""
    if policy.may_publish(by) or not Person.objects.public().filter(pk=person.pk).exists():
        return list(Visibility.choices)
    return [
        (value, PROPOSE_FOR_PUBLICATION if value == Visibility.PUBLIC else label)
        for value, label in Visibility.choices
    ]


def people_refused_public(*, by, people) -> set[int]:
    """Ids among `people` whose new records `by` may not make public: none since
    edits are staged (kept for the visit form's widget)."""
    return set()


def _require_publisher(by) -> None:
    if not policy.may_publish(by):
        raise PermissionDenied(_("You may not publish: ask an editor."))


def _require_edit(by, record: Model) -> None:
    if by is not None and not policy.may_edit(by, record):
        raise PermissionDenied(_("This record belongs to a case you are not assigned to."))


def _prefixed(error: ValidationError, prefix: str) -> ValidationError:
    """Re-key a model's field errors as `<prefix>-<field>`, the name of the form field."""
    if hasattr(error, "error_dict"):
        return ValidationError(
            {f"{prefix}-{name}": errors for name, errors in error.error_dict.items()}
        )
    return ValidationError({prefix: error.messages})


def _cite(obj: Model, sources: Sequence[Source]) -> None:
    if sources:
        obj.sources.add(*sources)


# --- visits, observations, sources --------------------------------------------

VISIT_FIELDS = (
    "facility",
    "visited_on",
    "kind",
    "outcome",
    "refusal_reason",
    "visitors",
    "internal_report",
    "public_summary",
    "visibility",
)
OBSERVATION_FIELDS = (
    "observed_on",
    "observed_time",
    "date_is_approximate",
    "kind",
    "weight_kg",
    "description",
    "visibility",
)
SOURCE_FIELDS = (
    "kind",
    "title",
    "author",
    "publisher",
    "url",
    "reference",
    "date",
    "reliability",
    "identity_confidential",
    "notes",
    "visibility",
)
EVENT_FIELDS = ("kind", "date", "title", "description", "location", "visibility")
STRIKE_FIELDS = ("started_on", "kind", "demands", "visibility")


@transaction.atomic
def record_visit(
    *,
    by,
    case: Case,
    visit: Mapping[str, Any],
    observations: Sequence[Mapping[str, Any]] = (),
    sources: Sequence[Mapping[str, Any]] = (),
    idempotency_key: uuid.UUID | None = None,
) -> PrisonVisit:
    """A visit report with its health observations and sources: all saved, or none.

    Observations default to the visit's date; every source of the report is cited
    by the visit and by each observation. Errors of the i-th observation or source
    are keyed `observations-<i>-<field>` / `sources-<i>-<field>`.

    With an idempotency key (a device's outbox sends one per report), sending the
    same report again returns the visit the first send created, whatever else the
    resend carries; the unique column settles two sends racing.
    """
    if idempotency_key is not None:
        existing = _sent_before(by, idempotency_key)
        if existing is not None:
            return existing
    new_visit = PrisonVisit(person=case.person, case=case, idempotency_key=idempotency_key)
    _assign(new_visit, visit, VISIT_FIELDS)
    _stamp(new_visit, by)
    new_visit.full_clean(exclude=["idempotency_key"])
    try:
        with transaction.atomic():
            new_visit.save()
    except IntegrityError:
        # The same report, sent twice at once: the other send won.
        existing = _sent_before(by, idempotency_key) if idempotency_key else None
        if existing is None:
            raise
        return existing

    saved_sources = []
    for i, data in enumerate(sources):
        source = Source()
        _assign(source, data, SOURCE_FIELDS)
        try:
            saved_sources.append(_save(source, by))
        except ValidationError as error:
            raise _prefixed(error, f"sources-{i}") from None
    _cite(new_visit, saved_sources)

    for i, data in enumerate(observations):
        obs = HealthObservation(person=case.person, visit=new_visit)
        _assign(obs, data, OBSERVATION_FIELDS)
        if not obs.observed_on:
            obs.observed_on = new_visit.visited_on
        try:
            _save(obs, by)
        except ValidationError as error:
            raise _prefixed(error, f"observations-{i}") from None
        _cite(obs, saved_sources)

    if observations:
        refresh_health_due(person_ids=[case.person_id])
    return new_visit


def _sent_before(by, key: uuid.UUID) -> PrisonVisit | None:
    visit = PrisonVisit.objects.filter(idempotency_key=key).first()
    if visit is not None and visit.created_by_id != by.pk:
        # A key is the device's secret; another account's key reveals nothing.
        raise ValidationError(_("This report cannot be saved; open a new form and try again."))
    return visit


@transaction.atomic
def update_visit(*, by, visit: PrisonVisit, data: Mapping[str, Any]) -> PrisonVisit:
    _require_edit(by, visit)
    _assign(visit, data, VISIT_FIELDS)
    return _save(visit, by)


@transaction.atomic
def record_observation(
    *,
    by,
    person: Person,
    data: Mapping[str, Any],
    visit: PrisonVisit | None = None,
    sources: Sequence[Source] = (),
) -> HealthObservation:
    obs = HealthObservation(person=person, visit=visit)
    _assign(obs, data, OBSERVATION_FIELDS)
    _save(obs, by)
    _cite(obs, sources)
    refresh_health_due(person_ids=[person.pk])
    return obs


@transaction.atomic
def update_observation(
    *, by, observation: HealthObservation, data: Mapping[str, Any]
) -> HealthObservation:
    _require_edit(by, observation)
    _assign(observation, data, OBSERVATION_FIELDS)
    _save(observation, by)
    refresh_health_due(person_ids=[observation.person_id])
    return observation


@transaction.atomic
def create_source(*, by, data: Mapping[str, Any]) -> Source:
    source = Source()
    _assign(source, data, SOURCE_FIELDS)
    return _save(source, by)


@transaction.atomic
def update_source(*, by, source: Source, data: Mapping[str, Any]) -> Source:
    _require_edit(by, source)
    _assign(source, data, SOURCE_FIELDS)
    return _save(source, by)


# --- timeline events -------------------------------------------------------------


@transaction.atomic
def record_event(
    *, by, case: Case, data: Mapping[str, Any], sources: Sequence[Source] = ()
) -> Event:
    event = Event(case=case)
    _assign(event, data, EVENT_FIELDS)
    _save(event, by)
    _cite(event, sources)
    return event


@transaction.atomic
def update_event(*, by, event: Event, data: Mapping[str, Any]) -> Event:
    _require_edit(by, event)
    _assign(event, data, EVENT_FIELDS)
    return _save(event, by)


# --- officials and their part in a case -------------------------------------------

OFFICIAL_FIELDS = ("full_name", "kind", "country", "institution", "visibility")
OFFICIAL_PART_FIELDS = ("official", "role", "decision", "date", "visibility")


def _official_slug(full_name: str) -> str:
    base = slugify(normalize_name(full_name))[:200].strip("-") or "official"
    taken = set(Official.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    slug, n = base, 1
    while slug in taken:
        n += 1
        slug = f"{base}-{n}"
    return slug


@transaction.atomic
def create_official(*, by, data: Mapping[str, Any]) -> Official:
    official = Official()
    _assign(official, data, OFFICIAL_FIELDS)
    official.slug = _official_slug(official.full_name or "")
    return _save(official, by)


@transaction.atomic
def record_official_part(
    *,
    by,
    case: Case,
    data: Mapping[str, Any],
    new_official: Mapping[str, Any] | None = None,
    sources: Sequence[Source] = (),
) -> CaseOfficial:
    """An official's part in `case`: an existing official, or a new one
    (`new_official`: their name, kind, institution; by default the case's country
    and the part's visibility). Errors of the new official are keyed
    `new_official-<field>`."""
    _require_edit(by, case)
    data = dict(data)
    if new_official:
        try:
            data["official"] = create_official(
                by=by,
                data={
                    "country": case.country,
                    "visibility": data.get("visibility", Visibility.INTERNAL),
                    **new_official,
                },
            )
        except ValidationError as error:
            raise _prefixed(error, "new_official") from None
    if not data.get("official"):
        raise ValidationError({"official": _("Choose the official, or name a new one.")})
    part = CaseOfficial(case=case)
    _assign(part, data, OFFICIAL_PART_FIELDS)
    _save(part, by)
    _cite(part, sources)
    return part


@transaction.atomic
def update_official_part(*, by, part: CaseOfficial, data: Mapping[str, Any]) -> CaseOfficial:
    _require_edit(by, part)
    _assign(part, data, OFFICIAL_PART_FIELDS)
    return _save(part, by)


# --- hunger strikes ----------------------------------------------------------------


@transaction.atomic
def start_hunger_strike(
    *,
    by,
    person: Person,
    case: Case | None = None,
    data: Mapping[str, Any],
    sources: Sequence[Source] = (),
) -> HungerStrike:
    if HungerStrike.objects.active().ongoing().filter(person=person).exists():
        raise ValidationError(
            {"started_on": _("This person already has an ongoing hunger strike: end it first.")}
        )
    strike = HungerStrike(person=person, case=case)
    _assign(strike, data, STRIKE_FIELDS)
    if strike.started_on is None:
        raise ValidationError({"started_on": _("An ongoing hunger strike needs its start date.")})
    _save(strike, by, reason="hunger strike started")
    _cite(strike, sources)
    refresh_health_due(person_ids=[person.pk])
    return strike


@transaction.atomic
def update_hunger_strike(*, by, strike: HungerStrike, data: Mapping[str, Any]) -> HungerStrike:
    _require_edit(by, strike)
    _assign(strike, data, STRIKE_FIELDS)
    _save(strike, by)
    refresh_health_due(person_ids=[strike.person_id])
    return strike


@transaction.atomic
def end_hunger_strike(*, by, strike: HungerStrike, ended_on, outcome: str) -> HungerStrike:
    if not strike.is_ongoing:
        raise ValidationError({"ended_on": _("This hunger strike has already ended.")})
    if not outcome:
        raise ValidationError({"outcome": _("Say how the hunger strike ended.")})
    _require_edit(by, strike)
    strike.ended_on = ended_on
    strike.outcome = outcome
    _save(strike, by, reason="hunger strike ended")
    refresh_health_due(person_ids=[strike.person_id])
    return strike


# --- cases -----------------------------------------------------------------


@transaction.atomic
def update_case(*, by, case: Case, data: Mapping[str, Any]) -> Case:
    """Edit a case. While the case is live, a monitor may change only internal fields."""
    allowed = CASE_EDITABLE_FIELDS
    if not policy.may_publish(by) and case.is_published:
        allowed = CASE_INTERNAL_FIELDS
    if not policy.may_publish(by) and data.get("visibility", case.visibility) != case.visibility:
        raise PermissionDenied(_("Only an editor changes a case's visibility."))
    interval_before = case.health_check_interval_days
    _assign(case, data, allowed)
    _save(case, by)
    if case.health_check_interval_days != interval_before:
        refresh_health_due(person_ids=[case.person_id])
    return case


# --- relatives and lawyers ----------------------------------------------------------

RELATION_FIELDS = ("other", "kind", "relation", "since", "until", "notes", "visibility")


def _unused_person_slug(name: str) -> str:
    from django.utils.text import slugify

    from people.names import normalize_name

    base = slugify(normalize_name(name))[:200].strip("-") or "person"
    slug, n = base, 1
    while Person.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


@transaction.atomic
def add_person_relation(
    *, by, person: Person, data: Mapping[str, Any], new_person_name: str = ""
) -> PersonRelation:
    """Link a relative or a lawyer to `person` (cases.policy.may_read_relations).

    The linked person is an existing one (`data["other"]`) or, with
    `new_person_name`, a new person record created with the relation's own
    visibility (internal or confidential): never public."""
    if by is not None and not policy.may_read_relations(by, person):
        raise PermissionDenied(_("This person belongs to a case you are not assigned to."))
    relation = PersonRelation(person=person)
    _assign(relation, data, RELATION_FIELDS)
    name = (new_person_name or "").strip()
    if name:
        if relation.other_id is not None:
            raise ValidationError(
                {"new_person_name": _("Choose a person or type a new name, not both.")}
            )
        other = Person(full_name=name, slug=_unused_person_slug(name))
        other.visibility = (
            relation.visibility
            if relation.visibility in (Visibility.INTERNAL, Visibility.CONFIDENTIAL)
            else Visibility.CONFIDENTIAL
        )
        try:
            _save(other, by, reason="added as a relative or lawyer")
        except ValidationError as error:
            raise ValidationError({"new_person_name": error.messages}) from None
        relation.other = other
    elif relation.other_id is None:
        raise ValidationError({"other": _("Choose a person, or type the name of a new one.")})
    return _save(relation, by)


# --- evidence ----------------------------------------------------------------------


@transaction.atomic
def attach_evidence(
    *,
    by,
    upload: UploadedFile,
    visit: PrisonVisit | None = None,
    observation: HealthObservation | None = None,
    description: str = "",
    visibility: str = Visibility.INTERNAL,
) -> EvidenceFile:
    """Store an uploaded file after checking its size and sniffed type; record its SHA-256."""
    content_type = evidence_rules.check_upload(upload)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    evidence = EvidenceFile(
        visit=visit,
        observation=observation,
        original_name=evidence_rules.download_name(upload.name, content_type),
        content_type=content_type,
        size=upload.size,
        sha256=digest.hexdigest(),
        description=description,
        visibility=visibility,
    )
    evidence.file = upload
    # The file is public only with its parent (EvidenceFile.restrict_to_published).
    return _save(evidence, by)


# --- editorial workflow ---------------------------------------------------------------


def _log(*, case: Case, by, action: str, from_state: str, **fields) -> Publication:
    """Record the editorial action in the case's publication log and, once the
    transaction has committed (a rolled-back action did not happen), in the
    security log: identifiers and states only, never content."""
    publication = Publication.objects.create(case=case, actor=by, action=action, **fields)
    security_event_on_commit(
        f"case_{Publication.Action(action).value}",
        user=by,
        case_id=case.pk,
        from_state=from_state,
        to_state=case.editorial_state,
        object_type="publication",
        object_id=publication.pk,
        visibility=case.visibility,
    )
    return publication


def _locked(case: Case) -> Case:
    # Two editors publishing at once must not interleave their snapshots.
    return Case.objects.select_for_update().select_related("person").get(pk=case.pk)


def current_changes(case: Case):
    """Changes to the public content since the last publication (all of it if none)."""
    last = Publication.objects.last_published(case)
    return diff_snapshots(last.snapshot if last else None, build_snapshot(case))


@transaction.atomic
def submit_for_review(*, by, case: Case, comment: str = "") -> Publication:
    case = _locked(case)
    if not can_proceed(case.submit):
        raise ValidationError(_("Only a draft can be submitted for review."))
    from_state = case.editorial_state
    case.submit()
    _save(case, by, reason="submitted for review")
    return _log(
        case=case,
        by=by,
        action=Publication.Action.SUBMITTED,
        from_state=from_state,
        comment=comment,
    )


@transaction.atomic
def return_to_draft(*, by, case: Case, comment: str = "") -> Publication:
    _require_publisher(by)
    case = _locked(case)
    if not can_proceed(case.return_to_draft):
        raise ValidationError(_("Only a case in review can be returned to draft."))
    from_state = case.editorial_state
    case.return_to_draft()
    _save(case, by, reason="returned to draft")
    return _log(
        case=case,
        by=by,
        action=Publication.Action.RETURNED,
        from_state=from_state,
        comment=comment,
    )


@transaction.atomic
def publish_case(*, by, case: Case, comment: str = "", correction_note: str = "") -> Publication:
    """Publish (or re-publish) a case and record what the public now sees.

    A public correction note may only accompany a case that is already published:
    it corrects a fact the public has seen.
    """
    _require_publisher(by)
    case = _locked(case)
    if case.is_archived:
        raise ValidationError(_("An archived case cannot be published."))
    correction_note = correction_note.strip()
    if correction_note and not case.is_published:
        raise ValidationError(
            {"correction_note": _("A correction note is for a case that is already published.")}
        )
    if case.visibility == Visibility.CONFIDENTIAL:
        raise ValidationError(
            _("This case is confidential: change its visibility before publishing it.")
        )
    from_state = case.editorial_state
    # Publishing an internal case is the decision to make it public.
    case.visibility = Visibility.PUBLIC
    case.publish()
    _save(case, by, reason="published")
    snapshot = build_snapshot(case)
    last = Publication.objects.last_published(case)
    changes = diff_snapshots(last.snapshot if last else None, snapshot)
    review.clear(case)
    return _log(
        case=case,
        by=by,
        action=Publication.Action.PUBLISHED,
        from_state=from_state,
        snapshot=snapshot,
        changes=[c.as_dict() for c in changes],
        comment=comment,
        correction_note=correction_note,
    )


PUBLISH_BATCH = 500


def publish_many(
    *,
    by,
    cases,
    comment: str = "",
    batch_size: int = PUBLISH_BATCH,
    progress=None,
) -> int:
    """Publish many cases at once (an import, the synthetic data): publish_case's
    road, set-based. Each case takes the same state machine transition and gets
    one Publication with its version and a security-log event; the versions are
    built a batch at a time (cases.snapshots.build_snapshots) and the read model
    is written once per batch (the `publications_created` signal), so the
    number of queries grows with the number of batches, not of cases.

    A case already published whose content equals its last published version
    is left alone (no new Publication). Archived and confidential cases are
    refused, before anything is written. Returns the number of cases published.
    Each batch is its own transaction: `progress(done, total)` is told after each.
    """
    _require_publisher(by)
    ids = sorted({c.pk if isinstance(c, Case) else int(c) for c in cases})
    refused = Case.objects.filter(pk__in=ids).filter(
        Q(archived_at__isnull=False) | Q(visibility=Visibility.CONFIDENTIAL)
    )
    if refused.exists():
        raise ValidationError(
            _("Archived or confidential cases cannot be published: %(slugs)s.")
            % {"slugs": ", ".join(refused.order_by("slug").values_list("slug", flat=True)[:10])}
        )
    published = 0
    for start in range(0, len(ids), batch_size):
        published += _publish_batch(by=by, ids=ids[start : start + batch_size], comment=comment)
        if progress is not None:
            progress(min(start + batch_size, len(ids)), len(ids))
    return published


@transaction.atomic
def _publish_batch(*, by, ids: list[int], comment: str) -> int:
    cases = list(
        Case.objects.select_for_update().select_related("person").filter(pk__in=ids).order_by("pk")
    )
    last = Publication.objects.last_published_of([c.pk for c in cases])
    now = timezone.now()
    from_states = {case.pk: case.editorial_state for case in cases}
    # The state first, so that links between the batch's cases name each other.
    moving = [c for c in cases if not (c.is_published and c.visibility == Visibility.PUBLIC)]
    for case in moving:
        case.visibility = Visibility.PUBLIC
        case.publish()
    _stamp_many(
        moving,
        by,
        now,
        editorial_state=Case.EditorialState.PUBLISHED,
        visibility=Visibility.PUBLIC,
    )
    snapshots = build_snapshots(cases)
    publications, changed = [], []
    moved = {c.pk for c in moving}
    for case in cases:
        previous = last.get(case.pk)
        changes = diff_snapshots(previous.snapshot if previous else None, snapshots[case.pk])
        if case.pk not in moved and previous is not None and not changes:
            continue  # published as it is: nothing to publish
        changed.append(case)
        publications.append(
            Publication(
                case=case,
                actor=by,
                action=Publication.Action.PUBLISHED,
                created_at=now,
                snapshot=snapshots[case.pk],
                changes=[c.as_dict() for c in changes],
                comment=comment,
            )
        )
    _stamp_many([c for c in changed if c.pk not in moved], by, now)
    Case.history.bulk_history_create(
        changed, update=True, default_user=by, default_change_reason="published", default_date=now
    )
    review.clear_many([c.pk for c in changed])
    publications = Publication.objects.bulk_create(publications)
    publications_created.send(sender=Publication, publications=publications)
    for publication in publications:
        case = publication.case
        security_event_on_commit(
            f"case_{Publication.Action.PUBLISHED.value}",
            user=by,
            case_id=case.pk,
            from_state=from_states[case.pk],
            to_state=case.editorial_state,
            object_type="publication",
            object_id=publication.pk,
            visibility=case.visibility,
        )
    return len(publications)


def _stamp_many(cases: list[Case], by, now, **fields) -> None:
    """One UPDATE for what _save would stamp on each case (and `fields`)."""
    if not cases:
        return
    for case in cases:
        case.updated_by = by
        case.updated_at = now
    Case.objects.filter(pk__in=[c.pk for c in cases]).update(
        updated_by=by, updated_at=now, **fields
    )


@transaction.atomic
def unpublish_case(*, by, case: Case, comment: str = "") -> Publication:
    _require_publisher(by)
    case = _locked(case)
    if not can_proceed(case.unpublish):
        raise ValidationError(_("This case is not published."))
    from_state = case.editorial_state
    case.unpublish()
    _save(case, by, reason="unpublished")
    return _log(
        case=case,
        by=by,
        action=Publication.Action.UNPUBLISHED,
        from_state=from_state,
        comment=comment,
    )


def _apply(obj: Model, data: Mapping[str, Any], fields: Iterable[str]) -> None:
    for name in fields:
        model_field = obj._meta.get_field(name)
        value = data.get(name)
        if model_field.is_relation:
            setattr(obj, model_field.attname, value["id"] if value else None)
        elif value is None:
            setattr(obj, name, None if model_field.null else model_field.get_default())
        else:
            setattr(obj, name, model_field.to_python(value))


@transaction.atomic
def restore_publication(*, by, publication: Publication, comment: str = "") -> Publication:
    """Make the public page what `publication` published, and publish that.

    Works from the stored snapshot rather than simple-history's as_of(): the
    snapshot holds exactly the public content, so internal fields and internal
    records written since (a monitor's report, a confidential note) are left
    alone, while history.as_of() would roll those back too. Every write goes
    through save(), so the restore itself is in each record's history and can be
    undone by restoring a later publication.

    Steps: write back the case's and person's public fields; for each section,
    put each snapshotted record back (fields, public, unarchived, its public
    sources) and make internal the public records the snapshot did not have;
    publish, and log a RESTORED entry with the new snapshot.
    """
    _require_publisher(by)
    target = publication.snapshot
    if not target:
        raise ValidationError(_("This entry did not publish a version; nothing to restore."))
    case = _locked(publication.case)
    if case.visibility == Visibility.CONFIDENTIAL:
        raise ValidationError(
            _("This case is confidential: change its visibility before publishing it.")
        )
    person = case.person
    reason = f"restored publication #{publication.pk}"

    from_state = case.editorial_state
    _apply(case, target["case"], CASE_FIELDS)
    case.restore_version()
    case.visibility = Visibility.PUBLIC
    _save(case, by, reason)
    _apply(person, target["person"], PERSON_FIELDS)
    _save(person, by, reason)

    for section in SECTIONS:
        owner = case if section.owner == "case" else person
        wanted = target.get(section.key, {})
        rows = section.model.objects.filter(**{section.path: owner})
        for obj in rows.publishable().exclude(pk__in=[int(pk) for pk in wanted]):
            obj.visibility = Visibility.INTERNAL
            _save(obj, by, reason)
        existing = rows.in_bulk([int(pk) for pk in wanted])
        for pk, data in wanted.items():
            obj = existing.get(int(pk))
            if obj is None:  # records are archived, never deleted; be safe anyway
                continue
            _apply(obj, data, section.fields)
            obj.visibility = Visibility.PUBLIC
            obj.archived_at = None
            obj.archived_by = None
            _save(obj, by, reason)
            if section.cites:
                wanted_sources = {s["id"] for s in data.get("sources", [])}
                public_now = set(obj.sources.publishable().values_list("pk", flat=True))
                obj.sources.remove(*(public_now - wanted_sources))
                obj.sources.add(*Source.objects.filter(pk__in=wanted_sources - public_now))

    refresh_health_due(person_ids=[person.pk])
    # The public sees the stored version itself (what was approved then), not
    # whatever the write-back above managed to reproduce.
    snapshot = target
    last = Publication.objects.last_published(case)
    review.clear(case)
    return _log(
        case=case,
        by=by,
        action=Publication.Action.RESTORED,
        from_state=from_state,
        snapshot=snapshot,
        changes=[c.as_dict() for c in diff_snapshots(last.snapshot if last else None, snapshot)],
        comment=comment,
        restored_from=publication,
    )
