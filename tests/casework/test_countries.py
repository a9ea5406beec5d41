"""Countries: a choice in every staff form, stored as the same ISO alpha-2 codes."""

import pytest
from django import forms
from django.contrib import admin

from cases.models import Case, Facility, LegalArticle
from cases.monitor.forms import CaseForm
from people.models import Organization, Person
from tests import factories as f

pytestmark = pytest.mark.django_db

COUNTRY_FIELDS = [
    (Case, "country"),
    (Facility, "country"),
    (LegalArticle, "country"),
    (Person, "citizenship"),
    (Organization, "country"),
]


@pytest.mark.parametrize(("model", "name"), COUNTRY_FIELDS)
def test_every_admin_form_offers_a_country_choice(rf, administrator, model, name):
    model_admin = admin.site._registry[model]
    request = rf.get("/")
    request.user = administrator
    field = model_admin.get_form(request)().fields[name]
    assert isinstance(field, forms.ChoiceField)
    assert ("KZ", "Kazakhstan") in list(field.choices)


def test_the_workspace_case_form_offers_a_country_choice_and_stores_the_code():
    case = f.CaseFactory(country="KZ")
    form = CaseForm(instance=case)
    assert isinstance(form.fields["country"], forms.ChoiceField)
    assert ("AZ", "Azerbaijan") in list(form.fields["country"].choices)
    data = {**{k: v for k, v in form.initial.items() if v is not None}, "country": "AZ"}
    data["arrest_date"] = str(case.arrest_date)
    bound = CaseForm(data=data, instance=case)
    assert bound.is_valid(), bound.errors
    bound.save()
    assert Case.objects.filter(pk=case.pk).values_list("country", flat=True).get() == "AZ"
    bad = CaseForm(data={**data, "country": "Narnia"}, instance=case)
    assert not bad.is_valid() and "country" in bad.errors
