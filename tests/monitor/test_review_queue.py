"""The review queue and "N unpublished changes": every case whose live content differs
from its published version, every draft (imported ones included), with what changed,
who changed it and when, newest first, in a constant number of queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases import services
from cases.importer import import_cases
from cases.models import Case, PendingChange
from tests import factories as f
from tests.imports.conftest import VALID, to_csv
from tests.monitor.test_visit_report import visit_post

pytestmark = pytest.mark.django_db

QUEUE = reverse("monitor:review_queue")


def queued(client) -> list[int]:
    return [entry.case.pk for entry in client.get(QUEUE).context["entries"]]


def test_a_monitors_visit_report_on_a_published_case_reaches_the_editors_queue(
    client, monitor, editor, published_case
):
    services.publish_case(by=editor, case=published_case)
    client.force_login(editor)
    assert queued(client) == []

    client.force_login(monitor)
    response = client.post(reverse("monitor:visit_new"), visit_post(published_case))
    assert response.status_code == 302

    client.force_login(editor)
    response = client.get(QUEUE)
    (entry,) = response.context["entries"]
    assert entry.case == published_case
    assert entry.changed_by == monitor
    # The cited source goes public with the report: listed for the editor to confirm.
    assert entry.sections == {"Sources": 1, "Health observations": 1, "Prison visits": 1}
    page = response.content.decode()
    assert "3 unpublished changes" in page
    assert "by monitor" in page
    # The workspace counts it, and the case page says so.
    assert client.get(reverse("monitor:workspace")).context["review_count"] == 1
    page = client.get(reverse("monitor:case_detail", args=[published_case.pk])).content.decode()
    assert "3 unpublished changes" in page
    # The diff page counts per section and marks the visit as added.
    page = client.get(reverse("monitor:case_publish", args=[published_case.pk])).content.decode()
    assert "Prison visits 1" in page
    assert 'class="diff-added"' in page

    # The editor's publish decides: then nothing waits.
    client.post(reverse("monitor:case_publish", args=[published_case.pk]), {"comment": ""})
    assert queued(client) == []
    page = client.get(reverse("monitor:case_detail", args=[published_case.pk])).content.decode()
    assert "unpublished change" not in page


def test_an_internal_only_change_is_not_waiting_for_review(client, editor, published_case):
    services.publish_case(by=editor, case=published_case)
    services.update_case(by=editor, case=published_case, data={"internal_notes": "Family called"})
    client.force_login(editor)

    assert queued(client) == []
    assert not PendingChange.objects.exists()  # the empty marker was dropped


def test_imported_drafts_appear_in_the_queue(client, editor):
    second = {**VALID, "person_name": "Bakhytzhan Toregozhina", "birth_date": "1970"}
    import_cases(data=to_csv([VALID, second]), user=editor)
    client.force_login(editor)

    drafts = set(Case.objects.values_list("pk", flat=True))
    assert len(drafts) == 2
    assert set(queued(client)) == drafts
    entry = client.get(QUEUE).context["entries"][0]
    assert entry.changed_by == editor
    assert entry.sections["Case"] == 1


def test_newest_change_first(client, editor):
    older, newer = f.CaseFactory(), f.CaseFactory()
    for case in (older, newer):
        services.publish_case(by=editor, case=case)
    f.EventFactory(case=older)
    f.EventFactory(case=newer)
    client.force_login(editor)

    assert queued(client) == [newer.pk, older.pk]
    f.EventFactory(case=older)
    assert queued(client) == [older.pk, newer.pk]


def test_the_queue_takes_a_constant_number_of_queries(client, editor):
    def cases(n):
        for _ in range(n):
            case = f.CaseFactory(editorial_state=Case.EditorialState.DRAFT)
            f.EventFactory(case=case)

    client.force_login(editor)
    cases(2)
    client.get(QUEUE)  # counts what changed, once
    with CaptureQueriesContext(connection) as few:
        client.get(QUEUE)
    cases(6)
    client.get(QUEUE)
    with CaptureQueriesContext(connection) as many:
        response = client.get(QUEUE)
    assert len(response.context["entries"]) == 8
    assert len(many) == len(few)


def test_only_publishers_see_the_queue(client, monitor):
    client.force_login(monitor)
    assert client.get(QUEUE).status_code == 403
