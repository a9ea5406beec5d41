"""Filters of the API lists other than cases (cases use public.filters.CaseFilter,
the /cases/ contract). Every related lookup goes through `.public()`."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from people.search import rank_expression, search_people, search_ranks
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
    PublicOrganization as Organization,
)
from public.models import (
    PublicPerson as Person,
)


class CountryFilter(django_filters.CharFilter):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 2)
        kwargs.setdefault("label", _("Country (ISO 3166-1 alpha-2)"))
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        return super().filter(qs, value.upper() if value else value)


class IdFilter(django_filters.NumberFilter):
    """A record id: a whole number within the database's range."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 2**63 - 1)
        super().__init__(*args, **kwargs)


class PersonFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("Name"), max_length=200)
    organization = django_filters.CharFilter(
        method="filter_organization", label=_("Organization or party (slug)"), max_length=220
    )
    citizenship = CountryFilter(field_name="citizenship")
    gender = django_filters.ChoiceFilter(choices=Person._meta.get_field("gender").choices)

    class Meta:
        model = Person
        fields: list[str] = []

    def filter_q(self, queryset, name, value):
        """Best match first, as the cases' `q` (people.search)."""
        found = search_people(queryset, value)
        ranked = found.annotate(search_rank=rank_expression("pk", search_ranks(found, value)))
        return ranked.order_by("search_rank", *queryset.query.order_by)

    def filter_organization(self, queryset, name, value):
        members = Membership.objects.public().filter(
            person=OuterRef("pk"),
            organization__slug=value,
            organization__in=Organization.objects.public().values("pk"),
        )
        return queryset.filter(Exists(members))


class OrganizationFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("Name"), max_length=200)
    kind = django_filters.ChoiceFilter(choices=Organization.Kind.choices)
    country = CountryFilter(field_name="country")

    class Meta:
        model = Organization
        fields: list[str] = []

    def filter_q(self, queryset, name, value):
        return queryset.filter(name__icontains=value) | queryset.filter(
            translated_name__icontains=value
        )


class LegalArticleFilter(django_filters.FilterSet):
    country = CountryFilter(field_name="country")
    code = django_filters.ChoiceFilter(choices=LegalArticle.Code.choices)
    number = django_filters.CharFilter(field_name="number", max_length=30)
    q = django_filters.CharFilter(
        field_name="title", lookup_expr="icontains", label=_("Title"), max_length=200
    )

    class Meta:
        model = LegalArticle
        fields: list[str] = []


class FacilityFilter(django_filters.FilterSet):
    country = CountryFilter(field_name="country")
    kind = django_filters.ChoiceFilter(choices=Facility.Kind.choices)
    city = django_filters.CharFilter(field_name="city", lookup_expr="iexact", max_length=200)

    class Meta:
        model = Facility
        fields: list[str] = []


class HealthObservationFilter(django_filters.FilterSet):
    person = IdFilter(field_name="person_id")
    kind = django_filters.ChoiceFilter(choices=HealthObservation.Kind.choices)
    observed_after = django_filters.DateFilter(field_name="observed_on", lookup_expr="gte")
    observed_before = django_filters.DateFilter(field_name="observed_on", lookup_expr="lte")

    class Meta:
        model = HealthObservation
        fields: list[str] = []


class HungerStrikeFilter(django_filters.FilterSet):
    person = IdFilter(field_name="person_id")
    kind = django_filters.ChoiceFilter(choices=HungerStrike.Kind.choices)
    ongoing = django_filters.BooleanFilter(method="filter_ongoing", label=_("Ongoing"))

    class Meta:
        model = HungerStrike
        fields: list[str] = []

    def filter_ongoing(self, queryset, name, value):
        ongoing = queryset.ongoing()
        return ongoing if value else queryset.exclude(pk__in=ongoing.values("pk"))
