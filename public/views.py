"""Public views: thin, and every one starts from a `.public()` queryset.

Case pages are built by pages.case_page_context (shared with the editors'
preview); counts come from stats.py; rows of lists and exports from listing.py.

Page bodies are cached by public content version (casetracker/cache.py): a
view renders its body template (public/includes/*_body.html, nothing per user,
no CSRF token) inside `cached(...)` and places it in the page, whose header
and language switcher are rendered for each request.
"""

from __future__ import annotations

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Count, OuterRef, Prefetch, Subquery
from django.http import (
    Http404,
    HttpResponse,
    HttpResponsePermanentRedirect,
    JsonResponse,
    QueryDict,
    StreamingHttpResponse,
)
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from casetracker.cache import cached
from public.filters import CaseFilter
from public.models import (
    PublicCase as Case,
)
from public.models import (
    PublicCaseOfficial as CaseOfficial,
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
    PublicOfficial as Official,
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
    PublicProceeding as Proceeding,
)

from . import exports, ftm
from . import stats as counts
from .countries import country_name
from .listing import SORTS, sort_cases, sort_key, with_row_data
from .pages import case_page_context, custody_context, sources_prefetch

# Facets counted by a grouped query each (counts, then labelled options); the
# others come from stats.Cells.
FACETS = {
    "article": (counts.article_counts, counts.article_buckets),
    "organization": (counts.organization_counts, counts.organization_buckets),
    "facility": (counts.facility_counts, counts.facility_buckets),
    "region": (counts.region_counts, counts.region_buckets),
}
CELL_FACETS = {
    "country": counts.by_country,
    "status": counts.by_status,
    "year": counts.by_year,
}


def _ongoing_strikes():
    """Ongoing public hunger strikes, longest first, each with a case to link to."""
    case_slug = (
        Case.objects.public()
        .filter(person=OuterRef("person"))
        .order_by("-arrest_date__sortable", "pk")
        .values("slug")[:1]
    )
    strikes = list(
        HungerStrike.objects.public()
        .ongoing()
        .select_related("person")
        .annotate(case_slug=Subquery(case_slug))
        .order_by("started_on", "pk")[:50]
    )
    today = timezone.localdate()
    for strike in strikes:
        strike.days = strike.day_count(today)
    return strikes


def _body(request, template: str, context: dict) -> str:
    return render_to_string(f"public/includes/{template}", context, request=request)


@require_safe
def home(request):
    return render(request, "public/home.html", {"body": home_body(request)})


def home_body(request) -> str:
    def build():
        recent = with_row_data(Case.objects.public()).order_by("-updated_at", "-pk")[:8]
        context = {
            "recent_cases": recent,
            "ongoing_strikes": _ongoing_strikes(),
            "case_count": Case.objects.public().count(),
        }
        return _body(request, "home_body.html", context)

    return cached("home", build)


def _without(params, *names: str) -> dict:
    return {key: value for key, value in params.items() if key not in names}


def _cells(params) -> tuple[counts.Cells, dict]:
    """The public cases under every filter but CaseFilter.CELL_FILTERS, counted by
    those (stats.Cells), and the valid values of those given."""
    others = CaseFilter(_without(params, *CaseFilter.CELL_FILTERS), queryset=Case.objects.public())
    where = CaseFilter(params, queryset=Case.objects.public()).cell_values()
    return counts.Cells(others.qs), where


def _facets(params, cells: counts.Cells, where: dict, found: dict) -> dict:
    """Each filter's options with counts under all the OTHER active filters, labelled
    in the active language; `found` holds the FACETS' counts (_counts)."""
    facets = {name: label(found[name]) for name, (_count, label) in FACETS.items()}
    for name, count in CELL_FACETS.items():
        facets[name] = count(cells, where)
    for name, options in facets.items():
        current = (params.get(name) or "").strip()
        for option in options:
            option.selected = bool(current) and option.value.casefold() == current.casefold()
    facets["hunger_strike"] = counts.ongoing_hunger_strikes(cells, where)
    return facets


def _normalised(params) -> QueryDict:
    """The parameters /cases/ reads, one value each (the last, as the filters read
    them), in a fixed order. Everything below sees these only, and the cache varies
    on them: requests that differ in anything else (order, repeats, unknown
    parameters) share one entry, and nothing else reaches a cached body (its links)."""
    query = QueryDict(mutable=True)
    for name in sorted({*CaseFilter.base_filters, "sort", "page"}):
        if name in params:
            query[name] = params[name]
    return query


def _counts(params, valid: bool) -> tuple[int, dict]:
    """The number of results and the facets of /cases/ under `params`' filters.

    The counts are cached on the filters alone, in no language (only the labels
    are translated, here): every page, sort order and language of one filter
    shares them, so paging through results, re-sorting or switching language
    builds only the rows (at 100,000 cases the counts are most of a page's cost).
    """

    def build():
        cells, where = _cells(params)
        found = {}
        for name, (count, _label) in FACETS.items():
            others = CaseFilter(_without(params, name), queryset=Case.objects.public())
            found[name] = count(others.qs)
        return cells, where, found

    vary = [(k, v) for k, v in params.items() if k in CaseFilter.base_filters]
    cells, where, found = cached("case-counts", build, vary=vary, per_language=False)
    # The cells already counted the results (every filter valid: `where` holds
    # all the cell filters, the cells' queryset all the others), saving a COUNT.
    return (cells.total(**where) if valid else 0), _facets(params, cells, where, found)


@require_safe
def case_list(request):
    return render(request, "public/case_list.html", {"body": case_list_body(request, request.GET)})


def case_list_body(request, params) -> str:
    params = _normalised(params)
    return cached("cases", lambda: _case_list_body(request, params), vary=list(params.items()))


def _case_list_body(request, params) -> str:
    filterset = CaseFilter(params, queryset=Case.objects.public())
    valid = filterset.is_valid()
    # An invalid filter shows its error and no results: ignoring it would list wrong cases.
    cases = filterset.qs if valid else Case.objects.none()
    sort = sort_key(params.get("sort"), searching=bool(filterset.form.cleaned_data.get("q")))
    total, facets = _counts(params, valid)
    paginator = Paginator(with_row_data(sort_cases(cases, sort)), settings.PUBLIC_CASES_PER_PAGE)
    paginator.count = total
    page = paginator.get_page(params.get("page"))
    return _body(
        request,
        "case_list_body.html",
        {
            "filterset": filterset,
            "form": filterset.form,
            "valid": valid,
            "page": page,
            "facets": facets,
            "sorts": SORTS,
            "sort": sort,
            "export_query": params.urlencode() if valid else "",
            "filtered": any(params.get(name) for name in CaseFilter.base_filters),
            "list_query": params,  # the pager's links: not the request's own parameters
        },
    )


@require_safe
def case_detail(request, slug):
    case = get_object_or_404(Case.objects.public().select_related("person"), slug=slug)

    def build():
        context = case_page_context(case)
        return {
            "body": _body(request, "case_body.html", context),
            "cite_url": context["cite_url"],
            "json_ld": context["json_ld"],
        }

    page = cached("case", build, vary=[case.pk])
    # The citation and the page's own URL name the host that served it (not
    # SITE_URL): rendered per request, outside the cached body.
    page["cite_url"] = request.build_absolute_uri(case.get_absolute_url())
    context = {"case": case, "person": case.person, "publisher": settings.PUBLISHER_NAME, **page}
    return render(request, "public/case_detail.html", context)


@require_safe
def case_by_number(request, number: int):
    """`/cases/CT-000123/` (any letter case or padding): a permanent redirect to the
    case's page, for a case the read model holds."""
    slug = Case.objects.public().filter(pk=number).values_list("slug", flat=True).first()
    if slug is None:
        raise Http404("No published case has this record number.")
    return HttpResponsePermanentRedirect(reverse("public:case", kwargs={"slug": slug}))


@require_safe
def person_detail(request, slug):
    person = get_object_or_404(Person.objects.public(), slug=slug)
    body = cached("person", lambda: _person_body(request, person), vary=[person.pk])
    return render(request, "public/person_detail.html", {"person": person, "body": body})


def _person_body(request, person) -> str:
    cases = with_row_data(Case.objects.public().filter(person=person)).order_by(
        "-arrest_date__sortable", "pk"
    )
    memberships = (
        Membership.objects.public()
        .filter(person=person, organization__in=Organization.objects.public())
        .select_related("organization")
        .order_by("organization__name")
    )
    return _body(
        request,
        "person_body.html",
        {
            "person": person,
            "variants": NameVariant.objects.public().filter(person=person).order_by("name"),
            "memberships": memberships,
            "cases": cases,
            "citizenship": country_name(person.citizenship) if person.citizenship else "",
            **custody_context(person),
        },
    )


@require_safe
def proceeding_detail(request, slug):
    """A group trial and its published cases (the read model holds a proceeding only
    while one of its cases is published, and only the published cases)."""
    proceeding = get_object_or_404(Proceeding.objects.public(), slug=slug)
    body = cached("proceeding", lambda: _proceeding_body(request, proceeding), vary=[proceeding.pk])
    return render(
        request, "public/proceeding_detail.html", {"proceeding": proceeding, "body": body}
    )


def _proceeding_body(request, proceeding) -> str:
    cases = with_row_data(Case.objects.public().filter(proceeding=proceeding)).order_by(
        "person__full_name", "pk"
    )
    return _body(
        request,
        "proceeding_body.html",
        {
            "proceeding": proceeding,
            "cases": cases,
            "country": country_name(proceeding.country) if proceeding.country else "",
        },
    )


@require_safe
def organization_detail(request, slug):
    organization = get_object_or_404(Organization.objects.public(), slug=slug)
    statuses = (
        OrganizationStatus.objects.public()
        .filter(organization=organization)
        .prefetch_related(sources_prefetch())
        .order_by("since", "pk")
    )
    members = (
        Membership.objects.public()
        .filter(organization=organization)
        .select_related("person")
        .prefetch_related(
            Prefetch(
                "person__cases",
                queryset=Case.objects.public().order_by("-arrest_date__sortable", "pk"),
                to_attr="public_cases",
            )
        )
        .order_by("person__full_name")
    )
    return render(
        request,
        "public/organization_detail.html",
        {
            "organization": organization,
            "statuses": statuses,
            "members": members,
            "country": country_name(organization.country) if organization.country else "",
        },
    )


@require_safe
def official_list(request):
    """Every official who acted in a published case, with how many such cases."""
    officials = (
        Official.objects.public()
        .annotate(case_count=Count("parts__case", distinct=True))
        .order_by("full_name", "pk")
    )
    for official in officials:
        official.country_name = country_name(official.country) if official.country else ""
    return render(request, "public/official_list.html", {"officials": officials})


@require_safe
def official_detail(request, slug):
    """An official's parts in published cases (the read model holds only those)."""
    official = get_object_or_404(Official.objects.public(), slug=slug)
    parts = (
        CaseOfficial.objects.public()
        .filter(official=official, case__in=Case.objects.public())
        .select_related("case__person")
        .prefetch_related(sources_prefetch())
        .order_by("-date", "-pk")
    )
    return render(
        request,
        "public/official_detail.html",
        {
            "official": official,
            "parts": parts,
            "country": country_name(official.country) if official.country else "",
        },
    )


@require_safe
def export_ftm(request):
    """The public officials and their parts as FollowTheMoney entities (public.ftm)."""
    response = StreamingHttpResponse(ftm.lines(), content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="officials.ftm.json"'
    return response


def _with_bars(rows):
    top = max((row.count for row in rows), default=0)
    for row in rows:
        row.bar = round(100 * row.count / top, 1) if top else 0
    return rows


@require_safe
def stats(request):
    return render(request, "public/stats.html", {"body": stats_body(request)})


def stats_body(request) -> str:
    return cached("stats", lambda: _stats_body(request))


def _stats_counts() -> dict:
    cases = Case.objects.public()
    return {
        "cells": counts.Cells(cases),
        "article": counts.article_counts(cases),
        "organization": counts.organization_counts(cases),
        "sentence": counts.sentence_band_counts(cases),
    }


def _stats_body(request) -> str:
    # counted once for every language (only the labels are translated)
    found = cached("stats-counts", _stats_counts, per_language=False)
    cells = found["cells"]
    sections = [
        ("article", counts.article_buckets(found["article"])),
        ("organization", counts.organization_buckets(found["organization"])),
        ("country", counts.by_country(cells)),
        ("status", counts.by_status(cells)),
        ("year", counts.by_year(cells)),
        ("sentence", counts.sentence_band_buckets(found["sentence"])),
    ]
    return _body(
        request,
        "stats_body.html",
        {
            "sections": [(key, _with_bars(rows)) for key, rows in sections],
            "case_count": cells.total(),
            "ongoing_strikes": counts.ongoing_hunger_strikes(cells),
        },
    )


def _export_filters(request):
    filterset = CaseFilter(request.GET, queryset=Case.objects.public())
    given = {name: request.GET[name] for name in CaseFilter.base_filters if request.GET.get(name)}
    return filterset, given


# ?format= of the CSV export: the import format, or the Excel variant (public.exports).
CSV_FORMATS = ("csv", "excel")


@require_safe
def export_csv(request):
    filterset, given = _export_filters(request)
    errors = [f"{field}: {error}" for field, errs in _errors(filterset) for error in errs]
    variant = request.GET.get("format") or "csv"
    if variant not in CSV_FORMATS:
        errors.append("format: " + _("Choose “csv” or “excel”."))
    if errors:
        return HttpResponse(
            "\n".join(errors) + "\n", status=400, content_type="text/plain; charset=utf-8"
        )
    cases = sort_cases(filterset.qs, request.GET.get("sort"))
    excel = variant == "excel"
    response = StreamingHttpResponse(
        exports.csv_lines(cases, excel=excel), content_type="text/csv; charset=utf-8"
    )
    name = exports.filename(given, "csv", timezone.localdate())
    if excel:
        name = name.removesuffix(".csv") + "-excel.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _errors(filterset):
    return [] if filterset.is_valid() else list(filterset.errors.items())


@require_safe
def export_json(request):
    filterset, given = _export_filters(request)
    if not filterset.is_valid():
        return JsonResponse({"errors": filterset.errors.get_json_data()}, status=400)
    cases = sort_cases(filterset.qs, request.GET.get("sort"))
    response = StreamingHttpResponse(
        exports.json_chunks(cases, given), content_type="application/json; charset=utf-8"
    )
    name = exports.filename(given, "json", timezone.localdate())
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response
