"""Counts of cases by dimension: the facets beside /cases/ filters and the /stats/ page.

Every function takes a queryset of cases the caller already restricted with
Case.objects.public() (and maybe CaseFilter), reaches related records only
through their .public() querysets, and runs one grouped query.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django.db.models import Case as DbCase
from django.db.models import CharField, Count, Exists, OuterRef, QuerySet, Subquery, Value, When
from django.db.models.functions import Substr
from django.utils.translation import gettext as _

from cases.models import Case, Charge, Detention, Facility, HungerStrike, LegalArticle, Sentence
from people.models import Membership, Organization

from .countries import country_name


@dataclass
class Bucket:
    """One row of a count: what it is, how many cases, and the /cases/ query listing them."""

    value: str
    label: str
    count: int
    param: str = ""
    query: str = ""

    def __post_init__(self):
        if self.param and not self.query:
            self.query = urlencode({self.param: self.value})


def _ids(cases: QuerySet) -> QuerySet:
    return cases.order_by().values("pk")


def _sorted(rows: list[Bucket]) -> list[Bucket]:
    return sorted(rows, key=lambda r: (-r.count, r.label.casefold()))


def article_label(country: str, code: str, number: str, title: str) -> str:
    code_label = LegalArticle.Code(code).label if code in LegalArticle.Code.values else code
    if number:
        return _("%(title)s (%(country)s %(code)s, art. %(number)s)") % {
            "title": title,
            "country": country,
            "code": code_label.lower(),
            "number": number,
        }
    return _("%(title)s (%(country)s %(code)s)") % {
        "title": title,
        "country": country,
        "code": code_label.lower(),
    }


def by_article(cases: QuerySet) -> list[Bucket]:
    rows = (
        Charge.objects.public()
        .filter(article__in=LegalArticle.objects.public(), case__in=_ids(cases))
        .values_list(
            "article_id", "article__country", "article__code", "article__number", "article__title"
        )
        .annotate(n=Count("case", distinct=True))
        .order_by()
    )
    return _sorted(
        [
            Bucket(
                # the citable key when the article has a number, else its id
                value=f"{country}:{code}:{number}" if number else str(pk),
                label=article_label(country, code, number, title),
                count=n,
                param="article",
            )
            for pk, country, code, number, title, n in rows
        ]
    )


def by_organization(cases: QuerySet) -> list[Bucket]:
    rows = (
        Membership.objects.public()
        .filter(
            organization__in=Organization.objects.public(),
            person__cases__in=_ids(cases),
        )
        .values_list("organization__slug", "organization__name")
        # the filter above restricts this join to the given cases
        .annotate(n=Count("person__cases", distinct=True))
        .order_by()
    )
    return _sorted(
        [Bucket(value=s, label=name, count=n, param="organization") for s, name, n in rows]
    )


def by_facility(cases: QuerySet) -> list[Bucket]:
    rows = (
        Detention.objects.public()
        .filter(facility__in=Facility.objects.public(), person__cases__in=_ids(cases))
        .values_list("facility__slug", "facility__name", "facility__city")
        .annotate(n=Count("person__cases", distinct=True))
        .order_by()
    )
    return _sorted(
        [
            Bucket(
                value=slug,
                label=f"{name}, {city}" if city else name,
                count=n,
                param="facility",
            )
            for slug, name, city, n in rows
        ]
    )


def by_country(cases: QuerySet) -> list[Bucket]:
    rows = cases.order_by().values_list("country").annotate(n=Count("pk"))
    return _sorted(
        [Bucket(value=c, label=country_name(c), count=n, param="country") for c, n in rows]
    )


def by_status(cases: QuerySet) -> list[Bucket]:
    rows = cases.order_by().values_list("status").annotate(n=Count("pk"))
    labels = dict(Case.Status.choices)
    return _sorted(
        [Bucket(value=s, label=str(labels.get(s, s)), count=n, param="status") for s, n in rows]
    )


def by_year(cases: QuerySet) -> list[Bucket]:
    rows = (
        cases.order_by()
        .exclude(arrest_date="")
        .annotate(y=Substr("arrest_date", 1, 4))
        .values_list("y")
        .annotate(n=Count("pk"))
    )
    return sorted(
        (Bucket(value=y, label=y, count=n, param="year") for y, n in rows),
        key=lambda r: r.value,
        reverse=True,
    )


def ongoing_hunger_strikes(cases: QuerySet) -> int:
    ongoing = HungerStrike.objects.public().ongoing().filter(person=OuterRef("person"))
    return cases.order_by().filter(Exists(ongoing)).count()


# (label, min_months, max_months): the same bounds the min_months/max_months filters take.
BANDS = (
    ("under_1", 0, 11),
    ("1_3", 12, 35),
    ("3_5", 36, 59),
    ("5_10", 60, 119),
    ("10_plus", 120, None),
)


def band_label(key: str) -> str:
    return {
        "under_1": _("Under 1 year"),
        "1_3": _("1 to 3 years"),
        "3_5": _("3 to 5 years"),
        "5_10": _("5 to 10 years"),
        "10_plus": _("10 years or more"),
        "life": _("Life imprisonment"),
        "no_term": _("No prison term reported"),
    }[key]


def sentence_bands(cases: QuerySet) -> list[Bucket]:
    """Cases by their longest public sentence term, with the filter that lists them."""
    sentences = Sentence.objects.public().filter(case=OuterRef("pk"))
    longest = sentences.filter(term_months__isnull=False).order_by("-term_months")
    annotated = cases.order_by().annotate(
        term=Subquery(longest.values("term_months")[:1]),
        life=Exists(sentences.filter(kind=Sentence.Kind.LIFE_IMPRISONMENT)),
    )
    whens = [When(life=True, then=Value("life")), When(term__isnull=True, then=Value("no_term"))]
    for key, low, high in BANDS:
        bounds = {"term__gte": low} if high is None else {"term__gte": low, "term__lte": high}
        whens.append(When(**bounds, then=Value(key)))
    counts = dict(
        annotated.annotate(band=DbCase(*whens, output_field=CharField()))
        .values_list("band")
        .annotate(n=Count("pk"))
    )
    counts = {key: counts.get(key, 0) for key in [*(b[0] for b in BANDS), "life", "no_term"]}
    rows = []
    for key, low, high in BANDS:
        query = f"min_months={low}" + (f"&max_months={high}" if high is not None else "")
        rows.append(Bucket(value=key, label=band_label(key), count=counts[key], query=query))
    for key in ("life", "no_term"):
        rows.append(Bucket(value=key, label=band_label(key), count=counts[key]))
    return rows
