"""A public charge under an internal legal article is left out of every public surface.

The rule lives in Charge.objects.publishable(); before it did, the case page,
the exports and the API each repeated it, while the /cases/ article filter and
the review snapshot did not: a guessed article key found the cases charged under
it, and an editor's diff listed a charge the public page never shows.
"""

import json

import pytest

from cases.models import Charge
from cases.snapshots import build_snapshot
from casetracker.records import Visibility
from tests import factories as f

from .conftest import text

pytestmark = pytest.mark.django_db

SECRET = "Article kept internal"


@pytest.fixture
def case():
    case = f.CaseFactory()
    f.ChargeFactory(case=case, wording="Shown charge", article__number="405")
    f.ChargeFactory(
        case=case,
        wording=SECRET,
        article__number="999",
        article__title=SECRET,
        article__visibility=Visibility.INTERNAL,
    )
    return case


def test_the_queryset_leaves_the_charge_out(case):
    assert list(Charge.objects.public().values_list("wording", flat=True)) == ["Shown charge"]
    assert Charge.objects.visible_to(None).count() == 1


def test_filtering_by_the_internal_article_finds_nothing(client, case):
    shown = text(client.get("/cases/", {"article": "KZ:criminal:405"}))
    hidden = text(client.get("/cases/", {"article": "KZ:criminal:999"}))
    assert case.person.full_name in shown
    assert case.person.full_name not in hidden


def test_exports_and_the_case_page_leave_it_out(client, case):
    assert SECRET not in text(client.get(case.get_absolute_url()))
    exported = json.loads(text(client.get("/cases/export.json")))
    assert SECRET not in json.dumps(exported)
    assert "Shown charge" in json.dumps(exported)


def test_the_review_snapshot_leaves_it_out(case):
    charges = build_snapshot(case)["charges"]
    assert [c["wording"] for c in charges.values()] == ["Shown charge"]
