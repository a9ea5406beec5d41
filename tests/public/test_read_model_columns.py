"""Columns of the read model only (public.models._read_model_fields): written by
public.writer from the published version, so they follow publication, never a
live edit."""

import pytest

from cases import services
from cases.models import Case
from public import stats
from public.filters import CaseFilter
from public.listing import sort_cases
from public.models import PublicCase
from tests import factories as f

pytestmark = [pytest.mark.django_db, pytest.mark.staged]


def publish(editor, case):
    services.publish_case(by=editor, case=Case.objects.get(pk=case.pk))


def _found(**params) -> list[int]:
    cases = CaseFilter(params, queryset=PublicCase.objects.public()).qs
    return list(sort_cases(cases, "sentence").values_list("pk", flat=True))


def test_the_longest_term_and_a_life_sentence_are_the_published_ones(editor):
    short, long_ = f.CaseFactory(), f.CaseFactory()
    f.SentenceFactory(case=short, term_months=6)
    sentence = f.SentenceFactory(case=long_, term_months=30)
    f.SentenceFactory(case=long_, term_months=12)
    publish(editor, short)
    publish(editor, long_)
    assert PublicCase.objects.get(pk=long_.pk).longest_term_months == 30
    assert _found() == [long_.pk, short.pk]
    assert _found(min_months="24") == [long_.pk]

    # a live edit changes nothing public
    sentence.term_months = 3
    sentence.save()
    f.SentenceFactory(case=short, kind="life_imprisonment", term_months=None)
    assert _found(min_months="24") == [long_.pk]
    assert stats.sentence_band_counts(PublicCase.objects.public())["life"] == 0

    # publication does
    publish(editor, long_)
    publish(editor, short)
    assert PublicCase.objects.get(pk=long_.pk).longest_term_months == 12
    assert _found() == [long_.pk, short.pk]
    assert _found(min_months="24") == []
    assert PublicCase.objects.get(pk=short.pk).life_sentence
    bands = stats.sentence_band_counts(PublicCase.objects.public())
    assert (bands["life"], bands["1_3"]) == (1, 1)


def test_a_case_without_a_term_sorts_last_and_has_no_longest_term(editor):
    none, some = f.CaseFactory(), f.CaseFactory()
    f.SentenceFactory(case=none, kind="fine", term_months=None)
    f.SentenceFactory(case=some, term_months=1)
    publish(editor, none)
    publish(editor, some)
    assert PublicCase.objects.get(pk=none.pk).longest_term_months is None
    assert _found() == [some.pk, none.pk]
