"""Atom feeds of published updates: /feed/ and /cases/<slug>/feed/.

An update is: a case being published, a published case's status changing, or
a new public event, health observation, prison visit or hunger strike. All of
them are read through .public() querysets; the public history of
publications (public.models.PublicCaseHistory) gives publications and status
changes, only for cases that are public now.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.syndication.views import Feed
from django.db.models import OuterRef, QuerySet, Subquery
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from casetracker.cache import cached
from public.models import (
    PublicCase as Case,
)
from public.models import (
    PublicCaseHistory,
)
from public.models import (
    PublicEvent as Event,
)
from public.models import (
    PublicHealthObservation as HealthObservation,
)
from public.models import (
    PublicHungerStrike as HungerStrike,
)
from public.models import (
    PublicPrisonVisit as PrisonVisit,
)

from .pages import display_date

FEED_ITEMS = 50
# How many recent history rows to scan for publications and status changes.
HISTORY_WINDOW = 500


@dataclass
class Update:
    title: str
    text: str
    link: str
    when: dt.datetime
    guid: str


def _aware(value: dt.datetime | dt.date) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value if timezone.is_aware(value) else timezone.make_aware(value)
    return timezone.make_aware(dt.datetime.combine(value, dt.time.min))


def _case_slug_for_person():
    """The slug of a person's most recent public case, for linking person-level records."""
    return Subquery(
        Case.objects.public()
        .filter(person=OuterRef("person"))
        .order_by("-arrest_date__sortable", "pk")
        .values("slug")[:1]
    )


def case_changes(cases: QuerySet) -> list[Update]:
    """Publications and status changes, from the history of cases that are public now."""
    rows = list(
        PublicCaseHistory.objects.filter(case_id__in=cases.order_by().values("pk"))
        .order_by("-history_date", "-id")
        .values_list("case_id", "history_date", "history_type", "status", "editorial_state")[
            :HISTORY_WINDOW
        ]
    )
    # Current names and slugs: an old slug would be a dead link.
    current = {
        pk: (name, slug)
        for pk, name, slug in cases.order_by().values_list("pk", "person__full_name", "slug")
    }
    statuses = dict(Case.Status.choices)
    published = Case.EditorialState.PUBLISHED
    by_case: dict[int, list] = {}
    for row in reversed(rows):  # oldest first
        by_case.setdefault(row[0], []).append(row)
    updates = []
    for case_id, history in by_case.items():
        if case_id not in current:  # unpublished between the two queries
            continue
        name, slug = current[case_id]
        link = reverse("public:case", kwargs={"slug": slug})
        # The oldest row in the window is only a baseline, unless it is the creation.
        previous = None
        for _id, when, kind, status, state in history:
            if state == published and (
                (previous is None and kind == "+")
                or (previous is not None and previous[1] != published)
            ):
                updates.append(
                    Update(
                        title=_("New case: %(name)s") % {"name": name},
                        text=_("Status: %(status)s") % {"status": statuses.get(status, status)},
                        link=link,
                        when=when,
                        guid=f"case-{case_id}-published-{when.isoformat()}",
                    )
                )
            elif state == published and previous is not None and status != previous[0]:
                updates.append(
                    Update(
                        title=_("%(name)s: status changed to %(status)s")
                        % {"name": name, "status": statuses.get(status, status)},
                        text=_("Previously: %(status)s")
                        % {"status": statuses.get(previous[0], previous[0])},
                        link=link,
                        when=when,
                        guid=f"case-{case_id}-status-{when.isoformat()}",
                    )
                )
            previous = (status, state)
    return updates


def record_updates(
    events: QuerySet, observations: QuerySet, visits: QuerySet, strikes: QuerySet
) -> list[Update]:
    updates = []
    for event in events.select_related("case", "case__person").order_by("-created_at")[:FEED_ITEMS]:
        updates.append(
            Update(
                title=f"{event.case.person.full_name}: {event.title}",
                text=f"{display_date(event.date)}. {event.description}".strip(),
                link=event.get_absolute_url(),
                when=event.created_at,
                guid=f"event-{event.pk}",
            )
        )
    for obs in (
        observations.select_related("person")
        .annotate(case_slug=_case_slug_for_person())
        .order_by("-created_at")[:FEED_ITEMS]
    ):
        updates.append(
            Update(
                title=_("%(name)s: health update (%(kind)s)")
                % {"name": obs.person.full_name, "kind": obs.get_kind_display()},
                text=" ".join(
                    part
                    for part in (
                        display_date(obs.observed_on) + ".",
                        f"{obs.weight_kg} {_('kg')}." if obs.weight_kg is not None else "",
                        obs.description,
                    )
                    if part
                ),
                link=_case_link(obs.case_slug, f"observation-{obs.pk}"),
                when=obs.created_at,
                guid=f"observation-{obs.pk}",
            )
        )
    for visit in (
        visits.select_related("person")
        .annotate(case_slug=_case_slug_for_person())
        .order_by("-created_at")[:FEED_ITEMS]
    ):
        updates.append(
            Update(
                title=_("%(name)s: prison visit (%(outcome)s)")
                % {"name": visit.person.full_name, "outcome": visit.get_outcome_display()},
                text=f"{display_date(visit.visited_on)}. {visit.public_summary}".strip(),
                link=_case_link(visit.case_slug, f"visit-{visit.pk}"),
                when=visit.created_at,
                guid=f"visit-{visit.pk}",
            )
        )
    for strike in (
        strikes.select_related("person")
        .annotate(case_slug=_case_slug_for_person())
        .order_by("-created_at")[:FEED_ITEMS]
    ):
        started = display_date(strike.started_on) if strike.started_on else _("dates not reported")
        updates.append(
            Update(
                title=_("%(name)s: hunger strike") % {"name": strike.person.full_name},
                text=f"{started}. {strike.get_outcome_display()}",
                link=_case_link(strike.case_slug, f"strike-{strike.pk}"),
                when=strike.created_at,
                guid=f"strike-{strike.pk}",
            )
        )
    return updates


def _case_link(slug: str | None, anchor: str) -> str:
    if not slug:
        return reverse("public:home")
    return reverse("public:case", kwargs={"slug": slug}) + f"#{anchor}"


def latest(updates: list[Update]) -> list[Update]:
    return sorted(updates, key=lambda u: _aware(u.when), reverse=True)[:FEED_ITEMS]


class UpdatesFeed(Feed):
    feed_type = Atom1Feed
    title = gettext_lazy("casetracker: updates on published cases")
    subtitle = gettext_lazy(
        "New cases, status changes, events, health updates, prison visits and hunger strikes."
    )

    def __call__(self, request, *args, **kwargs):
        # A feed holds nothing per user and no CSRF token: the whole document is
        # cached (casetracker/cache.py), per absolute URL since its links are absolute.
        def build():
            response = super(UpdatesFeed, self).__call__(request, *args, **kwargs)
            return response.content, response["Content-Type"], response.get("Last-Modified")

        content, content_type, modified = cached(
            "feed", build, vary=[request.build_absolute_uri(request.path)]
        )
        response = HttpResponse(content, content_type=content_type)
        if modified:
            response["Last-Modified"] = modified
        return response

    def link(self):
        return reverse("public:case_list")

    def items(self):
        return latest(
            case_changes(Case.objects.public())
            + record_updates(
                Event.objects.public(),
                HealthObservation.objects.public(),
                PrisonVisit.objects.public(),
                HungerStrike.objects.public(),
            )
        )

    def item_title(self, item: Update) -> str:
        return item.title

    def item_description(self, item: Update) -> str:
        # Atom sends the summary as type="html" and feed readers render it:
        # the text people typed must arrive as text, not markup.
        return escape(item.text)

    def item_link(self, item: Update) -> str:
        return item.link

    def item_guid(self, item: Update) -> str:
        return self.guid_base + item.guid

    def item_guid_is_permalink(self, item: Update) -> bool:
        return False

    def item_updateddate(self, item: Update) -> dt.datetime:
        return _aware(item.when)

    def item_pubdate(self, item: Update) -> dt.datetime:
        return _aware(item.when)

    guid_base = "urn:casetracker:"


class CaseFeed(UpdatesFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Case.objects.public().select_related("person"), slug=slug)

    def title(self, case: Case) -> str:
        return _("casetracker: %(name)s") % {"name": case.person.full_name}

    def link(self, case: Case) -> str:
        return case.get_absolute_url()

    def items(self, case: Case):
        person = case.person
        return latest(
            case_changes(Case.objects.public().filter(pk=case.pk))
            + record_updates(
                Event.objects.public().filter(case=case),
                HealthObservation.objects.public().filter(person=person),
                PrisonVisit.objects.public().filter(person=person),
                HungerStrike.objects.public().filter(person=person),
            )
        )
