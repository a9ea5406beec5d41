"""The public site in headless Chromium: the demo case, browse, search, language, axe."""

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.browser

CASE = "/cases/marat-zhylanbayev-2024-banned-organization/"


@pytest.fixture
def site(live_server):
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    return live_server.url


def _results(page) -> list[str]:
    return page.locator("table.cases tbody th[scope=row] a").all_inner_texts()


def test_the_demo_case_page_shows_the_facts_and_is_accessible(site, page, assert_accessible):
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(site + CASE)
    assert page.locator("h1").inner_text() == "Marat Zhylanbayev"
    assert page.get_by_text("place of detention not reported").count() >= 1
    assert page.locator("svg.chart").is_visible()
    assert_accessible(page)
    assert requests and all(url.startswith(site) for url in requests), requests


@pytest.mark.parametrize(
    "field, label",
    [
        ("article", "Participation in a banned organization"),
        ("organization", "Alga, Kazakhstan!"),
    ],
)
def test_filtering_cases_by_charge_or_party_finds_zhylanbayev(site, page, field, label):
    page.goto(site + "/cases/")
    assert len(_results(page)) == 2
    option = page.locator(f"#id_{field} option", has_text=label)
    page.select_option(f"#id_{field}", option.get_attribute("value"))
    with page.expect_navigation():
        page.get_by_role("button", name="Apply filters").click()
    assert _results(page) == ["Marat Zhylanbayev"]


@pytest.mark.parametrize("query", ["Zhylanbaev", "Жыланбаев", "Zhilanbayev"])
def test_searching_any_spelling_finds_zhylanbayev(site, page, query):
    page.goto(site + "/")
    page.get_by_label("Find a person by name").fill(query)
    with page.expect_navigation():
        page.get_by_role("button", name="Search").click()
    assert _results(page) == ["Marat Zhylanbayev"]


def test_switching_to_russian(site, page):
    page.goto(site + CASE)
    page.select_option("#language-select", "ru")
    with page.expect_navigation():
        page.locator(".language-switcher button").click()
    assert page.url == site + CASE
    assert page.locator("html").get_attribute("lang") == "ru"
    assert page.get_by_role("heading", name="Коротко").is_visible()
    assert page.get_by_role("link", name="Дела", exact=True).is_visible()


@pytest.mark.parametrize("path", ["/cases/", "/stats/", "/people/marat-zhylanbayev/", "/"])
def test_pages_are_accessible(site, page, assert_accessible, path):
    page.goto(site + path)
    assert_accessible(page)


def test_pages_fit_a_360_pixel_screen(site, browser):
    context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True)
    page = context.new_page()
    try:
        for path in (CASE, "/cases/", "/stats/", "/people/marat-zhylanbayev/"):
            page.goto(site + path)
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= 360, (path, width)
    finally:
        context.close()
