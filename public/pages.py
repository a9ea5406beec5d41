"""What a public case page shows, built once for the public view and for the
editors' "view as public" preview, so the preview is exactly the public page.

The caller clears the case (Case.objects.public() for the public view; an
editor's permission for the preview). Every child record is taken through
`.publishable()` (public and not archived), never the plain manager, and
reference data (articles, facilities, organizations, sources) is checked the
same way. The number of queries is fixed, whatever the number of records.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

from django.conf import settings
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from cases.terms import effective_sentence, format_term
from casetracker.partial_dates import PartialDate
from casetracker.records import Record, Visibility

from .countries import country_name


def is_publishable(record: Record | None) -> bool:
    """Reference data fetched through a foreign key: show it only when public and active."""
    return (
        record is not None and record.visibility == Visibility.PUBLIC and record.archived_at is None
    )


def _related(model, name: str):
    return model._meta.get_field(name).related_model


def page_models(case) -> SimpleNamespace:
    """The models a case page reads, found from the case's own class: the public read
    model's mirrors for a public page (public.models), the live models for an
    editor's preview of what publishing would show. The page code is the same."""
    case_model = type(case)
    person_model = _related(case_model, "person")
    memberships = _related(person_model, "memberships")
    charges = _related(case_model, "charges")
    return SimpleNamespace(
        Case=case_model,
        Charge=charges,
        Sentence=_related(case_model, "sentences"),
        Recognition=_related(case_model, "recognitions"),
        Event=_related(case_model, "events"),
        NameVariant=_related(person_model, "name_variants"),
        Membership=memberships,
        Organization=_related(memberships, "organization"),
        Detention=_related(person_model, "detentions"),
        HungerStrike=_related(person_model, "hunger_strikes"),
        HealthObservation=_related(person_model, "health_observations"),
        PrisonVisit=_related(person_model, "visits"),
        Source=_related(charges, "sources"),
        DeathInCustody=_related(person_model, "deaths_in_custody"),
        CaseLink=_related(case_model, "links_out"),
        CaseOfficial=_related(case_model, "official_parts"),
        Official=_related(_related(case_model, "official_parts"), "official"),
        Proceeding=_related(case_model, "proceeding"),
        sentence_prefetches=_extras_prefetch(_related(case_model, "sentences")),
    )


def _extras_prefetch(sentence_model) -> tuple:
    extras = _related(sentence_model, "additional_punishments")
    return (
        Prefetch(
            "additional_punishments",
            queryset=extras.objects.publishable().order_by("pk"),
            to_attr="public_extras",
        ),
    )


def case_links(m, case) -> list:
    """Links read from both ends, while the other case is public too. On the public
    site a link is in its from_case's version; `Case.objects.public()` of the read
    model is the published cases, so a link to a draft or withdrawn case is not shown."""
    public_cases = m.Case.objects.public().values("pk")
    links = m.CaseLink.objects.publishable().prefetch_related(sources_prefetch(m.Source))
    return [
        (link.get_kind_display(), link.to_case, link)
        for link in links.filter(from_case=case, to_case__in=public_cases)
        .select_related("to_case__person")
        .order_by("pk")
    ] + [
        (link.inverse_label, link.from_case, link)
        for link in links.filter(to_case=case, from_case__in=public_cases)
        .select_related("from_case__person")
        .order_by("pk")
    ]


def co_defendants(m, case) -> tuple:
    """The case's proceeding (group trial) when it is public, and the other published
    cases in it, each with its person: two queries, however many defendants. On the
    public site both come from the read model, so a co-defendant whose case is a
    draft (or was withdrawn) is not listed."""
    proceeding = case.proceeding if case.proceeding_id else None
    if not is_publishable(proceeding):
        return None, []
    others = (
        m.Case.objects.public()
        .filter(proceeding=proceeding)
        .exclude(pk=case.pk)
        .select_related("person")
        .order_by("person__full_name", "pk")
    )
    return proceeding, list(others)


def sources_prefetch(source_model=None) -> Prefetch:
    from public.models import PublicSource

    source_model = source_model or PublicSource
    return Prefetch(
        "sources",
        queryset=source_model.objects.publishable().order_by("date", "pk"),
        to_attr="shown",
    )


def _corrections(case) -> list:
    if hasattr(case, "corrections"):  # the read model: what was published
        return list(case.corrections.only("created_at", "correction_note"))
    if not case.is_published:  # a preview of a case the public cannot see
        return []
    return list(
        case.publications.exclude(correction_note="")
        .order_by("-created_at", "-pk")
        .only("created_at", "correction_note")
    )


def display_date(value: PartialDate | dt.date | None) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, PartialDate):
        return value.display()
    return date_format(value, "DATE_FORMAT")


def _uncertain(value) -> bool:
    """An approximate, uncertain or bounded date (what is computed from it is approximate)."""
    return isinstance(value, PartialDate) and value.is_uncertain


def date_key(value: PartialDate | dt.date | None) -> str:
    """A sort key shared by partial dates and dates (both sort as ISO strings)."""
    if not value:
        return ""
    return value.sort_key() if isinstance(value, PartialDate) else value.isoformat()


class Citations:
    """Numbers sources in the order the page first cites them."""

    def __init__(self):
        self.numbers: dict[int, int] = {}
        self.sources: list = []

    def cite(self, record) -> list[int]:
        found = []
        for source in getattr(record, "shown", ()):
            if source.pk not in self.numbers:
                self.sources.append(source)
                self.numbers[source.pk] = len(self.sources)
            found.append(self.numbers[source.pk])
        record.cites = found
        return found

    def entries(self) -> list[tuple]:
        return list(enumerate(self.sources, start=1))


@dataclass
class TimelineEntry:
    key: str
    when: str
    kind: str
    title: str
    text: str = ""
    anchor: str = ""
    cites: list[int] = field(default_factory=list)


@dataclass
class WeightChart:
    """A server-rendered line chart: coordinates computed here, drawn by SVG."""

    points: list[dict[str, Any]]
    polyline: str
    y_ticks: list[dict[str, Any]]
    width: int = 640
    height: int = 240


def weight_chart(observations: list) -> WeightChart | None:
    weighed = sorted(
        (o for o in observations if o.weight_kg is not None),
        key=lambda o: (o.observed_on, o.observed_time or dt.time.min, o.pk),
    )
    if not weighed:
        return None
    left, right, top, bottom = 56, 620, 16, 200
    low = min(o.weight_kg for o in weighed)
    high = max(o.weight_kg for o in weighed)
    # A flat or single-point series still gets a readable 10 kg band around it.
    low, high = (low - 5, high + 5) if high - low < 10 else (low, high)
    first, last = weighed[0].observed_on, weighed[-1].observed_on
    span_days = max((last - first).days, 1)
    points = []
    for obs in weighed:
        if len(weighed) == 1:
            x = (left + right) / 2
        else:
            x = left + (right - left) * (obs.observed_on - first).days / span_days
        y = bottom - (bottom - top) * float((obs.weight_kg - low) / (high - low))
        points.append(
            {
                # strings: a localised number ("57,5") would break the SVG attribute
                "x": f"{x:.1f}",
                "y": f"{y:.1f}",
                "kg": obs.weight_kg,
                "when": display_date(obs.observed_on),
                "approximate": obs.date_is_approximate,
            }
        )
    ticks = []
    for value in (low, (low + high) / 2, high):
        y = bottom - (bottom - top) * float((value - low) / (high - low))
        ticks.append({"y": f"{y:.1f}", "label": f"{Decimal(value).quantize(Decimal('1'))}"})
    return WeightChart(
        points=points,
        polyline=" ".join(f"{p['x']},{p['y']}" for p in points),
        y_ticks=ticks,
    )


_JSON_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def json_ld(data: dict) -> SafeString:
    """JSON for a <script type="application/ld+json"> block, escaped like json_script."""
    text = json.dumps(data, ensure_ascii=False, default=str)
    return mark_safe(text.translate(_JSON_ESCAPES))  # noqa: S308 - escaped above


def absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _latest_end(detentions) -> Any:
    """The latest detention that ended otherwise than by a transfer or a death
    (a release, an escape, a deportation): shown when nobody holds the person now.
    `detentions` are newest first."""
    return next(
        (
            d
            for d in detentions
            if d.end_reason and d.end_reason not in (d.EndReason.TRANSFER, d.EndReason.DEATH)
        ),
        None,
    )


def custody_context(person) -> dict:
    """Where the person is held now, or how the last detention ended, and a death
    in custody: for the person page (the case page computes the same itself)."""
    detention_model = _related(type(person), "detentions")
    death_model = _related(type(person), "deaths_in_custody")
    detentions = list(
        detention_model.objects.publishable()
        .filter(person=person)
        .select_related("facility")
        .order_by("-started_on", "-pk")
    )
    for detention in detentions:
        detention.person = person
        detention.shown_facility = (
            detention.facility if is_publishable(detention.facility) else None
        )
    death = (
        death_model.objects.publishable().filter(person=person).select_related("facility").first()
    )
    if death is not None:
        death.shown_facility = death.facility if is_publishable(death.facility) else None
    current = next((d for d in detentions if d.is_current), None)
    return {
        "current_detention": current,
        "released": None if current or death else _latest_end(detentions),
        "death": death,
    }


def case_page_context(case) -> dict:
    """Context for templates/public/case_detail.html.

    The caller has already decided the case may be shown (it came from
    Case.objects.public(), or an editor previews it); every child record here
    is taken through .publishable(), never the plain manager.
    """
    m = page_models(case)
    person = case.person
    cite = Citations()
    today = timezone.localdate()

    variants = list(m.NameVariant.objects.publishable().filter(person=person).order_by("name"))
    memberships = list(
        m.Membership.objects.publishable()
        .filter(person=person, organization__in=m.Organization.objects.publishable())
        .select_related("organization")
        .prefetch_related(sources_prefetch(m.Source))
        .order_by("organization__name")
    )
    charges = list(
        m.Charge.objects.publishable()  # not under an internal article (ChargeQuerySet)
        .filter(case=case)
        .select_related("article")
        .prefetch_related(sources_prefetch(m.Source))
        .order_by("pk")
    )
    sentences = list(
        m.Sentence.objects.publishable()
        .filter(case=case)
        .prefetch_related(sources_prefetch(m.Source), *m.sentence_prefetches)
        .order_by("sentenced_on__sortable", "pk")
    )
    recognitions = list(
        m.Recognition.objects.publishable()
        .filter(case=case)
        .select_related("recognizer")
        .prefetch_related(sources_prefetch(m.Source))
        .order_by("pk")
    )
    # The recognising organisation is reference data: named only when public.
    for r in recognitions:
        shown = r.recognizer if is_publishable(r.recognizer) else None
        r.shown_label = r.recognized_by or (shown.name if shown else "")
    recognitions = [r for r in recognitions if r.shown_label]
    detentions = list(
        m.Detention.objects.publishable()
        .filter(person=person)
        .select_related("facility")
        .prefetch_related(sources_prefetch(m.Source))
        .order_by("-started_on__sortable", "-pk")
    )
    death = (
        m.DeathInCustody.objects.publishable()
        .filter(person=person)
        .select_related("facility")
        .prefetch_related(sources_prefetch(m.Source))
        .order_by("pk")
        .first()
    )
    strikes = list(
        m.HungerStrike.objects.publishable()
        .filter(person=person)
        .prefetch_related(sources_prefetch(m.Source))
        .order_by("-started_on", "-pk")
    )
    observations = list(
        m.HealthObservation.objects.publishable()
        .filter(person=person)
        .prefetch_related(sources_prefetch(m.Source))
        .order_by("-observed_on", "-observed_time", "-pk")
    )
    visits = list(
        m.PrisonVisit.objects.publishable()
        .filter(person=person)
        .select_related("facility")
        .prefetch_related(sources_prefetch(m.Source))
        .order_by("-visited_on", "-pk")
    )
    events = list(
        m.Event.objects.publishable()
        .filter(case=case)
        .prefetch_related(sources_prefetch(m.Source))
        .order_by("date", "pk")
    )
    links = case_links(m, case)
    # The official is reference data: a part is shown only with a public official.
    official_parts = list(
        m.CaseOfficial.objects.publishable()
        .filter(case=case, official__in=m.Official.objects.publishable())
        .select_related("official")
        .prefetch_related(sources_prefetch(m.Source))
        .order_by("date", "pk")
    )
    proceeding, codefendants = co_defendants(m, case)
    other_cases = list(
        m.Case.objects.public()
        .filter(person=person)
        .exclude(pk=case.pk)
        .order_by("-arrest_date__sortable", "pk")
    )

    # Facilities are reference data reached by a foreign key: hide one that is not public.
    for record in (*detentions, *visits):
        record.shown_facility = record.facility if is_publishable(record.facility) else None

    # Number the sources in reading order: the page shows these sections top to bottom.
    for record in (
        *strikes,
        *memberships,
        *charges,
        *sentences,
        *detentions,
        *([death] if death else []),
        *recognitions,
        *observations,
        *visits,
        *events,
        *(link for _label, _other, link in links),
        *official_parts,
    ):
        cite.cite(record)

    for detention in detentions:
        detention.person = person  # is_current reads the person's death; no query each
    current = next((d for d in detentions if d.is_current), None)
    # The latest detention ended by a release (shown when nobody holds the person now).
    released = None if current else _latest_end(detentions)
    if death is not None:
        death.shown_facility = death.facility if is_publishable(death.facility) else None
    # The sentence in force is the latest decision; the others are its history.
    # Time already held counts toward a custodial term: from the first known start
    # of a detention in this case (else of the person's detentions).
    starts = [d.started_on for d in detentions if d.started_on and d.case_id == case.pk] or [
        d.started_on for d in detentions if d.started_on
    ]
    held_since = min(starts, key=lambda d: d.earliest()) if starts else None
    effective = effective_sentence(sentences)
    for sentence in sentences:
        sentence.term_display = format_term(sentence.term_months, sentence.term_days)
        sentence.release = sentence.expected_release(held_since)
        # Computed from an uncertain date's earliest bound: the page says "about".
        basis = sentence.ends_on or sentence.starts_on or held_since
        sentence.release_approximate = bool(sentence.release) and _uncertain(basis)
        sentence.in_force = sentence is effective
        sentence.extras = getattr(sentence, "public_extras", [])
    release = effective.release if effective is not None and current else None
    release_approximate = bool(release) and effective.release_approximate
    ongoing = [s for s in strikes if s.is_ongoing]
    for strike in strikes:
        strike.days = strike.day_count(today)

    return {
        "case": case,
        "person": person,
        "variants": variants,
        "memberships": memberships,
        "charges": charges,
        "sentences": sentences,
        "recognitions": recognitions,
        "detentions": detentions,
        "current_detention": current,
        "released": released,
        "death": death,
        "days_in_detention": current.days(today) if current else None,
        "days_approximate": bool(current) and _uncertain(current.started_on),
        "expected_release": release,
        "release_approximate": release_approximate,
        "strikes": strikes,
        "ongoing_strikes": ongoing,
        "observations": observations,
        "weight_chart": weight_chart(observations),
        "visits": visits,
        "events": events,
        "timeline": timeline(events, visits, observations, strikes),
        "citations": cite.entries(),
        "other_cases": other_cases,
        "case_links": links,
        "official_parts": official_parts,
        "proceeding": proceeding,
        "co_defendants": codefendants,
        "country": country_name(case.country),
        "cite_url": absolute(case.get_absolute_url()),
        "publisher": settings.PUBLISHER_NAME,
        "json_ld": json_ld(case_json_ld(case, variants, charges)),
        # Editors' public correction notes (empty for a case that is not public).
        "corrections": _corrections(case),
    }


def timeline(events, visits, observations, strikes) -> list[TimelineEntry]:
    entries = [
        TimelineEntry(
            key=date_key(e.date),
            when=display_date(e.date),
            kind=e.get_kind_display(),
            title=e.title,
            text=e.description,
            anchor=f"event-{e.pk}",
            cites=e.cites,
        )
        for e in events
    ]
    entries += [
        TimelineEntry(
            key=date_key(v.visited_on),
            when=display_date(v.visited_on),
            kind=_("Prison visit"),
            title=f"{v.get_kind_display()}: {v.get_outcome_display()}",
            text=v.public_summary,
            anchor=f"visit-{v.pk}",
            cites=v.cites,
        )
        for v in visits
    ]
    entries += [
        TimelineEntry(
            key=date_key(o.observed_on),
            when=(
                _("On or before %(date)s") % {"date": display_date(o.observed_on)}
                if o.date_is_approximate
                else display_date(o.observed_on)
            ),
            kind=_("Health"),
            title=o.get_kind_display()
            + (f": {o.weight_kg} {_('kg')}" if o.weight_kg is not None else ""),
            text=o.description,
            anchor=f"observation-{o.pk}",
            cites=o.cites,
        )
        for o in observations
    ]
    entries += [
        TimelineEntry(
            key=date_key(s.started_on),
            when=display_date(s.started_on),
            kind=_("Hunger strike"),
            title=_("Hunger strike begins"),
            text=s.demands,
            anchor=f"strike-{s.pk}",
            cites=s.cites,
        )
        for s in strikes
        if s.started_on
    ]
    return sorted(entries, key=lambda e: e.key)


def case_json_ld(case, variants, charges) -> dict:
    person = case.person
    about: dict[str, Any] = {
        "@type": "Person",
        "name": person.full_name,
        "url": absolute(person.get_absolute_url()),
    }
    if variants:
        about["alternateName"] = [v.name for v in variants]
    if person.occupation:
        about["description"] = person.occupation
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Article",
        "headline": str(case),
        "url": absolute(case.get_absolute_url()),
        "dateModified": case.updated_at.isoformat(),
        "about": about,
        "keywords": [c.article.title for c in charges],
    }
    if case.summary:
        data["abstract"] = case.summary
    return data
