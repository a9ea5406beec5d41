"""The counts beside /cases/ and on /stats/ (public/stats.py): what they count,
and what they must never count."""

import itertools
import re

import pytest
from django.http import QueryDict
from django.utils import timezone

from casetracker.records import Visibility
from public import stats
from public.filters import CaseFilter
from public.models import PublicCase
from public.views import _counts
from public.writer import rebuild
from tests import factories as f

from .conftest import text

pytestmark = pytest.mark.django_db
INTERNAL = Visibility.INTERNAL


def _public_cases(*, republish=True):
    """The read model's cases, republished from the live records first (unless the
    test's data did not change since the last rebuild)."""
    if republish:
        rebuild(from_live=True)
    return PublicCase.objects.public()


REF_COUNTS = (stats.article_counts, stats.organization_counts, stats.facility_counts)


def _bands() -> dict[str, int]:
    return stats.sentence_band_counts(_public_cases())


def test_a_case_falls_in_the_band_of_its_longest_public_term():
    case = f.CaseFactory()
    f.SentenceFactory(case=case, term_months=6)
    f.SentenceFactory(case=case, term_months=40)
    assert _bands()["3_5"] == 1
    assert sum(_bands().values()) == 1


def test_an_internal_or_archived_longer_term_does_not_move_a_case_to_another_band():
    case = f.CaseFactory()
    f.SentenceFactory(case=case, term_months=24)
    f.SentenceFactory(case=case, term_months=200, visibility=INTERNAL)
    f.SentenceFactory(case=case, term_months=150, archived_at=timezone.now())
    assert _bands()["1_3"] == 1
    assert _bands()["10_plus"] == 0


def test_a_life_sentence_counts_as_life_whatever_the_other_terms():
    case = f.CaseFactory()
    f.SentenceFactory(case=case, kind="life_imprisonment", term_months=None)
    f.SentenceFactory(case=case, term_months=12)
    assert _bands()["life"] == 1
    assert _bands()["1_3"] == 0


def test_a_case_with_no_public_term_counts_as_no_term():
    f.CaseFactory()
    f.SentenceFactory(case=f.CaseFactory(), kind="fine", term_months=None)
    f.SentenceFactory(case=f.CaseFactory(), term_months=130, visibility=INTERNAL)
    assert _bands()["no_term"] == 3
    assert _bands()["10_plus"] == 0


def test_a_draft_case_or_a_case_of_an_internal_person_is_in_no_count():
    hidden = [
        f.CaseFactory(editorial_state="draft", country="RU", status="trial"),
        f.CaseFactory(person__visibility=INTERNAL, country="RU", status="trial"),
        f.CaseFactory(visibility=INTERNAL, country="RU", status="trial"),
    ]
    org, facility = f.OrganizationFactory(), f.FacilityFactory()
    for case in hidden:
        f.ChargeFactory(case=case)
        f.SentenceFactory(case=case, term_months=130)
        f.MembershipFactory(person=case.person, organization=org)
        f.DetentionFactory(person=case.person, facility=facility)
        f.HungerStrikeFactory(person=case.person)
    cases = _public_cases()
    cells = stats.Cells(cases)
    assert cells.total() == 0
    assert stats.ongoing_hunger_strikes(cells) == 0
    for count in (stats.by_country, stats.by_status, stats.by_year):
        assert count(cells) == []
    for count in REF_COUNTS:
        assert count(cases).counts == {}
    assert sum(_bands().values()) == 0


def test_hidden_records_of_a_published_case_are_in_no_count():
    case = f.CaseFactory()
    f.ChargeFactory(case=case, visibility=INTERNAL)
    f.ChargeFactory(case=case, archived_at=timezone.now())
    f.ChargeFactory(case=case, article__visibility=INTERNAL)
    f.MembershipFactory(person=case.person, visibility=INTERNAL)
    f.MembershipFactory(person=case.person, organization__visibility=INTERNAL)
    f.DetentionFactory(person=case.person, visibility=Visibility.CONFIDENTIAL)
    f.DetentionFactory(person=case.person, facility__visibility=INTERNAL)
    f.HungerStrikeFactory(person=case.person, visibility=INTERNAL)
    cases = _public_cases()
    for count in REF_COUNTS:
        assert count(cases).counts == {}
    assert stats.ongoing_hunger_strikes(stats.Cells(cases)) == 0


def test_a_case_counts_once_per_article_party_and_facility_however_many_links():
    case = f.CaseFactory()
    article, org, facility = f.LegalArticleFactory(), f.OrganizationFactory(), f.FacilityFactory()
    for _ in range(2):
        f.ChargeFactory(case=case, article=article)
        f.MembershipFactory(person=case.person, organization=org)
        f.DetentionFactory(person=case.person, facility=facility)
    cases = _public_cases()
    for count in REF_COUNTS:
        assert list(count(cases).counts.values()) == [1]


@pytest.fixture
def spread():
    """Cases over two countries, statuses and years, some on hunger strike."""
    org = f.OrganizationFactory(slug="party")
    articles = [f.LegalArticleFactory(), f.LegalArticleFactory()]
    for country, status, year, striking in itertools.product(
        ("KZ", "RU"), ("convicted", "trial"), ("2019", "2021"), (True, False)
    ):
        case = f.CaseFactory(country=country, status=status, arrest_date=f"{year}-05")
        f.ChargeFactory(case=case, article=articles[striking])
        if country == "KZ":
            f.MembershipFactory(person=case.person, organization=org)
        if striking:
            f.HungerStrikeFactory(person=case.person)
    f.CaseFactory(country="KZ", arrest_date="")  # no year of arrest
    rebuild(from_live=True)


PARAMS = [
    "",
    "country=kz",
    "status=trial&year=2019",
    "country=RU&hunger_strike=ongoing",
    "organization=party&status=convicted",
    "year=2021&country=KZ&status=trial&hunger_strike=ongoing",
    "year=abc&country=KZ",  # an invalid year is left out of the others' counts
]


@pytest.mark.parametrize("query", PARAMS)
def test_each_option_counts_the_cases_its_filter_would_list(spread, query):
    """Choosing an option lists as many cases as the option said (the counts of
    the options are what CaseFilter returns with that option added)."""
    params = QueryDict(query)
    _total, facets = _counts(params, valid=True)
    assert facets["country"] and facets["article"]
    for name in ("country", "status", "year", "article", "organization"):
        for option in facets[name]:
            chosen = {**params.dict(), name: option.value}
            expected = CaseFilter(chosen, queryset=_public_cases(republish=False)).qs.count()
            assert option.count == expected, (name, option.value)
    chosen = {**params.dict(), "hunger_strike": "ongoing"}
    expected = CaseFilter(chosen, queryset=_public_cases(republish=False)).qs.count()
    assert facets["hunger_strike"] == expected


@pytest.mark.parametrize("query", PARAMS[:-1])
def test_the_number_of_results_is_the_number_of_cases_listed(client, spread, settings, query):
    settings.PUBLIC_CASES_PER_PAGE = 100
    page = text(client.get(f"/cases/?{query}"))
    listed = len(re.findall(r'<th scope="row">', page))
    assert listed == CaseFilter(QueryDict(query), queryset=_public_cases()).qs.count()
    assert re.search(rf"\b{listed} cases?\b", page)


def test_an_invalid_filter_lists_nothing_and_says_zero_results(client, spread):
    page = text(client.get("/cases/?year=abc&country=KZ"))
    assert "0 cases" in page
    assert '<th scope="row">' not in page
