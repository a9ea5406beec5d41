"""Sentence history: every decision its own record, the latest in force."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError

from cases.admin import SentenceForm
from cases.models import AdditionalPunishment, Sentence, effective_sentence
from tests import factories as f

pytestmark = pytest.mark.django_db


def page(client, case) -> str:
    return " ".join(client.get(case.get_absolute_url()).content.decode().split())


def test_an_appeal_keeps_the_first_sentence_in_the_history_and_changes_the_effective_term(
    client,
):
    case = f.CaseFactory()
    f.DetentionFactory(person=case.person, case=case, started_on="2022-03-01")
    first = f.SentenceFactory(
        case=case,
        decision="first_instance",
        sentenced_on="2023-01-10",
        term_months=51,
        court="Almaty district court",
    )
    appeal = f.SentenceFactory(
        case=case,
        decision="appeal",
        sentenced_on="2023-05-02",
        term_months=30,
        court="Almaty city court",
    )
    assert list(case.sentences.order_by("sentenced_on", "pk")) == [first, appeal]
    assert effective_sentence(case.sentences.order_by("sentenced_on", "pk")) == appeal
    with time_machine.travel(dt.datetime(2024, 1, 1, tzinfo=dt.UTC)):
        html = page(client, case)
    # both decisions are shown, the appeal as in force
    assert "First instance</strong>: Imprisonment: 4 years 3 months" in html
    assert "Appeal</strong> (in force): Imprisonment: 2 years 6 months" in html
    assert "Almaty district court" in html and "Almaty city court" in html
    assert "Sentence history" in html
    # expected release: time held since 1 March 2022 + 30 months (not 51)
    assert "Sept. 1, 2024" in html
    assert "June 1, 2026" not in html


def test_a_pardon_frees_the_person_no_expected_release():
    case = f.CaseFactory()
    f.SentenceFactory(case=case, sentenced_on="2023-01-10", term_months=84, starts_on="2023-01-10")
    pardon = f.SentenceFactory(
        case=case, decision="pardon", sentenced_on="2024-08-01", kind="none", term_months=None
    )
    effective = effective_sentence(case.sentences.order_by("sentenced_on", "pk"))
    assert effective == pardon and effective.releases
    assert effective.expected_release() is None


def test_a_main_punishment_with_an_additional_fine_and_a_term_in_days(client):
    sentence = f.SentenceFactory(term_months=19 * 12)
    AdditionalPunishment.objects.create(
        sentence=sentence, kind="fine", fine_amount=Decimal("300000"), fine_currency="RUB"
    )
    AdditionalPunishment.objects.create(
        sentence=sentence,
        kind="activity_ban",
        term_months=36,
        description="ban on journalism",
        visibility="public",
    )
    html = page(client, sentence.case)
    assert "Imprisonment: 19 years" in html
    assert "ban on journalism, 3 years" in html
    assert "300,000 RUB" not in html  # internal by default, like every record
    arrest = Sentence(
        case=sentence.case, kind="administrative_arrest", term_days=15, starts_on="2025-01-10"
    )
    assert arrest.expected_release() == dt.date(2025, 1, 25)


def test_life_and_death_penalty_have_no_term_and_no_release():
    case = f.CaseFactory()
    for kind in ("life_imprisonment", "death_penalty"):
        with pytest.raises(ValidationError) as error:
            Sentence(case=case, kind=kind, term_months=12).full_clean()
        assert "term_months" in error.value.message_dict
        assert Sentence(case=case, kind=kind, starts_on="2020").expected_release() is None


def test_the_staff_form_takes_years_months_and_days():
    case = f.CaseFactory()
    form = SentenceForm(
        data={
            "decision": "first_instance",
            "kind": "imprisonment",
            "term_years": "4",
            "term_months": "3",
            "term_days": "10",
            "visibility": "internal",
        },
        instance=Sentence(case=case),
    )
    assert form.is_valid(), form.errors
    sentence = form.save()
    assert (sentence.term_months, sentence.term_days) == (51, 10)
    assert str(sentence) == "Imprisonment, 4 years 3 months 10 days"
    bad = SentenceForm(
        data={"decision": "nope", "kind": "imprisonment", "term_years": "-1"},
        instance=Sentence(case=case),
    )
    assert not bad.is_valid()
    assert {"decision", "term_years", "visibility"} <= set(bad.errors)
