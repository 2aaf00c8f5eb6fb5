"""Charts and diagrams really draw in Chromium, under the site's CSP, on a phone and a desktop;
screenshots of each go to var/screens/ for a person to look at."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.db import transaction
from playwright.sync_api import Browser, Page, expect

from core.diagrams import process_diagram, registry
from helpdesk.models import SlaPolicy, Team
from helpdesk.services import ticket_claim
from tests.factories import DEFAULT_PASSWORD, create_user, make_dui
from tests.helpdesk.conftest import make_queue, make_service, open_ticket
from tests.workflowapp.flows import ReviewFlow

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


@pytest.fixture
def busy_team():
    """Two queues, three technicians with some cases each, a few unassigned; a supervisor."""
    policy = SlaPolicy.objects.create(
        code="graficos",
        name="Prueba de gráficos",
        first_response_target=timedelta(hours=4),
        resolution_target=timedelta(hours=27),
    )
    citizen = create_user(role="citizen")
    people = [
        create_user(role="technician", first_names=first, last_names=last)
        for first, last in [
            ("Ana María", "Zelaya Portillo"),
            ("Roberto Carlos", "Alas Hernández"),
            ("Marta Lidia", "Guevara"),
        ]
    ]
    for index, code in enumerate(["soporte-navegador", "titulos-navegador"]):
        queue = make_queue(code)
        team = Team.objects.create(name=f"Equipo {code}")
        team.queues.add(queue)
        team.members.add(*people)
        service = make_service(queue, policy, code=f"servicio-{code}")
        for number in range(5 + 3 * index):
            ticket = open_ticket(citizen, service)
            if number % 4:
                ticket_claim(actor=people[number % 3], ticket=ticket)
    return create_user(role="supervisor", dui=make_dui(34_567_890))


@pytest.mark.parametrize(("size", "viewport"), [("telefono", PHONE), ("escritorio", DESKTOP)])
def test_the_report_and_workload_charts_draw_in_the_browser(
    live_server, browser, busy_team, size, viewport
):
    problems: list[str] = []
    page = open_page(browser, viewport, problems)

    # When the supervisor opens the report
    log_in(page, live_server.url, busy_team, "/mesa/reportes/")

    # Then Chart.js draws both charts on their canvases, and the tables stay beside them
    charts = page.locator("[data-chart]")
    expect(charts).to_have_count(2)
    for index in range(2):
        expect(charts.nth(index)).to_have_attribute("data-drawn", "true")
        expect(charts.nth(index)).to_be_visible()
    assert page.evaluate(
        "Array.from(document.querySelectorAll('[data-chart] canvas'))"
        ".every(c => window.Chart.getChart(c) && c.width > 0 && c.height > 0)"
    )
    expect(page.locator("table")).to_have_count(2)
    # The day-by-day table folds once its chart is drawn; the per-queue one stays open
    expect(page.locator("details[data-chart-fold]")).not_to_have_attribute("open", "")
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    screenshot(page, f"reporte-{size}.png")

    # When they open the team's workload
    page.get_by_role("link", name="Carga del equipo").click()

    # Then each technician has a bar, stacked by status
    chart = page.locator("[data-chart]")
    expect(chart).to_have_attribute("data-drawn", "true")
    labels = page.evaluate(
        "window.Chart.getChart(document.querySelector('[data-chart] canvas')).data.labels"
    )
    # (three cases each: equal loads are listed by name; long names on two lines)
    assert labels == [
        ["Ana María Zelaya", "Portillo"],
        ["Marta Lidia", "Guevara"],
        ["Roberto Carlos", "Alas Hernández"],
    ]
    expect(page.locator("tbody tr")).to_have_count(3)
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    assert problems == []
    screenshot(page, f"carga-del-equipo-{size}.png")


def test_a_viewflow_flow_and_one_process_path_draw_in_the_browser(
    live_server, browser, monkeypatch
):
    # Given the test app's flow registered as a diagram, and one process started on it
    monkeypatch.setattr(registry, "_REGISTRY", dict(registry._REGISTRY))
    registry.register_flow_diagram(slug="revision-de-prueba", flow_class=ReviewFlow)
    with transaction.atomic():
        process = ReviewFlow.start.run(title="Prueba")
    run = process_diagram(process)
    supervisor = create_user(role="supervisor", dui=make_dui(45_678_901))
    problems: list[str] = []
    page = open_page(browser, DESKTOP, problems)

    # When a supervisor opens the flow's page
    log_in(page, live_server.url, supervisor, "/diagramas/revision-de-prueba/")

    # Then it draws: start, the review task, end
    canvas = page.locator(".diagram-canvas")
    expect(canvas).to_have_attribute("data-drawn", "true")
    expect(canvas.locator("g.node")).to_have_count(3)
    # And the same renderer draws the process's path: one step taken, one task current
    drawn = page.evaluate(
        """dot => Viz.instance().then(viz => {
            const svg = viz.renderSVGElement(dot);
            return [svg.querySelectorAll("g.node.actual").length,
                    svg.querySelectorAll("g.edge.recorrido").length];
        })""",
        run.dot,
    )
    assert drawn == [1, 1]
    assert problems == []
    screenshot(page, "flujo-escritorio.png")
