"""The rows of /cases/ and of its exports: one queryset shape, a fixed number of queries."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.utils.translation import gettext_lazy as _

from public.models import LONGEST_TERM_ORDER
from public.models import (
    PublicCharge as Charge,
)
from public.models import (
    PublicDetention as Detention,
)
from public.models import (
    PublicFacility as Facility,
)
from public.models import (
    PublicHungerStrike as HungerStrike,
)
from public.models import (
    PublicMembership as Membership,
)
from public.models import (
    PublicNameVariant as NameVariant,
)
from public.models import (
    PublicOrganization as Organization,
)
from public.models import (
    PublicRecognition as Recognition,
)
from public.models import (
    PublicSentence as Sentence,
)

# ?sort= values; anything else falls back to the default (with a name search,
# the best match first: people.search ranks).
SORTS = {
    "relevance": _("Best match first"),
    "arrest_desc": _("Most recent arrest first"),
    "arrest": _("Earliest arrest first"),
    "name": _("Name"),
    "sentence": _("Longest sentence first"),
}
DEFAULT_SORT = "arrest_desc"


def sort_key(value: str | None, searching: bool = False) -> str:
    if value in SORTS:
        return value
    return "relevance" if searching else DEFAULT_SORT


def sort_cases(cases: QuerySet, key: str | None) -> QuerySet:
    """`cases` (from Case.objects.public(), maybe filtered) in the order `key` names.
    Cases found by a name search (public.filters: annotated `search_rank`) come best
    match first, then most recent arrest, unless `key` asks for another order."""
    searching = "search_rank" in cases.query.annotations
    key = sort_key(key, searching)
    if key == "relevance":
        if searching:
            return cases.order_by("search_rank", "-arrest_date__sortable", "pk")
        key = DEFAULT_SORT
    if key == "arrest":
        return cases.order_by("arrest_date__sortable", "pk")
    if key == "name":
        return cases.order_by("person__full_name", "pk")
    if key == "sentence":
        # The longest published term, written with the version (public.writer): an
        # indexed column, not a subquery per case.
        return cases.order_by(LONGEST_TERM_ORDER.desc(), "-arrest_date__sortable", "pk")
    return cases.order_by("-arrest_date__sortable", "pk")


def with_row_data(cases: QuerySet) -> QuerySet:
    """What a row of /cases/ shows: person, charges, sentences, ongoing hunger strike.

    `cases` must come from Case.objects.public() (every caller's does).
    """
    return (
        cases.select_related("person")
        .prefetch_related(
            Prefetch(
                "charges",
                queryset=Charge.objects.public()  # not under an internal article
                .select_related("article")
                .order_by("pk"),
                to_attr="public_charges",
            ),
            Prefetch(
                "sentences",
                queryset=Sentence.objects.public().order_by("sentenced_on__sortable", "pk"),
                to_attr="public_sentences",
            ),
        )
        .annotate(
            # The outer cases are public, so is their person: strikes need only be
            # publishable (public() would re-check the person's cases per row).
            hunger_strike_ongoing=Exists(
                HungerStrike.objects.publishable().ongoing().filter(person=OuterRef("person"))
            )
        )
    )


def with_export_data(cases: QuerySet) -> QuerySet:
    """Row data plus everything an export row carries."""
    return with_row_data(cases).prefetch_related(
        Prefetch(
            "recognitions",
            queryset=Recognition.objects.public().order_by("pk"),
            to_attr="public_recognitions",
        ),
        Prefetch(
            "person__name_variants",
            queryset=NameVariant.objects.public().order_by("name"),
            to_attr="public_variants",
        ),
        Prefetch(
            "person__memberships",
            queryset=Membership.objects.public()
            .filter(organization__in=Organization.objects.public())
            .select_related("organization")
            .order_by("organization__name"),
            to_attr="public_memberships",
        ),
        Prefetch(
            "person__detentions",
            queryset=Detention.objects.public()
            .current()
            .select_related("facility")
            .order_by("-started_on__sortable", "-pk"),
            to_attr="current_detentions",
        ),
        # the case's last detention, for a row whose status ended it (released,
        # acquitted, died in custody: the import ends the detention the row names)
        Prefetch(
            "detentions",
            queryset=Detention.objects.public()
            .select_related("facility")
            .order_by("-started_on__sortable", "-pk"),
            to_attr="own_detentions",
        ),
    )


def shown_facility(detention: Detention | None) -> Facility | None:
    from .pages import is_publishable

    if detention is None or not is_publishable(detention.facility):
        return None
    return detention.facility
