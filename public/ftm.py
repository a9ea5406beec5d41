"""The public officials and their parts in published cases, as FollowTheMoney entities.

FollowTheMoney (the `followthemoney` package: OpenSanctions, Aleph) is the format
sanctions and accountability work reads. The export holds only the read model
(public.models): what published cases show, never a live record. One entity per
line (line-delimited JSON, ``.ftm.json``), built with followthemoney's model API,
so every value is cleaned and checked against its schema:

- an official: ``Person`` (name, country, ``position`` "Judge, <institution>",
  topic ``role.judge`` for judges, ``role.civil`` for the others);
- a case an official acted in: ``CourtCase`` (name, case number, court, country,
  status, type), with its page as ``sourceUrl``;
- the prisoner of that case: ``Person`` (name, citizenship), and a
  ``CourtCaseParty`` with role "Defendant";
- each part: ``CourtCaseParty`` (party: the official, case: the court case, role,
  ``description`` the decision, ``date``), whose ``sourceUrl`` is the case page
  and the public, non-confidential sources it cites.

Ids are stable: ``casetracker-official-<id>``, ``casetracker-person-<id>``,
``casetracker-case-<id>``, ``casetracker-part-<id>``, ``casetracker-defendant-<case id>``.
Labels are in English whatever the request's language: the file is data.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

from django.db.models import Prefetch
from django.utils import translation
from followthemoney import model
from followthemoney.proxy import EntityProxy

from public.models import PublicCaseOfficial, PublicOfficial, PublicSource

from .pages import absolute

PREFIX = "casetracker"
JUDGE_KIND = "judge"


def _id(kind: str, pk: int) -> str:
    return f"{PREFIX}-{kind}-{pk}"


def _official(official) -> EntityProxy:
    entity = model.make_entity("Person")
    entity.id = _id("official", official.pk)
    entity.add("name", official.full_name)
    if official.country:
        entity.add("country", official.country)
    position = official.get_kind_display()
    if official.institution:
        position = f"{position}, {official.institution}"
    entity.add("position", position)
    entity.add("topics", "role.judge" if official.kind == JUDGE_KIND else "role.civil")
    entity.add("sourceUrl", absolute(official.get_absolute_url()))
    return entity


def _case(case) -> list[EntityProxy]:
    person = case.person
    prisoner = model.make_entity("Person")
    prisoner.id = _id("person", person.pk)
    prisoner.add("name", person.full_name)
    if person.citizenship:
        prisoner.add("citizenship", person.citizenship)
    prisoner.add("sourceUrl", absolute(person.get_absolute_url()))

    court_case = model.make_entity("CourtCase")
    court_case.id = _id("case", case.pk)
    court_case.add("name", f"{person.full_name}: {case.get_case_type_display().lower()} case")
    if case.case_number:
        court_case.add("caseNumber", case.case_number)
    if case.court:
        court_case.add("court", case.court)
    if case.country:
        court_case.add("country", case.country)
    court_case.add("status", case.get_status_display())
    court_case.add("type", case.get_case_type_display())
    court_case.add("sourceUrl", absolute(case.get_absolute_url()))

    defendant = model.make_entity("CourtCaseParty")
    defendant.id = _id("defendant", case.pk)
    defendant.add("party", prisoner.id)
    defendant.add("case", court_case.id)
    defendant.add("role", "Defendant")
    return [prisoner, court_case, defendant]


def _part(part) -> EntityProxy:
    entity = model.make_entity("CourtCaseParty")
    entity.id = _id("part", part.pk)
    entity.add("party", _id("official", part.official_id))
    entity.add("case", _id("case", part.case_id))
    entity.add("role", part.get_role_display())
    if part.decision:
        entity.add("description", part.decision)
    if part.date:
        entity.add("date", str(part.date))
    entity.add("sourceUrl", absolute(part.case.get_absolute_url()))
    for source in part.shown:
        if not source.identity_confidential and source.web_url:
            entity.add("sourceUrl", source.web_url)
    return entity


def entities() -> list[EntityProxy]:
    """Every public official, the cases they acted in and their parts: three queries."""
    with translation.override("en"):
        officials = list(PublicOfficial.objects.order_by("pk"))
        parts = list(
            PublicCaseOfficial.objects.select_related("case__person")
            .prefetch_related(
                Prefetch(
                    "sources",
                    queryset=PublicSource.objects.order_by("date", "pk"),
                    to_attr="shown",
                )
            )
            .filter(official__in=[o.pk for o in officials])
            .order_by("case_id", "pk")
        )
        out = [_official(o) for o in officials]
        seen: set[int] = set()
        for part in parts:
            if part.case_id not in seen:
                seen.add(part.case_id)
                out += _case(part.case)
        out += [_part(p) for p in parts]
        return out


def lines() -> Iterator[str]:
    """The export, one JSON entity a line."""
    for entity in entities():
        yield json.dumps(entity.to_dict(), ensure_ascii=False, sort_keys=True) + "\n"
