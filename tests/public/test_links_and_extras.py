"""Case links and additional punishments are part of the published version: the
public site shows what was published, not the live records.

A link is in its from_case's version and shown on both cases' public pages only
while both cases are published. Every test here is `staged` (tests/conftest.py):
what the public sees changes only through publish_case / unpublish_case.
"""

import json
import re

import pytest

from cases import services
from cases.models import AdditionalPunishment, Case, CaseLink, Publication
from cases.snapshots import build_snapshot, diff_snapshots
from public.models import PublicAdditionalPunishment, PublicCaseLink
from tests import factories as f

from .conftest import text

pytestmark = [pytest.mark.django_db, pytest.mark.staged]


@pytest.fixture(autouse=True)
def _no_page_cache(settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0


def publish(editor, case):
    services.publish_case(by=editor, case=Case.objects.get(pk=case.pk))


def unpublish(editor, case):
    services.unpublish_case(by=editor, case=Case.objects.get(pk=case.pk))


def page(client, case) -> str:
    """The case's public page as words (no tags); empty when the page is not public."""
    response = client.get(f"/cases/{case.slug}/")
    if response.status_code != 200:
        return ""
    return " ".join(re.sub(r"<[^>]+>", " ", text(response)).split()).replace(" :", ":")


@pytest.fixture
def linked():
    """Her case was brought for reporting on his; both start as drafts."""
    hers = f.CaseFactory(person__full_name="Reporter Person", editorial_state="draft")
    his = f.CaseFactory(person__full_name="Reported Person", editorial_state="draft")
    link = CaseLink.objects.create(
        from_case=hers, to_case=his, kind="reporting_on", note="Zqx link note", visibility="public"
    )
    return hers, his, link


def test_a_link_is_on_both_public_pages_once_both_cases_are_published(client, editor, linked):
    hers, his, link = linked
    publish(editor, hers)
    publish(editor, his)
    her_page, his_page = page(client, hers), page(client, his)
    assert "Prosecuted for reporting on: Reported Person" in her_page
    assert "Zqx link note" in her_page
    assert "Reported on by: Reporter Person" in his_page
    assert "Zqx link note" in his_page
    # the link row is the from_case's, written from its version
    assert list(PublicCaseLink.objects.values_list("from_case_id", "to_case_id")) == [
        (hers.pk, his.pk)
    ]


def test_a_link_to_a_draft_case_is_hidden_on_the_published_one(client, editor, linked):
    hers, his, _link = linked
    publish(editor, hers)
    assert PublicCaseLink.objects.count() == 1  # in her version ...
    assert "Reported Person" not in page(client, hers)  # ... but his case is not public
    assert "Zqx link note" not in page(client, hers)


def test_a_version_does_not_name_a_linked_case_that_is_not_published(editor, linked):
    hers, his, link = linked
    publish(editor, hers)
    record = Publication.objects.last_published(hers).snapshot["case_links"][str(link.pk)]
    assert record["to_case"] == {"id": his.pk}  # the id for the join, not his name
    stored = json.dumps(Publication.objects.last_published(hers).snapshot)
    assert "Reported Person" not in stored
    assert "Reporter Person" in record["_label"]  # her own case is named
    publish(editor, his)
    publish(editor, hers)  # now he is public: her next version names him
    record = Publication.objects.last_published(hers).snapshot["case_links"][str(link.pk)]
    assert "Reported Person" in record["to_case"]["label"]


def test_a_link_disappears_from_both_pages_when_either_case_is_withdrawn(client, editor, linked):
    hers, his, _link = linked
    publish(editor, hers)
    publish(editor, his)
    unpublish(editor, his)
    assert "Reported Person" not in page(client, hers)
    publish(editor, his)
    assert "Reported Person" in page(client, hers)
    unpublish(editor, hers)
    assert "Reporter Person" not in page(client, his)
    assert PublicCaseLink.objects.count() == 0


def test_a_link_shown_on_the_other_page_only_when_its_own_case_is_published(client, editor, linked):
    hers, his, _link = linked
    publish(editor, his)
    assert "Reporter Person" not in page(client, his)  # her case (the link's) is a draft
    publish(editor, hers)
    assert "Reported on by: Reporter Person" in page(client, his)


def test_a_new_link_and_its_edits_are_public_only_after_publication(client, editor, linked):
    hers, his, link = linked
    link.delete()
    publish(editor, hers)
    publish(editor, his)
    link = CaseLink.objects.create(
        from_case=hers, to_case=his, kind="reporting_on", visibility="public"
    )
    assert "Reported Person" not in page(client, hers)
    assert "Reporter Person" not in page(client, his)
    publish(editor, hers)
    assert "Reported on by: Reporter Person" in page(client, his)
    link.note = "Zqx edited note"
    link.save()
    assert "Zqx edited note" not in page(client, his)
    publish(editor, hers)
    assert "Zqx edited note" in page(client, his)


def _nineteen_years(editor):
    case = f.CaseFactory(person__full_name="Fined Person", editorial_state="draft")
    sentence = f.SentenceFactory(case=case, term_months=19 * 12)
    publish(editor, case)
    return case, sentence


def test_an_additional_punishment_is_public_only_after_publication(client, editor):
    case, sentence = _nineteen_years(editor)
    assert "19 years" in page(client, case)
    AdditionalPunishment.objects.create(
        sentence=sentence,
        kind="fine",
        fine_amount=300000,
        fine_currency="KZT",
        visibility="public",
    )
    assert "300,000 KZT" not in page(client, case)
    publish(editor, case)
    shown = page(client, case)
    assert "19 years" in shown and "; and Fine, 300,000 KZT" in shown
    assert PublicAdditionalPunishment.objects.get().sentence_id == sentence.pk
    unpublish(editor, case)
    assert PublicAdditionalPunishment.objects.count() == 0


def test_an_internal_punishment_or_one_of_an_internal_sentence_is_not_in_the_version(editor):
    case, sentence = _nineteen_years(editor)
    AdditionalPunishment.objects.create(
        sentence=sentence, kind="travel_ban", term_months=12, visibility="internal"
    )
    hidden = f.SentenceFactory(case=case, visibility="internal")
    AdditionalPunishment.objects.create(
        sentence=hidden, kind="fine", fine_amount=5, fine_currency="KZT", visibility="public"
    )
    assert build_snapshot(case)["additional_punishments"] == {}
    publish(editor, case)
    assert PublicAdditionalPunishment.objects.count() == 0


def test_the_diff_shows_a_new_link_and_a_new_punishment(editor, linked):
    hers, his, _link = linked
    sentence = f.SentenceFactory(case=hers, term_months=19 * 12)
    before = build_snapshot(hers)
    CaseLink.objects.create(from_case=hers, to_case=his, kind="related", visibility="public")
    AdditionalPunishment.objects.create(
        sentence=sentence,
        kind="activity_ban",
        description="ban on journalism",
        term_months=36,
        visibility="public",
    )
    changes = diff_snapshots(before, build_snapshot(hers))
    added = {(c.section, c.change) for c in changes}
    assert added == {("case_links", "added"), ("additional_punishments", "added")}
    labels = {c.section: c.section_label for c in changes}
    assert labels == {
        "case_links": "Case links",
        "additional_punishments": "Additional punishments",
    }
    punishment = next(c for c in changes if c.section == "additional_punishments")
    assert {fc.field: fc.new for fc in punishment.fields}["description"] == "ban on journalism"
    link = next(c for c in changes if c.section == "case_links")
    assert {fc.field: fc.new for fc in link.fields}["kind"] == "Related case"
