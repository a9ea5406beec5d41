"""A world full of secrets, for the leak crawls (tests/public, tests/security).

A published case carries, on every model of the people and cases apps, an
internal and a confidential record (and field-level secrets on public ones),
each containing MARKER; a draft case carries public records with MARKER.
Whatever a crawl fetches from a public surface must never contain MARKER.
"""

import re
from urllib.parse import urljoin, urlparse

from django.utils import timezone

from cases import models as cm
from casetracker.records import Visibility
from people import models as pm
from tests import factories as f
from tests.public.conftest import text

MARKER = "Qzxleakmarker"
HIDDEN = (Visibility.INTERNAL, Visibility.CONFIDENTIAL)
API_LISTS = [
    "/api/v1/cases/",
    "/api/v1/people/",
    "/api/v1/organizations/",
    "/api/v1/legal-articles/",
    "/api/v1/facilities/",
    "/api/v1/health-observations/",
    "/api/v1/hunger-strikes/",
]


def seed_hidden_records():
    """Seed the records above; return (URLs of hidden objects, search words, filter values)."""
    # A published case of a public person, with field-level secrets on public records.
    person = f.PersonFactory(full_name="Public Person", internal_notes=f"{MARKER} person notes")
    # a public group trial: its draft co-defendant (below) must never show
    trial = f.ProceedingFactory(name="Public trial", slug="public-trial")
    case = f.CaseFactory(
        person=person,
        slug="published-case",
        internal_notes=f"{MARKER} case notes",
        proceeding=trial,
    )
    org = f.OrganizationFactory(name="Public Party", slug="public-party")
    f.MembershipFactory(person=person, organization=org)
    article = f.LegalArticleFactory(title="Public article")
    charge = f.ChargeFactory(case=case, article=article)
    facility = f.FacilityFactory(name="Public colony", slug="public-colony")
    f.DetentionFactory(person=person, facility=facility)
    f.PrisonVisitFactory(
        person=person,
        case=case,
        public_summary="Visit happened.",
        internal_report=f"{MARKER} internal report",
        visitors=f"{MARKER} visitors",
    )
    secret_source = f.SourceFactory(
        title=f"{MARKER} confidential title",
        author=f"{MARKER} author",
        publisher=f"{MARKER} publisher",
        url=f"https://example.org/{MARKER}",
        reference=f"{MARKER} reference",
        notes=f"{MARKER} notes",
        identity_confidential=True,
    )
    charge.sources.add(secret_source, f.SourceFactory(notes=f"{MARKER} notes of a public source"))

    # Internal and confidential records on every model.
    hidden_orgs, hidden_articles, hidden_facilities, hidden_officials = [], [], [], []
    hidden_trials = []
    public_official = f.OfficialFactory(full_name="Public judge", slug="public-judge")
    f.CaseOfficialFactory(case=case, official=public_official, decision="Public decision")
    for vis in HIDDEN:
        tag = f"{MARKER} {vis}"
        hidden_trial = f.ProceedingFactory(
            name=f"Hiddentrial {tag}", court=tag, description=tag, visibility=vis
        )
        hidden_trials.append(hidden_trial)
        f.CaseFactory(proceeding=hidden_trial, summary="A case in a hidden trial")
        # relatives and lawyers are never public, whatever the linked person's record says
        pm.PersonRelation.objects.create(
            person=person,
            other=f.PersonFactory(full_name=f"Hiddenrelative {tag}", visibility=vis),
            kind=pm.PersonRelation.Kind.RELATIVE,
            relation=tag,
            notes=tag,
            visibility=vis,
        )
        pm.PersonRelation.objects.create(
            person=person,
            other=f.PersonFactory(full_name=f"Hiddenlawyer {tag}"),
            kind=pm.PersonRelation.Kind.LAWYER,
            notes=tag,
            visibility=vis,
        )
        hidden_person = f.PersonFactory(full_name=f"Hiddenperson {tag}", visibility=vis)
        f.CaseFactory(person=hidden_person, summary=f"{tag} case of a hidden person")
        f.CaseFactory(person=person, visibility=vis, summary=f"{tag} hidden case")
        f.NameVariantFactory(person=person, name=f"Hiddenvariant{vis} {tag}", visibility=vis)
        hidden_org = f.OrganizationFactory(name=f"Hiddenparty {tag}", visibility=vis)
        hidden_orgs.append(hidden_org)
        f.MembershipFactory(person=person, organization=hidden_org)
        f.MembershipFactory(person=person, organization=org, visibility=vis)
        pm.OrganizationStatus.objects.create(
            organization=org, status="banned", authority=tag, note=tag, visibility=vis
        )
        hidden_article = f.LegalArticleFactory(title=f"Hiddenarticle {tag}", visibility=vis)
        hidden_articles.append(hidden_article)
        f.ChargeFactory(case=case, article=hidden_article)
        f.ChargeFactory(case=case, wording=tag, visibility=vis)
        f.SentenceFactory(case=case, court=tag, term_months=999, visibility=vis)
        f.RecognitionFactory(case=case, recognized_by=tag, visibility=vis)
        cm.AdditionalPunishment.objects.create(
            sentence=f.SentenceFactory(case=case),
            kind="other",
            description=tag,
            visibility=vis,
        )
        cm.CaseLink.objects.create(
            from_case=case,
            to_case=f.CaseFactory(summary="Linked public case"),
            kind="related",
            note=tag,
            visibility=vis,
        )
        cm.DeathInCustody.objects.create(
            person=f.CaseFactory().person, circumstances=tag, place=tag, visibility=vis
        )
        hidden_facility = f.FacilityFactory(name=f"Hiddensite {tag}", visibility=vis)
        hidden_facilities.append(hidden_facility)
        f.DetentionFactory(person=person, facility=hidden_facility)
        f.DetentionFactory(person=person, facility=hidden_facility, visibility=vis)
        f.HungerStrikeFactory(person=person, demands=tag, visibility=vis)
        f.HealthObservationFactory(person=person, description=tag, visibility=vis)
        hidden_visit = f.PrisonVisitFactory(person=person, public_summary=tag, visibility=vis)
        f.EvidenceFileFactory(
            visit=hidden_visit, description=tag, original_name=tag, visibility=vis
        )
        hidden_official = f.OfficialFactory(
            full_name=f"Hiddenofficial {tag}", institution=tag, visibility=vis
        )
        hidden_officials.append(hidden_official)
        f.CaseOfficialFactory(case=case, official=hidden_official)
        f.CaseOfficialFactory(case=case, official=public_official, decision=tag, visibility=vis)
        f.EventFactory(case=case, title=tag, visibility=vis)
        f.EventFactory(case=case, title="Public event").sources.add(
            f.SourceFactory(title=tag, visibility=vis)
        )

    # An archived public record is gone too.
    f.EventFactory(case=case, title=f"{MARKER} archived", archived_at=timezone.now())

    # A draft case of a public-looking person, with public records all round.
    draft_person = f.PersonFactory(full_name=f"Draftperson {MARKER}", slug="draft-person")
    draft = f.CaseFactory(
        person=draft_person,
        slug="draft-case",
        editorial_state=cm.Case.EditorialState.DRAFT,
        summary=f"{MARKER} draft summary",
        country="RU",
        proceeding=trial,
    )
    f.ChargeFactory(case=draft, wording=f"{MARKER} draft charge")
    f.EventFactory(case=draft, title=f"{MARKER} draft event")
    f.HungerStrikeFactory(person=draft_person, demands=f"{MARKER} draft strike")
    f.HealthObservationFactory(person=draft_person, description=f"{MARKER} draft health")
    f.NameVariantFactory(person=draft_person, name=f"Draftvariant {MARKER}")
    draft_official = f.OfficialFactory(full_name=f"Draftofficial {MARKER}", slug="draft-official")
    f.CaseOfficialFactory(case=draft, official=draft_official, decision=f"{MARKER} draft part")
    f.CaseOfficialFactory(case=draft, official=public_official, decision=f"{MARKER} draft part")
    # Also a draft (second) case of the public person.
    f.CaseFactory(
        person=person, editorial_state="in_review", summary=f"{MARKER} in review", slug="in-review"
    )

    hidden_urls = [
        "/cases/draft-case/",
        "/cases/draft-case/feed/",
        "/cases/in-review/",
        "/people/draft-person/",
        "/officials/draft-official/",
        *(o.get_absolute_url() for o in hidden_officials),
        *(o.get_absolute_url() for o in hidden_orgs),
        *(t.get_absolute_url() for t in hidden_trials),
        *(p.get_absolute_url() for p in pm.Person.objects.exclude(visibility="public")),
        *(c.get_absolute_url() for c in cm.Case.objects.exclude(person__visibility="public")),
        *(c.get_absolute_url() for c in cm.Case.objects.exclude(visibility="public")),
    ]
    searches = [
        "Hiddenperson",
        "Hiddenvariantinternal",
        "Hiddenvariantconfidential",
        "Draftperson",
        "Draftvariant",
        "Hiddenparty",
        "Hiddensite",
        "Hiddenarticle",
        "Hiddentrial",
        "Hiddenrelative",
        "Hiddenlawyer",
    ]
    filters = [
        *({"organization": o.slug} for o in hidden_orgs),
        *({"article": str(a.pk)} for a in hidden_articles),
        *({"facility": x.slug} for x in hidden_facilities),
        *({"proceeding": t.slug} for t in hidden_trials),
        {"proceeding": "public-trial"},
        {"organization": "public-party"},
        {"article": str(article.pk)},
        {"facility": "public-colony"},
        {"country": "RU"},
        {"country": "KZ"},
        {"status": "convicted"},
        {"year": "2024"},
        {"min_months": "1"},
        {"max_months": "2000"},
        {"min_months": "900"},
        {"hunger_strike": "ongoing"},
        {"sort": "sentence"},
    ]
    return hidden_urls, searches, filters


def every_api_answer(api) -> dict:
    """Every list, every detail listed, the schema, the docs and the Popolo export."""
    answers = {}
    for url in API_LISTS:
        response = api.get(url, {"page_size": 200})
        assert response.status_code == 200
        answers[url] = response
        for item in response.json()["results"]:
            detail = api.get(f"{url}{item['id']}/")
            assert detail.status_code == 200
            answers[detail.wsgi_request.path] = detail
    for url in ("/api/v1/", "/api/v1/schema/", "/api/v1/docs/", "/api/v1/popolo.json"):
        answers[url] = api.get(url)
        assert answers[url].status_code == 200, url
    return answers


def crawl_public_site(client, start: str = "/") -> dict[str, tuple[int, str]]:
    """Fetch `start` and every same-site page it links to, transitively.

    Returns {url: (status, body)}; static files and the language switch are not followed.
    """
    pages: dict[str, tuple[int, str]] = {}
    queue = [start]
    while queue:
        url = queue.pop()
        if url in pages:
            continue
        response = client.get(url)
        body = text(response)
        pages[url] = (response.status_code, body)
        for href in re.findall(r'href="([^"#]+)', body):
            target = urlparse(urljoin(url, href.replace("&amp;", "&")))
            if target.netloc or target.path.startswith(("/static/", "/i18n/")):
                continue
            queue.append(target.path + (f"?{target.query}" if target.query else ""))
    return pages
