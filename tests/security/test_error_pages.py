"""Error pages and error reports reveal nothing: no paths, settings, stack,
exception text, or what the visitor typed."""

import sys

import pytest
from django.conf import settings as django_settings
from django.test import RequestFactory
from django.views.debug import get_exception_reporter_class

from casetracker.security.errors import ScrubbingExceptionReporter

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.security.error_urls")]

LEAKS = ("Traceback", "secret.txt", "prisoner 42", "visit 12", "source 3", "SECRET_KEY")


def assert_reveals_nothing(body: str):
    for leak in (*LEAKS, str(django_settings.BASE_DIR)):
        assert leak not in body, leak


@pytest.fixture
def quiet_client(client):
    client.raise_request_exception = False
    return client


def test_500_page_is_generic(quiet_client):
    response = quiet_client.get("/crash/")

    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()
    assert_reveals_nothing(response.content.decode())


def test_404_page_is_generic_and_never_echoes_markup(client):
    response = client.get("/people/<script>alert(1)</script>/")

    body = response.content.decode()
    assert response.status_code == 404
    assert "Page not found" in body
    assert "<script>alert(1)" not in body  # (the language switcher keeps it URL-encoded)
    assert_reveals_nothing(body)


def test_403_page_does_not_give_the_reason(quiet_client):
    response = quiet_client.get("/forbidden/")

    assert response.status_code == 403
    assert "Not allowed" in response.content.decode()
    assert_reveals_nothing(response.content.decode())


def test_400_page_is_generic(quiet_client):
    response = quiet_client.get("/bad/")

    assert response.status_code == 400
    assert "Bad request" in response.content.decode()
    assert_reveals_nothing(response.content.decode())


def test_csrf_failure_shows_the_plain_403_page(client, monitor):
    client.handler.enforce_csrf_checks = True

    response = client.post("/accounts/login/", {"login": "monitor", "password": "x"})

    assert response.status_code == 403
    assert "Not allowed" in response.content.decode()
    assert "CSRF" not in response.content.decode()


def report_for(request) -> str:
    try:
        health_note = request.POST["internal_report"].upper()  # a local in the failing frame
        raise RuntimeError("boom")
    except RuntimeError:
        reporter = get_exception_reporter_class(request)(request, *sys.exc_info())
        del health_note
    return reporter.get_traceback_text() + reporter.get_traceback_html()


def test_error_reports_hide_form_values_query_strings_cookies_and_locals():
    request = RequestFactory().post(
        "/monitor/visits/new/?q=Zhylanbayev",
        {"internal_report": "source Aigerim says he is beaten", "password": "hunter2hunter2"},
        HTTP_COOKIE="__Host-sessionid=abcdef123456",
    )

    report = report_for(request)

    assert django_settings.DEFAULT_EXCEPTION_REPORTER.endswith(ScrubbingExceptionReporter.__name__)
    for secret in (
        "Aigerim",
        "hunter2hunter2",
        "Zhylanbayev",
        "abcdef123456",
        "SOURCE AIGERIM",
        django_settings.SECRET_KEY,
    ):
        assert secret not in report, secret
    assert "internal_report" in report  # the field name stays, for debugging
