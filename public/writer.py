"""Writes the public read model from versions — the only writer, and the one module
of the public app that reads live records (to rebuild from them: rebuild_public).

A case's version (cases.snapshots) becomes rows of the mirror tables
(public.models). Person-level rows (the person, name variants, detentions, …)
are the union of the person's published cases' versions, the newest winning;
reference rows (articles, facilities, officials, organizations, sources) exist while a
published version needs them. Every write bumps the public cache version once
the transaction commits: nothing else does.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from cases.snapshots import REFERENCES, SECTIONS
from casetracker.cache import bump_public_version

from . import models as pm

CASE_SECTIONS = [s for s in SECTIONS if s.owner == "case"]
PERSON_SECTIONS = [s for s in SECTIONS if s.owner == "person"]
MIRROR = {
    "case": pm.PublicCase,
    "person": pm.PublicPerson,
    **{s.key: getattr(pm, f"Public{s.model.__name__}") for s in SECTIONS},
    **{key: getattr(pm, f"Public{model.__name__}") for key, model in REFERENCES},
}


def _strip(value):
    """A version without its timestamps: what the public sees."""
    if isinstance(value, dict):
        return {k: _strip(v) for k, v in value.items() if k not in {"_created_at", "_updated_at"}}
    return value


def _when(value: str | None, default: dt.datetime) -> dt.datetime:
    return (parse_datetime(value) if value else None) or default


def _row(mirror, pk, record: dict, now: dt.datetime, **extra):
    values = {}
    for field in mirror._meta.concrete_fields:
        name = field.name
        if name in {"id", "visibility", "created_at", "updated_at", "archived_at"}:
            continue
        if name not in record:
            continue
        value = record[name]
        if field.is_relation:
            values[field.attname] = value["id"] if value else None
        elif value is None:
            values[name] = None if field.null else field.get_default()
        else:
            values[name] = field.to_python(value)
    base = {
        "id": int(pk),
        "created_at": _when(record.get("_created_at"), now),
        "updated_at": now,
    }
    return mirror(**{**base, **values, **extra})


def _through(mirror):
    field = mirror._meta.get_field("sources")
    through = field.remote_field.through
    from_name = field.m2m_field_name()
    to_name = field.m2m_reverse_field_name()
    return through, f"{from_name}_id", f"{to_name}_id"


def _delete(mirror, **lookup) -> None:
    qs = mirror.objects.filter(**lookup)
    if any(f.name == "sources" for f in mirror._meta.many_to_many):
        through, from_col, _to = _through(mirror)
        through.objects.filter(**{f"{from_col[:-3]}__in": qs.values("pk")}).delete()
    qs._raw_delete(qs.db)


def _insert(mirror, rows: dict[int, tuple], now) -> None:
    """rows: pk → (record, extra fields)."""
    objs = [_row(mirror, pk, record, now, **extra) for pk, (record, extra) in rows.items()]
    mirror.objects.bulk_create(objs, batch_size=1000)
    if any(f.name == "sources" for f in mirror._meta.many_to_many):
        through, from_col, to_col = _through(mirror)
        links = [
            through(**{from_col: int(pk), to_col: s["id"]})
            for pk, (record, _extra) in rows.items()
            for s in record.get("sources", [])
        ]
        through.objects.bulk_create(links, batch_size=1000)


def _person_id(snapshot: dict) -> int:
    return snapshot["case"]["person"]["id"]


def _rewrite(person_ids: Iterable[int], extra_case_ids: Iterable[int] = ()) -> None:
    """Rewrite every row of these people and their published cases from the stored versions."""
    person_ids = set(person_ids)
    versions = list(
        pm.PublicVersion.objects.filter(person_id__in=person_ids).order_by("published_at", "pk")
    )
    case_ids = {v.case_id for v in versions} | set(extra_case_ids)
    # out with the old (a sentence's additional punishments before the sentence)
    for section in reversed(CASE_SECTIONS):
        _delete(MIRROR[section.key], **{f"{section.path}_id__in": case_ids})
    _delete(pm.PublicCase, id__in=case_ids)
    _delete(pm.PublicCase, person_id__in=person_ids)
    for section in PERSON_SECTIONS:
        _delete(MIRROR[section.key], person_id__in=person_ids)
    _delete(pm.PublicPerson, id__in=person_ids)
    _write_versions(versions)


def _longest_term(snapshot: dict) -> int | None:
    """The longest term of the version's sentences (PublicCase.longest_term_months)."""
    terms = [
        int(record["term_months"])
        for record in snapshot.get("sentences", {}).values()
        if record.get("term_months") is not None
    ]
    return max(terms, default=None)


def _write_versions(versions) -> None:
    now = timezone.now()
    tables: dict[str, dict] = {key: {} for key in MIRROR}
    for version in versions:  # oldest first: the newest version of a shared row wins
        snap = version.snapshot
        tables["case"][version.case_id] = (
            snap["case"],
            {
                "updated_at": version.content_changed_at,
                "longest_term_months": _longest_term(snap),
                "life_sentence": any(
                    record.get("kind") == pm.PublicSentence.Kind.LIFE_IMPRISONMENT
                    for record in snap.get("sentences", {}).values()
                ),
            },
        )
        tables["person"][version.person_id] = (
            snap["person"],
            {"updated_at": version.content_changed_at},
        )
        for section in SECTIONS:
            if section.owner == "person":
                owner = {"person": {"id": version.person_id}}
            elif "__" in section.path:  # reached through a row of the version (its sentence)
                owner = {}
            else:  # the case itself: `case`, a link's `from_case`
                owner = {section.path: {"id": version.case_id}}
            for pk, record in snap.get(section.key, {}).items():
                tables[section.key][int(pk)] = (
                    {**record, **owner},
                    {"updated_at": version.content_changed_at},
                )
        for key, _model in REFERENCES:
            for pk, record in snap.get("references", {}).get(key, {}).items():
                tables[key][int(pk)] = (record, {})
    for key, rows in tables.items():
        mirror = MIRROR[key]
        if key in dict(REFERENCES):
            # reference rows are shared by cases: replace those this write brings
            _delete(mirror, id__in=list(rows))
        _insert(mirror, rows, now)


# Which mirror columns use each kind of reference row.
REFERENCE_USERS = {
    "legal_articles": ((pm.PublicCharge, "article_id"),),
    "facilities": (
        (pm.PublicDetention, "facility_id"),
        (pm.PublicPrisonVisit, "facility_id"),
        (pm.PublicDeathInCustody, "facility_id"),
    ),
    "officials": ((pm.PublicCaseOfficial, "official_id"),),
    "proceedings": ((pm.PublicCase, "proceeding_id"),),
    "organizations": (
        (pm.PublicMembership, "organization_id"),
        (pm.PublicRecognition, "recognizer_id"),
    ),
}


def _references_of(snapshots: Iterable[dict]) -> dict[str, set[int]]:
    """The reference rows these versions brought: the candidates to withdraw once
    they are replaced."""
    ids: dict[str, set[int]] = {key: set() for key, _model in REFERENCES}
    for snapshot in snapshots:
        for key, records in snapshot.get("references", {}).items():
            if key in ids:
                ids[key].update(int(pk) for pk in records)
    return ids


def _unused(mirror, users, ids: set[int] | None) -> set[int]:
    if ids is None:
        ids = set(mirror.objects.values_list("id", flat=True))
    used: set[int] = set()
    if ids:
        for user, column in users:
            used |= set(
                user.objects.filter(**{f"{column}__in": ids}).values_list(column, flat=True)
            )
    return ids - used


def _collect_references(candidates: dict[str, set[int]] | None = None) -> None:
    """Reference rows no published fact needs any more are withdrawn.

    With `candidates` (the references of the versions just replaced or withdrawn)
    only those rows are checked, each with an indexed lookup, so a publication
    costs the same whatever the size of the read model; without, every row is
    (rebuild).
    """
    for key in ("legal_articles", "facilities", "officials", "proceedings", "organizations"):
        ids = None if candidates is None else candidates.get(key, set())
        unused = _unused(MIRROR[key], REFERENCE_USERS[key], ids)
        if unused:
            _delete(MIRROR[key], id__in=unused)
        if key == "organizations":
            if candidates is None:
                statuses = pm.PublicOrganizationStatus.objects.exclude(
                    organization_id__in=pm.PublicOrganization.objects.values("id")
                )
                _delete(pm.PublicOrganizationStatus, id__in=statuses.values("id"))
            elif unused:
                _delete(pm.PublicOrganizationStatus, organization_id__in=unused)
    citing = [
        (_through(mirror)[0], _through(mirror)[2])
        for mirror in MIRROR.values()
        if any(f.name == "sources" for f in mirror._meta.many_to_many)
    ]
    ids = None if candidates is None else candidates.get("sources", set())
    unused = _unused(pm.PublicSource, citing, ids)
    if unused:
        _delete(pm.PublicSource, id__in=unused)


def write_version(
    *,
    case_id: int,
    snapshot: dict,
    published_at: dt.datetime | None = None,
    publication_id: int | None = None,
    changed_at: dt.datetime | None = None,
    collect: bool = True,
) -> None:
    """Make `snapshot` what the public sees of case `case_id`."""
    write_versions(
        [
            {
                "case_id": case_id,
                "snapshot": snapshot,
                "published_at": published_at,
                "publication_id": publication_id,
                "changed_at": changed_at,
            }
        ],
        collect=collect,
    )


@transaction.atomic
def write_versions(items: list[dict], *, collect: bool = True) -> None:
    """Make each item's `snapshot` what the public sees of its `case_id`
    (`published_at`, `publication_id`, `changed_at` optional): a fixed number of
    queries for the whole list, whatever its length."""
    if not items:
        return
    now = timezone.now()
    items = list({item["case_id"]: item for item in items}.values())
    case_ids = [item["case_id"] for item in items]
    previous = {v.case_id: v for v in pm.PublicVersion.objects.filter(case_id__in=case_ids)}
    versions, history, people = [], [], set()
    for item in items:
        case_id, snapshot = item["case_id"], item["snapshot"]
        published_at = item.get("published_at") or now
        old = previous.get(case_id)
        same = old is not None and _strip(old.snapshot) == _strip(snapshot)
        person_id = _person_id(snapshot)
        versions.append(
            pm.PublicVersion(
                case_id=case_id,
                person_id=person_id,
                publication_id=item.get("publication_id"),
                published_at=published_at,
                content_changed_at=old.content_changed_at
                if same
                else (item.get("changed_at") or published_at),
                snapshot=snapshot,
            )
        )
        if not same:
            history.append(
                pm.PublicCaseHistory(
                    case_id=case_id,
                    history_date=published_at,
                    history_type="~" if old else "+",
                    status=snapshot["case"].get("status", ""),
                    editorial_state="published",
                )
            )
        people.add(person_id)
        if old is not None:
            people.add(old.person_id)
    _delete(pm.PublicVersion, case_id__in=case_ids)
    pm.PublicVersion.objects.bulk_create(versions, batch_size=1000)
    pm.PublicCaseHistory.objects.bulk_create(history, batch_size=1000)
    _rewrite(people, case_ids)
    if collect:
        _collect_references(_references_of(v.snapshot for v in previous.values()))
    bump_public_version()


@transaction.atomic
def withdraw(*, case_id: int) -> None:
    """The case leaves every public surface (and, with it, whatever only it showed)."""
    previous = pm.PublicVersion.objects.filter(case_id=case_id).first()
    if previous is None:
        return
    previous.delete()
    pm.PublicCaseHistory.objects.create(
        case_id=case_id,
        history_date=timezone.now(),
        history_type="~",
        status=previous.snapshot["case"].get("status", ""),
        editorial_state="draft",
    )
    _rewrite({previous.person_id}, [case_id])
    _collect_references(_references_of([previous.snapshot]))
    bump_public_version()


def add_correction(*, case_id: int, note: str, created_at: dt.datetime) -> None:
    pm.PublicCorrection.objects.create(case_id=case_id, correction_note=note, created_at=created_at)


@transaction.atomic
def rebuild(*, from_live: bool = False) -> int:
    """Rebuild the whole read model (idempotent); returns the number of public cases.

    The versions are the latest stored ones: each published case's last
    publication (version 2), else the version the read model holds; a case with
    neither (published before versions existed), or every case with `from_live`,
    gets its version built now from its live records.
    """
    from cases.models import Case, Publication
    from cases.snapshots import SNAPSHOT_VERSION, build_snapshot

    published = Case.objects.public()
    held = {v.case_id: v for v in pm.PublicVersion.objects.all()}
    latest: dict[int, Publication] = {}
    if not from_live:
        for pub in (
            Publication.objects.snapshots()
            .filter(case__in=published.values("pk"))
            .order_by("case_id", "-created_at", "-pk")
            .distinct("case_id")
            if _postgres()
            else Publication.objects.snapshots()
            .filter(case__in=published.values("pk"))
            .order_by("-created_at", "-pk")
        ):
            latest.setdefault(pub.case_id, pub)
    now = timezone.now()
    versions, history = [], []
    for case in published.select_related("person").order_by("pk").iterator(chunk_size=500):
        pub = latest.get(case.pk)
        old = held.get(case.pk)
        if pub is not None and (pub.snapshot or {}).get("version") == SNAPSHOT_VERSION:
            snapshot, published_at, pub_id = pub.snapshot, pub.created_at, pub.pk
        elif old is not None and not from_live:
            snapshot, published_at, pub_id = old.snapshot, old.published_at, old.publication_id
        else:
            snapshot, published_at, pub_id = build_snapshot(case), now, None
        same = old is not None and _strip(old.snapshot) == _strip(snapshot)
        if not same:
            history.append(
                pm.PublicCaseHistory(
                    case_id=case.pk,
                    history_date=published_at,
                    history_type="~" if old else "+",
                    status=snapshot["case"].get("status", ""),
                    editorial_state="published",
                )
            )
        versions.append(
            pm.PublicVersion(
                case_id=case.pk,
                person_id=case.person_id,
                publication_id=pub_id,
                published_at=published_at,
                content_changed_at=old.content_changed_at
                if same
                else (case.updated_at if pub_id is None else published_at),
                snapshot=snapshot,
            )
        )
    public_ids = {v.case_id for v in versions}
    if public_ids == set(held) and not history:
        return len(versions)  # nothing changed: no write, and the page cache stays valid
    history += [
        pm.PublicCaseHistory(
            case_id=case_id,
            history_date=now,
            history_type="~",
            status=old.snapshot["case"].get("status", ""),
            editorial_state="draft",
        )
        for case_id, old in held.items()
        if case_id not in public_ids
    ]
    pm.PublicCaseHistory.objects.bulk_create(history, batch_size=500)
    for mirror in [*MIRROR.values(), pm.PublicVersion]:
        _delete(mirror)
    pm.PublicVersion.objects.bulk_create(versions, batch_size=500)
    _delete(pm.PublicCorrection)
    pm.PublicCorrection.objects.bulk_create(
        pm.PublicCorrection(
            case_id=p.case_id, correction_note=p.correction_note, created_at=p.created_at
        )
        for p in Publication.objects.filter(case__in=published.values("pk")).exclude(
            correction_note=""
        )
    )
    versions.sort(key=lambda v: (v.published_at, v.pk))
    _write_versions(versions)
    _collect_references()
    bump_public_version()
    return len(versions)


def _postgres() -> bool:
    from django.db import connection

    return connection.vendor == "postgresql"
