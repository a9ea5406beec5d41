"""The shared FilterSet (browse, exports, API): every contract name, and no leaks."""

import pytest
from django.core.management import call_command

from casetracker.records import Visibility
from public.filters import CaseFilter
from public.models import PublicCase
from public.writer import rebuild
from tests import factories as f

pytestmark = pytest.mark.django_db


def _public_cases():
    """The read model's cases (what the filters run on), republished from live first."""
    rebuild(from_live=True)
    return PublicCase.objects.public()


def slugs(**params):
    fs = CaseFilter(params, queryset=_public_cases())
    assert fs.is_valid(), fs.errors
    return sorted(fs.qs.values_list("slug", flat=True))


def errors(**params):
    fs = CaseFilter(params, queryset=_public_cases())
    assert not fs.is_valid()
    return fs.errors


@pytest.fixture
def demo():
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115


def test_article_by_id(demo):
    from cases.models import LegalArticle

    article = LegalArticle.objects.get(title="Participation in a banned organization")
    assert slugs(article=str(article.pk)) == ["marat-zhylanbayev-2024-banned-organization"]


def test_article_by_country_code_number():
    charge = f.ChargeFactory(article__country="KZ", article__code="criminal", article__number="405")
    f.ChargeFactory(article__country="RU", article__code="criminal", article__number="207.3")
    assert slugs(article="KZ:criminal:405") == [charge.case.slug]
    assert slugs(article="kz:criminal:405") == [charge.case.slug]
    assert len(slugs(article="RU:criminal:207.3")) == 1


def test_a_malformed_article_is_a_field_error():
    assert "article" in errors(article="405; DROP TABLE")


def test_organization_by_slug(demo):
    assert slugs(organization="alga-kazakhstan") == ["marat-zhylanbayev-2024-banned-organization"]


def test_country_status_and_year():
    a = f.CaseFactory(country="KZ", status="convicted", arrest_date="2024-11")
    f.CaseFactory(country="RU", status="trial", arrest_date="2023-02-01")
    assert slugs(country="kz") == [a.slug]
    assert slugs(status="convicted") == [a.slug]
    assert slugs(year="2024") == [a.slug]


def test_unknown_status_and_absurd_year_are_field_errors():
    assert "status" in errors(status="vanished")
    assert "year" in errors(year="99999")
    assert "year" in errors(year="abc")


def test_facility_by_slug():
    detention = f.DetentionFactory(facility__slug="colony-1")
    case = f.CaseFactory(person=detention.person)
    f.CaseFactory()
    assert slugs(facility="colony-1") == [case.slug]


def test_sentence_length_bounds():
    long = f.SentenceFactory(term_months=84)
    short = f.SentenceFactory(term_months=12)
    assert slugs(min_months="24") == [long.case.slug]
    assert slugs(max_months="24") == [short.case.slug]
    assert slugs(min_months="12", max_months="84") == sorted([long.case.slug, short.case.slug])


def test_ongoing_hunger_strike():
    strike = f.HungerStrikeFactory()
    case = f.CaseFactory(person=strike.person)
    ended = f.HungerStrikeFactory(ended_on="2025-07-05", outcome="not_met")
    f.CaseFactory(person=ended.person)
    assert slugs(hunger_strike="ongoing") == [case.slug]


def test_q_searches_names(demo):
    assert slugs(q="Жыланбаев") == ["marat-zhylanbayev-2024-banned-organization"]


def test_filters_never_match_through_internal_records():
    charge = f.ChargeFactory(article__number="999", visibility=Visibility.INTERNAL)
    detention = f.DetentionFactory(facility__slug="secret-site", visibility=Visibility.CONFIDENTIAL)
    f.CaseFactory(person=detention.person)
    strike = f.HungerStrikeFactory(visibility=Visibility.INTERNAL)
    f.CaseFactory(person=strike.person)
    assert slugs(article=f"KZ:criminal:{charge.article.number}") == []
    assert slugs(facility="secret-site") == []
    assert slugs(hunger_strike="ongoing") == []


def test_filters_never_match_a_draft_case_or_through_an_internal_article():
    under_internal_article = f.ChargeFactory(article__visibility=Visibility.INTERNAL)
    draft = f.CaseFactory(editorial_state="draft", country="RU")
    f.ChargeFactory(case=draft, article=f.LegalArticleFactory(number="501"))
    f.SentenceFactory(case=draft, term_months=300)
    f.MembershipFactory(person=draft.person, organization__slug="draft-party")
    f.DetentionFactory(person=draft.person, facility__slug="draft-site")
    f.HungerStrikeFactory(person=draft.person)
    article = under_internal_article.article
    assert slugs(article=f"{article.country}:{article.code}:{article.number}") == []
    assert slugs(article=str(article.pk)) == []
    assert slugs(article="KZ:criminal:501") == []
    assert slugs(organization="draft-party") == []
    assert slugs(facility="draft-site") == []
    assert slugs(min_months=200) == []
    assert slugs(country="RU") == []
    assert slugs(hunger_strike="ongoing") == []
