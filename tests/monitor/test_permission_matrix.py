"""Each role × each staff action on own, other and confidential records, by direct URL.

Allowed actions succeed; forbidden ones answer 403 (not allowed at all), 404 (a
record this user may not know exists) or the login page, and change nothing.
"""

from dataclasses import dataclass

import pytest
from django.urls import reverse

from cases.models import Case, Event, Publication
from cases.snapshots import build_snapshot
from casetracker.records import Visibility
from tests import factories as f

pytestmark = pytest.mark.django_db

OK, FORBIDDEN, HIDDEN, LOGIN, REFUSED = "ok", 403, 404, "login", "refused"


@pytest.fixture
def world(monitor, other_monitor):
    own_case = f.CaseFactory(
        editorial_state=Case.EditorialState.DRAFT, created_by=monitor, summary="Own"
    )
    own_case.assigned_monitors.add(monitor)
    other_case = f.CaseFactory(
        editorial_state=Case.EditorialState.DRAFT,
        visibility=Visibility.INTERNAL,
        created_by=other_monitor,
        summary="Other",
    )
    other_case.assigned_monitors.add(other_monitor)
    conf_case = f.CaseFactory(
        editorial_state=Case.EditorialState.DRAFT,
        visibility=Visibility.CONFIDENTIAL,
        created_by=other_monitor,
        summary="Confidential",
    )
    cases = {"own": own_case, "other": other_case, "confidential": conf_case}
    visits = {
        "own": f.PrisonVisitFactory(
            person=own_case.person, case=own_case, created_by=monitor, visibility="internal"
        ),
        "other": f.PrisonVisitFactory(
            person=other_case.person,
            case=other_case,
            created_by=other_monitor,
            visibility="internal",
        ),
        "confidential": f.PrisonVisitFactory(
            person=other_case.person,
            case=other_case,
            created_by=other_monitor,
            visibility="confidential",
        ),
    }
    evidence = {
        key: f.EvidenceFileFactory(visit=visit, created_by=visit.created_by)
        for key, visit in visits.items()
    }
    publications = {
        key: Publication.objects.create(
            case=case,
            actor=other_monitor,
            action=Publication.Action.PUBLISHED,
            snapshot=build_snapshot(case),
        )
        for key, case in cases.items()
    }
    return {"case": cases, "visit": visits, "evidence": evidence, "publication": publications}


@dataclass
class Action:
    name: str
    method: str
    url: callable  # (world, target) -> url
    data: callable = lambda world, target: {}
    state: callable = lambda world, target: None  # what must not change when refused


def _case_state(world, target):
    case = Case.objects.get(pk=world["case"][target].pk)
    return (case.summary, case.editorial_state, case.visibility, Publication.objects.count())


ACTIONS = {
    "view": Action(
        "view",
        "get",
        lambda w, t: reverse("monitor:visit_detail", args=[w["visit"][t].pk]),
    ),
    "create": Action(
        "create",
        "post",
        lambda w, t: reverse("monitor:event_new", args=[w["case"][t].pk]),
        data=lambda w, t: {
            "kind": "hearing",
            "date": "2025-07-28",
            "title": "Hearing",
            "visibility": "internal",
        },
        state=lambda w, t: Event.objects.count(),
    ),
    "edit": Action(
        "edit",
        "post",
        lambda w, t: reverse("monitor:visit_edit", args=[w["visit"][t].pk]),
        data=lambda w, t: {
            "visited_on": "2025-07-25",
            "kind": "phone",
            "outcome": "refused",
            "internal_report": "Edited",
            "visibility": w["visit"][t].visibility,
        },
        state=lambda w, t: type(w["visit"][t]).objects.get(pk=w["visit"][t].pk).internal_report,
    ),
    "edit_case": Action(
        "edit_case",
        "post",
        lambda w, t: reverse("monitor:case_edit", args=[w["case"][t].pk]),
        data=lambda w, t: {
            "case_type": "criminal",
            "country": "KZ",
            "status": "convicted",
            "arrest_date": "2024-01-10",
            "summary": "Edited",
            "internal_notes": "Edited",
        },
        state=_case_state,
    ),
    "publish": Action(
        "publish",
        "post",
        lambda w, t: reverse("monitor:case_publish", args=[w["case"][t].pk]),
        state=_case_state,
    ),
    "restore": Action(
        "restore",
        "post",
        lambda w, t: reverse("monitor:restore", args=[w["publication"][t].pk]),
        state=_case_state,
    ),
    "download": Action(
        "download",
        "get",
        lambda w, t: reverse("monitor:evidence_download", args=[w["evidence"][t].pk]),
    ),
}

EVERYTHING = {t: OK for t in ("own", "other", "confidential")}
NOTHING = {t: FORBIDDEN for t in ("own", "other", "confidential")}

EXPECTED = {
    # A monitor works only on the cases assigned to them (cases.policy): another
    # monitor's visit report, its files and its case's timeline are not theirs to
    # read or change (404 where a record's existence is not theirs to know).
    "monitor": {
        "view": {"own": OK, "other": HIDDEN, "confidential": HIDDEN},
        "create": {"own": OK, "other": FORBIDDEN, "confidential": HIDDEN},
        "edit": {"own": OK, "other": HIDDEN, "confidential": HIDDEN},
        "edit_case": {"own": OK, "other": FORBIDDEN, "confidential": HIDDEN},
        "publish": NOTHING,
        "restore": NOTHING,
        "download": {"own": OK, "other": HIDDEN, "confidential": HIDDEN},
    },
    "editor": {
        **{name: EVERYTHING for name in ACTIONS},
        # A confidential case is never published by accident: the editor is told why.
        "publish": {"own": OK, "other": OK, "confidential": REFUSED},
        "restore": {"own": OK, "other": OK, "confidential": REFUSED},
    },
    "researcher": {name: NOTHING for name in ACTIONS},
    "outsider": {name: NOTHING for name in ACTIONS},
    "anonymous": {name: {t: LOGIN for t in EVERYTHING} for name in ACTIONS},
}
EXPECTED["administrator"] = EXPECTED["editor"]

CASES = [
    (role, action, target, expected)
    for role, by_action in EXPECTED.items()
    for action, by_target in by_action.items()
    for target, expected in by_target.items()
]


@pytest.mark.parametrize(
    "role,action,target,expected", CASES, ids=[f"{r}-{a}-{t}" for r, a, t, _ in CASES]
)
def test_permission_matrix(request, client, world, role, action, target, expected):
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    spec = ACTIONS[action]
    before = spec.state(world, target)
    url = spec.url(world, target)
    response = getattr(client, spec.method)(url, spec.data(world, target))

    if expected == OK:
        assert response.status_code in (200, 302), response.status_code
        if spec.method == "post":
            assert response.status_code == 302, getattr(response, "context", None) and [
                c.get("form").errors for c in response.context if c.get("form")
            ]
            assert spec.state(world, target) != before
        return
    if expected == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    elif expected == REFUSED:
        assert response.status_code == 200
        assert "confidential" in response.content.decode()
    else:
        assert response.status_code == expected
    assert spec.state(world, target) == before
