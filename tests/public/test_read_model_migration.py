"""The fill after `migrate` (public.receivers): every published case gets its
version and the read model is filled; its public pages look the same after."""

import re

import pytest
from django.apps import apps

from public.models import PublicCase, PublicVersion
from public.receivers import fill_after_migrate, fill_read_model
from tests import factories as f

from .conftest import text

pytestmark = [pytest.mark.django_db, pytest.mark.staged]


def fill(*_args):
    fill_read_model()


def _page(client, url) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", text(client.get(url)))


def test_the_migration_fills_the_read_model_and_the_pages_look_the_same(client, settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0
    case = f.CaseFactory(person__full_name="Migrated Person")
    f.ChargeFactory(case=case)
    f.DetentionFactory(person=case.person, case=case)
    f.CaseFactory(person__full_name="Draft Person", editorial_state="draft")
    urls = ["/cases/", f"/cases/{case.slug}/", f"/people/{case.person.slug}/", "/stats/"]
    fill(apps, None)
    assert PublicVersion.objects.count() == 1
    before = {url: _page(client, url) for url in urls}
    assert "Migrated Person" in before["/cases/"] and "Draft Person" not in before["/cases/"]
    PublicCase.objects.all().delete()  # as before the migration: an empty read model
    PublicVersion.objects.all().delete()
    assert "Migrated Person" not in _page(client, "/cases/")
    fill(apps, None)
    fill(apps, None)  # idempotent
    assert {url: _page(client, url) for url in urls} == before


class _Migration:
    def __init__(self, app_label):
        self.app_label = app_label


def test_a_migrate_that_changes_the_read_model_fills_it_and_another_does_not():
    case = f.CaseFactory(person__full_name="Migrated Person")
    PublicCase.objects.all().delete()
    PublicVersion.objects.all().delete()
    fill_after_migrate(None, plan=[(_Migration("cases"), False)])
    assert not PublicCase.objects.exists()
    fill_after_migrate(None, plan=[(_Migration("public"), True)])  # backwards
    assert not PublicCase.objects.exists()
    fill_after_migrate(None, plan=[(_Migration("cases"), False), (_Migration("public"), False)])
    assert list(PublicCase.objects.values_list("pk", flat=True)) == [case.pk]
