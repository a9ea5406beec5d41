import pytest

from cases.models import Charge
from casetracker.records import archive_record, restore_record
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_archiving_hides_a_record_from_public_and_active_lists(editor):
    charge = f.ChargeFactory()
    archive_record(record=charge, by=editor)
    assert not Charge.objects.active().filter(pk=charge.pk).exists()
    assert not Charge.objects.public().filter(pk=charge.pk).exists()
    assert Charge.objects.filter(pk=charge.pk).exists()  # still in the database


def test_restoring_brings_it_back(editor):
    charge = f.ChargeFactory()
    archive_record(record=charge, by=editor)
    restore_record(record=charge, by=editor)
    assert Charge.objects.public().filter(pk=charge.pk).exists()


def test_archive_and_restore_are_in_the_history_with_who_did_it(editor):
    charge = f.ChargeFactory()
    archive_record(record=charge, by=editor)
    restore_record(record=charge, by=editor)
    reasons = list(charge.history.values_list("history_change_reason", "history_user__username"))
    assert reasons[:2] == [("restored", "editor"), ("archived", "editor")]


def test_admin_offers_no_hard_delete(admin_client):
    case = f.CaseFactory()
    response = admin_client.get(f"/admin/cases/case/{case.pk}/delete/")
    assert response.status_code == 403
    changelist = admin_client.get("/admin/cases/case/").content.decode()
    assert "delete_selected" not in changelist
    assert "archive_selected" in changelist


def test_admin_archive_action_archives_and_restore_action_restores(admin_client):
    case = f.CaseFactory()
    admin_client.post(
        "/admin/cases/case/", {"action": "archive_selected", "_selected_action": [case.pk]}
    )
    case.refresh_from_db()
    assert case.archived_at is not None
    admin_client.post(
        "/admin/cases/case/?archived=yes",
        {"action": "restore_selected", "_selected_action": [case.pk]},
    )
    case.refresh_from_db()
    assert case.archived_at is None


def test_archived_records_are_listed_only_under_the_archived_filter(admin_client, editor):
    case = f.CaseFactory(court="Archived District Court")
    archive_record(record=case, by=editor)
    active = admin_client.get("/admin/cases/case/").context["cl"].queryset
    archived = admin_client.get("/admin/cases/case/?archived=yes").context["cl"].queryset
    assert case not in active
    assert case in archived


def test_history_records_who_changed_what_through_the_admin(client, administrator):
    client.force_login(administrator)
    case = f.CaseFactory(status="trial")
    data = {
        "person": case.person.pk,
        "slug": case.slug,
        "case_type": case.case_type,
        "country": "KZ",
        "status": "convicted",
        "arrest_date": "2024-01-10",
        "editorial_state": case.editorial_state,
        "visibility": case.visibility,
        **f.empty_case_inlines(),
    }
    response = client.post(f"/admin/cases/case/{case.pk}/change/", data)
    assert response.status_code == 302
    latest, previous = case.history.all()[:2]
    assert latest.history_user == administrator
    delta = latest.diff_against(previous)
    assert [(c.field, c.old, c.new) for c in delta.changes if c.field == "status"] == [
        ("status", "trial", "convicted")
    ]
    case.refresh_from_db()
    assert case.updated_by == administrator


def test_history_page_is_available_in_the_admin(admin_client):
    case = f.CaseFactory()
    response = admin_client.get(f"/admin/cases/case/{case.pk}/history/")
    assert response.status_code == 200
