"""Legal articles as courts write them: stored, shown and browsable."""

import pytest
from django.core.exceptions import ValidationError

from cases.citations import Citation, parse_citation
from cases.importer import import_cases
from cases.models import Charge, LegalArticle
from tests import factories as f
from tests.imports.conftest import VALID, to_csv

pytestmark = pytest.mark.django_db


def listed(client, query: str) -> str:
    return client.get("/cases/", {"article": query}).content.decode()


@pytest.mark.parametrize(
    ("text", "citation"),
    [
        ("405", Citation("405")),
        ("207.3", Citation("207.3")),
        ("80(d)", Citation("80", letter="d")),
        ("505(b)", Citation("505", letter="b")),
        ("п. «д» ч. 2 ст. 207.3", Citation("207.3", part="2", letter="д")),
        ("ч. 1 ст. 212", Citation("212", part="1")),
        ("п. 1 ч. 2 ст. 105", Citation("105", part="2", paragraph="1")),
    ],
)
def test_provisions_parse_in_the_countrys_own_notation(text, citation):
    assert parse_citation(text) == citation


def test_nonsense_is_not_a_provision():
    assert parse_citation("article of the code") is None


def test_80d_505b_and_the_russian_notation_import_store_and_browse(client):
    rows = [
        {
            **VALID,
            "person_name": "Egyptian Defendant",
            "name_variants": "",
            "country": "EG",
            "charges": "80(d): spreading false news abroad",
            "citizenship": "EG",
        },
        {
            **VALID,
            "person_name": "Myanmar Defendant",
            "name_variants": "",
            "country": "MM",
            "charges": "505(b): incitement",
            "citizenship": "MM",
        },
        {
            **VALID,
            "person_name": "Russian Defendant",
            "name_variants": "",
            "country": "RU",
            "charges": "п. «д» ч. 2 ст. 207.3: false information about the army",
            "citizenship": "RU",
        },
    ]
    report = import_cases(data=to_csv(rows), publish=False)
    assert not [r.errors for r in report.rows if r.errors]
    russian = Charge.objects.get(case__country="RU")
    assert (russian.article.number, russian.part, russian.letter) == ("207.3", "2", "д")
    assert russian.cited_as == "п. «д» ч. 2 ст. 207.3"
    egyptian = Charge.objects.get(case__country="EG")
    assert (egyptian.article.number, egyptian.letter) == ("80", "d")
    from cases.models import Case
    from people.models import Person

    Case.objects.update(editorial_state="published", visibility="public")
    LegalArticle.objects.update(visibility="public")
    Charge.objects.update(visibility="public")
    Person.objects.update(visibility="public")
    # the key keeps working and includes all parts; the part itself is browsable too
    assert "Russian Defendant" in listed(client, "RU:criminal:207.3")
    assert "Russian Defendant" in listed(client, "RU:criminal:п. «д» ч. 2 ст. 207.3")
    assert "Russian Defendant" not in listed(client, "RU:criminal:ч. 1 ст. 207.3")
    assert "Egyptian Defendant" in listed(client, "EG:criminal:80(d)")
    assert "Myanmar Defendant" in listed(client, "MM:criminal:505(b)")
    assert "Myanmar Defendant" in listed(client, "MM:criminal:505")
    page = client.get(Case.objects.get(country="RU").get_absolute_url()).content.decode()
    assert "п. «д» ч. 2 ст. 207.3" in page


def test_azerbaijans_1960_and_2000_codes_do_not_collide(client):
    old = f.LegalArticleFactory(country="AZ", number="283", edition="1960", title="Old 283")
    new = f.LegalArticleFactory(country="AZ", number="283", edition="", title="New 283")
    assert old.key == "AZ:criminal@1960:283" and new.key == "AZ:criminal:283"
    old_case = f.ChargeFactory(article=old, case__country="AZ").case
    new_case = f.ChargeFactory(article=new, case__country="AZ").case
    old_listing, new_listing = listed(client, old.key), listed(client, new.key)
    assert old_case.get_absolute_url() in old_listing
    assert new_case.get_absolute_url() not in old_listing
    assert new_case.get_absolute_url() in new_listing
    assert old_case.get_absolute_url() not in new_listing
    with pytest.raises(ValidationError):
        LegalArticle(
            country="AZ", code="criminal", number="283", edition="1960", title="x"
        ).full_clean()


def test_a_bad_article_filter_is_a_field_error_not_a_500(client):
    response = client.get("/cases/", {"article": "RU:criminal:no such thing"})
    assert response.status_code in (200, 400)
    assert "Use a legal article id" in response.content.decode()
