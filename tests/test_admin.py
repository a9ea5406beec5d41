import pytest
from django.apps import apps
from django.contrib import admin
from django.core.management import call_command

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115


def test_every_domain_model_is_in_the_admin():
    missing = [
        m._meta.label
        for m in apps.get_models()
        if m._meta.app_label in ("people", "cases")
        and not m.__name__.startswith("Historical")
        and m not in admin.site._registry
    ]
    assert missing == []


def test_every_admin_list_and_change_page_renders_with_the_demo(admin_client, demo):
    for model in admin.site._registry:
        if model._meta.app_label not in ("people", "cases"):
            continue
        base = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        assert admin_client.get(base).status_code == 200, base
        obj = model.objects.first()
        if obj is not None:
            assert admin_client.get(f"{base}{obj.pk}/change/").status_code == 200, base


def test_admin_search_finds_a_person_by_name_variant(admin_client, demo):
    response = admin_client.get("/admin/people/person/", {"q": "Жыланбаев"})
    assert [p.full_name for p in response.context["cl"].result_list] == ["Marat Zhylanbayev"]


def test_admin_case_search_finds_by_variant(admin_client, demo):
    response = admin_client.get("/admin/cases/case/", {"q": "Zhylanbaev"})
    assert len(response.context["cl"].result_list) == 1


def test_the_person_admin_shows_the_health_due_moment_read_only(admin_client):
    from cases.health import refresh_health_due
    from tests import factories as f

    detention = f.DetentionFactory(started_on="2025-01-01")
    refresh_health_due(person_ids=[detention.person.pk])

    response = admin_client.get(f"/admin/people/person/{detention.person.pk}/change/")

    assert "health_due_at" not in response.context["adminform"].form.fields
    assert "Jan. 15, 2025" in response.content.decode()
