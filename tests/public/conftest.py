import pytest
from django.core.management import call_command

DEMO_CASE = "/cases/marat-zhylanbayev-2024-banned-organization/"
DEMO_FINE_CASE = "/cases/bakhytzhan-toregozhina-2025-false-information/"


@pytest.fixture
def demo(db):
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115


def text(response) -> str:
    """The body of a response, streamed or not, as text."""
    if response.streaming:
        return b"".join(response.streaming_content).decode()
    return response.content.decode()
