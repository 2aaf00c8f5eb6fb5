"""The Bandeja in a real browser (Debian's Chromium): cards on a 360 px phone, a table on a
desktop, filters refreshed by htmx without a page load and without CSP violations."""

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.factories import DEFAULT_PASSWORD
from tests.helpdesk.conftest import open_ticket

from .conftest import open_identity_review, start_review

CHROMIUM = Path("/usr/bin/chromium")
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}

# As in tests/browser/conftest.py: Playwright's sync API keeps an asyncio loop running in the
# main thread, which makes Django refuse the tests' plain synchronous ORM calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason=f"needs Chromium at {CHROMIUM}: apt-get install -y chromium (browser tier)",
    ),
]


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


def open_page(browser: Browser, viewport: dict, errors: list[str]) -> Page:
    page = browser.new_context(viewport=viewport, locale="es-SV").new_page()
    page.set_default_timeout(10_000)
    page.on(
        "console",
        lambda m: errors.append(m.text) if "Content Security Policy" in m.text else None,
    )
    return page


def log_in(page: Page, base: str, user) -> None:
    page.goto(f"{base}/cuentas/ingresar/?next=/bandeja/")
    form = page.locator("main form")
    form.locator('input[name="dui"]').fill(user.dui.replace("-", ""))
    form.locator('input[name="password"]').fill(DEFAULT_PASSWORD)
    form.locator('button[type="submit"]').click()
    expect(page).to_have_url(f"{base}/bandeja/")


@pytest.fixture
def work(technician, requester, service):
    tickets = [open_ticket(requester, service) for _ in range(2)]
    return {"tickets": tickets, "task": start_review(), "case": open_identity_review()}


def test_cards_on_a_phone_and_htmx_filters(live_server, browser, technician, work):
    errors: list[str] = []
    page = open_page(browser, PHONE, errors)
    log_in(page, live_server.url, technician)

    # One card per item, nothing wider than the phone, the table header only for readers
    available = page.locator("#seccion-disponibles").locator("xpath=..")
    rows = available.locator("tbody tr")
    expect(rows).to_have_count(4)
    expect(rows.first).to_have_css("display", "block")
    expect(available.locator("thead")).to_have_css("position", "absolute")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    # Each cell is labelled by its column (a CSS pseudo-element, part of the accessible name)
    expect(
        rows.first.get_by_role("cell", name=re.compile(r"^Vence: \d+ \w+ \d{4}, \d\d:\d\d"))
    ).to_be_visible()

    # Filtering by kind swaps the results in place (no page load) and updates the URL
    page.evaluate("window.sigesMarker = 'same page'")
    page.get_by_label("Tipo").select_option("task")
    expect(page).to_have_url(f"{live_server.url}/bandeja/?q=&cola=&tipo=task&prioridad=")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Revisión de prueba")
    assert page.evaluate("window.sigesMarker") == "same page"

    # Claiming from the card moves the task to "Asignados a mí"
    rows.first.get_by_role("checkbox").check()
    page.get_by_role("button", name="Tomar").click()
    expect(page.get_by_role("status").or_(page.locator(".alert-success"))).to_contain_text(
        "Tomó 1 elemento"
    )
    mine = page.locator("#seccion-asignados").locator("xpath=..")
    expect(mine.locator("tbody tr")).to_have_count(1)
    assert errors == []


def test_a_table_on_a_desktop(live_server, browser, technician, work):
    errors: list[str] = []
    page = open_page(browser, DESKTOP, errors)
    log_in(page, live_server.url, technician)

    available = page.locator("#seccion-disponibles").locator("xpath=..")
    expect(available.locator("thead")).to_be_visible()
    expect(available.locator("tbody tr").first).to_have_css("display", "table-row")
    expect(available.get_by_role("columnheader", name="Vence")).to_be_visible()
    assert errors == []
