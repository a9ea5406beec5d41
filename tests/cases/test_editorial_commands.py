"""publish_case / unpublish_case commands, the admin's read-only state and its
actions, and import_cases --publish: every road goes through cases.services."""

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from cases.models import Case, Publication
from tests import factories as f
from tests.imports.conftest import VALID, to_csv

pytestmark = pytest.mark.django_db


def run(*args):
    call_command(*args, stdout=open("/dev/null", "w"))  # noqa: SIM115


@pytest.fixture
def draft():
    return f.CaseFactory(editorial_state=Case.EditorialState.DRAFT, slug="the-case")


def test_publish_case_command_publishes_through_the_service(editor, draft):
    run("publish_case", "the-case", "--by", "editor")

    draft.refresh_from_db()
    assert draft.is_published
    publication = Publication.objects.get(case=draft)
    assert (publication.action, publication.actor) == (Publication.Action.PUBLISHED, editor)
    assert publication.snapshot["case"]["slug"] == "the-case"


def test_publish_case_note_is_a_correction_of_a_published_case(editor, draft):
    with pytest.raises(CommandError, match="already published"):
        run("publish_case", "the-case", "--by", "editor", "--note", "Weight misreported.")
    run("publish_case", "the-case", "--by", "editor")
    run("publish_case", "the-case", "--by", "editor", "--note", "Weight misreported.")
    assert Publication.objects.filter(case=draft).first().correction_note == "Weight misreported."


def test_unpublish_case_command(editor, draft):
    run("publish_case", "the-case", "--by", "editor")
    run("unpublish_case", "the-case", "--by", "editor")

    draft.refresh_from_db()
    assert draft.editorial_state == Case.EditorialState.DRAFT
    assert Publication.objects.filter(case=draft).first().action == Publication.Action.UNPUBLISHED
    with pytest.raises(CommandError, match="not published"):
        run("unpublish_case", "the-case", "--by", "editor")


@pytest.mark.parametrize("command", ["publish_case", "unpublish_case"])
def test_a_user_who_may_not_publish_is_refused(monitor, draft, command):
    with pytest.raises(CommandError, match="'monitor' may not publish"):
        run(command, "the-case", "--by", "monitor")
    draft.refresh_from_db()
    assert draft.editorial_state == Case.EditorialState.DRAFT
    assert not Publication.objects.exists()


@pytest.mark.parametrize("command", ["publish_case", "unpublish_case"])
def test_unknown_slug_and_unknown_user(editor, command):
    with pytest.raises(CommandError, match="No case with the slug 'nope'"):
        run(command, "nope", "--by", "editor")
    f.CaseFactory(slug="the-case")
    with pytest.raises(CommandError, match="No user named 'ghost'"):
        run(command, "the-case", "--by", "ghost")


def test_import_publish_creates_a_publication_per_case(tmp_path, editor):
    second = {**VALID, "person_name": "Bakhytzhan Toregozhina", "birth_date": "1970"}
    path = tmp_path / "cases.csv"
    path.write_bytes(to_csv([VALID, second]))

    run("import_cases", str(path), "--publish", "--user", "editor")

    assert Case.objects.count() == 2
    for case in Case.objects.all():
        assert case.is_published
        (publication,) = Publication.objects.filter(case=case)
        assert publication.snapshot is not None


@pytest.mark.parametrize("user", [None, "monitor"])
def test_import_publish_needs_a_user_who_may_publish(tmp_path, monitor, user):
    path = tmp_path / "cases.csv"
    path.write_bytes(to_csv([VALID]))
    args = ["import_cases", str(path), "--publish"] + (["--user", user] if user else [])
    with pytest.raises(CommandError, match="--publish needs --user"):
        run(*args)
    assert not Case.objects.exists()


# --- the admin -----------------------------------------------------------------------------


def _admin_post(case, **overrides):
    return {
        "person": case.person_id,
        "slug": case.slug,
        "case_type": case.case_type,
        "country": case.country,
        "status": case.status,
        "arrest_date": "2024-01-10",
        "verdict_date": "",
        "summary": "Edited in the admin",
        "editorial_state": "published",
        "visibility": "public",
        **f.empty_case_inlines(),
        **overrides,
    }


def test_the_admin_cannot_edit_the_state_or_the_visibility(admin_client, draft):
    page = admin_client.get(reverse("admin:cases_case_change", args=[draft.pk]))
    form = page.context["adminform"].form
    assert "editorial_state" not in form.fields
    assert "visibility" not in form.fields
    assert "Draft" in page.content.decode()  # shown read-only

    response = admin_client.post(
        reverse("admin:cases_case_change", args=[draft.pk]), _admin_post(draft)
    )

    assert response.status_code == 302, response.context and response.context["adminform"].errors
    draft.refresh_from_db()
    assert draft.summary == "Edited in the admin"
    assert draft.editorial_state == Case.EditorialState.DRAFT
    assert not Publication.objects.exists()


def test_the_admin_publishes_and_unpublishes_through_the_service(client, administrator, draft):
    client.force_login(administrator)
    admin_client = client
    changelist = reverse("admin:cases_case_changelist")
    admin_client.post(changelist, {"action": "publish_selected", "_selected_action": [draft.pk]})
    draft.refresh_from_db()
    assert draft.is_published
    assert Publication.objects.get(case=draft).actor == administrator

    admin_client.post(changelist, {"action": "unpublish_selected", "_selected_action": [draft.pk]})
    draft.refresh_from_db()
    assert not draft.is_published
    assert Publication.objects.filter(case=draft).count() == 2


def test_reloading_the_demo_leaves_an_unpublished_case_unpublished(editor):
    run("load_demo")
    slug = "marat-zhylanbayev-2024-banned-organization"
    run("unpublish_case", slug, "--by", "editor")
    run("load_demo")
    assert not Case.objects.get(slug=slug).is_published


def test_restore_republishes_the_stored_version(editor, draft):
    from cases import services

    first = services.publish_case(by=editor, case=draft)
    Case.objects.filter(pk=draft.pk).update(summary="Later text")  # a later version
    services.publish_case(by=editor, case=Case.objects.get(pk=draft.pk))

    restored = services.restore_publication(by=editor, publication=first)

    assert restored.action == Publication.Action.RESTORED
    assert restored.snapshot == first.snapshot
    assert Publication.objects.filter(case=draft).count() == 3
    assert Case.objects.get(pk=draft.pk).summary == first.snapshot["case"]["summary"]


# --- publish_many: the bulk road (seed_synthetic, large imports) --------------------


def _drafts(n, *, tag="bulk"):
    """n draft cases with a charge, a sentence, a detention and a visit each; every
    other person also has a draft second case with a hunger strike of its own."""
    cases = []
    for i in range(n):
        case = f.CaseFactory(editorial_state="draft", slug=f"{tag}-{i}")
        f.ChargeFactory(case=case)
        f.SentenceFactory(case=case)
        f.DetentionFactory(person=case.person, case=case)
        f.PrisonVisitFactory(person=case.person, case=case, public_summary=f"Visit {i}")
        if i % 2:
            other = f.CaseFactory(person=case.person, editorial_state="draft", slug=f"{tag}-x{i}")
            f.HungerStrikeFactory(person=case.person, case=other, demands=f"Other case {i}")
        cases.append(case)
    return cases


def test_publish_many_takes_the_one_road(editor, django_capture_on_commit_callbacks, caplog):
    from cases import services
    from public import models as pm

    cases = _drafts(3)
    with (
        caplog.at_level("INFO", logger="casetracker.security"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert services.publish_many(by=editor, cases=cases, comment="bulk") == 3
    for case in cases:
        case.refresh_from_db()
        assert case.is_published
        (publication,) = Publication.objects.filter(case=case)
        assert (publication.action, publication.actor) == (Publication.Action.PUBLISHED, editor)
        assert publication.changes  # the diff from nothing, as publish_case stores it
        assert case.history.first().history_user == editor
        assert pm.PublicVersion.objects.get(case_id=case.pk).publication_id == publication.pk
        assert pm.PublicCase.objects.filter(pk=case.pk).exists()
    assert pm.PublicCharge.objects.count() == pm.PublicDetention.objects.count() == 3
    # a draft second case's strike is in nobody's version
    assert not pm.PublicHungerStrike.objects.exists()
    events = [r.security_event for r in caplog.records if hasattr(r, "security_event")]
    assert sorted(e["case_id"] for e in events if e["event"] == "case_published") == sorted(
        c.pk for c in cases
    )


def test_publish_many_builds_the_versions_publish_case_builds(editor):
    from cases import services
    from cases.snapshots import build_snapshot, build_snapshots

    cases = _drafts(4)
    batch = build_snapshots(Case.objects.filter(pk__in=[c.pk for c in cases]))
    assert all(batch[c.pk] == build_snapshot(c) for c in cases)
    services.publish_many(by=editor, cases=cases)
    for case in cases:
        assert Publication.objects.get(case=case).snapshot == build_snapshot(case)


def test_publish_many_runs_the_same_queries_for_3_cases_as_for_12(editor):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from cases import services

    services.publish_many(by=editor, cases=_drafts(1, tag="warm"))  # permissions cached
    counts = []
    for n, tag in ((3, "small"), (12, "large")):
        cases = _drafts(n, tag=tag)
        with CaptureQueriesContext(connection) as queries:
            services.publish_many(by=editor, cases=cases)
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_publish_many_leaves_unchanged_published_cases_alone(editor):
    from cases import services

    cases = _drafts(2)
    services.publish_many(by=editor, cases=cases)
    assert services.publish_many(by=editor, cases=cases) == 0
    assert Publication.objects.count() == 2
    Case.objects.filter(pk=cases[0].pk).update(summary="Corrected summary")
    assert services.publish_many(by=editor, cases=cases) == 1
    assert Publication.objects.filter(case=cases[0]).count() == 2


def test_publish_many_refuses_who_may_not_publish_and_what_may_not_be(monitor, editor):
    from django.core.exceptions import PermissionDenied, ValidationError

    from cases import services

    cases = _drafts(2)
    with pytest.raises(PermissionDenied):
        services.publish_many(by=monitor, cases=cases)
    Case.objects.filter(pk=cases[1].pk).update(visibility="confidential")
    with pytest.raises(ValidationError, match=cases[1].slug):
        services.publish_many(by=editor, cases=cases)
    assert not Publication.objects.exists()
    assert not Case.objects.filter(editorial_state="published").exists()
