"""The shell in a real browser on a 360 px phone: login by DUI, the home panel, menu, logout."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.factories import DEFAULT_PASSWORD, create_user, make_dui

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def csp_violations(page: Page) -> list[str]:
    """Collect console errors about the Content-Security-Policy from now on."""
    found: list[str] = []

    def record(message) -> None:
        if "Content Security Policy" in message.text:
            found.append(message.text)

    page.on("console", record)
    return found


def test_technician_logs_in_with_dui_digits_sees_their_panel_and_logs_out(live_server, page):
    # Given a technician
    dui = make_dui(12_345_678)
    create_user(role="technician", dui=dui, first_names="Rosa Elena", last_names="Martínez Ayala")
    violations = csp_violations(page)

    # When they open the login page and type their DUI without the hyphen and their password
    page.goto(f"{live_server.url}/cuentas/ingresar/")
    login_form = page.locator("main form")
    login_form.locator('input[name="dui"]').fill(dui.replace("-", ""))
    login_form.locator('input[name="password"]').fill(DEFAULT_PASSWORD)
    login_form.locator('button[type="submit"]').click()

    # Then they land on the home page with the technician panel and their name
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Hola, Rosa Elena Martínez Ayala")
    panel = page.locator('section[data-role="technician"]')
    expect(panel).to_be_visible()
    expect(panel.get_by_role("heading", level=2)).to_have_text("Técnico")
    expect(panel).to_contain_text("Bandeja")

    # When they open the menu (collapsed on a phone) and log out
    menu = page.get_by_role("button", name="Menú")
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(page.get_by_role("button", name="Cerrar sesión")).to_be_hidden()
    menu.click()
    expect(menu).to_have_attribute("aria-expanded", "true")
    page.get_by_role("button", name="Cerrar sesión").click()

    # Then they are back at the login page, and the home page is the public one again
    expect(page).to_have_url(re.compile(rf"^{re.escape(live_server.url)}/cuentas/ingresar/"))
    expect(page.get_by_role("status")).to_contain_text("Cerró su sesión")
    page.goto(f"{live_server.url}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "SIGES: sus trámites de educación, en línea"
    )
    expect(page.locator('section[data-role="technician"]')).to_have_count(0)
    assert violations == []


def test_home_fits_a_phone_and_the_skip_link_is_first(live_server, page):
    create_user(role="auditor", dui=make_dui(22_334_455))
    violations = csp_violations(page)
    page.goto(f"{live_server.url}/cuentas/ingresar/")
    page.locator('main input[name="dui"]').fill(make_dui(22_334_455))
    page.locator('main input[name="password"]').fill(DEFAULT_PASSWORD)
    page.locator('main button[type="submit"]').click()
    expect(page.locator('section[data-role="auditor"]')).to_be_visible()

    # Nothing is wider than the 360 px screen (no sideways scrolling)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    # The first Tab reaches the skip link, which becomes visible and jumps to the content
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Saltar al contenido")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{live_server.url}/#contenido")

    # The inbox link shows only its bell on a phone but keeps its accessible name
    expect(page.get_by_role("link", name="Notificaciones")).to_be_visible()
    expect(page.locator(".site-inbox__label")).to_have_css("width", "1px")

    # Stylesheet and scripts loaded under the CSP (the menu button only appears through siges.js)
    expect(page.get_by_role("button", name="Menú")).to_be_visible()
    assert page.evaluate("typeof window.htmx") == "object"
    assert violations == []


def test_api_docs_render_offline_under_the_csp(live_server, page):
    violations = csp_violations(page)

    page.goto(f"{live_server.url}/api/docs/")

    expect(page.locator("#swagger-ui .title")).to_contain_text("SIGES API")
    assert violations == []


def test_api_redoc_renders_offline(live_server, page):
    # Redoc may inject styles (its page relaxes style-src only); no script is blocked.
    violations = csp_violations(page)

    page.goto(f"{live_server.url}/api/redoc/")

    # Redoc parses the whole schema in the browser before it draws anything: on a busy CI
    # machine that once took longer than the default 5 s, so it gets 20.
    expect(page.get_by_role("heading", name="SIGES API")).to_be_visible(timeout=20_000)
    assert [text for text in violations if "script" in text] == []


def test_navigation_is_usable_without_javascript(live_server, browser):
    # Without JavaScript the menu button never appears and the links are simply shown
    context = browser.new_context(java_script_enabled=False, viewport={"width": 360, "height": 740})
    try:
        page = context.new_page()
        page.goto(f"{live_server.url}/cuentas/ingresar/")

        nav = page.get_by_role("navigation", name="Navegación principal")
        expect(nav.get_by_role("link", name="Ingresar")).to_be_visible()
        expect(page.get_by_role("button", name="Menú")).to_be_hidden()
    finally:
        context.close()


def test_htmx_requests_carry_the_csrf_token(live_server, page):
    # Given a signed-in user on a page of the layout (htmx and siges.js loaded)
    create_user(role="teacher", dui=make_dui(33_445_566))
    page.goto(f"{live_server.url}/cuentas/ingresar/")
    page.locator('main input[name="dui"]').fill(make_dui(33_445_566))
    page.locator('main input[name="password"]').fill(DEFAULT_PASSWORD)
    page.locator('main button[type="submit"]').click()
    expect(page.locator('section[data-role="teacher"]')).to_be_visible()

    # When htmx POSTs to a CSRF-protected view with no token in the form data
    with page.expect_response(lambda response: "/i18n/setlang/" in response.url) as answer:
        page.evaluate(
            "htmx.ajax('POST', '/i18n/setlang/', {values: {language: 'es'}, swap: 'none'})"
        )

    # Then Django accepts it (a 403 would mean the X-CSRFToken header was missing)
    assert answer.value.status == 302
    assert answer.value.request.headers["x-csrftoken"] == page.locator(
        'meta[name="csrf-token"]'
    ).get_attribute("content")
