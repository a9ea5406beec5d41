"""Every API list honours every one of its filters (case filters: the /cases/ names)."""

import datetime as dt

import pytest

from cases.models import Case
from tests import factories as f
from tests.api.conftest import ids

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_cases():
    """Case `a` matches every filter value below; case `b` matches none."""
    a = f.CaseFactory(
        person__full_name="Marat Zhylanbayev",
        country="KZ",
        status=Case.Status.CONVICTED,
        arrest_date="2024-11-05",
    )
    b = f.CaseFactory(
        person__full_name="Ivan Petrov",
        country="RU",
        status=Case.Status.TRIAL,
        arrest_date="2021-02",
    )
    f.ChargeFactory(case=a, article__country="KZ", article__code="criminal", article__number="405")
    f.ChargeFactory(
        case=b, article__country="RU", article__code="criminal", article__number="207.3"
    )
    f.MembershipFactory(person=a.person, organization__slug="alga")
    f.MembershipFactory(person=b.person, organization__slug="other-party")
    f.DetentionFactory(person=a.person, facility__slug="colony-1")
    f.DetentionFactory(person=b.person, facility__slug="colony-2")
    f.SentenceFactory(case=a, term_months=84)
    f.SentenceFactory(case=b, term_months=6)
    f.HungerStrikeFactory(person=a.person)
    f.HungerStrikeFactory(person=b.person, ended_on=dt.date(2025, 7, 5), outcome="not_met")
    return a, b


@pytest.mark.parametrize(
    "params",
    [
        {"q": "Жыланбаев"},
        {"q": "zhylanbaev"},
        {"article": "KZ:criminal:405"},
        {"organization": "alga"},
        {"country": "kz"},
        {"status": "convicted"},
        {"facility": "colony-1"},
        {"year": "2024"},
        {"min_months": "24"},
        {"max_months": "100", "min_months": "80"},
        {"hunger_strike": "ongoing"},
    ],
)
def test_the_cases_list_honours_the_filter(api, two_cases, params):
    a, _ = two_cases
    assert ids(api.get("/api/v1/cases/", params)) == [a.pk]


def test_the_article_filter_also_takes_an_id(api, two_cases):
    a, _ = two_cases
    article = a.charges.get().article
    assert ids(api.get("/api/v1/cases/", {"article": article.pk})) == [a.pk]


@pytest.mark.parametrize(
    "params",
    [
        {"status": "vanished"},
        {"year": "abc"},
        {"article": "405; DROP TABLE"},
        {"article": "25526736242255709010"},
        {"article": "²"},
        {"min_months": "-"},
        {"hunger_strike": "maybe"},
    ],
)
def test_a_bad_case_filter_value_is_a_field_error_not_a_crash(api, params):
    response = api.get("/api/v1/cases/", params)
    assert response.status_code == 400
    assert set(response.json()) == {"detail", *params}  # "Invalid parameters." and each field


@pytest.mark.parametrize(
    "params",
    [
        {"q": "Zhylanbaev"},
        {"organization": "alga"},
        {"citizenship": "kz"},
        {"gender": "male"},
    ],
)
def test_the_people_list_honours_the_filter(api, params):
    a = f.CaseFactory(
        person__full_name="Marat Zhylanbayev", person__citizenship="KZ", person__gender="male"
    ).person
    b = f.CaseFactory(
        person__full_name="Anna Petrova", person__citizenship="RU", person__gender="female"
    ).person
    f.MembershipFactory(person=a, organization__slug="alga")
    f.MembershipFactory(person=b, organization__slug="other")
    assert ids(api.get("/api/v1/people/", params)) == [a.pk]


@pytest.mark.parametrize("params", [{"q": "forward"}, {"kind": "movement"}, {"country": "kz"}])
def test_the_organizations_list_honours_the_filter(api, params):
    a = f.OrganizationFactory(
        name="Alga", translated_name="Forward, Kazakhstan!", kind="movement", country="KZ"
    )
    b = f.OrganizationFactory(name="Other", kind="party", country="RU")
    for org in (a, b):  # public only through a published case that shows them
        f.MembershipFactory(person=f.CaseFactory().person, organization=org)
    assert ids(api.get("/api/v1/organizations/", params)) == [a.pk]


@pytest.mark.parametrize(
    "params",
    [{"country": "kz"}, {"code": "administrative"}, {"number": "405"}, {"q": "banned"}],
)
def test_the_legal_articles_list_honours_the_filter(api, params):
    a = f.LegalArticleFactory(
        country="KZ", code="administrative", number="405", title="Banned organization"
    )
    b = f.LegalArticleFactory(country="RU", code="criminal", number="207.3", title="Fakes")
    for article in (a, b):  # public only through a published case that cites them
        f.ChargeFactory(article=article)
    assert ids(api.get("/api/v1/legal-articles/", params)) == [a.pk]


@pytest.mark.parametrize("params", [{"country": "kz"}, {"kind": "pre_trial"}, {"city": "almaty"}])
def test_the_facilities_list_honours_the_filter(api, params):
    a = f.FacilityFactory(country="KZ", kind="pre_trial", city="Almaty")
    b = f.FacilityFactory(country="RU", kind="penal_colony", city="Moscow")
    for facility in (a, b):  # public only through a published case held there
        f.DetentionFactory(person=f.CaseFactory().person, facility=facility)
    assert ids(api.get("/api/v1/facilities/", params)) == [a.pk]


@pytest.mark.parametrize(
    "params",
    [
        {"person": "A"},
        {"kind": "weight"},
        {"observed_after": "2025-07-05", "observed_before": "2025-07-20"},
        {"observed_after": "2025-06-15", "observed_before": "2025-07-11"},
    ],
)
def test_the_health_observations_list_honours_the_filter(api, params):
    a_person = f.CaseFactory().person
    b_person = f.CaseFactory().person
    a = f.HealthObservationFactory(
        person=a_person, kind="weight", weight_kg=60, observed_on=dt.date(2025, 7, 10)
    )
    f.HealthObservationFactory(person=b_person, observed_on=dt.date(2025, 6, 1))
    f.HealthObservationFactory(person=b_person, observed_on=dt.date(2025, 7, 25))
    params = {k: (a_person.pk if v == "A" else v) for k, v in params.items()}
    assert ids(api.get("/api/v1/health-observations/", params)) == [a.pk]


@pytest.mark.parametrize("params", [{"person": "A"}, {"kind": "dry"}, {"ongoing": "true"}])
def test_the_hunger_strikes_list_honours_the_filter(api, params):
    a_person = f.CaseFactory().person
    b_person = f.CaseFactory().person
    a = f.HungerStrikeFactory(person=a_person, kind="dry")
    f.HungerStrikeFactory(
        person=b_person, kind="full", ended_on=dt.date(2025, 7, 3), outcome="health"
    )
    params = {k: (a_person.pk if v == "A" else v) for k, v in params.items()}
    assert ids(api.get("/api/v1/hunger-strikes/", params)) == [a.pk]


def test_the_ongoing_false_filter_lists_ended_strikes(api):
    f.HungerStrikeFactory(person=f.CaseFactory().person)
    ended = f.HungerStrikeFactory(
        person=f.CaseFactory().person, ended_on=dt.date(2025, 7, 3), outcome="health"
    )
    assert ids(api.get("/api/v1/hunger-strikes/", {"ongoing": "false"})) == [ended.pk]


@pytest.mark.parametrize(
    "url,params",
    [
        ("/api/v1/people/", {"gender": "robot"}),
        ("/api/v1/organizations/", {"kind": "cabal"}),
        ("/api/v1/legal-articles/", {"code": "civil"}),
        ("/api/v1/facilities/", {"country": "Kazakhstan"}),
        ("/api/v1/health-observations/", {"observed_after": "yesterday"}),
        ("/api/v1/hunger-strikes/", {"person": "x"}),
    ],
)
def test_a_bad_filter_value_on_other_lists_is_a_field_error(api, url, params):
    response = api.get(url, params)
    assert response.status_code == 400
    assert set(response.json()) == {"detail", *params}  # "Invalid parameters." and each field
