"""Each validation rule: one bad value gives its specific field error, and nothing is saved."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from cases.models import Case, Detention, HealthObservation, HungerStrike, Sentence
from people.models import Membership, Person
from tests import factories as f

pytestmark = pytest.mark.django_db


def errors_of(obj) -> dict:
    with pytest.raises(ValidationError) as excinfo:
        obj.full_clean()
    return excinfo.value.message_dict


@pytest.mark.parametrize("weight", ["0", "19.9", "250.1", "900"])
def test_implausible_weight_is_refused(weight):
    person = f.PersonFactory()
    obs = HealthObservation(
        person=person, observed_on=dt.date(2025, 7, 1), kind="weight", weight_kg=Decimal(weight)
    )
    assert "not plausible" in errors_of(obs)["weight_kg"][0]


@pytest.mark.parametrize("weight", ["20", "45", "250"])
def test_plausible_weight_is_accepted(weight):
    obs = HealthObservation(
        person=f.PersonFactory(),
        observed_on=dt.date(2025, 7, 1),
        kind="weight",
        weight_kg=Decimal(weight),
    )
    obs.full_clean()


def test_weight_observation_needs_a_weight():
    obs = HealthObservation(
        person=f.PersonFactory(), observed_on=dt.date(2025, 7, 1), kind="weight"
    )
    assert "weight_kg" in errors_of(obs)


def test_observation_in_the_future_is_refused():
    tomorrow = dt.date.today() + dt.timedelta(days=2)
    obs = HealthObservation(
        person=f.PersonFactory(), observed_on=tomorrow, kind="general", description="x"
    )
    assert errors_of(obs)["observed_on"] == ["This date is in the future."]


def test_future_verdict_date_is_refused():
    case = f.CaseFactory.build(person=f.PersonFactory(), verdict_date=f"{dt.date.today().year + 1}")
    assert errors_of(case)["verdict_date"] == ["This date is in the future."]


def test_verdict_before_arrest_is_refused():
    case = f.CaseFactory.build(
        person=f.PersonFactory(), arrest_date="2024-11-20", verdict_date="2024-10"
    )
    assert errors_of(case)["verdict_date"] == ["The verdict cannot be dated before the arrest."]


def test_verdict_in_the_month_of_arrest_is_accepted():
    case = f.CaseFactory.build(
        person=f.PersonFactory(), arrest_date="2024-11-20", verdict_date="2024-11"
    )
    case.full_clean()


@pytest.mark.parametrize(
    ("model", "factory"),
    [(Detention, f.DetentionFactory), (Membership, f.MembershipFactory)],
)
def test_end_before_start_is_refused(model, factory):
    obj = factory.build(
        person=f.PersonFactory(),
        **(
            {"facility": f.FacilityFactory()}
            if model is Detention
            else {"organization": f.OrganizationFactory()}
        ),
        started_on="2024-05-01",
        ended_on="2024-04-30",
    )
    assert errors_of(obj)["ended_on"] == ["The end cannot be before the start."]


def test_hunger_strike_end_before_start_is_refused():
    strike = HungerStrike(
        person=f.PersonFactory(),
        started_on=dt.date(2025, 7, 10),
        ended_on=dt.date(2025, 7, 1),
        outcome="not_met",
    )
    assert errors_of(strike)["ended_on"] == ["The end cannot be before the start."]


def test_unknown_currency_is_refused():
    sentence = Sentence(
        case=f.CaseFactory(), kind="fine", fine_amount=Decimal("78000"), fine_currency="KZZ"
    )
    assert "ISO 4217" in errors_of(sentence)["fine_currency"][0]


def test_unknown_country_is_refused():
    case = f.CaseFactory.build(person=f.PersonFactory(), country="XX")
    assert "ISO 3166" in errors_of(case)["country"][0]


def test_zero_term_is_refused():
    sentence = Sentence(case=f.CaseFactory(), kind="imprisonment", term_months=0)
    assert errors_of(sentence)["term_months"] == ["The term must be at least one month or one day."]


def test_negative_fine_is_refused():
    sentence = Sentence(
        case=f.CaseFactory(), kind="fine", fine_amount=Decimal("-5"), fine_currency="KZT"
    )
    assert errors_of(sentence)["fine_amount"] == ["A fine must be a positive amount."]


def test_impossible_birth_date_is_refused():
    person = Person(full_name="A", slug="a", birth_date="1990-02-30")
    assert "birth_date" in errors_of(person)


def test_admin_form_with_a_bad_weight_saves_nothing_and_keeps_other_values(admin_client):
    person = f.PersonFactory()
    response = admin_client.post(
        "/admin/cases/healthobservation/add/",
        {
            "person": person.pk,
            "observed_on": "2025-07-20",
            "kind": "weight",
            "weight_kg": "900",
            "description": "Very thin, could not stand",
            "visibility": "internal",
        },
    )
    assert response.status_code == 200
    assert HealthObservation.objects.count() == 0
    body = response.content.decode()
    assert "A weight above 250 kg is not plausible" in body
    assert "Very thin, could not stand" in body


def test_case_without_errors_is_saved_by_the_admin(admin_client):
    person = f.PersonFactory()
    response = admin_client.post(
        "/admin/cases/case/add/",
        {
            "person": person.pk,
            "slug": "new-case",
            "case_type": "criminal",
            "country": "kz",
            "status": "trial",
            "arrest_date": "2024-11",
            "editorial_state": "draft",
            "visibility": "public",
            **f.empty_case_inlines(),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    case = Case.objects.get(slug="new-case")
    assert (case.country, str(case.arrest_date)) == ("KZ", "2024-11")


@pytest.mark.parametrize("day", [dt.date(1, 1, 1), dt.date(1899, 12, 31)])
def test_observation_before_the_date_floor_is_refused(day):
    obs = HealthObservation(
        person=f.PersonFactory(), observed_on=day, kind="general", description="x"
    )
    assert errors_of(obs)["observed_on"] == ["This date is before 1900-01-01: please check it."]


def test_the_date_floor_itself_is_accepted():
    from casetracker.partial_dates import DATE_FLOOR, PartialDate, not_in_future

    not_in_future(DATE_FLOOR)
    not_in_future(PartialDate.parse("1900"))


def test_a_partial_detention_date_before_the_floor_is_refused():
    detention = f.DetentionFactory.build(person=f.PersonFactory(), started_on="1850")
    assert "This date is before 1900-01-01: please check it." in errors_of(detention)["started_on"]
