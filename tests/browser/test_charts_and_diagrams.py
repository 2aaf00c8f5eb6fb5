"""Charts and diagrams really draw in Chromium, under the site's CSP, on a phone and a desktop;
screenshots of each go to var/screens/ for a person to look at."""

from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.factories import DEFAULT_PASSWORD, create_user, make_dui

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENS = Path(__file__).resolve().parents[2] / "var" / "screens"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def open_page(browser: Browser, viewport: dict[str, int], problems: list[str]) -> Page:
    context = browser.new_context(viewport=viewport, locale="es-SV")
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.on(
        "console",
        lambda m: problems.append(m.text) if m.type == "error" else None,
    )
    page.on("pageerror", lambda error: problems.append(str(error)))
    return page


def log_in(page: Page, base: str, user, next_path: str) -> None:
    page.goto(f"{base}/cuentas/ingresar/?next={next_path}")
    form = page.locator("main form")
    form.locator('input[name="dui"]').fill(user.dui.replace("-", ""))
    form.locator('input[name="password"]').fill(DEFAULT_PASSWORD)
    form.locator('button[type="submit"]').click()
    expect(page).to_have_url(f"{base}{next_path}")


def screenshot(page: Page, name: str) -> None:
    SCREENS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENS / name), full_page=True)


@pytest.mark.parametrize(("size", "viewport"), [("telefono", PHONE), ("escritorio", DESKTOP)])
def test_a_lifecycle_diagram_draws_in_the_browser(live_server, browser, size, viewport):
    # Given an auditor
    auditor = create_user(role="auditor", dui=make_dui(23_456_789))
    problems: list[str] = []
    page = open_page(browser, viewport, problems)

    # When they open the help desk's case lifecycle
    log_in(page, live_server.url, auditor, "/diagramas/casos-de-la-mesa-de-ayuda/")

    # Then Graphviz (WebAssembly) draws it: one node per state, labelled in Spanish
    canvas = page.locator(".diagram-canvas")
    expect(canvas).to_have_attribute("data-drawn", "true")
    svg = canvas.locator("svg.diagram-svg")
    expect(svg).to_have_attribute("aria-label", "Casos de la mesa de ayuda")
    expect(svg.locator("g.node.estado")).to_have_count(9)
    expect(svg.locator("g.node", has_text="En proceso")).to_have_count(1)
    box = svg.bounding_box()
    assert box is not None
    assert box["width"] > 100
    assert box["height"] > 200
    # It fits the screen, and nothing was refused by the CSP or failed
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    assert problems == []
    screenshot(page, f"diagrama-{size}.png")
