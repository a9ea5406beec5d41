"""Issue 13: the public site reads only published versions.

Every test here is `staged`: nothing republishes for it (tests/conftest.py), so
what the public sees changes only through publish_case / unpublish_case.
"""

import datetime as dt
import os
import re
import subprocess
import sys

import pytest
from django.db import connection
from django.db.models import CharField, TextField

from cases import services
from cases.models import (
    AdditionalPunishment,
    Case,
    CaseLink,
    DeathInCustody,
    HealthObservation,
    Official,
    Source,
)
from cases.publicity import DECLARATIONS
from casetracker.partial_dates import PartialDateField
from people.models import OrganizationStatus, Person
from tests import factories as f

from .conftest import text

pytestmark = [pytest.mark.django_db, pytest.mark.staged]


def publish(editor, case):
    services.publish_case(by=editor, case=Case.objects.get(pk=case.pk))


def surfaces(client, case, person, org) -> str:
    """Everything anonymous visitors can fetch about the case, as one text."""
    urls = [
        "/",
        "/cases/",
        "/cases/?q=Staged",
        f"/cases/{case.slug}/",
        f"/cases/{case.slug}/feed/",
        f"/people/{person.slug}/",
        f"/organizations/{org.slug}/",
        "/proceedings/staged-trial/",
        "/cases/?proceeding=staged-trial",
        "/stats/",
        "/feed/",
        "/cases/export.csv",
        "/cases/export.json",
        f"/api/v1/cases/{case.pk}/",
        "/api/v1/cases/",
        "/api/v1/people/",
        "/api/v1/organizations/",
        "/api/v1/legal-articles/",
        "/api/v1/facilities/",
        "/api/v1/health-observations/",
        "/api/v1/hunger-strikes/",
        "/api/v1/popolo.json",
        "/officials/",
        "/officials/export.ftm.json",
        *(f"/officials/{slug}/" for slug in Official.objects.values_list("slug", flat=True)),
    ]
    out = []
    for url in urls:
        response = client.get(url)
        assert response.status_code in (200, 404), url
        out.append(text(response))
    return "\n".join(out)


def _world():
    """A published case with one public record of every declared model."""
    person = f.PersonFactory(full_name="Staged Person")
    proceeding = f.ProceedingFactory(slug="staged-trial")
    case = f.CaseFactory(
        person=person, editorial_state=Case.EditorialState.DRAFT, proceeding=proceeding
    )
    source = f.SourceFactory()
    org = f.OrganizationFactory()
    status = OrganizationStatus.objects.create(
        organization=org, status="banned", since="2020", visibility="public"
    )
    records = {
        "Person": person,
        "Case": case,
        "Proceeding": proceeding,
        "Source": source,
        "Organization": org,
        "OrganizationStatus": status,
        "NameVariant": f.NameVariantFactory(person=person),
        "Membership": f.MembershipFactory(person=person, organization=org),
        "Charge": f.ChargeFactory(case=case),
        "Sentence": f.SentenceFactory(case=case),
        "Recognition": f.RecognitionFactory(case=case),
        "Event": f.EventFactory(case=case),
        "Detention": f.DetentionFactory(person=person, case=case),
        "HungerStrike": f.HungerStrikeFactory(person=person, case=case),
        "PrisonVisit": f.PrisonVisitFactory(person=person, case=case),
        "HealthObservation": f.HealthObservationFactory(person=person),
    }
    # a link to another case (published by the tests that need it) and a fine
    linked = f.CaseFactory(person__full_name="Linked Person", editorial_state="draft")
    records["CaseLink"] = CaseLink.objects.create(
        from_case=case, to_case=linked, kind="related", visibility="public"
    )
    records["AdditionalPunishment"] = AdditionalPunishment.objects.create(
        sentence=records["Sentence"],
        kind="fine",
        fine_amount=1000,
        fine_currency="KZT",
        visibility="public",
    )
    records["DeathInCustody"] = DeathInCustody.objects.create(
        person=person, died_on="2024", visibility="public"
    )
    records["CaseOfficial"] = f.CaseOfficialFactory(case=case)
    records["Official"] = records["CaseOfficial"].official
    records["LegalArticle"] = records["Charge"].article
    records["Facility"] = records["Detention"].facility
    for name, record in records.items():
        if hasattr(record, "sources") and name != "Source":
            record.sources.add(source)
    return person, case, org, records


# Declared text fields whose edit must show after publication. Codes and derived
# columns are not text a visitor reads; the others are all shown somewhere.
NOT_TEXT = {"slug", "name_normalized", "url", "photo"}
# Declared fields that no public surface shows yet: none. Kept (an exact-match list)
# so that a newly declared field not shown anywhere fails here.
NOT_SHOWN_YET: set[tuple[str, str]] = set()


def text_fields():
    for declaration in DECLARATIONS:
        for name in declaration.fields:
            field = declaration.model._meta.get_field(name)
            if not isinstance(field, CharField | TextField) or field.choices:
                continue
            if isinstance(field, PartialDateField):
                continue
            if name in NOT_TEXT or (field.max_length and field.max_length <= 4):
                continue
            yield declaration.name, name, field


def test_every_declared_public_field_changes_publicly_only_at_publication(client, editor):
    person, case, org, records = _world()
    publish(editor, records["CaseLink"].to_case)
    publish(editor, case)
    edits = {}
    for model_name, name, field in text_fields():
        marker = f"Zqx{model_name}{name.replace('_', '')}"[: field.max_length or 200]
        record = records[model_name]
        setattr(record, name, marker)
        record.save()
        edits[(model_name, name)] = marker
    before = surfaces(client, case, person, org)
    shown_early = [key for key, marker in edits.items() if marker in before]
    assert shown_early == [], "an unpublished edit is public"
    publish(editor, case)
    after = surfaces(client, case, Person.objects.get(pk=person.pk), org)
    missing = [key for key, marker in edits.items() if marker not in after]
    assert missing == sorted(NOT_SHOWN_YET, key=list(edits).index), "a published edit is not public"


def test_unpublish_removes_the_case_from_every_surface_at_once(client, editor):
    person, case, org, _records = _world()
    publish(editor, case)
    assert "Staged Person" in surfaces(client, case, person, org)
    services.unpublish_case(by=editor, case=Case.objects.get(pk=case.pk))
    assert "Staged Person" not in surfaces(client, case, person, org)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_unpublish_in_another_process_is_seen_at_once(client, editor):
    # The permission itself, not only the group's: a transactional test's flush may
    # have emptied the groups' permissions that the migrations granted.
    from django.contrib.auth.models import Permission

    editor.user_permissions.add(Permission.objects.get(codename="publish_case"))
    case = f.CaseFactory(person__full_name="Other Process", editorial_state="draft")
    publish(editor, case)
    assert "Other Process" in text(client.get("/cases/"))  # now cached
    env = {**os.environ, "DATABASE_URL": _test_database_url()}
    code = (
        "from cases import services; from cases.models import Case; "
        "from accounts.models import User; "
        f"services.unpublish_case(by=User.objects.get(pk={editor.pk}), "
        f"case=Case.objects.get(pk={case.pk}))"
    )
    subprocess.run(  # noqa: S603  (our own manage.py, fixed arguments)
        [sys.executable, "manage.py", "shell", "-c", code], env=env, check=True, timeout=120
    )
    assert "Other Process" not in text(client.get("/cases/"))
    assert client.get(f"/cases/{case.slug}/").status_code == 404


def _test_database_url() -> str:
    s = connection.settings_dict
    return f"postgres://{s['USER']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


# --- the findings of the issue, as situations ---------------------------------------


def _draft_second_case(editor):
    shown = f.CaseFactory(person__full_name="Shown Person", editorial_state="draft")
    home = f.FacilityFactory(name="Real Colony", slug="real-colony")
    f.DetentionFactory(person=shown.person, case=shown, facility=home, ended_on="")
    publish(editor, shown)
    draft = f.CaseFactory(person=shown.person, editorial_state="draft")
    secret = f.FacilityFactory(name="Draft Colony", slug="draft-colony")
    f.DetentionFactory(person=shown.person, case=draft, facility=secret, ended_on="")
    strike = f.HungerStrikeFactory(
        person=shown.person,
        case=draft,
        started_on=dt.date.today() - dt.timedelta(days=7),
        demands="Draft demands",
    )
    f.PrisonVisitFactory(
        person=shown.person, case=draft, facility=secret, public_summary="Draft visit"
    )
    publish(editor, shown)  # republishing the shown case must not take the draft's records
    return shown, strike


def test_a_draft_second_case_never_shows_through_the_published_one(client, editor):
    shown, strike = _draft_second_case(editor)
    page = text(client.get(f"/people/{shown.person.slug}/")) + text(
        client.get(f"/cases/{shown.slug}/")
    )
    assert "Real Colony" in page
    assert "Draft Colony" not in page and "Draft visit" not in page
    assert "Draft visit" not in text(client.get("/feed/"))
    assert "day 8" not in text(client.get("/")).lower()
    assert "Shown Person" not in text(client.get("/cases/?hunger_strike=ongoing"))
    assert "Draft Colony" not in text(client.get("/stats/"))
    assert "Draft Colony" not in text(client.get("/cases/"))  # the facility facet
    assert "Shown Person" not in text(client.get("/cases/?facility=draft-colony"))
    assert client.get(f"/api/v1/hunger-strikes/{strike.pk}/").status_code == 404
    assert "Draft demands" not in text(client.get("/api/v1/hunger-strikes/"))
    assert "Draft Colony" not in text(client.get("/cases/export.csv"))


def test_reference_data_only_a_draft_uses_is_listed_nowhere(client, editor):
    published = f.CaseFactory(editorial_state="draft")
    publish(editor, published)
    draft = f.CaseFactory(editorial_state="draft")
    f.ChargeFactory(case=draft, article__title="Draft-only article")
    f.DetentionFactory(person=draft.person, facility__name="Draft-only facility")
    f.MembershipFactory(
        person=draft.person, organization__name="Draft-only party", organization__slug="dparty"
    )
    listed = "".join(
        text(client.get(url))
        for url in (
            "/api/v1/legal-articles/",
            "/api/v1/facilities/",
            "/api/v1/organizations/",
            "/api/v1/popolo.json",
        )
    )
    assert "Draft-only" not in listed
    assert client.get("/organizations/dparty/").status_code == 404


def _no_token(page: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", page)


def test_an_edit_of_a_cited_source_changes_nothing_public(client, editor, monitor):
    case = f.CaseFactory(editorial_state="draft")
    source = f.SourceFactory(visibility="internal", title="Internal title")
    event = f.EventFactory(case=case, title="Public event")
    event.sources.add(source)
    publish(editor, case)
    page = text(client.get(f"/cases/{case.slug}/"))
    Source.objects.filter(pk=source.pk).update(
        visibility="public", title="Invented title", author="Invented author"
    )
    source.refresh_from_db()
    source.save()
    assert _no_token(text(client.get(f"/cases/{case.slug}/"))) == _no_token(page)
    assert "Invented" not in text(client.get(f"/api/v1/cases/{case.pk}/"))


def test_an_internal_notes_edit_leaves_the_public_dates_alone(client, editor):
    older = f.CaseFactory(person__full_name="Older Case", editorial_state="draft")
    newer = f.CaseFactory(person__full_name="Newer Case", editorial_state="draft")
    publish(editor, older)
    publish(editor, newer)
    api_before = client.get(f"/api/v1/cases/{older.pk}/").json()
    home_before = text(client.get("/"))
    assert home_before.index("Newer Case") < home_before.index("Older Case")
    case = Case.objects.get(pk=older.pk)
    case.internal_notes = "A note for staff"
    case.save()
    publish(editor, case)  # even republished: the public content did not change
    assert client.get(f"/api/v1/cases/{older.pk}/").json() == api_before
    home_after = text(client.get("/"))
    assert home_after.index("Newer Case") < home_after.index("Older Case")


def test_editing_a_public_observation_waits_for_the_editor(client, editor):
    case = f.CaseFactory(editorial_state="draft")
    observation = f.HealthObservationFactory(person=case.person, description="First text")
    publish(editor, case)
    assert "First text" in text(client.get(f"/cases/{case.slug}/"))
    HealthObservation.objects.filter(pk=observation.pk).update(description="Second text")
    observation.refresh_from_db()
    observation.save()
    page = text(client.get(f"/cases/{case.slug}/"))
    assert "First text" in page and "Second text" not in page
    publish(editor, case)
    assert "Second text" in text(client.get(f"/cases/{case.slug}/"))
