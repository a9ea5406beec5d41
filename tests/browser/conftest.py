"""Browser-test fixtures (drop into tests/browser/conftest.py).

Uses a system Chromium (Debian: `apt-get install -y chromium` -> /usr/bin/chromium)
driven by Playwright's sync API. `playwright install` is NOT needed.

Missing browser / playwright:
  * locally (CI != "true")  -> tests are skipped with a clear reason
  * in CI   (CI == "true")  -> tests error out via pytest.fail (never silently skipped)

Override the browser path with CHROMIUM_PATH=/path/to/chromium.
"""

import os
import shutil

import pytest

# Playwright's sync API keeps an asyncio event loop "running" in the main
# thread for as long as the session-scoped Playwright instance is alive.
# Django's async_unsafe guard then raises SynchronousOnlyOperation for every
# ORM call made from the test thread (test setup code, and pytest-django's
# transactional_db flush at teardown). The live_server thread itself is fine.
# Django reads this variable at call time, so setting it at import is enough.
# NB: it is process-wide; it affects every test in the same pytest run.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_ARGS = [
    "--no-sandbox",  # running as root (Playwright also adds it by default)
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
MOBILE_VIEWPORT = {"width": 390, "height": 844}


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() == "true"


def _unavailable(reason: str):
    """Skip locally, fail hard in CI."""
    if _in_ci():
        pytest.fail(f"{reason} [CI=true: browser tests must not be skipped]", pytrace=False)
    pytest.skip(reason)


def _find_chromium():
    override = os.environ.get("CHROMIUM_PATH")
    if override:
        return override if os.access(override, os.X_OK) else None
    if os.access("/usr/bin/chromium", os.X_OK):
        return "/usr/bin/chromium"
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    return None


@pytest.fixture(scope="session")
def chromium_executable():
    path = _find_chromium()
    if path is None:
        _unavailable(
            "Chromium not found (looked at $CHROMIUM_PATH, /usr/bin/chromium, "
            "chromium/chromium-browser on PATH); install with: apt-get install -y chromium"
        )
    return path


@pytest.fixture(scope="session")
def playwright_instance(chromium_executable):
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("playwright is not installed (pip install playwright)")
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright_instance, chromium_executable):
    try:
        b = playwright_instance.chromium.launch(
            executable_path=chromium_executable,
            headless=True,
            args=CHROMIUM_ARGS,
            timeout=30_000,
        )
    except Exception as exc:  # a present-but-broken browser is a real failure
        pytest.fail(f"Could not launch {chromium_executable}: {exc}", pytrace=False)
    yield b
    b.close()


@pytest.fixture
def context(browser):
    ctx = browser.new_context()
    ctx.set_default_timeout(10_000)
    yield ctx
    ctx.close()


@pytest.fixture
def page(context):
    return context.new_page()


@pytest.fixture
def mobile_page(browser):
    ctx = browser.new_context(viewport=MOBILE_VIEWPORT, is_mobile=True, has_touch=True)
    ctx.set_default_timeout(10_000)
    yield ctx.new_page()
    ctx.close()


@pytest.fixture
def axe():
    from axe_playwright_python.sync_playwright import Axe

    return Axe()  # bundles axe.min.js (axe-core 4.11.0); makes no network requests


@pytest.fixture
def assert_accessible(axe):
    """Usage: assert_accessible(page) or assert_accessible(page, context="main")."""

    def check(page, context=None, impacts=("serious", "critical")):
        results = axe.run(page, context=context) if context else axe.run(page)
        bad = [v for v in results.response["violations"] if v.get("impact") in impacts]
        assert not bad, "axe violations:\n" + "\n".join(
            f"{v['id']} ({v['impact']}): {v['help']} -> {[n['target'] for n in v['nodes']]}"
            for v in bad
        )
        return results

    return check
