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

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Model, Prefetch, Q
from django.db.models.fields.files import FieldFile
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
        return None if related is None else {"id": related.pk, "label": str(related)}
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


def _of_this_case(section: Section, case: Case) -> Q:
    """A person's record belongs to this case's version unless it names another case."""
    model = section.model
    names = {f.name for f in model._meta.get_fields()}
    if section.owner == "case":
        return Q()
    if "case" in names:
        return Q(case__isnull=True) | Q(case=case)
    if "visit" in names:  # an observation made on another case's visit
        return Q(visit__isnull=True) | Q(visit__case__isnull=True) | Q(visit__case=case)
    return Q()


def build_snapshot(case: Case) -> dict:
    """The version of `case` now: a fixed number of queries (about two per section)."""
    person = case.person
    snapshot = {
        "version": SNAPSHOT_VERSION,
        "case": _record(case, public_fields(Case), cites=False),
        "person": _record(person, public_fields(Person), cites=False),
    }
    cited: set[int] = set()
    wanted: dict[str, set[int]] = {key: set() for key, _model in REFERENCES}
    if snapshot["case"].get("proceeding"):
        wanted["proceedings"].add(snapshot["case"]["proceeding"]["id"])
    for section in SECTIONS:
        declared = public_fields(section.model)
        qs = section.model.objects.publishable().filter(
            _of_this_case(section, case),
            **{section.path: case if section.owner == "case" else person},
        )
        related = [
            f"{name}__person" if name in {"case", "visit", "to_case"} else name
            for name in declared
            if section.model._meta.get_field(name).is_relation
        ]
        qs = qs.select_related(*related)
        if section.cites:
            qs = qs.prefetch_related(_sources_prefetch())
        rows = {}
        for obj in qs.order_by("pk"):
            rows[str(obj.pk)] = record = _record(obj, declared, section.cites)
            cited.update(s["id"] for s in record.get("sources", []))
            for name, key in (
                ("article", "legal_articles"),
                ("facility", "facilities"),
                ("organization", "organizations"),
                ("recognizer", "organizations"),
                ("official", "officials"),
            ):
                if name in declared and record.get(name):
                    wanted[key].add(record[name]["id"])
        snapshot[section.key] = rows
    _drop_hidden_links(snapshot)
    snapshot["references"] = _references(wanted, cited)
    _drop_unshown_references(snapshot)
    return snapshot


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


def _references(wanted: dict[str, set[int]], cited: set[int]) -> dict:
    refs: dict[str, dict] = {}
    articles = LegalArticle.objects.publishable().filter(pk__in=wanted["legal_articles"])
    refs["legal_articles"] = {
        str(a.pk): _record(a, public_fields(LegalArticle), cites=False)
        for a in articles.order_by("pk")
    }
    facilities = Facility.objects.publishable().filter(pk__in=wanted["facilities"])
    refs["facilities"] = {
        str(f.pk): _record(f, public_fields(Facility), cites=False)
        for f in facilities.order_by("pk")
    }
    officials = Official.objects.publishable().filter(pk__in=wanted["officials"])
    refs["officials"] = {
        str(o.pk): _record(o, public_fields(Official), cites=False)
        for o in officials.order_by("pk")
    }
    proceedings = Proceeding.objects.publishable().filter(pk__in=wanted["proceedings"])
    refs["proceedings"] = {
        str(p.pk): _record(p, public_fields(Proceeding), cites=False)
        for p in proceedings.order_by("pk")
    }
    orgs = Organization.objects.publishable().filter(pk__in=wanted["organizations"])
    refs["organizations"] = {
        str(o.pk): _record(o, public_fields(Organization), cites=False) for o in orgs.order_by("pk")
    }
    statuses = (
        OrganizationStatus.objects.publishable()
        .filter(organization__in=[int(pk) for pk in refs["organizations"]])
        .select_related("organization")
        .prefetch_related(_sources_prefetch())
        .order_by("pk")
    )
    refs["organization_statuses"] = {}
    for status in statuses:
        record = _record(status, public_fields(OrganizationStatus), cites=True)
        refs["organization_statuses"][str(status.pk)] = record
        cited.update(s["id"] for s in record["sources"])
    sources = Source.objects.publishable().filter(pk__in=cited).order_by("pk")
    refs["sources"] = {str(s.pk): _source_record(s) for s in sources}
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
        return str(dict(model_field.flatchoices).get(value, value))
    return str(value)


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
        label = str(model._meta.verbose_name_plural).capitalize()
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
        label = str(section.model._meta.verbose_name_plural).capitalize()
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
