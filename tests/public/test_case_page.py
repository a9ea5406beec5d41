"""The public case page: every fact with its citation, nothing internal."""

import datetime as dt
import json
import re
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext

from cases.models import Case, HungerStrike
from casetracker.records import Visibility
from public.pages import case_page_context
from tests import factories as f

from .conftest import DEMO_CASE, DEMO_FINE_CASE, text

pytestmark = pytest.mark.django_db


def test_the_demo_case_shows_charges_sentence_and_recognitions(client, demo):
    page = text(client.get(DEMO_CASE))
    assert "Participation in a banned organization" in page
    assert "Financing an extremist organization" in page
    assert "Imprisonment: 7 years" in page
    assert "Kazakhstani human rights activists" in page
    assert "November 2024" in page  # a month-precision verdict, displayed as such


def test_the_demo_case_says_the_place_of_detention_is_not_reported(client, demo):
    assert "place of detention not reported" in text(client.get(DEMO_CASE))


def test_undated_hunger_strikes_say_dates_not_reported(client, demo):
    assert text(client.get(DEMO_CASE)).count("Hunger strike (dates not reported)") == 2


def test_a_fine_shows_amount_currency_and_reported_usd(client, demo):
    page = text(client.get(DEMO_FINE_CASE))
    assert "fine of 78,000 KZT" in page
    assert "about $143 as reported" in page
    assert "Spreading false information" in page  # an unnumbered article shows its title


def test_a_numbered_article_shows_its_number(client):
    charge = f.ChargeFactory(article__number="405", article__title="Participation in a banned org")
    page = text(client.get(charge.case.get_absolute_url()))
    assert "KZ Criminal code, art. 405: Participation in a banned org" in page


def test_a_visit_shows_its_public_summary_but_never_the_internal_report(client):
    case = f.CaseFactory()
    f.PrisonVisitFactory(
        person=case.person,
        public_summary="Refused at the gate.",
        internal_report="Guard Ivanov said the prisoner is in solitary.",
        visitors="Aigerim, Daniyar",
    )
    page = text(client.get(case.get_absolute_url()))
    assert "Refused at the gate." in page
    assert "Guard Ivanov" not in page
    assert "Aigerim" not in page


def test_a_confidential_source_shows_only_its_kind_and_date(client):
    source = f.SourceFactory(
        kind="relative",
        title="Cousin Bolat by phone",
        author="Bolat",
        url="https://example.org/secret",
        reference="call log 17",
        date="2025-07-20",
        identity_confidential=True,
    )
    charge = f.ChargeFactory()
    charge.sources.add(source)
    page = text(client.get(charge.case.get_absolute_url()))
    assert "Confidential source (Relative, July 20, 2025)" in page
    for secret in ("Cousin Bolat", "Bolat", "example.org/secret", "call log 17"):
        assert secret not in page


def test_every_cited_fact_links_to_a_numbered_source(client, demo):
    page = text(client.get(DEMO_CASE))
    cited = set(re.findall(r'href="#source-(\d+)"', page))
    listed = set(re.findall(r'id="source-(\d+)"', page))
    assert cited and cited == listed


def test_internal_sources_are_not_cited(client):
    charge = f.ChargeFactory()
    charge.sources.add(f.SourceFactory(title="Internal memo", visibility=Visibility.INTERNAL))
    page = text(client.get(charge.case.get_absolute_url()))
    assert "Internal memo" not in page
    assert 'id="source-1"' not in page


@time_machine.travel(dt.datetime(2025, 8, 10, 12, tzinfo=dt.UTC), tick=False)
def test_an_ongoing_hunger_strike_is_prominent_with_its_day_count(client):
    case = f.CaseFactory()
    f.HungerStrikeFactory(person=case.person, started_on=dt.date(2025, 8, 1))
    page = text(client.get(case.get_absolute_url()))
    assert "On hunger strike: day 10" in page
    assert page.index("On hunger strike: day 10") < page.index("At a glance")


@time_machine.travel(dt.datetime(2025, 8, 10, 12, tzinfo=dt.UTC), tick=False)
def test_days_in_detention_and_current_facility(client):
    detention = f.DetentionFactory(started_on="2025-08-01", facility__name="Colony No. 3")
    case = f.CaseFactory(person=detention.person)
    page = text(client.get(case.get_absolute_url()))
    assert "Colony No. 3, Almaty" in page
    assert "9 days (since Aug. 1, 2025)" in page


def test_an_internal_facility_is_not_named(client):
    detention = f.DetentionFactory(facility__name="Secret site", facility__visibility="internal")
    case = f.CaseFactory(person=detention.person)
    page = text(client.get(case.get_absolute_url()))
    assert "Secret site" not in page
    assert "place of detention not reported" in page


def test_expected_release_is_start_plus_term(client):
    sentence = f.SentenceFactory(starts_on="2024-11-20", term_months=84)
    page = text(client.get(sentence.case.get_absolute_url()))
    assert "Nov. 20, 2031" in page


def test_the_weight_chart_is_inline_svg_with_a_table(client):
    case = f.CaseFactory()
    for day, kg in ((1, "62.0"), (15, "55.5"), (28, "48.0")):
        f.HealthObservationFactory(
            person=case.person,
            kind="weight",
            weight_kg=Decimal(kg),
            observed_on=dt.date(2025, 7, day),
        )
    page = text(client.get(case.get_absolute_url()))
    svg = page[page.index('<svg class="chart"') : page.index("</svg>")]
    assert "<polyline" in svg
    assert svg.count('<circle class="point"') == 3
    assert "style=" not in page
    assert "<td>55.5</td>" in page


def test_json_ld_describes_the_person_and_is_not_executable(client, demo):
    page = text(client.get(DEMO_CASE))
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    data = json.loads(block.group(1))
    assert data["@type"] == "Article"
    assert data["about"]["name"] == "Marat Zhylanbayev"
    assert "Марат Жыланбаев" in data["about"]["alternateName"]
    assert re.findall(r"<script(?![^>]*application/ld\+json)", page) == []


def test_json_ld_cannot_close_its_script_tag(client):
    case = f.CaseFactory(summary="</script><script>alert(1)</script>")
    page = text(client.get(case.get_absolute_url()))
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    assert json.loads(block.group(1))["abstract"].startswith("</script>")


@pytest.mark.parametrize("state", ["draft", "in_review"])
def test_an_unpublished_case_is_not_found(client, state):
    case = f.CaseFactory(editorial_state=state)
    assert client.get(case.get_absolute_url()).status_code == 404


def test_the_preview_builder_shows_public_records_of_an_unpublished_case():
    case = f.CaseFactory(editorial_state=Case.EditorialState.DRAFT)
    f.ChargeFactory(case=case, wording="Public charge", article__title="Public charge")
    f.ChargeFactory(case=case, article__title="Hidden charge", visibility=Visibility.INTERNAL)
    f.HungerStrikeFactory(person=case.person)
    html = render_to_string("public/case_detail.html", case_page_context(case))
    assert "Public charge" in html
    assert "Hidden charge" not in html
    assert "On hunger strike" in html


def test_archived_records_are_not_shown(client):
    from django.utils import timezone

    charge = f.ChargeFactory(article__title="Archived charge", archived_at=timezone.now())
    assert "Archived charge" not in text(client.get(charge.case.get_absolute_url()))


def _case_with(n):
    case = f.CaseFactory()
    sources = [f.SourceFactory() for _ in range(3)]
    for i in range(n):
        f.ChargeFactory(case=case).sources.add(*sources)
        f.SentenceFactory(case=case)
        f.EventFactory(case=case).sources.add(sources[i % 3])
        f.RecognitionFactory(case=case)
        f.HealthObservationFactory(person=case.person, kind="weight", weight_kg=50 + i % 10)
        f.PrisonVisitFactory(person=case.person, facility=f.FacilityFactory())
        f.DetentionFactory(person=case.person, ended_on="2024-12-01")
        f.MembershipFactory(person=case.person)
        f.NameVariantFactory(person=case.person)
        HungerStrike.objects.create(
            person=case.person, outcome="unknown", visibility=Visibility.PUBLIC
        )
    f.CaseFactory(person=case.person)  # another case of the same person
    return case


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_the_case_page_runs_the_same_number_of_queries_for_5_and_50_records(client):
    small, large = _case_with(5), _case_with(50)
    assert _queries(client, small.get_absolute_url()) == _queries(client, large.get_absolute_url())
