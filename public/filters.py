"""The filters of /cases/, its exports and the API: one FilterSet, names as in docs/contracts.md.

Every filter narrows a queryset of Case.objects.public() (every caller's
does) and never confirms the existence of an internal or confidential record:
reference data (articles, organizations, facilities) is reached through its
`.public()` queryset, and a case's own records (charges, sentences) and its
person's (memberships, detentions, hunger strikes, name variants) through
`.publishable()`, correlated to the public case being filtered. Their public()
would re-check, for every row, that the case or person is published, which the
outer queryset already did (at 100,000 cases that re-check was most of the cost
of a filtered /cases/).
"""

from __future__ import annotations

import re

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from cases.citations import parse_citation
from people.search import rank_expression, search_people, search_ranks
from public.models import PublicCase as Case
from public.models import PublicCharge as Charge
from public.models import PublicDetention as Detention
from public.models import PublicHungerStrike as HungerStrike
from public.models import PublicLegalArticle as LegalArticle
from public.models import PublicMembership as Membership
from public.models import PublicOrganization as Organization
from public.models import PublicPerson as Person
from public.models import PublicRecognition as Recognition
from public.models import PublicSentence as Sentence

# An id the database can hold (str.isdigit() would also accept "²" and 30-digit numbers).
ARTICLE_ID = re.compile(r"[0-9]{1,18}")
# COUNTRY:CODE[@EDITION]:PROVISION, e.g. KZ:criminal:405, RU:criminal:207.3,
# MM:criminal:505(b), AZ:criminal@1960:283; the provision may be in the
# country's notation (RU:criminal:п. «д» ч. 2 ст. 207.3), see cases.citations.
ARTICLE_KEY = re.compile(
    r"^([A-Za-z]{2}):(criminal|administrative)(?:@([0-9A-Za-z.\-]{1,20}))?:(.+)$",
    re.DOTALL,  # the provision may hold any whitespace, as the schema's pattern allows
)


def article_lookup(value: str):
    """`12` (an id) or `KZ:criminal:405` (country:code:number) -> Charge filter kwargs,
    or None. An article includes all its parts: `RU:criminal:207.3` matches a charge
    under part 2, letter д of it; `RU:criminal:ч. 2 ст. 207.3` only that part."""
    value = (value or "").strip()
    if ARTICLE_ID.fullmatch(value):
        return Q(article_id=int(value))
    match = ARTICLE_KEY.match(value)
    if not match:
        return None
    country, code, edition, provision = match.groups()
    citation = parse_citation(provision)
    if citation is None:
        return None
    code_q = Q(article__country=country.upper(), article__code=code, article__edition=edition or "")
    parts = Q(article__number=citation.article)
    for name in ("part", "paragraph", "letter"):
        if getattr(citation, name):
            parts &= Q(**{f"{name}__iexact": getattr(citation, name)})
    # An article numbered as written ("80(d)" stored whole) matches too.
    return code_q & (parts | Q(article__number=provision.strip()))


class ArticleField(forms.CharField):
    def validate(self, value):
        super().validate(value)
        if value and article_lookup(value) is None:
            raise forms.ValidationError(
                _(
                    "Use a legal article id or COUNTRY:CODE:NUMBER, e.g. KZ:criminal:405, "
                    "MM:criminal:505(b) or AZ:criminal@1960:283."
                ),
                code="invalid_article",
            )


class ArticleFilter(django_filters.CharFilter):
    field_class = ArticleField


class HungerStrikeFilter(django_filters.ChoiceFilter):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("choices", [("ongoing", _("Ongoing"))])
        super().__init__(*args, **kwargs)


# ?year=unknown: the cases whose arrest date is not known (a facet option and a stats row).
UNKNOWN_YEAR = "unknown"


class YearField(forms.CharField):
    """A year of arrest (1900 to 2100) or `unknown`; cleaned to "2024" or "unknown"."""

    def clean(self, value):
        value = super().clean(value)
        value = (value or "").strip()
        if not value:
            return None
        if value.casefold() == UNKNOWN_YEAR:
            return UNKNOWN_YEAR
        if re.fullmatch(r"[0-9]{4}", value) and 1900 <= int(value) <= 2100:
            return value
        raise forms.ValidationError(
            _("Enter a year between 1900 and 2100, or “unknown”."), code="invalid_year"
        )


class YearFilter(django_filters.CharFilter):
    field_class = YearField


class CaseFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("Name"), max_length=200)
    article = ArticleFilter(method="filter_article", label=_("Legal article"), max_length=60)
    organization = django_filters.CharFilter(
        method="filter_organization", label=_("Organization or party"), max_length=220
    )
    country = django_filters.CharFilter(method="filter_country", label=_("Country"), max_length=2)
    region = django_filters.CharFilter(method="filter_region", label=_("Region"), max_length=200)
    status = django_filters.ChoiceFilter(choices=Case.Status.choices, label=_("Status"))
    facility = django_filters.CharFilter(
        method="filter_facility", label=_("Place of detention"), max_length=220
    )
    year = YearFilter(method="filter_year", label=_("Year of arrest"), max_length=7)
    min_months = django_filters.NumberFilter(
        method="filter_min_months",
        label=_("Sentence at least (months)"),
        min_value=0,
        max_value=2000,
    )
    max_months = django_filters.NumberFilter(
        method="filter_max_months",
        label=_("Sentence at most (months)"),
        min_value=0,
        max_value=2000,
    )
    hunger_strike = HungerStrikeFilter(method="filter_hunger_strike", label=_("Hunger strike"))
    recognized_by = django_filters.CharFilter(
        method="filter_recognized_by", label=_("Recognised by (organisation)"), max_length=220
    )
    proceeding = django_filters.CharFilter(
        method="filter_proceeding", label=_("Group trial (proceeding)"), max_length=220
    )

    class Meta:
        model = Case
        fields: list[str] = []

    # Filters on a case's own columns (and one flag per case): counted for all their
    # combinations at once by public.stats.Cells and applied there in Python.
    CELL_FILTERS = ("country", "status", "year", "hunger_strike")

    def cell_values(self) -> dict:
        """The valid CELL_FILTERS given, as Cells stores them: what filter_country,
        filter_year, the status choice and filter_hunger_strike below match. Like
        .qs, an invalid value is left out."""
        self.is_valid()
        data = self.form.cleaned_data
        values = {}
        if data.get("country"):
            values["country"] = data["country"].upper()
        if data.get("status"):
            values["status"] = data["status"]
        if data.get("year"):
            values["year"] = data["year"]
        if data.get("hunger_strike") == "ongoing":
            values["hunger_strike"] = True
        return values

    def filter_q(self, queryset, name, value):
        """Cases of the people the name matches (people.search), best match first:
        each case carries its person's `search_rank`, which listing.sort_cases puts
        before the chosen order unless another sort is asked for."""
        people = search_people(Person.objects.publishable(), value)
        ranks = search_ranks(people, value)
        found = queryset.filter(person__in=people.values("pk")).annotate(
            search_rank=rank_expression("person_id", ranks)
        )
        return found.order_by("search_rank", *queryset.query.order_by)

    def filter_article(self, queryset, name, value):
        lookup = article_lookup(value)
        # publishable() leaves out charges under an internal article (ChargeQuerySet).
        charges = Charge.objects.publishable().filter(lookup, case=OuterRef("pk"))
        return queryset.filter(Exists(charges))

    def filter_recognized_by(self, queryset, name, value):
        """Cases recognised by the public organisation with this slug."""
        recognitions = Recognition.objects.publishable().filter(
            case=OuterRef("pk"), recognizer__slug=value, recognizer__in=_public_orgs()
        )
        return queryset.filter(Exists(recognitions))

    def filter_proceeding(self, queryset, name, value):
        """The published cases of the group trial with this slug (the read model holds
        a proceeding only while one of its cases is published)."""
        return queryset.filter(proceeding__slug=value.strip())

    def filter_organization(self, queryset, name, value):
        members = Membership.objects.publishable().filter(
            person=OuterRef("person"),
            organization__slug=value,
            organization__in=_public_orgs(),
        )
        return queryset.filter(Exists(members))

    def filter_country(self, queryset, name, value):
        return queryset.filter(country=value.upper())

    def filter_facility(self, queryset, name, value):
        detentions = Detention.objects.publishable().filter(
            person=OuterRef("person"), facility__slug=value, facility__in=_public_facilities()
        )
        return queryset.filter(Exists(detentions))

    def filter_region(self, queryset, name, value):
        """The case's region as written (case-insensitively, surrounding spaces aside)."""
        value = " ".join(value.split())
        return queryset.filter(region__iexact=value) if value else queryset

    def filter_year(self, queryset, name, value):
        if value == UNKNOWN_YEAR:
            return queryset.filter(Q(arrest_date="") | Q(arrest_date__isnull=True))
        # An uncertain date counts in its earliest possible year ("before X": the year of X).
        return queryset.filter(arrest_date__earliest_year=f"{int(value):04d}")

    def filter_min_months(self, queryset, name, value):
        # A sentence of at least `value` months: the longest published one is
        # (PublicCase.longest_term_months, written with the version).
        return queryset.filter(longest_term_months__gte=value)

    def filter_max_months(self, queryset, name, value):
        sentences = Sentence.objects.publishable().filter(
            case=OuterRef("pk"), term_months__lte=value
        )
        return queryset.filter(Exists(sentences))

    def filter_hunger_strike(self, queryset, name, value):
        ongoing = HungerStrike.objects.publishable().ongoing().filter(person=OuterRef("person"))
        return queryset.filter(Exists(ongoing))


def _public_orgs():
    from public.models import PublicOrganization as Organization

    return Organization.objects.public().values("pk")


def _public_facilities():
    from public.models import PublicFacility as Facility

    return Facility.objects.public().values("pk")


def public_articles():
    """Legal articles that at least one public charge uses (for filter menus)."""
    return LegalArticle.objects.public().filter(
        Exists(Charge.objects.public().filter(article=OuterRef("pk")))
    )


def recognition_counts(cases) -> list[tuple]:
    """(organisation, number of `cases` it recognises), most first: `cases` already
    restricted by Case.objects.public() (and maybe CaseFilter)."""
    from django.db.models import Count, Q

    from casetracker.records import publishable_q

    public = publishable_q("recognitions_given__") & Q(
        recognitions_given__case__in=cases.values("pk")
    )
    orgs = (
        Organization.objects.public()
        .annotate(cases=Count("recognitions_given__case", filter=public, distinct=True))
        .filter(cases__gt=0)
        .order_by("-cases", "name")
    )
    return [(org, org.cases) for org in orgs]
