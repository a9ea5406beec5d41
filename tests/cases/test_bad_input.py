"""No 500 on any input: bad dates, control characters and oversized text get a field
error, and the form comes back with everything else that was typed."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from cases.models import Case, Detention, Sentence
from people.models import Membership
from tests import factories as f

pytestmark = pytest.mark.django_db

# Both case dates filled, one of them not a date: the model compared them before.
BAD_DATE_PAIRS = [
    ("2024-01", "garbage"),
    ("garbage", "2024-01"),
    ("0000-00-00", "9999-12-31"),
    ("2024-13", "2024-02-30"),
]


def _admin_case_post(**fields):
    return {
        "slug": "new-case",
        "case_type": "criminal",
        "country": "KZ",
        "status": "trial",
        "editorial_state": "draft",
        "visibility": "public",
        "summary": "Detained after a rally in Almaty.",
        **{
            f"{prefix}-{k}": v
            for prefix in ("charges", "sentences", "detentions", "recognitions", "events")
            for k, v in {"TOTAL_FORMS": "0", "INITIAL_FORMS": "0"}.items()
        },
        **fields,
    }


@pytest.mark.parametrize(("arrest", "verdict"), BAD_DATE_PAIRS)
def test_an_invalid_case_date_beside_a_valid_one_is_a_field_error_in_the_workspace(
    client, editor, arrest, verdict
):
    case = f.CaseFactory(editorial_state=Case.EditorialState.DRAFT)
    client.force_login(editor)

    response = client.post(
        reverse("monitor:case_edit", args=[case.pk]),
        {
            "case_type": "criminal",
            "country": "KZ",
            "status": "trial",
            "arrest_date": arrest,
            "verdict_date": verdict,
            "summary": "Detained after a rally in Almaty.",
        },
    )

    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) <= {"arrest_date", "verdict_date"}
    assert "Enter a real date" in str(form.errors)
    body = response.content.decode()
    assert "Detained after a rally in Almaty." in body
    assert f'value="{verdict}"' in body and f'value="{arrest}"' in body


@pytest.mark.parametrize(("arrest", "verdict"), BAD_DATE_PAIRS)
def test_an_invalid_case_date_beside_a_valid_one_is_a_field_error_in_the_admin(
    admin_client, arrest, verdict
):
    person = f.PersonFactory()
    response = admin_client.post(
        "/admin/cases/case/add/",
        _admin_case_post(person=person.pk, arrest_date=arrest, verdict_date=verdict),
    )

    assert response.status_code == 200
    assert Case.objects.count() == 0
    body = response.content.decode()
    assert "Enter a real date" in body
    assert "Detained after a rally in Almaty." in body


@pytest.mark.parametrize(
    ("model", "factory", "start", "end"),
    [
        (Sentence, f.SentenceFactory, "starts_on", "ends_on"),
        (Detention, f.DetentionFactory, "started_on", "ended_on"),
        (Membership, f.MembershipFactory, "started_on", "ended_on"),
    ],
)
def test_every_ordered_pair_of_partial_dates_is_checked_only_once_both_are_dates(
    model, factory, start, end
):
    obj = factory.build(**{start: "2024-01", end: "garbage"})
    with pytest.raises(ValidationError) as excinfo:
        obj.full_clean()
    assert "Enter a real date" in " ".join(excinfo.value.message_dict[end])
