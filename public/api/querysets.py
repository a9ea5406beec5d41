"""The API's querysets: every one starts from `.public()`, children from
`.publishable()` (their case or person is already cleared) and are prefetched
into `public_*` attributes, so the number of queries per page is fixed."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Prefetch, QuerySet

from public.models import (
    PublicCase as Case,
)
from public.models import (
    PublicCharge as Charge,
)
from public.models import (
    PublicEvent as Event,
)
from public.models import (
    PublicFacility as Facility,
)
from public.models import (
    PublicHealthObservation as HealthObservation,
)
from public.models import (
    PublicHungerStrike as HungerStrike,
)
from public.models import (
    PublicLegalArticle as LegalArticle,
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
    PublicOrganizationStatus as OrganizationStatus,
)
from public.models import (
    PublicPerson as Person,
)
from public.models import (
    PublicRecognition as Recognition,
)
from public.models import (
    PublicSentence as Sentence,
)
from public.models import (
    PublicSource as Source,
)


def _sources() -> Prefetch:
    return Prefetch("sources", queryset=Source.objects.publishable(), to_attr="public_sources")


def cases() -> QuerySet:
    return (
        Case.objects.public()
        .select_related("person", "proceeding")
        .prefetch_related(
            Prefetch(
                "charges",
                # publishable(): never a charge under an internal article, whose
                # title is the secret (ChargeQuerySet).
                queryset=Charge.objects.publishable()
                .select_related("article")
                .prefetch_related(_sources())
                .order_by("pk"),
                to_attr="public_charges",
            ),
            Prefetch(
                "sentences",
                queryset=Sentence.objects.publishable().prefetch_related(_sources()),
                to_attr="public_sentences",
            ),
            Prefetch(
                "recognitions",
                queryset=Recognition.objects.publishable().prefetch_related(_sources()),
                to_attr="public_recognitions",
            ),
            Prefetch(
                "events",
                queryset=Event.objects.publishable().prefetch_related(_sources()),
                to_attr="public_events",
            ),
        )
        .order_by("-arrest_date__sortable", "pk")
    )


def people() -> QuerySet:
    public_orgs = Organization.objects.public()
    return (
        Person.objects.public()
        .prefetch_related(
            Prefetch(
                "name_variants",
                queryset=NameVariant.objects.publishable().order_by("name", "pk"),
                to_attr="public_variants",
            ),
            Prefetch(
                "cases",
                queryset=Case.objects.public().order_by("-arrest_date__sortable", "pk"),
                to_attr="public_cases",
            ),
            Prefetch(
                "memberships",
                queryset=Membership.objects.publishable()
                .filter(organization__in=public_orgs)
                .select_related("organization")
                .order_by("organization__name", "pk"),
                to_attr="public_memberships",
            ),
        )
        .order_by("full_name", "pk")
    )


def organizations() -> QuerySet:
    return (
        Organization.objects.public()
        .prefetch_related(
            Prefetch(
                "statuses",
                queryset=OrganizationStatus.objects.publishable().order_by("since", "pk"),
                to_attr="public_statuses",
            )
        )
        .order_by("name", "pk")
    )


def legal_articles() -> QuerySet:
    return LegalArticle.objects.public().order_by("country", "code", "number", "title", "pk")


def facilities() -> QuerySet:
    return Facility.objects.public().order_by("country", "name", "pk")


def health_observations() -> QuerySet:
    return (
        HealthObservation.objects.public()
        .select_related("person")
        .prefetch_related(_sources())
        .order_by("-observed_on", "-pk")
    )


def hunger_strikes() -> QuerySet:
    return (
        HungerStrike.objects.public()
        .select_related("person")
        .prefetch_related(_sources())
        .annotate(case_is_public=Exists(Case.objects.public().filter(pk=OuterRef("case"))))
        .order_by("-started_on", "-pk")
    )


def popolo_memberships() -> QuerySet:
    return (
        Membership.objects.public()
        .filter(organization__in=Organization.objects.public())
        .order_by("pk")
    )


def popolo_people() -> QuerySet:
    return (
        Person.objects.public()
        .prefetch_related(
            Prefetch(
                "name_variants",
                queryset=NameVariant.objects.publishable().order_by("name", "pk"),
                to_attr="public_variants",
            )
        )
        .order_by("pk")
    )
