"""Counts of cases by dimension: the facets beside /cases/ filters and the /stats/ page.

Every counting function takes a queryset of cases the caller already restricted
with Case.objects.public() (and maybe CaseFilter) and runs one grouped query (plus,
for articles, parties and facilities, one for their records); the counts by
country, status, year and hunger strike share one (Cells). Counts hold no text,
so one cached copy serves every language; the *_buckets and by_* functions label
them in the active language. A
case's own records (charges, sentences, the person's memberships, detentions and
hunger strikes) are reached from those cases and need only be publishable: their
case, or their person's published case, is the one already cleared. Reference
data (articles, organizations, facilities) goes through its .public() queryset.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django.db import connections
from django.db.models import Count, Exists, F, OuterRef, QuerySet
from django.utils.translation import gettext as _

from casetracker.records import publishable_q
from public.models import (
    PublicCase as Case,
)
from public.models import (
    PublicFacility as Facility,
)
from public.models import (
    PublicHungerStrike as HungerStrike,
)
from public.models import (
    PublicLegalArticle as LegalArticle,
)
from public.models import (
    PublicOrganization as Organization,
)

from .countries import country_name
from .filters import UNKNOWN_YEAR


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


@dataclass
class RefCounts:
    """How many cases point at each referenced record (a public article, organization
    or facility), by id, and those records. No labels: the same in every language,
    so one cached copy serves them all (views._counts)."""

    counts: dict[int, int]
    refs: dict


def _cases_per(cases: QuerySet, child: str, ref: str, refs: QuerySet) -> RefCounts:
    """How many of `cases` have a publishable `child` record (a charge, a membership,
    a detention) pointing at each of `refs` (public articles, organizations,
    facilities); and those referenced records, by id.

    Counted from the cases side, grouped by the referenced id only: from the
    children's side PostgreSQL once joined every public article to every filtered
    case before looking for charges (seconds at 100,000 cases), and grouping by
    the labels too made it sort every joined row by them. The labels come after,
    in one small query.
    """
    counts = dict(
        cases.order_by()
        .filter(publishable_q(f"{child}__"), **{f"{child}__{ref}__in": refs})
        .values_list(f"{child}__{ref}_id")
        # a case counts once per record, however many children point at it
        .annotate(n=Count("pk", distinct=True))
    )
    return RefCounts(counts, refs.in_bulk(list(counts)))


def article_counts(cases: QuerySet) -> RefCounts:
    return _cases_per(cases, "charges", "article", LegalArticle.objects.public())


def organization_counts(cases: QuerySet) -> RefCounts:
    return _cases_per(cases, "person__memberships", "organization", Organization.objects.public())


def facility_counts(cases: QuerySet) -> RefCounts:
    return _cases_per(cases, "person__detentions", "facility", Facility.objects.public())


def article_buckets(found: RefCounts) -> list[Bucket]:
    return _sorted(
        [
            Bucket(
                # the citable key when the article has a number, else its id
                value=article.key or str(pk),
                label=article_label(article.country, article.code, article.number, article.title),
                count=found.counts[pk],
                param="article",
            )
            for pk, article in found.refs.items()
        ]
    )


def organization_buckets(found: RefCounts) -> list[Bucket]:
    return _sorted(
        [
            Bucket(value=org.slug, label=org.name, count=found.counts[pk], param="organization")
            for pk, org in found.refs.items()
        ]
    )


def facility_buckets(found: RefCounts) -> list[Bucket]:
    return _sorted(
        [
            Bucket(
                value=facility.slug,
                label=f"{facility.name}, {facility.city}" if facility.city else facility.name,
                count=found.counts[pk],
                param="facility",
            )
            for pk, facility in found.refs.items()
        ]
    )


class Cells:
    """Cases counted by (country, status, year of arrest, ongoing hunger strike).

    One grouped query (a few hundred rows however many cases) answers the
    country, status and year facets, the hunger-strike count and the number of
    results under any combination of those four filters: each is a sum over the
    rows that match the other filters (`where`, as CaseFilter.cell_values()
    gives them), instead of one pass over the cases per facet.
    """

    DIMENSIONS = ("country", "status", "year", "hunger_strike")

    def __init__(self, cases: QuerySet):
        ongoing = HungerStrike.objects.publishable().ongoing().filter(person=OuterRef("person"))
        self.rows = [
            (dict(zip(self.DIMENSIONS, key, strict=True)), n)
            for *key, n in cases.order_by()
            .annotate(year=F("arrest_date__earliest_year"), hunger_strike=Exists(ongoing))
            .values_list("country", "status", "year", "hunger_strike")
            .annotate(n=Count("pk"))
        ]
        # A case without an arrest date counts under "date unknown", as ?year=unknown lists it.
        for cell, _n in self.rows:
            cell["year"] = cell["year"] or UNKNOWN_YEAR

    def _matching(self, where: dict):
        for cell, n in self.rows:
            if all(cell[name] == value for name, value in where.items()):
                yield cell, n

    def total(self, **where) -> int:
        return sum(n for _cell, n in self._matching(where))

    def by(self, name: str, where: dict) -> dict[str, int]:
        """Counts per value of `name` among the rows matching `where` without `name`."""
        counts: dict[str, int] = {}
        others = {key: value for key, value in where.items() if key != name}
        for cell, n in self._matching(others):
            counts[cell[name]] = counts.get(cell[name], 0) + n
        return counts


def by_country(cells: Cells, where: dict | None = None) -> list[Bucket]:
    rows = cells.by("country", where or {}).items()
    return _sorted(
        [Bucket(value=c, label=country_name(c), count=n, param="country") for c, n in rows]
    )


def by_status(cells: Cells, where: dict | None = None) -> list[Bucket]:
    rows = cells.by("status", where or {}).items()
    labels = dict(Case.Status.choices)
    return _sorted(
        [Bucket(value=s, label=str(labels.get(s, s)), count=n, param="status") for s, n in rows]
    )


def by_year(cells: Cells, where: dict | None = None) -> list[Bucket]:
    """Most recent year first; the cases without an arrest date last, as "date unknown"."""
    rows = cells.by("year", where or {})
    unknown = rows.pop(UNKNOWN_YEAR, 0)
    years = sorted(
        (Bucket(value=y, label=y, count=n, param="year") for y, n in rows.items()),
        key=lambda r: r.value,
        reverse=True,
    )
    if unknown:
        years.append(
            Bucket(value=UNKNOWN_YEAR, label=_("Date unknown"), count=unknown, param="year")
        )
    return years


def region_counts(cases: QuerySet) -> dict[str, int]:
    """How many of `cases` name each region (cases without one are left out)."""
    return dict(
        cases.order_by()
        .exclude(region="")
        .values_list("region")
        .annotate(n=Count("pk"))
        .values_list("region", "n")
    )


def region_buckets(found: dict[str, int]) -> list[Bucket]:
    return _sorted([Bucket(value=r, label=r, count=n, param="region") for r, n in found.items()])


def ongoing_hunger_strikes(cells: Cells, where: dict | None = None) -> int:
    others = {k: v for k, v in (where or {}).items() if k != "hunger_strike"}
    return cells.total(**others, hunger_strike=True)


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


def sentence_band_counts(cases: QuerySet) -> dict[str, int]:
    """Cases by their longest public sentence term: {band key: count}.

    One pass over the cases alone: their longest term and whether one of their
    sentences is life imprisonment are columns of the read model, written with
    the version (PublicCase.longest_term_months, .life_sentence).
    """
    per_case = (
        cases.order_by()
        .annotate(term=F("longest_term_months"), life=F("life_sentence"))
        .values("term", "life")
    )
    # The outer count wraps the per-case query's own SQL; only the band bounds
    # below are added as parameters.
    whens, band_params = ["WHEN life THEN %s", "WHEN term IS NULL THEN %s"], ["life", "no_term"]
    for key, low, high in BANDS:
        if high is None:
            whens.append("WHEN term >= %s THEN %s")
            band_params += [low, key]
        else:
            whens.append("WHEN term >= %s AND term <= %s THEN %s")
            band_params += [low, high, key]
    inner, inner_params = per_case.query.sql_with_params()
    # Only constant SQL around the ORM's own; every value is a parameter.
    sql = f"SELECT CASE {' '.join(whens)} END, COUNT(*) FROM ({inner}) per_case GROUP BY 1"  # noqa: S608
    with connections[per_case.db].cursor() as cursor:
        cursor.execute(sql, [*band_params, *inner_params])
        found = dict(cursor.fetchall())
    return {key: found.get(key, 0) for key in [*(b[0] for b in BANDS), "life", "no_term"]}


def sentence_band_buckets(counts: dict[str, int]) -> list[Bucket]:
    """The bands with their labels and the filter that lists them."""
    rows = []
    for key, low, high in BANDS:
        query = f"min_months={low}" + (f"&max_months={high}" if high is not None else "")
        rows.append(Bucket(value=key, label=band_label(key), count=counts[key], query=query))
    for key in ("life", "no_term"):
        rows.append(Bucket(value=key, label=band_label(key), count=counts[key]))
    return rows
