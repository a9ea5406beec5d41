"""Issue 14, item 3: group trials. A proceeding groups several defendants' cases;
each public case page lists the co-defendants whose cases are published, /cases/
(its exports and the API) filter by it, and /proceedings/<slug>/ lists its
published cases — all read from the public read model, so a draft co-defendant
never appears. Every test is `staged`: the public changes only at publication.
"""

import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases import services
from cases.models import Case, Proceeding
from cases.snapshots import build_snapshot
from public.models import PublicProceeding
from tests import factories as f
from tests.public.conftest import text

pytestmark = [pytest.mark.django_db, pytest.mark.staged]


@pytest.fixture(autouse=True)
def _no_page_cache(settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0


def publish(editor, case):
    services.publish_case(by=editor, case=Case.objects.get(pk=case.pk))


def unpublish(editor, case):
    services.unpublish_case(by=editor, case=Case.objects.get(pk=case.pk))


def words(response) -> str:
    if response.status_code != 200:
        return ""
    return " ".join(re.sub(r"<[^>]+>", " ", text(response)).split())


@pytest.fixture
def viasna():
    """The Viasna leaders trial: three defendants, all cases still drafts."""
    trial = f.ProceedingFactory(
        name="Viasna leaders trial",
        slug="viasna-leaders",
        court="Leninsky District Court of Minsk",
        description="Three Viasna leaders tried together.",
    )
    cases = [
        f.CaseFactory(
            person__full_name=name, proceeding=trial, editorial_state="draft", country="BY"
        )
        for name in ("Ales Bialiatski", "Valiantsin Stefanovich", "Uladzimir Labkovich")
    ]
    return trial, cases


def test_co_defendants_are_listed_once_their_own_cases_are_published(client, editor, viasna):
    trial, (ales, valiantsin, uladzimir) = viasna
    publish(editor, ales)
    page = words(client.get(f"/cases/{ales.slug}/"))
    assert "Viasna leaders trial" in page
    assert "Valiantsin Stefanovich" not in page  # a draft co-defendant never appears
    publish(editor, valiantsin)
    page = words(client.get(f"/cases/{ales.slug}/"))
    assert "Valiantsin Stefanovich" in page and "Uladzimir Labkovich" not in page
    assert "Ales Bialiatski" in words(client.get(f"/cases/{valiantsin.slug}/"))
    unpublish(editor, valiantsin)
    assert "Valiantsin Stefanovich" not in words(client.get(f"/cases/{ales.slug}/"))


def test_a_case_joined_to_a_trial_after_publication_shows_it_only_when_republished(
    client, editor, viasna
):
    trial, (ales, valiantsin, _u) = viasna
    Case.objects.filter(pk=valiantsin.pk).update(proceeding=None)
    publish(editor, ales)
    publish(editor, valiantsin)
    services.update_case(
        by=editor, case=Case.objects.get(pk=valiantsin.pk), data={"proceeding": trial}
    )
    assert "Valiantsin Stefanovich" not in words(client.get(f"/cases/{ales.slug}/"))
    publish(editor, valiantsin)
    assert "Valiantsin Stefanovich" in words(client.get(f"/cases/{ales.slug}/"))


def test_the_proceeding_page_lists_its_published_cases(client, editor, viasna):
    trial, (ales, valiantsin, uladzimir) = viasna
    assert client.get("/proceedings/viasna-leaders/").status_code == 404  # nothing published
    publish(editor, ales)
    publish(editor, uladzimir)
    page = words(client.get("/proceedings/viasna-leaders/"))
    assert "Viasna leaders trial" in page and "Leninsky District Court of Minsk" in page
    assert "Three Viasna leaders tried together." in page
    assert "Ales Bialiatski" in page and "Uladzimir Labkovich" in page
    assert "Valiantsin Stefanovich" not in page
    # an edit of the proceeding waits for a publication of one of its cases
    Proceeding.objects.filter(pk=trial.pk).update(court="Zqx new court")
    assert "Zqx new court" not in words(client.get("/proceedings/viasna-leaders/"))
    publish(editor, ales)
    assert "Zqx new court" in words(client.get("/proceedings/viasna-leaders/"))
    unpublish(editor, ales)
    unpublish(editor, uladzimir)
    assert client.get("/proceedings/viasna-leaders/").status_code == 404


def test_an_internal_proceeding_is_not_in_the_version_nor_public(client, editor, viasna):
    trial, (ales, valiantsin, _u) = viasna
    Proceeding.objects.filter(pk=trial.pk).update(visibility="internal")
    publish(editor, ales)
    publish(editor, valiantsin)
    snapshot = build_snapshot(Case.objects.get(pk=ales.pk))
    assert snapshot["case"]["proceeding"] is None
    assert snapshot["references"]["proceedings"] == {}
    page = words(client.get(f"/cases/{ales.slug}/"))
    assert "Viasna leaders trial" not in page and "Valiantsin Stefanovich" not in page
    assert client.get("/proceedings/viasna-leaders/").status_code == 404
    assert not PublicProceeding.objects.exists()
    assert "Ales Bialiatski" not in text(client.get("/cases/", {"proceeding": "viasna-leaders"}))


def test_the_proceeding_filter_on_cases_exports_and_api(client, editor, viasna):
    trial, (ales, valiantsin, uladzimir) = viasna
    other = f.CaseFactory(person__full_name="Not In Trial", editorial_state="draft")
    for case in (ales, valiantsin, other):
        publish(editor, case)
    listing = text(client.get("/cases/", {"proceeding": "viasna-leaders"}))
    assert "Ales Bialiatski" in listing and "Valiantsin Stefanovich" in listing
    assert "Not In Trial" not in listing and "Uladzimir Labkovich" not in listing
    csv = text(client.get("/cases/export.csv", {"proceeding": "viasna-leaders"}))
    assert "Ales Bialiatski" in csv and "Not In Trial" not in csv
    exported = json.loads(text(client.get("/cases/export.json", {"proceeding": "viasna-leaders"})))
    assert exported["filters"] == {"proceeding": "viasna-leaders"}
    assert sorted(c["person"]["name"] for c in exported["results"]) == [
        "Ales Bialiatski",
        "Valiantsin Stefanovich",
    ]
    api = client.get("/api/v1/cases/", {"proceeding": "viasna-leaders"}).json()
    assert api["count"] == 2
    detail = client.get(f"/api/v1/cases/{ales.pk}/").json()
    assert detail["proceeding"]["slug"] == "viasna-leaders"
    assert detail["proceeding"]["url"].endswith("/proceedings/viasna-leaders/")
    assert client.get(f"/api/v1/cases/{other.pk}/").json()["proceeding"] is None
    # an unknown slug: no results, never an error
    unknown = client.get("/cases/", {"proceeding": "no-such-trial"})
    assert unknown.status_code == 200
    assert "0 cases" in unknown.content.decode()
    assert client.get("/api/v1/cases/", {"proceeding": "no-such-trial"}).json()["count"] == 0
    too_long = client.get("/api/v1/cases/", {"proceeding": "x" * 300})
    assert too_long.status_code == 400


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx)


@pytest.mark.parametrize("page", ["case", "proceeding"])
def test_constant_queries_as_the_group_grows(client, editor, page):
    counts = []
    for size in (2, 10):
        trial = f.ProceedingFactory()
        cases = [f.CaseFactory(proceeding=trial, editorial_state="draft") for _n in range(size)]
        for case in cases:
            f.ChargeFactory(case=case)
            f.SentenceFactory(case=case)
            publish(editor, case)
        url = f"/cases/{cases[0].slug}/" if page == "case" else f"/proceedings/{trial.slug}/"
        _queries(client, url)  # warm: sessions, translations
        counts.append(_queries(client, url))
        assert len(re.findall(r"/cases/case-\d+/", text(client.get(url)))) >= size - 1
    assert counts[0] == counts[1]


def test_the_staff_case_form_sets_the_proceeding(client, editor, viasna):
    trial, (ales, _v, _u) = viasna
    Case.objects.filter(pk=ales.pk).update(proceeding=None)
    client.force_login(editor)
    form = client.get(f"/monitor/cases/{ales.pk}/edit/")
    assert "Viasna leaders trial" in text(form)
    data = {
        "case_type": "criminal",
        "country": "BY",
        "status": "convicted",
        "arrest_date": "2021-07-14",
        "proceeding": str(trial.pk),
        "visibility": "public",
    }
    response = client.post(f"/monitor/cases/{ales.pk}/edit/", data)
    assert response.status_code == 302, text(response)
    assert Case.objects.get(pk=ales.pk).proceeding == trial
    bad = client.post(f"/monitor/cases/{ales.pk}/edit/", {**data, "proceeding": "999999"})
    assert bad.status_code == 200 and "proceeding" in text(bad).lower()


def test_an_edit_of_the_proceeding_puts_its_published_cases_in_the_review_queue(editor, viasna):
    from cases.models import PendingChange

    trial, (ales, valiantsin, _u) = viasna
    publish(editor, ales)
    publish(editor, valiantsin)
    assert not PendingChange.objects.filter(case__in=[ales.pk, valiantsin.pk]).exists()
    trial.court = "Minsk City Court"
    trial.save()
    pending = PendingChange.objects.filter(case__in=[ales.pk, valiantsin.pk])
    assert pending.count() == 2
    assert services.current_changes(Case.objects.get(pk=ales.pk))


def test_the_diff_lists_the_proceeding_as_a_reference(editor, viasna):
    from cases.snapshots import diff_snapshots

    trial, (ales, _v, _u) = viasna
    changes = diff_snapshots(None, build_snapshot(Case.objects.get(pk=ales.pk)))
    assert any(c.section == "proceedings" and c.record == "Viasna leaders trial" for c in changes)
    case_change = next(c for c in changes if c.section == "case")
    assert any(
        fc.field == "proceeding" and fc.new == "Viasna leaders trial" for fc in case_change.fields
    )
