"""The version of a case: its public content as a deterministic JSON document, and diffs.

A version holds everything the case's public pages show: the case's and the
person's declared public fields, every publishable child record (public and not
archived) with the publishable sources it cites, and the references those facts
need (legal articles, facilities, officials, organizations and their legal
status, sources).
Which fields are public is declared once, in cases.publicity: internal fields
(internal notes, a visit's internal report and visitors, source notes, a
confidential source's identity) are not declared, so they can never enter a
version, a diff, a restore or the public read model (public/), which is written
from versions only.

A person's records that belong to ANOTHER case (their `case` points elsewhere:
a draft second case, say) are not in this case's version.

Each publication stores the version it made public; the review page diffs the
current version against the last one, a restore writes a stored version back
(cases.services.restore_publication), and public.writer fills the read model.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import functools
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Model, Prefetch
from django.db.models.fields.files import FieldFile
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from cases.models import (
    AdditionalPunishment,
    Case,
    CaseLink,
    CaseOfficial,
    Charge,
    DeathInCustody,
    Detention,
    Event,
    Facility,
    HealthObservation,
    HungerStrike,
    LegalArticle,
    Official,
    PrisonVisit,
    Proceeding,
    Recognition,
    Sentence,
    Source,
)
from cases.publicity import BY_MODEL, public_fields
from casetracker.partial_dates import PartialDate
from people.models import Membership, NameVariant, Organization, OrganizationStatus, Person

SNAPSHOT_VERSION = 2

# While a batch of versions is built: the label of each record a row points to.
_LABELS: contextvars.ContextVar[dict | None] = contextvars.ContextVar("labels", default=None)

# The owner of the page is implied by the version: not repeated in its records.
CASE_FIELDS = tuple(f for f in public_fields(Case) if f != "person")
PERSON_FIELDS = tuple(f for f in public_fields(Person) if f not in {"name_normalized", "photo"})
# A confidential source is shown as "Confidential source": its identity is not in the version.
SOURCE_IDENTITY = ("title", "author", "publisher", "url", "reference")


@dataclass(frozen=True)
class Section:
    key: str
    model: type[Model]
    owner: str  # "case" or "person": whose version holds the rows
    # the path from a row to its owner, when it is not the owner's name: a case
    # link is its from_case's, an additional punishment its sentence's case's
    via: str = ""

    @property
    def path(self) -> str:
        return self.via or self.owner

    @property
    def fields(self) -> tuple[str, ...]:
        return tuple(
            f for f in public_fields(self.model) if f not in {self.path, "name_normalized"}
        )

    @property
    def cites(self) -> bool:
        return BY_MODEL[self.model].cites


SECTIONS = (
    Section("charges", Charge, "case"),
    Section("sentences", Sentence, "case"),
    Section("additional_punishments", AdditionalPunishment, "case", via="sentence__case"),
    Section("recognitions", Recognition, "case"),
    Section("events", Event, "case"),
    Section("case_links", CaseLink, "case", via="from_case"),
    Section("case_officials", CaseOfficial, "case"),
    Section("name_variants", NameVariant, "person"),
    Section("memberships", Membership, "person"),
    Section("detentions", Detention, "person"),
    Section("deaths_in_custody", DeathInCustody, "person"),
    Section("hunger_strikes", HungerStrike, "person"),
    Section("health_observations", HealthObservation, "person"),
    Section("visits", PrisonVisit, "person"),
)
SECTIONS_BY_KEY = {section.key: section for section in SECTIONS}

# What the case's facts cite or point to, made public with it (listed first in the diff).
REFERENCES = (
    ("legal_articles", LegalArticle),
    ("facilities", Facility),
    ("officials", Official),
    ("proceedings", Proceeding),
    ("organizations", Organization),
    ("organization_statuses", OrganizationStatus),
    ("sources", Source),
)
REFERENCES_BY_KEY = dict(REFERENCES)
MODEL_OF = {
    "case": Case,
    "person": Person,
    **{s.key: s.model for s in SECTIONS},
    **REFERENCES_BY_KEY,
}


def _json_value(obj: Model, name: str):
    model_field = obj._meta.get_field(name)
    if model_field.is_relation:
        related = getattr(obj, name)
        if related is None:
            return None
        labels = _LABELS.get()
        if labels is None:
            return {"id": related.pk, "label": str(related)}
        key = (type(related), related.pk)
        if key not in labels:  # one str() per record and batch: thousands point to one case
            labels[key] = str(related)
        return {"id": related.pk, "label": labels[key]}
    value = getattr(obj, name)
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, Decimal | PartialDate):
        return str(value)
    if isinstance(value, FieldFile):
        return value.name or ""
    return value


def source_label(source: Source) -> str:
    """How a source may be named publicly: a confidential identity is never named."""
    if source.identity_confidential:
        return _("Confidential source")
    return f"{source.title} <{source.url}>" if source.url else source.title


def _record(obj: Model, fields: tuple[str, ...], cites: bool) -> dict:
    data = {name: _json_value(obj, name) for name in fields}
    data["_label"] = str(obj)
    data["_created_at"] = obj.created_at.isoformat()
    if cites:
        data["sources"] = sorted(
            ({"id": s.pk, "label": source_label(s)} for s in obj.public_sources),
            key=lambda s: s["id"],
        )
    return data


def _source_record(source: Source) -> dict:
    data = _record(source, public_fields(Source), cites=False)
    if source.identity_confidential:
        for name in SOURCE_IDENTITY:
            data[name] = ""
        data["_label"] = source_label(source)
    return data


def _sources_prefetch() -> Prefetch:
    return Prefetch("sources", Source.objects.publishable(), to_attr="public_sources")


def _owner_id(section: Section, obj: Model) -> int:
    """The id of the case or person whose version holds `obj` (its `path`, walked)."""
    *hops, last = section.path.split("__")
    for hop in hops:
        obj = getattr(obj, hop)
    return getattr(obj, f"{last}_id")


def _of_this_case(section: Section, obj: Model, case_id: int) -> bool:
    """A person's record belongs to this case's version unless it names another case."""
    if section.owner == "case":
        return True
    names = {f.name for f in section.model._meta.get_fields()}
    if "case" in names:
        return obj.case_id is None or obj.case_id == case_id
    if "visit" in names:  # an observation made on another case's visit
        visit = obj.visit
        return visit is None or visit.case_id is None or visit.case_id == case_id
    return True


REFERENCE_LINKS = (
    ("article", "legal_articles"),
    ("facility", "facilities"),
    ("organization", "organizations"),
    ("recognizer", "organizations"),
    ("official", "officials"),
)


def build_snapshot(case: Case) -> dict:
    """The version of `case` now (build_snapshots for one case)."""
    return build_snapshots([case])[case.pk]


def build_snapshots(cases) -> dict[int, dict]:
    """The versions of `cases` now, by case id: a fixed number of queries for the
    whole batch (about two per section and one per reference table), whatever its
    size. `cases` carry their person (select_related("person"))."""
    token = _LABELS.set({})
    try:
        return _build_snapshots(list(cases))
    finally:
        _LABELS.reset(token)


def _build_snapshots(cases: list[Case]) -> dict[int, dict]:
    by_person: dict[int, list[Case]] = {}
    for case in cases:
        by_person.setdefault(case.person_id, []).append(case)
    snapshots = {
        case.pk: {
            "version": SNAPSHOT_VERSION,
            "case": _record(case, public_fields(Case), cites=False),
            "person": _record(case.person, public_fields(Person), cites=False),
        }
        for case in cases
    }
    cited: dict[int, set[int]] = {case.pk: set() for case in cases}
    wanted: dict[int, dict[str, set[int]]] = {
        case.pk: {key: set() for key, _model in REFERENCES} for case in cases
    }
    for case in cases:
        proceeding = snapshots[case.pk]["case"].get("proceeding")
        if proceeding:
            wanted[case.pk]["proceedings"].add(proceeding["id"])
    for section in SECTIONS:
        declared = public_fields(section.model)
        owners = list(snapshots) if section.owner == "case" else list(by_person)
        qs = section.model.objects.publishable().filter(**{f"{section.path}__in": owners})
        related = [
            f"{name}__person" if name in {"case", "visit", "to_case"} else name
            for name in declared
            if section.model._meta.get_field(name).is_relation
        ]
        qs = qs.select_related(*related)
        if section.cites:
            qs = qs.prefetch_related(_sources_prefetch())
        for snapshot in snapshots.values():
            snapshot[section.key] = {}
        for obj in qs.order_by("pk"):
            record = _record(obj, declared, section.cites)
            owner_id = _owner_id(section, obj)
            if section.owner == "case":
                targets = [owner_id]
            else:
                targets = [c.pk for c in by_person[owner_id] if _of_this_case(section, obj, c.pk)]
            for case_id in targets:
                snapshots[case_id][section.key][str(obj.pk)] = dict(record)
                cited[case_id].update(s["id"] for s in record.get("sources", []))
                for name, key in REFERENCE_LINKS:
                    if name in declared and record.get(name):
                        wanted[case_id][key].add(record[name]["id"])
    _hide_unpublished_links(snapshots.values())
    references = _ReferenceRecords(wanted.values(), cited.values())
    for case_id, snapshot in snapshots.items():
        _drop_hidden_links(snapshot)
        snapshot["references"] = references.of(wanted[case_id], cited[case_id])
        _drop_unshown_references(snapshot)
    return snapshots


def _hide_unpublished_links(snapshots) -> None:
    """A link to a case that is not published keeps its id (the read model's join
    needs it, and shows the link only while both cases are public) but not the
    linked case's name: an unpublished case is named nowhere in a version."""
    linked = {r["to_case"]["id"] for s in snapshots for r in s["case_links"].values()}
    if not linked:
        return
    public = set(Case.objects.public().filter(pk__in=linked).values_list("pk", flat=True))
    for snapshot in snapshots:
        for record in snapshot["case_links"].values():
            if record["to_case"]["id"] not in public:
                record["to_case"] = {"id": record["to_case"]["id"]}
                kind = dict(CaseLink.Kind.choices).get(record["kind"], record["kind"])
                record["_label"] = f"{record['from_case']['label']} — {kind}"


def _drop_hidden_links(snapshot: dict) -> None:
    """A nullable link to a record the version does not hold (an observation of an
    internal visit, a hunger strike of another case) is left empty; an additional
    punishment of a sentence the version does not hold is not in it."""
    visits = snapshot["visits"]
    for record in snapshot["health_observations"].values():
        if record.get("visit") and str(record["visit"]["id"]) not in visits:
            record["visit"] = None
    sentences = snapshot["sentences"]
    snapshot["additional_punishments"] = {
        pk: record
        for pk, record in snapshot["additional_punishments"].items()
        if str(record["sentence"]["id"]) in sentences
    }


class _ReferenceRecords:
    """The references a batch of versions needs, read once (a query per table), then
    handed to each version: those its facts need, publishable, in id order."""

    def __init__(self, wanted: Iterable[dict[str, set[int]]], cited: Iterable[set[int]]):
        wanted, cited = list(wanted), list(cited)
        union = {key: set().union(*(w[key] for w in wanted)) for key, _model in REFERENCES}
        self.records: dict[str, dict[int, dict]] = {}
        for key, model in (
            ("legal_articles", LegalArticle),
            ("facilities", Facility),
            ("officials", Official),
            ("proceedings", Proceeding),
            ("organizations", Organization),
        ):
            rows = model.objects.publishable().filter(pk__in=union[key]).order_by("pk")
            self.records[key] = {
                obj.pk: _record(obj, public_fields(model), cites=False) for obj in rows
            }
        statuses = (
            OrganizationStatus.objects.publishable()
            .filter(organization__in=list(self.records["organizations"]))
            .select_related("organization")
            .prefetch_related(_sources_prefetch())
            .order_by("pk")
        )
        self.statuses: dict[int, list[tuple[int, dict]]] = {}
        status_sources: set[int] = set()
        for status in statuses:
            record = _record(status, public_fields(OrganizationStatus), cites=True)
            self.statuses.setdefault(status.organization_id, []).append((status.pk, record))
            status_sources.update(s["id"] for s in record["sources"])
        sources = Source.objects.publishable().filter(pk__in=set().union(status_sources, *cited))
        self.records["sources"] = {s.pk: _source_record(s) for s in sources.order_by("pk")}

    def _pick(self, key: str, ids: set[int]) -> dict:
        records = self.records[key]
        return {str(pk): records[pk] for pk in sorted(ids) if pk in records}

    def of(self, wanted: dict[str, set[int]], cited: set[int]) -> dict:
        refs = {
            key: self._pick(key, wanted[key])
            for key in ("legal_articles", "facilities", "officials", "proceedings")
        }
        refs["organizations"] = self._pick("organizations", wanted["organizations"])
        statuses = sorted(
            (pk, record)
            for org in refs["organizations"]
            for pk, record in self.statuses.get(int(org), [])
        )
        refs["organization_statuses"] = {str(pk): record for pk, record in statuses}
        cited = set(cited)
        for _pk, record in statuses:
            cited.update(s["id"] for s in record["sources"])
        refs["sources"] = self._pick("sources", cited)
        return refs


def _drop_unshown_references(snapshot: dict) -> None:
    """Links to references that are not public (an internal facility, an internal
    proceeding) stay empty, and a membership of an organization that is not public
    is not shown."""
    refs = snapshot["references"]
    proceeding = snapshot["case"].get("proceeding")
    if proceeding and str(proceeding["id"]) not in refs["proceedings"]:
        snapshot["case"]["proceeding"] = None
    for section_key, name, ref_key in (
        ("detentions", "facility", "facilities"),
        ("visits", "facility", "facilities"),
    ):
        for record in snapshot[section_key].values():
            if record.get(name) and str(record[name]["id"]) not in refs[ref_key]:
                record[name] = None
    snapshot["memberships"] = {
        pk: record
        for pk, record in snapshot["memberships"].items()
        if str(record["organization"]["id"]) in refs["organizations"]
    }
    # an official's part is shown only with its official (an internal official: not at all)
    snapshot["case_officials"] = {
        pk: record
        for pk, record in snapshot.get("case_officials", {}).items()
        if str(record["official"]["id"]) in refs["officials"]
    }


# --- diff -------------------------------------------------------------------


@dataclass
class FieldChange:
    field: str
    label: str
    old: str
    new: str


@dataclass
class RecordChange:
    section: str
    section_label: str
    record: str
    change: str  # "added", "removed" or "changed"
    fields: list[FieldChange] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "section": self.section,
            "record": self.record,
            "change": self.change,
            "fields": [vars(f) for f in self.fields],
        }


def _display(value, model_field=None) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, dict):
        return value.get("label", "")
    if isinstance(value, list):
        return "; ".join(_display(v) for v in value) or "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if model_field is not None and model_field.choices:
        # labels, not codes: "Convicted", not "convicted"
        try:
            return _choice_label(model_field, value, get_language())
        except TypeError:  # not hashable: not one of the choices either
            return str(value)
    return str(value)


@functools.lru_cache(maxsize=4096)
def _choice_label(model_field, value, language) -> str:
    """A choice's label in `language` (cached: a bulk publication diffs thousands)."""
    return str(dict(model_field.flatchoices).get(value, value))


# Structure, not content: the page a record is on, derived columns.
_HIDDEN = {"case", "person", "name_normalized"}


def _model_field(model: type[Model], name: str):
    if name == "sources":
        return None
    try:
        return model._meta.get_field(name)
    except Exception:  # a field a stored older version had and the model no longer has
        return None


def _field_label(model: type[Model], name: str) -> str:
    return _cached_field_label(model, name, get_language())


@functools.lru_cache(maxsize=1024)
def _cached_field_label(model: type[Model], name: str, language) -> str:
    if name == "sources":
        return str(_("sources"))
    model_field = _model_field(model, name)
    return str(model_field.verbose_name) if model_field is not None else name


def _empty(value) -> bool:
    return value is None or value == "" or value == [] or value is False


def _compare(model, old: dict, new: dict) -> list[FieldChange]:
    names = [n for n in new if not n.startswith("_")] or [n for n in old if not n.startswith("_")]
    out = []
    for name in names:
        if name in _HIDDEN or old.get(name) == new.get(name):
            continue
        if _empty(old.get(name)) and _empty(new.get(name)):
            continue  # empty fields are hidden ("" → None is no change)
        model_field = _model_field(model, name)
        out.append(
            FieldChange(
                name,
                _field_label(model, name),
                _display(old.get(name), model_field),
                _display(new.get(name), model_field),
            )
        )
    return out


def _section_changes(key, model, label, before: dict, after: dict) -> list[RecordChange]:
    changes = []
    for pk in sorted(set(before) | set(after), key=int):
        if pk not in before:
            changes.append(
                RecordChange(
                    key, label, after[pk]["_label"], "added", _compare(model, {}, after[pk])
                )
            )
        elif pk not in after:
            changes.append(RecordChange(key, label, before[pk]["_label"], "removed"))
        elif fields := _compare(model, before[pk], after[pk]):
            changes.append(RecordChange(key, label, after[pk]["_label"], "changed", fields))
    return changes


@functools.lru_cache(maxsize=256)
def _plural(model: type[Model], language) -> str:
    return str(model._meta.verbose_name_plural).capitalize()


def diff_snapshots(old: dict | None, new: dict) -> list[RecordChange]:
    """Readable, field-level changes from `old` to `new` (`old` None: all is new).

    The references that go public with the case (articles, facilities,
    organizations, sources) come first, for the editor to confirm; then the case,
    the person and each section. Labels, not codes; empty fields are not listed.
    """
    old = old or {}
    changes: list[RecordChange] = []
    old_refs, new_refs = old.get("references", {}), new.get("references", {})
    for key, model in REFERENCES:
        label = _plural(model, get_language())
        changes += _section_changes(key, model, label, old_refs.get(key, {}), new_refs.get(key, {}))
    for key, model, label in (
        ("case", Case, _("Case")),
        ("person", Person, _("Person")),
    ):
        before, after = old.get(key), new[key]
        if before is None:
            changes.append(
                RecordChange(key, str(label), after["_label"], "added", _compare(model, {}, after))
            )
        elif fields := _compare(model, before, after):
            changes.append(RecordChange(key, str(label), after["_label"], "changed", fields))
    for section in SECTIONS:
        label = _plural(section.model, get_language())
        changes += _section_changes(
            section.key, section.model, label, old.get(section.key, {}), new.get(section.key, {})
        )
    return changes


def section_counts(changes: list[RecordChange]) -> dict[str, int]:
    """How many records changed per section, in the diff's order (references first)."""
    counts: dict[str, int] = {}
    for change in changes:
        counts[change.section_label] = counts.get(change.section_label, 0) + 1
    return counts


def is_reference(change: RecordChange) -> bool:
    return change.section in REFERENCES_BY_KEY
