"""Publication actions and exports of non-public data reach the security log:
who, from where, which case and what changed state; never what the records say."""

import pytest
from django.core.management import call_command

from cases import services
from cases.models import Case, Publication
from tests import factories as f

pytestmark = pytest.mark.django_db

HEALTH_NOTE = "Qzxhealthnote lost 9 kg, refused insulin"
SOURCE_NAME = "Qzxsourcename cellmate Ivanov"
ADDRESS = "198.51.100.23"


@pytest.fixture
def case_with_secrets():
    case = f.CaseFactory(
        editorial_state=Case.EditorialState.DRAFT, internal_notes=HEALTH_NOTE, summary=HEALTH_NOTE
    )
    f.HealthObservationFactory(person=case.person, description=HEALTH_NOTE)
    f.EventFactory(case=case, title="Hearing").sources.add(
        f.SourceFactory(author=SOURCE_NAME, title=SOURCE_NAME, identity_confidential=True)
    )
    return case


def _secrets_in(log) -> list[str]:
    return [line for line in log.raw if "Qzxhealthnote" in line or "Qzxsourcename" in line]


def test_publishing_logs_the_case_and_the_state_change_but_no_content(
    case_with_secrets, editor, security_log, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        publication = services.publish_case(by=editor, case=case_with_secrets, comment=HEALTH_NOTE)

    (event,) = security_log.named("case_published")
    assert event["case_id"] == case_with_secrets.pk
    assert event["username"] == "editor"
    assert (event["from_state"], event["to_state"]) == ("draft", "published")
    assert event["object_id"] == publication.pk
    assert _secrets_in(security_log) == []


def test_an_action_that_fails_is_not_logged(
    editor, security_log, django_capture_on_commit_callbacks
):
    case = f.CaseFactory(editorial_state=Case.EditorialState.DRAFT, visibility="confidential")
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(Exception):  # noqa: B017
        services.publish_case(by=editor, case=case)
    assert security_log.named("case_published") == []


def test_submit_unpublish_and_restore_are_logged_too(
    case_with_secrets, monitor, editor, security_log, django_capture_on_commit_callbacks
):
    case = case_with_secrets
    with django_capture_on_commit_callbacks(execute=True):
        services.submit_for_review(by=monitor, case=case)
        first = services.publish_case(by=editor, case=case)
        services.unpublish_case(by=editor, case=case)
        services.restore_publication(by=editor, publication=first)

    names = [e["event"] for e in security_log.events if e["event"].startswith("case_")]
    assert names == ["case_submitted", "case_published", "case_unpublished", "case_restored"]
    assert {e["case_id"] for e in security_log.events if e["event"].startswith("case_")} == {
        case.pk
    }
    assert _secrets_in(security_log) == []


def test_publishing_through_the_review_page_logs_the_editors_address(
    case_with_secrets, editor, client, security_log, django_capture_on_commit_callbacks
):
    client.force_login(editor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/monitor/cases/{case_with_secrets.pk}/publish/",
            {"comment": HEALTH_NOTE, "correction_note": ""},
            REMOTE_ADDR=ADDRESS,
        )
    assert response.status_code == 302
    assert Publication.objects.filter(case=case_with_secrets).exists()

    (event,) = security_log.named("case_published")
    assert event["ip"] == ADDRESS
    assert event["path"] == f"/monitor/cases/{case_with_secrets.pk}/publish/"
    assert _secrets_in(security_log) == []


def test_downloading_an_evidence_file_is_logged_as_an_export(
    monitor, client, security_log, settings
):
    case = f.CaseFactory()
    case.assigned_monitors.add(monitor)  # a monitor downloads only on assigned cases
    visit = f.PrisonVisitFactory(
        person=case.person, case=case, created_by=monitor, visibility="internal"
    )
    evidence = f.EvidenceFileFactory(visit=visit, created_by=monitor, original_name=SOURCE_NAME)
    client.force_login(monitor)
    response = client.get(f"/monitor/evidence/{evidence.pk}/", REMOTE_ADDR=ADDRESS)
    assert response.status_code == 200

    (event,) = security_log.named("evidence_downloaded")
    assert (event["object_id"], event["ip"], event["username"]) == (
        evidence.pk,
        ADDRESS,
        "monitor",
    )
    assert _secrets_in(security_log) == []


def test_a_backup_is_logged_as_an_export(tmp_path, security_log, db, settings):
    settings.BACKUP_ENCRYPTION_KEY = "A" * 43 + "="  # 32 bytes, URL-safe base64
    call_command("backup", output=tmp_path / "backup", stdout=open("/dev/null", "w"))  # noqa: SIM115
    (event,) = security_log.named("backup_created")
    assert event["export_format"] == "backup"
