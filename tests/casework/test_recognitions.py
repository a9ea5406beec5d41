"""Recognitions name the recognising organisation: filter and count by it."""

import pytest
from django.core.exceptions import ValidationError

from cases.models import Recognition
from public.filters import CaseFilter, recognition_counts
from public.models import PublicCase
from public.writer import rebuild
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_filter_and_count_cases_by_recogniser():
    memorial = f.OrganizationFactory(name="Memorial", slug="memorial", kind="ngo", country="RU")
    viasna = f.OrganizationFactory(name="Viasna", slug="viasna", kind="ngo", country="BY")
    both, only_memorial, none = f.CaseFactory(), f.CaseFactory(), f.CaseFactory()
    for case, org in ((both, memorial), (both, viasna), (only_memorial, memorial)):
        f.RecognitionFactory(case=case, recognizer=org, recognized_by="")
    f.RecognitionFactory(case=none, recognizer=memorial, recognized_by="", visibility="internal")
    rebuild(from_live=True)  # the public filters read the read model
    public = PublicCase.objects.all()
    by_memorial = CaseFilter({"recognized_by": "memorial"}, queryset=public).qs
    assert {c.pk for c in by_memorial} == {both.pk, only_memorial.pk}
    assert [c.pk for c in CaseFilter({"recognized_by": "viasna"}, queryset=public).qs] == [both.pk]
    counts = [(org.pk, n) for org, n in recognition_counts(public)]
    assert counts == [(memorial.pk, 2), (viasna.pk, 1)]
    assert Recognition.objects.filter(case=both).first().label in {"Memorial", "Viasna"}


def test_a_recognition_names_someone():
    with pytest.raises(ValidationError) as error:
        Recognition(case=f.CaseFactory(), recognized_by="").full_clean()
    assert "recognizer" in error.value.message_dict


def test_the_case_page_names_the_public_recogniser_with_its_link_and_never_an_internal_one(
    client,
):
    case = f.CaseFactory()
    wgad = f.OrganizationFactory(name="UN Working Group on Arbitrary Detention", kind="other")
    secret = f.OrganizationFactory(name="Secret Recogniser", visibility="internal")
    f.RecognitionFactory(
        case=case, recognizer=wgad, recognized_by="", url="https://example.org/opinion-12"
    )
    f.RecognitionFactory(case=case, recognizer=secret, recognized_by="")
    page = client.get(case.get_absolute_url()).content.decode()
    assert "UN Working Group on Arbitrary Detention" in page
    assert "https://example.org/opinion-12" in page
    assert "Secret Recogniser" not in page
