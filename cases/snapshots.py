"""The public content of a case as a deterministic JSON snapshot, and field-level diffs.

A snapshot holds what the public case page can show: the case's public fields,
the person's public fields, and every publishable child record (public and not
archived) with its publishable sources. Internal fields (internal notes, internal
report, who went on a visit, source notes) are simply not listed here, so they
can never enter a snapshot, a diff or a restore.

Each publication stores the snapshot of what it made public; the review page
diffs the current snapshot against the last one, and a restore writes a stored
snapshot back (cases.services.restore_publication).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Model, Prefetch
from django.utils.translation import gettext as _

from cases.models import (
    Case,
    Charge,
    Detention,
    Event,
    HealthObservation,
    HungerStrike,
    PrisonVisit,
    Recognition,
    Sentence,
    Source,
)
from casetracker.partial_dates import PartialDate
from people.models import Membership, NameVariant, Person

SNAPSHOT_VERSION = 1

CASE_FIELDS = (
    "slug",
    "case_type",
    "country",
    "region",
    "authority",
    "court",
    "case_number",
    "status",
    "arrest_date",
    "verdict_date",
    "summary",
)
PERSON_FIELDS = (
    "full_name",
    "birth_date",
    "reported_age",
    "reported_age_on",
    "gender",
    "citizenship",
    "occupation",
    "public_biography",
)


@dataclass(frozen=True)
class Section:
    key: str
    model: type[Model]
    owner: str  # "case" or "person": the FK that ties the rows to the page
    fields: tuple[str, ...]
    cites: bool = True  # has a `sources` M2M


SECTIONS = (
    Section("charges", Charge, "case", ("article", "wording", "charged_on", "outcome")),
    Section(
        "sentences",
        Sentence,
        "case",
        (
            "sentenced_on",
            "court",
            "kind",
            "term_months",
            "fine_amount",
            "fine_currency",
            "fine_usd_reported",
            "starts_on",
            "ends_on",
            "appeal_outcome",
        ),
    ),
    Section("recognitions", Recognition, "case", ("recognized_by", "recognized_on")),
    Section("events", Event, "case", ("kind", "date", "title", "description", "location")),
    Section("name_variants", NameVariant, "person", ("name", "kind", "script"), cites=False),
    Section(
        "memberships", Membership, "person", ("organization", "role", "started_on", "ended_on")
    ),
    Section("detentions", Detention, "person", ("facility", "started_on", "ended_on")),
    Section(
        "hunger_strikes",
        HungerStrike,
        "person",
        ("started_on", "ended_on", "kind", "demands", "outcome"),
    ),
    Section(
        "health_observations",
        HealthObservation,
        "person",
        ("observed_on", "observed_time", "date_is_approximate", "kind", "weight_kg", "description"),
    ),
    Section(
        "visits",
        PrisonVisit,
        "person",
        # Never `visitors` or `internal_report`.
        ("visited_on", "facility", "kind", "outcome", "refusal_reason", "public_summary"),
    ),
)
SECTIONS_BY_KEY = {section.key: section for section in SECTIONS}


def _json_value(obj: Model, name: str):
    model_field = obj._meta.get_field(name)
    if model_field.is_relation:
        related = getattr(obj, name)
        return None if related is None else {"id": related.pk, "label": str(related)}
    value = getattr(obj, name)
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, Decimal | PartialDate):
        return str(value)
    return value


def source_label(source: Source) -> str:
    """How a source may be named publicly: a confidential identity is never named."""
    if source.identity_confidential:
        return _("Confidential source")
    return f"{source.title} <{source.url}>" if source.url else source.title


def _record(obj: Model, fields: tuple[str, ...], cites: bool) -> dict:
    data = {name: _json_value(obj, name) for name in fields}
    data["_label"] = str(obj)
    if cites:
        data["sources"] = sorted(
            ({"id": s.pk, "label": source_label(s)} for s in obj.public_sources),
            key=lambda s: s["id"],
        )
    return data


def build_snapshot(case: Case) -> dict:
    """The public content of `case` now. A fixed number of queries (two per section)."""
    person = case.person
    snapshot = {
        "version": SNAPSHOT_VERSION,
        "case": _record(case, CASE_FIELDS, cites=False),
        "person": _record(person, PERSON_FIELDS, cites=False),
    }
    for section in SECTIONS:
        qs = section.model.objects.publishable().filter(
            **{section.owner: case if section.owner == "case" else person}
        )
        related = [
            name for name in section.fields if section.model._meta.get_field(name).is_relation
        ]
        if related:
            qs = qs.select_related(*related)
        if section.cites:
            qs = qs.prefetch_related(
                Prefetch("sources", Source.objects.publishable(), to_attr="public_sources")
            )
        # select_related of the owner keeps str(obj) (which names the person) query-free
        qs = qs.select_related(section.owner)
        snapshot[section.key] = {
            str(obj.pk): _record(obj, section.fields, section.cites) for obj in qs.order_by("pk")
        }
    return snapshot


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


def _display(value) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, dict):
        return value.get("label", "")
    if isinstance(value, list):
        return "; ".join(_display(v) for v in value) or "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return str(value)


def _field_label(model: type[Model], name: str) -> str:
    if name == "sources":
        return str(_("sources"))
    return str(model._meta.get_field(name).verbose_name)


def _compare(model, old: dict, new: dict) -> list[FieldChange]:
    names = [n for n in new if not n.startswith("_")] or [n for n in old if not n.startswith("_")]
    return [
        FieldChange(
            name, _field_label(model, name), _display(old.get(name)), _display(new.get(name))
        )
        for name in names
        if old.get(name) != new.get(name)
    ]


def diff_snapshots(old: dict | None, new: dict) -> list[RecordChange]:
    """Readable, field-level changes from `old` to `new` (`old` None: all is new)."""
    old = old or {}
    changes: list[RecordChange] = []
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
        before, after = old.get(section.key, {}), new.get(section.key, {})
        for pk in sorted(set(before) | set(after), key=int):
            if pk not in before:
                changes.append(
                    RecordChange(
                        section.key,
                        label,
                        after[pk]["_label"],
                        "added",
                        _compare(section.model, {}, after[pk]),
                    )
                )
            elif pk not in after:
                changes.append(RecordChange(section.key, label, before[pk]["_label"], "removed"))
            elif fields := _compare(section.model, before[pk], after[pk]):
                changes.append(
                    RecordChange(section.key, label, after[pk]["_label"], "changed", fields)
                )
    return changes
