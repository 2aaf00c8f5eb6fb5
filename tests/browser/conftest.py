"""Browser tier: Debian's Chromium driven by pytest-playwright against pytest-django's live_server.

Every test in this folder gets the ``browser`` marker. Without /usr/bin/chromium the whole tier is
skipped with a reason (``apt-get install -y chromium``); Playwright's own browser download is not
used (no internet on these machines).
"""

import os
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
BROWSER_DIR = Path(__file__).resolve().parent
RESULTS_DIR = BROWSER_DIR.parent.parent / "test-results"
PHONE = {"width": 360, "height": 740}

# Playwright's sync API keeps an asyncio loop running in the main thread for the rest of the
# session, which makes Django refuse ORM calls ("SynchronousOnlyOperation") in this and every
# later test. The ORM calls in tests are plain synchronous code, so the check does not apply.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    skip = pytest.mark.skip(
        reason=f"needs Chromium at {CHROMIUM}: apt-get install -y chromium (browser tier)"
    )
    for item in items:
        if BROWSER_DIR in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.browser)
            if not CHROMIUM.exists():
                item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # A small phone: every page must work at 360 px wide.
    return {**browser_context_args, "viewport": PHONE, "locale": "es-SV"}


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.siges_call_failed = report.failed
    return report


@pytest.fixture
def page(page, request):
    """pytest-playwright's page with short timeouts, screenshotted into test-results/ on failure.

    (pytest-playwright empties test-results/ when any pytest session starts in this folder.)
    """
    page.set_default_timeout(10_000)
    page.set_default_navigation_timeout(15_000)
    yield page
    if getattr(request.node, "siges_call_failed", False):
        RESULTS_DIR.mkdir(exist_ok=True)
        page.screenshot(path=str(RESULTS_DIR / f"{request.node.name}.png"), full_page=True)
