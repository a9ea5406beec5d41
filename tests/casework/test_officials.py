"""Officials are records with their part in a case; public pages per official list
the published cases they acted in; the public officials export as FollowTheMoney."""

import json

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from followthemoney import model

from cases import services
from cases.models import Case, CaseOfficial, Official, PendingChange
from tests import factories as f

pytestmark = [pytest.mark.django_db, pytest.mark.staged]


def publish(editor, case):
    services.publish_case(by=editor, case=Case.objects.get(pk=case.pk))


def body(response) -> str:
    if response.streaming:
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


def ftm_entities(client) -> list:
    response = client.get("/officials/export.ftm.json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    return [json.loads(line) for line in body(response).splitlines() if line]


def _case(name: str, **extra):
    return f.CaseFactory(person__full_name=name, editorial_state=Case.EditorialState.DRAFT, **extra)


def test_the_judge_who_sentenced_is_listed_on_the_case_page_and_has_a_page(client, editor):
    case = _case("Marat Prisoner", case_number="7511-24-00-1/215")
    judge = f.OfficialFactory(full_name="Aigerim Judge", slug="aigerim-judge")
    f.CaseOfficialFactory(
        case=case, official=judge, role="presiding_judge", decision="Seven years", date="2024-11"
    )
    publish(editor, case)
    page = body(client.get(case.get_absolute_url()))
    assert "Officials" in page
    assert "Presiding judge" in page
    assert 'href="/officials/aigerim-judge/"' in page
    assert "Seven years" in page
    official_page = body(client.get("/officials/aigerim-judge/"))
    assert "Aigerim Judge" in official_page
    assert case.get_absolute_url() in official_page
    assert "Aigerim Judge" in body(client.get("/officials/"))


def test_a_draft_or_internal_part_is_never_public(client, editor):
    published = _case("Published Prisoner")
    draft = _case("Draft Prisoner")
    judge = f.OfficialFactory(full_name="Named Judge", slug="named-judge")
    hidden = f.OfficialFactory(full_name="Hidden Prosecutor", slug="hidden-prosecutor")
    internal_official = f.OfficialFactory(
        full_name="Internal Investigator", slug="internal-investigator", visibility="internal"
    )
    f.CaseOfficialFactory(case=published, official=judge)
    # an internal part, and a public part of an internal official, on a published case
    f.CaseOfficialFactory(case=published, official=hidden, role="prosecutor", visibility="internal")
    f.CaseOfficialFactory(case=published, official=internal_official, role="investigator")
    # a part in a draft case
    f.CaseOfficialFactory(case=draft, official=judge, decision="Draft decision")
    publish(editor, published)

    pages = "\n".join(
        body(client.get(url))
        for url in (published.get_absolute_url(), "/officials/", "/officials/named-judge/")
    )
    for secret in (
        "Hidden Prosecutor",
        "Internal Investigator",
        "Draft Prisoner",
        "Draft decision",
    ):
        assert secret not in pages
    assert client.get("/officials/hidden-prosecutor/").status_code == 404
    assert client.get("/officials/internal-investigator/").status_code == 404
    names = {e["properties"]["name"][0] for e in ftm_entities(client) if e["schema"] == "Person"}
    assert names == {"Named Judge", "Published Prisoner"}


def test_an_edit_to_a_part_is_public_only_at_publication(client, editor):
    case = _case("Staged Prisoner")
    part = f.CaseOfficialFactory(case=case, decision="First decision")
    publish(editor, case)
    part.decision = "Changed decision"
    part.save()
    assert "Changed decision" not in body(client.get(case.get_absolute_url()))
    publish(editor, case)
    assert "Changed decision" in body(client.get(case.get_absolute_url()))


def test_renaming_an_official_puts_their_published_cases_in_the_review_queue(client, editor):
    case = _case("Queued Prisoner")
    part = f.CaseOfficialFactory(case=case, official__full_name="Old Name")
    publish(editor, case)
    assert not PendingChange.objects.filter(case=case).exists()
    official = part.official
    official.full_name = "New Name"
    official.save()
    assert PendingChange.objects.filter(case=case).exists()
    assert "Old Name" in body(client.get(case.get_absolute_url()))  # until published
    publish(editor, case)
    assert "New Name" in body(client.get(case.get_absolute_url()))


def test_the_official_page_lists_only_published_cases_and_leaves_with_them(client, editor):
    judge = f.OfficialFactory(full_name="Busy Judge", slug="busy-judge")
    first, second, draft = _case("First Prisoner"), _case("Second Prisoner"), _case("Draft One")
    for case in (first, second, draft):
        f.CaseOfficialFactory(case=case, official=judge)
    publish(editor, first)
    publish(editor, second)
    page = body(client.get("/officials/busy-judge/"))
    assert "First Prisoner" in page and "Second Prisoner" in page
    assert "Draft One" not in page
    assert "2 published cases" in body(client.get("/officials/"))

    services.unpublish_case(by=editor, case=Case.objects.get(pk=first.pk))
    page = body(client.get("/officials/busy-judge/"))
    assert "First Prisoner" not in page and "Second Prisoner" in page
    services.unpublish_case(by=editor, case=Case.objects.get(pk=second.pk))
    # no published case shows the judge any more: not in the read model, 404
    assert client.get("/officials/busy-judge/").status_code == 404
    assert "Busy Judge" not in body(client.get("/officials/"))


def test_an_unknown_official_is_404(client):
    f.OfficialFactory(slug="never-in-a-case")
    assert client.get("/officials/never-in-a-case/").status_code == 404
    assert client.get("/officials/no-such-person/").status_code == 404


def test_official_pages_take_a_constant_number_of_queries(client, editor):
    judge = f.OfficialFactory(slug="constant-judge")

    def count(url):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    def add_case(n):
        case = _case(f"Prisoner {n}")
        f.CaseOfficialFactory(case=case, official=judge).sources.add(f.SourceFactory())
        f.CaseOfficialFactory(case=case)  # another official
        publish(editor, case)

    add_case(0)
    few = (count("/officials/constant-judge/"), count("/officials/"))
    for n in range(1, 6):
        add_case(n)
    many = (count("/officials/constant-judge/"), count("/officials/"))
    assert many == few


def test_the_ftm_export_validates_and_links_officials_to_cases(client, editor, tmp_path):
    case = _case("Defendant Person", case_number="1-23/2024", court="Almaty District Court")
    judge = f.OfficialFactory(full_name="Export Judge", kind="judge", country="KZ")
    prosecutor = f.OfficialFactory(
        full_name="Export Prosecutor", kind="prosecutor", institution="City prosecutor's office"
    )
    f.CaseOfficialFactory(case=case, official=judge, date="2024-11-05", decision="Five years")
    f.CaseOfficialFactory(case=case, official=prosecutor, role="prosecutor", decision="")
    unpublished = f.OfficialFactory(full_name="Unpublished Official")
    f.CaseOfficialFactory(case=_case("Other Draft"), official=unpublished)
    publish(editor, case)

    entities = ftm_entities(client)
    proxies = {}
    for data in entities:
        proxy = model.get_proxy(data, cleaned=False)
        proxy.schema.validate(data)  # raises InvalidData on a bad value
        for name in proxy.schema.required:
            assert proxy.get(name), (proxy.schema.name, name)
        proxies[proxy.id] = proxy
    by_schema = {}
    for proxy in proxies.values():
        by_schema.setdefault(proxy.schema.name, []).append(proxy)
    assert len(by_schema["CourtCase"]) == 1
    court_case = by_schema["CourtCase"][0]
    assert court_case.get("caseNumber") == ["1-23/2024"]
    assert court_case.get("country") == ["kz"]
    judge_entity = proxies[f"casetracker-official-{judge.pk}"]
    assert judge_entity.get("topics") == ["role.judge"]
    assert judge_entity.get("position") == ["Judge, Almaty City Court"]
    assert proxies[f"casetracker-official-{prosecutor.pk}"].get("topics") == ["role.civil"]
    parties = {p.first("party"): p for p in by_schema["CourtCaseParty"]}
    judge_part = parties[judge_entity.id]
    assert judge_part.get("case") == [court_case.id]
    assert judge_part.get("date") == ["2024-11-05"]
    assert judge_part.get("description") == ["Five years"]
    assert parties[f"casetracker-person-{case.person_id}"].get("role") == ["Defendant"]
    # every reference points to an entity of the file
    for proxy in proxies.values():
        for prop, value in proxy.itervalues():
            if prop.type.name == "entity":
                assert value in proxies
    assert "Unpublished Official" not in json.dumps(entities)

    out = tmp_path / "officials.ftm.json"
    call_command("export_ftm", output=str(out), stderr=open("/dev/null", "w"))  # noqa: SIM115
    assert [json.loads(line) for line in out.read_text().splitlines()] == entities


def test_staff_add_an_officials_part_with_a_new_official_policy_checked(
    client, monitor, other_monitor
):
    case = _case("Assigned Prisoner", country="BY")
    case.assigned_monitors.add(monitor)
    url = f"/monitor/cases/{case.pk}/officials/new/"
    data = {
        "role": "presiding_judge",
        "decision": "Ten years",
        "date": "2024-03",
        "visibility": "public",
        "new_official_name": "Ivan Sudya",
        "new_official_kind": "judge",
        "new_official_institution": "Minsk City Court",
    }
    client.force_login(other_monitor)  # not assigned: may not add
    assert client.post(url, data).status_code == 403
    assert not CaseOfficial.objects.exists()

    client.force_login(monitor)
    assert client.get(url).status_code == 200
    response = client.post(url, data)
    assert response.status_code == 302
    part = CaseOfficial.objects.get()
    assert (part.official.full_name, part.official.country) == ("Ivan Sudya", "BY")
    assert part.official.slug == "ivan-sudya"
    assert str(part.date) == "2024-03"
    assert "Ivan Sudya" in body(client.get(f"/monitor/cases/{case.pk}/"))

    # the same official chosen from the list, for a second part
    response = client.post(
        url, {"official": part.official.pk, "role": "judge", "visibility": "public"}
    )
    assert response.status_code == 302
    assert Official.objects.count() == 1

    # edited: the decision changes; the official is one already recorded
    edit = f"/monitor/official-parts/{part.pk}/edit/"
    response = client.post(
        edit,
        {
            "official": part.official.pk,
            "role": "presiding_judge",
            "decision": "Eight years",
            "date": "2024-03",
            "visibility": "public",
        },
    )
    assert response.status_code == 302
    part.refresh_from_db()
    assert part.decision == "Eight years"
    client.force_login(other_monitor)
    assert client.get(edit).status_code == 404  # another monitor's case: not theirs to know


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"role": "judge", "visibility": "public"}, "official"),
        (
            {"role": "judge", "visibility": "public", "new_official_name": "No Kind"},
            "new_official_kind",
        ),
        (
            {
                "role": "",
                "visibility": "public",
                "new_official_name": "X",
                "new_official_kind": "judge",
            },
            "role",
        ),
        (
            {
                "role": "judge",
                "visibility": "public",
                "date": "2024-13",
                "new_official_name": "X",
                "new_official_kind": "judge",
            },
            "date",
        ),
    ],
)
def test_bad_input_is_a_field_error_never_a_500(client, editor, data, field):
    case = _case("Form Prisoner")
    client.force_login(editor)
    response = client.post(f"/monitor/cases/{case.pk}/officials/new/", data)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not CaseOfficial.objects.exists() and not Official.objects.exists()
