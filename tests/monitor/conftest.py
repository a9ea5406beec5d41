import pytest

from cases.models import Case
from casetracker.records import Visibility
from tests import factories as f


@pytest.fixture
def draft_case(monitor):
    """A case in preparation, assigned to `monitor`."""
    case = f.CaseFactory(editorial_state=Case.EditorialState.DRAFT, visibility=Visibility.PUBLIC)
    case.assigned_monitors.add(monitor)
    return case


@pytest.fixture
def published_case(monitor):
    case = f.CaseFactory(summary="Sentenced to seven years.")
    case.assigned_monitors.add(monitor)
    return case


@pytest.fixture
def other_case():
    """A case nobody in the tests is assigned to."""
    return f.CaseFactory(editorial_state=Case.EditorialState.DRAFT)


@pytest.fixture
def evidence_dir(_evidence_dir):
    return _evidence_dir
