"""Which fields of each model are public: declared once, here, for every model.

The version builder (cases.snapshots), the diff, the public read model (public/:
its tables are generated from these declarations and written from versions) and
the leak tests read this module and nothing else. A field that is not listed —
internal notes, a visit's internal report and visitors, a source's notes, who
created or archived a record — can never enter a version, so it can never reach
the public site.

Each entry: the model, its public fields (relations included: the owner and the
references a fact needs), and whether it cites sources (its public sources go
public with it).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Model

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
from people.models import Membership, NameVariant, Organization, OrganizationStatus, Person


@dataclass(frozen=True)
class Declaration:
    model: type[Model]
    fields: tuple[str, ...]
    cites: bool = False

    @property
    def name(self) -> str:
        return self.model.__name__


DECLARATIONS: tuple[Declaration, ...] = (
    # reference data: public only through a published case that needs it
    Declaration(LegalArticle, ("country", "code", "edition", "number", "title")),
    Declaration(Facility, ("name", "slug", "kind", "city", "region", "country", "postal_address")),
    # public only while a published case shows a public part they played
    Declaration(Official, ("full_name", "slug", "kind", "country", "institution")),
    # a group trial: public while one of its cases is published (never its other cases'
    # drafts: each co-defendant is shown through their own published version)
    Declaration(Proceeding, ("name", "slug", "country", "court", "description")),
    Declaration(
        Organization, ("name", "translated_name", "slug", "kind", "country", "description")
    ),
    Declaration(
        OrganizationStatus, ("organization", "status", "since", "authority", "note"), cites=True
    ),
    # never `notes`; a confidential identity is blanked by the version builder
    Declaration(
        Source,
        (
            "kind",
            "title",
            "author",
            "publisher",
            "url",
            "reference",
            "date",
            "reliability",
            "identity_confidential",
        ),
    ),
    # the person: never `internal_notes`
    Declaration(
        Person,
        (
            "full_name",
            "slug",
            "name_normalized",
            "birth_date",
            "reported_age",
            "reported_age_on",
            "gender",
            "citizenship",
            "occupation",
            "birthplace",
            "date_of_death",
            "photo",
            "public_biography",
        ),
    ),
    Declaration(NameVariant, ("person", "name", "kind", "script", "name_normalized")),
    Declaration(
        Membership, ("person", "organization", "role", "started_on", "ended_on"), cites=True
    ),
    # the case: never `internal_notes`, assigned monitors or the editorial state
    Declaration(
        Case,
        (
            "person",
            "slug",
            "case_type",
            "country",
            "region",
            "authority",
            "court",
            "case_number",
            "proceeding",
            "status",
            "arrest_date",
            "verdict_date",
            "summary",
        ),
    ),
    Declaration(
        Charge,
        (
            "case",
            "article",
            "part",
            "paragraph",
            "letter",
            "cited_as",
            "wording",
            "charged_on",
            "outcome",
        ),
        cites=True,
    ),
    Declaration(
        Sentence,
        (
            "case",
            "sentenced_on",
            "decision",
            "court",
            "kind",
            "term_months",
            "term_days",
            "fine_amount",
            "fine_currency",
            "fine_usd_reported",
            "starts_on",
            "ends_on",
            "appeal_outcome",
        ),
        cites=True,
    ),
    # one more punishment of a sentence ("and a fine of 300,000 roubles")
    Declaration(
        AdditionalPunishment,
        (
            "sentence",
            "kind",
            "term_months",
            "term_days",
            "fine_amount",
            "fine_currency",
            "description",
        ),
    ),
    # a link between two cases, in the version of its from_case; shown on either
    # case's public page only while the other case is published too
    Declaration(CaseLink, ("from_case", "to_case", "kind", "note"), cites=True),
    # an official's part in the case (the judge who sentenced, the prosecutor…)
    Declaration(CaseOfficial, ("case", "official", "role", "decision", "date"), cites=True),
    Declaration(
        Recognition, ("case", "recognized_by", "recognizer", "recognized_on", "url"), cites=True
    ),
    Declaration(Event, ("case", "kind", "date", "title", "description", "location"), cites=True),
    Declaration(
        Detention,
        (
            "person",
            "case",
            "facility",
            "kind",
            "regime",
            "started_on",
            "ended_on",
            "end_reason",
            "expected_release_on",
        ),
        cites=True,
    ),
    Declaration(
        DeathInCustody, ("person", "died_on", "place", "facility", "circumstances"), cites=True
    ),
    Declaration(
        HungerStrike,
        ("person", "case", "started_on", "ended_on", "kind", "demands", "outcome"),
        cites=True,
    ),
    # never `visitors` or `internal_report`
    Declaration(
        PrisonVisit,
        (
            "person",
            "case",
            "facility",
            "visited_on",
            "kind",
            "outcome",
            "refusal_reason",
            "public_summary",
        ),
        cites=True,
    ),
    Declaration(
        HealthObservation,
        (
            "person",
            "visit",
            "observed_on",
            "observed_time",
            "date_is_approximate",
            "kind",
            "weight_kg",
            "description",
        ),
        cites=True,
    ),
)
BY_MODEL = {d.model: d for d in DECLARATIONS}


def public_fields(model: type[Model]) -> tuple[str, ...]:
    return BY_MODEL[model].fields
