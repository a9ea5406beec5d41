"""XSS: attack payloads in every rendered free-text field stay inert.

Hypothesis draws payloads (script tags, attribute break-outs, `javascript:`
URLs, SVG handlers, quotes, unicode) and writes one into every free-text field
of a published case's world at once; then each public and staff page is
parsed (Python's html.parser) and must have: no `on*` attribute, no script
but the page's own (same-origin files, and JSON-LD that still parses as JSON,
so the payload did not close it), no `javascript:` href/src/action, no
iframe/object/embed/base. The feed's descriptions, which readers render as
HTML, are checked the same way.

Fields are written with `.update()` (no validation), so the templates are
tested against whatever reaches the database, an import or the admin included.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET  # noqa: S405 - parsing our own feed
from html.parser import HTMLParser

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from cases import models as cm
from cases.models import Case, Publication
from cases.snapshots import build_snapshot
from people import models as pm
from tests import factories as f
from tests.public.conftest import text

pytestmark = pytest.mark.django_db

ATTACKS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "'><svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "javascript:alert(1)",
    " JaVaScRiPt:alert(1)",
    "</script><script>alert(1)</script>",
    '<a href="javascript:alert(1)">x</a>',
    "<iframe src=javascript:alert(1)>",
    "{{ 7|add:7 }}{% now 'Y' %}",
    "\u202e<b onmouseover=alert(1)>",
    '\'";!--"<XSS>=&{()}',
]

payloads = st.builds(
    lambda parts: "".join(parts)[:120],
    st.lists(
        st.one_of(
            st.sampled_from(ATTACKS),
            st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"])),
            st.sampled_from(["'", '"', "`", "<", ">", "&", "Жыланбаев", "\u00a0"]),
        ),
        min_size=1,
        max_size=4,
    ),
).filter(lambda s: s.strip())

# Every free-text field that some page renders.
FIELDS = {
    pm.Person: ("full_name", "occupation", "public_biography"),
    pm.NameVariant: ("name",),
    pm.Organization: ("name", "translated_name", "description"),
    pm.OrganizationStatus: ("authority", "note"),
    Case: ("summary", "court", "region", "authority", "case_number"),
    cm.Charge: ("wording",),
    cm.Sentence: ("court",),
    cm.Event: ("title", "description", "location"),
    cm.PrisonVisit: ("public_summary", "refusal_reason"),
    cm.HealthObservation: ("description",),
    cm.HungerStrike: ("demands",),
    cm.Source: ("title", "author", "publisher", "reference", "url"),
    cm.LegalArticle: ("title",),
    cm.Facility: ("name", "city"),
    cm.Recognition: ("recognized_by",),
    Publication: ("correction_note", "comment"),
}


def _fit(model, field: str, value: str) -> str:
    max_length = model._meta.get_field(field).max_length
    return value[:max_length] if max_length else value


def write_everywhere(payload: str) -> None:
    for model, fields in FIELDS.items():
        model.objects.update(**{name: _fit(model, name, payload) for name in fields})


class Inspector(HTMLParser):
    """Collects what would execute in a browser."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self._script = None  # (type, chunks) while inside <script>

    def handle_starttag(self, tag, attrs):
        self._check(tag, attrs)

    def handle_startendtag(self, tag, attrs):
        self._check(tag, attrs)

    def _check(self, tag, attrs):
        attrs = dict(attrs)
        for name, value in attrs.items():
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=…>")
            if name in ("href", "src", "action", "formaction", "xlink:href", "data"):
                squeezed = "".join(ch for ch in (value or "") if ch > " ").lower()
                if squeezed.startswith(("javascript:", "vbscript:", "data:text/html")):
                    self.problems.append(f"<{tag} {name}={value!r}>")
        if tag in ("iframe", "object", "embed", "base", "frame"):
            self.problems.append(f"<{tag}>")
        if tag == "script":
            src = attrs.get("src")
            if src is not None and not (src.startswith("/") and not src.startswith("//")):
                self.problems.append(f"<script src={src!r}>")
            self._script = (attrs.get("type"), src, [])

    def handle_data(self, data):
        if self._script is not None:
            self._script[2].append(data)

    def handle_endtag(self, tag):
        if tag == "script" and self._script is not None:
            kind, src, chunks = self._script
            content = "".join(chunks)
            if kind == "application/ld+json":
                try:
                    json.loads(content)
                except ValueError:
                    self.problems.append("JSON-LD broken out of: " + content[-80:])
            elif src is None or content.strip():
                self.problems.append("inline <script>: " + content[:80])
            self._script = None


def inert_problems(html: str) -> list[str]:
    inspector = Inspector()
    inspector.feed(html)
    inspector.close()
    return inspector.problems


@pytest.fixture
def world(monitor, editor):
    person = f.PersonFactory(slug="xss-person")
    case = f.CaseFactory(person=person, slug="xss-case", created_by=monitor)
    case.assigned_monitors.add(monitor)
    org = f.OrganizationFactory(slug="xss-party")
    f.MembershipFactory(person=person, organization=org)
    pm.OrganizationStatus.objects.create(organization=org, status="banned", authority="x")
    f.NameVariantFactory(person=person)
    source = f.SourceFactory(url="https://example.org/report")
    f.ChargeFactory(case=case).sources.add(source)
    f.SentenceFactory(case=case)
    f.RecognitionFactory(case=case).sources.add(source)
    f.DetentionFactory(person=person)
    f.EventFactory(case=case, created_by=monitor).sources.add(source)
    visit = f.PrisonVisitFactory(person=person, case=case, created_by=monitor, outcome="refused")
    f.HealthObservationFactory(person=person, visit=visit).sources.add(source)
    f.HungerStrikeFactory(person=person, case=case, created_by=monitor)
    first = Publication.objects.create(
        case=case, actor=editor, action="published", snapshot=build_snapshot(case)
    )
    Publication.objects.create(
        case=case,
        actor=editor,
        action="published",
        snapshot=build_snapshot(case),
        correction_note="x",
        comment="x",
    )
    return {"case": case, "visit": visit, "person": person, "first": first}


PUBLIC_PAGES = {
    "case page": lambda w: "/cases/xss-case/",
    "person page": lambda w: "/people/xss-person/",
    "organization page": lambda w: "/organizations/xss-party/",
    "browse": lambda w: "/cases/",
}
STAFF_PAGES = {
    "workspace": ("monitor", lambda w: "/monitor/"),
    "monitor case detail": ("monitor", lambda w: f"/monitor/cases/{w['case'].pk}/"),
    "visit detail": ("monitor", lambda w: f"/monitor/visits/{w['visit'].pk}/"),
    "review and diff page": ("editor", lambda w: f"/monitor/cases/{w['case'].pk}/publish/"),
    "restore diff page": ("editor", lambda w: f"/monitor/publications/{w['first'].pk}/restore/"),
    "admin change page": ("administrator", lambda w: f"/admin/cases/case/{w['case'].pk}/change/"),
}
HYPOTHESIS = settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def _page(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return text(response)


@pytest.mark.parametrize("surface", PUBLIC_PAGES)
@HYPOTHESIS
@given(payload=payloads)
@example(payload="javascript:alert(1)")
@example(payload="<script>alert(1)</script>")
def test_a_payload_in_any_field_is_inert_on_public_pages(world, client, surface, payload):
    write_everywhere(payload)
    html = _page(client, PUBLIC_PAGES[surface](world))
    assert inert_problems(html) == []


@pytest.mark.parametrize("surface", STAFF_PAGES)
@HYPOTHESIS
@given(payload=payloads)
@example(payload="javascript:alert(1)")
@example(payload="<script>alert(1)</script>")
def test_a_payload_in_any_field_is_inert_on_staff_pages(world, surface, payload, request):
    request.getfixturevalue("settings").MFA_REQUIRED_FOR_STAFF = False
    role, url = STAFF_PAGES[surface]
    client = Client()
    client.force_login(request.getfixturevalue(role))
    write_everywhere(payload)
    html = _page(client, url(world))
    assert inert_problems(html) == []


@HYPOTHESIS
@given(payload=payloads)
@example(payload="javascript:alert(1)")
@example(payload="<script>alert(1)</script>")
def test_a_payload_in_any_field_is_inert_in_the_feeds_html(world, client, payload):
    write_everywhere(payload)
    for url in ("/feed/", "/cases/xss-case/feed/"):
        feed = ET.fromstring(_page(client, url).encode())  # noqa: S314 - our own feed
        for element in feed.iter():
            assert not element.tag.lower().endswith("script")
            if element.tag.rsplit("}", 1)[-1] in ("description", "summary", "content"):
                assert inert_problems(element.text or "") == []


def test_the_payloads_do_reach_the_pages(world, client):
    # Without this, an empty page would pass every check above.
    write_everywhere("Qzx<script>alert(1)</script>")
    html = _page(client, "/cases/xss-case/")
    assert html.count("Qzx&lt;script&gt;alert(1)&lt;/script&gt;") >= 5
    assert "Qzx\\u003Cscript\\u003E" in html  # JSON-LD, escaped


def test_the_inspector_catches_what_it_looks_for():
    assert inert_problems('<img src=x onerror="alert(1)">')
    assert inert_problems('<a href=" javascript:alert(1)">x</a>')
    assert inert_problems("<script>alert(1)</script>")
    assert inert_problems('<script type="application/ld+json">{"a": "</script>')
    assert inert_problems('<script src="https://evil.example/x.js"></script>')
    assert not inert_problems('<script src="/static/js/site.js"></script><p>&lt;script&gt;</p>')


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "JAVASCRIPT:alert(1)", "data:text/html,<script>", "vbscript:x"]
)
def test_a_source_url_that_is_not_http_is_refused(url):
    source = f.SourceFactory.build(url=url)
    with pytest.raises(ValidationError) as refused:
        source.full_clean()
    assert "url" in refused.value.message_dict
