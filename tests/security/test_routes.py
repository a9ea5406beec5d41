"""Route × role: every route of the resolver is public on purpose, or refused.

Every route `get_resolver()` knows (ours, the admin's, allauth's, the API
router's) is either in PUBLIC below, written out by hand, or must refuse
anonymous visitors (login page, 401, 403, 404 or 405, never a page); staff
routes must refuse researchers and users without a role; editor-only routes
must refuse monitors; the admin must refuse everyone but administrators. No
route may answer 500 to anyone. A route added without protection and without
a line in PUBLIC fails `test_every_route_refuses_or_is_public[anonymous]`,
naming the route.
"""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse

from cases.models import Case, Publication
from cases.snapshots import build_snapshot
from tests import factories as f

from .routes import Route, all_routes, concrete_url

pytestmark = pytest.mark.django_db

API_RESOURCES = (
    "cases",
    "people",
    "organizations",
    "legal-articles",
    "facilities",
    "health-observations",
    "hunger-strikes",
)

# Routes anyone may read. Each line is a decision: add a route here only if an
# anonymous visitor must see it.
PUBLIC = {
    # The public site, its feeds and exports (public records of published cases only).
    "/",
    "/cases/",
    "/cases/export.csv",
    "/cases/export.json",
    "/cases/<slug>/",
    "/cases/<slug>/feed/",
    "/people/<slug>/",
    "/organizations/<slug>/",
    "/officials/",
    "/officials/export.ftm.json",
    "/officials/<slug>/",
    "/proceedings/<slug>/",
    "/stats/",
    "/feed/",
    # The read-only public API, its schema and docs.
    "/api/v1/",
    "/api/v1/<format>",
    "/api/v1/schema/",
    "/api/v1/docs/",
    "/api/v1/popolo.json",
    *(f"/api/v1/{resource}/" for resource in API_RESOURCES),
    *(f"/api/v1/{resource}.<format>" for resource in API_RESOURCES),
    *(f"/api/v1/{resource}/<pk>/" for resource in API_RESOURCES),
    *(f"/api/v1/{resource}/<pk>.<format>" for resource in API_RESOURCES),
    # Plumbing.
    "/healthz",
    "/i18n/setlang/",
    # The workspace's service worker and manifest hold no data (the shell they
    # cache is fetched signed in); a browser fetches them before any session.
    "/monitor/sw.js",
    "/monitor/manifest.webmanifest",
    # Signing in, and what a person who cannot sign in needs.
    "/accounts/login/",
    "/accounts/login/code/confirm/",
    "/accounts/logout/",
    "/accounts/inactive/",
    "/accounts/signup/",  # says that sign-up is closed
    "/accounts/password/reset/",
    "/accounts/password/reset/done/",
    "/accounts/password/reset/key/<uidb36>-<key>/",
    "/accounts/password/reset/key/done/",
    "/accounts/confirm-email/",
    "/accounts/confirm-email/<key>/",
    "/accounts/2fa/authenticate/",  # the second step of a sign-in
    "/admin/login/",  # sends people to /accounts/login/
    "/admin/logout/",  # signing out nobody is harmless
}

LOGIN_PREFIXES = ("/accounts/login/", "/admin/login/")

# Routes only editors and administrators may use.
EDITOR_ONLY = {
    "/monitor/review/",
    "/monitor/cases/<pk>/return/",
    "/monitor/cases/<pk>/publish/",
    "/monitor/cases/<pk>/unpublish/",
    "/monitor/cases/<pk>/preview/",
    "/monitor/publications/<pk>/restore/",
    "/imports/",
    "/imports/confirm/",
    "/imports/merge/",
}

ROLES = ("anonymous", "outsider", "researcher", "monitor", "editor", "administrator")


def is_staff_route(route: Route) -> bool:
    return route.namespace in ("monitor", "imports", "admin")


def is_editor_only(route: Route) -> bool:
    return route.template in EDITOR_ONLY


def is_admin_route(route: Route) -> bool:
    return route.namespace == "admin" and route.template not in PUBLIC


@pytest.fixture
def seeded(monitor, administrator):
    """One object behind every parameter: the monitor's own records, so that a
    monitor's refusal comes from the role, not from not seeing the object."""
    case = f.CaseFactory(created_by=monitor)
    case.assigned_monitors.add(monitor)
    person = case.person
    org = f.OrganizationFactory()
    f.MembershipFactory(person=person, organization=org)
    charge = f.ChargeFactory(case=case)
    detention = f.DetentionFactory(person=person)
    visit = f.PrisonVisitFactory(person=person, case=case, created_by=monitor)
    observation = f.HealthObservationFactory(person=person, visit=visit, created_by=monitor)
    strike = f.HungerStrikeFactory(person=person, case=case, created_by=monitor)
    event = f.EventFactory(case=case, created_by=monitor)
    official_part = f.CaseOfficialFactory(case=case, created_by=monitor)
    source = f.SourceFactory(created_by=monitor)
    evidence = f.EvidenceFileFactory(visit=visit, created_by=monitor)
    publication = Publication.objects.create(
        case=case,
        actor=administrator,
        action=Publication.Action.PUBLISHED,
        snapshot=build_snapshot(case),
    )
    values = {
        "cases:pk": case.pk,
        "cases:slug": case.slug,
        "people:pk": person.pk,
        "people:slug": person.slug,
        "organizations:pk": org.pk,
        "organizations:slug": org.slug,
        "legal-articles:pk": charge.article_id,
        "facilities:pk": detention.facility_id,
        "visits:pk": visit.pk,
        "observations:pk": observation.pk,
        "health-observations:pk": observation.pk,
        "hunger-strikes:pk": strike.pk,
        "events:pk": event.pk,
        "officials:slug": official_part.official.slug,
        "official-parts:pk": official_part.pk,
        "sources:pk": source.pk,
        "evidence:pk": evidence.pk,
        "publications:pk": publication.pk,
        "content_type_id": ContentType.objects.get_for_model(Case).pk,
        "object_id": case.pk,
        "app_label": "cases",
        "url": "no-such-page/",
        "key": "not-a-key",
        "uidb36": "1",
    }
    # The admin's <object_id>: a row of each model, and a history row of it.
    for model_key, obj in {
        "cases.case": case,
        "people.person": person,
        "people.organization": org,
        "cases.prisonvisit": visit,
        "cases.healthobservation": observation,
        "cases.hungerstrike": strike,
        "cases.event": event,
        "cases.official": official_part.official,
        "cases.caseofficial": official_part,
        "cases.source": source,
        "cases.evidencefile": evidence,
        "cases.publication": publication,
        "accounts.user": monitor,
    }.items():
        values[f"admin:{model_key}"] = obj.pk
        history = getattr(obj, "history", None)
        if history is not None and history.exists():
            values[f"admin-history:{model_key}"] = history.first().history_id
    return values


def _client_for(role: str, request) -> Client:
    client = Client(raise_request_exception=False)
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    return client


def _refused(response) -> bool:
    """Refused: 401/403/404/405, or sent to the login page."""
    if response.status_code in (401, 403, 404, 405):
        return True
    return response.status_code == 302 and response["Location"].startswith(LOGIN_PREFIXES)


def _must_refuse(role: str, route: Route) -> bool:
    if route.template in PUBLIC:
        return False
    if role == "anonymous":
        return True
    if role in ("outsider", "researcher"):
        return is_staff_route(route)
    if role == "monitor":
        return is_editor_only(route) or is_admin_route(route)
    if role == "editor":
        return is_admin_route(route)
    return False


def _describe(route: Route, method: str, url: str, response) -> str:
    where = response.get("Location", "") if response.status_code in (301, 302) else ""
    return f"{method} {url} [{route}] -> {response.status_code} {where}".rstrip()


def problems_for(role: str, client: Client, values: dict, urlconf: str | None = None):
    """Every route this role reaches but should not, and every 500."""
    problems = []
    for route in all_routes(urlconf):
        url = concrete_url(route, values)
        must_refuse = _must_refuse(role, route)
        # Refused roles also try POST: a POST-only action answers 405 to GET
        # before it would check anything. Allowed roles only read (a POST would
        # sign them out or change the data under the next routes).
        methods = ("GET", "POST") if must_refuse else ("GET",)
        for method in methods:
            response = client.get(url) if method == "GET" else client.post(url)
            if response.status_code >= 500:
                problems.append("server error: " + _describe(route, method, url, response))
            elif must_refuse and not _refused(response):
                problems.append("not refused: " + _describe(route, method, url, response))
    return problems


@pytest.mark.parametrize("role", ROLES)
def test_every_route_refuses_or_is_public(role, seeded, request, settings):
    # The second-factor gate is tested in test_mfa.py; here the roles' own
    # permissions are under test, behind it.
    settings.MFA_REQUIRED_FOR_STAFF = False
    client = _client_for(role, request)
    problems = problems_for(role, client, seeded)
    assert problems == [], f"{role}:\n" + "\n".join(problems)


def test_the_walk_finds_every_area_and_fills_every_parameter(seeded):
    routes = all_routes()
    templates = {route.template for route in routes}
    assert len(routes) > 250
    for expected in (
        "/monitor/cases/<pk>/publish/",
        "/imports/merge/",
        "/api/v1/cases/<pk>.<format>",
        "/accounts/2fa/totp/activate/",
        "/admin/cases/case/<object_id>/history/",
        "/admin/people/person/<_0>/history/<_1>/",
        "/cases/<slug>/feed/",
    ):
        assert expected in templates
    assert templates >= PUBLIC, PUBLIC - templates  # no stale allowlist entries
    assert templates >= EDITOR_ONLY, EDITOR_ONLY - templates
    urls = [concrete_url(route, seeded) for route in routes]
    assert not [url for url in urls if "<" in url or "%(" in url]
    assert f"/monitor/cases/{seeded['cases:pk']}/publish/" in urls


def test_the_staff_can_reach_their_pages_so_the_refusals_mean_something(seeded, request, settings):
    settings.MFA_REQUIRED_FOR_STAFF = False
    monitor = _client_for("monitor", request)
    editor = _client_for("editor", request)
    administrator = _client_for("administrator", request)
    case = seeded["cases:pk"]
    assert monitor.get(f"/monitor/cases/{case}/edit/").status_code == 200
    assert monitor.get(f"/monitor/visits/{seeded['visits:pk']}/").status_code == 200
    assert editor.get(f"/monitor/cases/{case}/publish/").status_code == 200
    assert editor.get("/imports/").status_code == 200
    assert administrator.get(f"/admin/cases/case/{case}/change/").status_code == 200


def test_an_unprotected_route_fails_the_check_and_is_named(seeded, settings):
    settings.ROOT_URLCONF = "tests.security.unprotected_urls"
    problems = problems_for("anonymous", Client(raise_request_exception=False), seeded)
    assert problems == [
        "not refused: GET /monitor/forgotten/ [/monitor/forgotten/ (forgotten)] -> 200",
        "not refused: POST /monitor/forgotten/ [/monitor/forgotten/ (forgotten)] -> 200",
    ]
    assert reverse("forgotten") == "/monitor/forgotten/"
