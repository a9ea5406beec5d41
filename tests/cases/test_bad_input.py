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
            for prefix in (
                "charges",
                "sentences",
                "detentions",
                "recognitions",
                "events",
                "links_out",
            )
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


def _workspace_case_post(**fields):
    return {
        "case_type": "criminal",
        "country": "KZ",
        "status": "trial",
        "arrest_date": "2024-01",
        "summary": "Detained after a rally in Almaty.",
        "internal_notes": "Lawyer: A. K., call before visiting.",
        **fields,
    }


@pytest.mark.parametrize("character", ["\x00", "\x07", "\x1b", "\x7f", "\x9b"])
def test_a_control_character_in_a_case_summary_is_a_field_error_that_keeps_the_form(
    client, editor, character
):
    case = f.CaseFactory(editorial_state=Case.EditorialState.DRAFT, summary="Before.")
    client.force_login(editor)

    response = client.post(
        reverse("monitor:case_edit", args=[case.pk]),
        _workspace_case_post(summary=f"Detained{character}[2J after a rally."),
    )

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["summary"]
    assert "Lawyer: A. K., call before visiting." in response.content.decode()
    case.refresh_from_db()
    assert case.summary == "Before."


def test_a_line_break_in_a_one_line_field_is_refused_but_kept_in_a_text(client, editor):
    case = f.CaseFactory(editorial_state=Case.EditorialState.DRAFT)
    client.force_login(editor)

    response = client.post(
        reverse("monitor:case_edit", args=[case.pk]),
        _workspace_case_post(court="Almaty\r\nCity Court", summary="Line one.\r\nLine two.\tEnd."),
    )

    assert list(response.context["form"].errors) == ["court"]


def test_a_control_character_is_a_field_error_in_the_admin(admin_client):
    response = admin_client.post(
        "/admin/people/person/add/",
        {
            "full_name": "Marat\x08 Zhylanbayev",
            "slug": "marat",
            "visibility": "public",
            "public_biography": "Activist and ultra-marathon runner.",
            "name_variants-TOTAL_FORMS": "0",
            "name_variants-INITIAL_FORMS": "0",
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 200
    body = response.content.decode()
    assert "invisible control character (U+0008)" in body
    assert "Activist and ultra-marathon runner." in body


def test_a_three_megabyte_summary_is_a_field_error_that_keeps_the_rest_of_the_form(client, editor):
    case = f.CaseFactory(editorial_state=Case.EditorialState.DRAFT, summary="Before.")
    client.force_login(editor)

    response = client.post(
        reverse("monitor:case_edit", args=[case.pk]),
        _workspace_case_post(summary="Ж" * (3 * 1024 * 1024)),
    )

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["summary"]
    assert "This text is too long" in str(response.context["form"].errors["summary"])
    assert "Lawyer: A. K., call before visiting." in response.content.decode()
    case.refresh_from_db()
    assert case.summary == "Before."


def test_a_three_megabyte_field_is_a_field_error_in_the_admin(admin_client):
    person = f.PersonFactory()
    response = admin_client.post(
        "/admin/cases/case/add/",
        _admin_case_post(person=person.pk, internal_notes="x" * (3 * 1024 * 1024)),
    )

    assert response.status_code == 200
    assert Case.objects.count() == 0
    body = response.content.decode()
    assert "This text is too long" in body
    assert "Detained after a rally in Almaty." in body


def test_text_within_the_limit_is_saved(settings, client, editor):
    settings.TEXT_MAX_CHARS = 50
    case = f.CaseFactory(editorial_state=Case.EditorialState.DRAFT)
    client.force_login(editor)

    too_long = client.post(
        reverse("monitor:case_edit", args=[case.pk]),
        _workspace_case_post(summary="x" * 51, internal_notes=""),
    )
    fits = client.post(
        reverse("monitor:case_edit", args=[case.pk]),
        _workspace_case_post(summary="x" * 50, internal_notes=""),
    )

    assert too_long.status_code == 200
    assert fits.status_code == 302
