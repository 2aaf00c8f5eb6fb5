"""In a real browser, at phone (390x844) and desktop (1280x800) size: a new visitor walks the
public home page to the catalogue, the school directory and the login; an auditor finds a case's
history by its number and reads it in Spanish, with the raw codes on demand.

Screenshots of every step are saved in var/screens/ for a person to look at.
"""

from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from core.audit.models import AuditEvent
from core.audit.services import chain_key_for
from helpdesk import services
from helpdesk.models import Queue, Service, SlaPolicy, Team
from tests.factories import DEFAULT_PASSWORD, create_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENS = Path(__file__).resolve().parents[2] / "var" / "screens"
SIZES = {"telefono": {"width": 390, "height": 844}, "escritorio": {"width": 1280, "height": 800}}


def open_page(browser: Browser, size: str, violations: list[str]) -> Page:
    context = browser.new_context(viewport=SIZES[size], locale="es-SV")
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.on(
        "console",
        lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None,
    )
    return page


def shot(page: Page, name: str) -> None:
    SCREENS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENS / f"{name}.png"), full_page=True)


def no_sideways_scroll(page: Page, size: str) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= SIZES[size]["width"]


@pytest.mark.parametrize("size", list(SIZES))
def test_a_visitor_walks_the_public_home_page(live_server, browser, size):
    violations: list[str] = []
    page = open_page(browser, size, violations)

    # A new visitor opens SIGES
    page.goto(f"{live_server.url}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "SIGES: sus trámites de educación, en línea"
    )
    no_sideways_scroll(page, size)
    shot(page, f"inicio-publico-{size}")

    # The catalogue
    page.get_by_role("link", name="Ver el catálogo de trámites").click()
    expect(page).to_have_url(f"{live_server.url}/tramites/")
    no_sideways_scroll(page, size)
    page.go_back()

    # The school directory
    page.get_by_role("link", name="Buscar un centro educativo").click()
    expect(page).to_have_url(f"{live_server.url}/centros/")
    page.go_back()

    # And the login, by DUI
    page.get_by_role("link", name="Ingresar con su DUI").click()
    expect(page).to_have_url(f"{live_server.url}/cuentas/ingresar/")
    expect(page.locator('main input[name="dui"]')).to_be_visible()
    assert violations == []
    page.context.close()


@pytest.fixture
def resolved_ticket(db):
    policy = SlaPolicy.objects.create(
        code="navegador-auditoria",
        name="Prueba",
        first_response_target=timedelta(hours=4),
        resolution_target=timedelta(hours=27),
    )
    queue = Queue.objects.create(code="auditoria-navegador", name="Soporte (prueba)")
    service = Service.objects.create(
        code="consulta-auditoria", name="Consulta", queue=queue, sla_policy=policy
    )
    technician = create_user(role="technician", first_names="Rosa", last_names="Martínez")
    team = Team.objects.create(name="Equipo de prueba")
    team.queues.add(queue)
    team.members.add(technician)
    requester = create_user(role="citizen", first_names="Carmen", last_names="Rivas")
    ticket = services.ticket_create(
        requester=requester,
        service=service,
        data={},
        subject="No puedo ingresar",
        description="Mi cuenta está bloqueada.",
    )
    services.ticket_claim(actor=technician, ticket=ticket)
    services.ticket_set_priority(actor=technician, ticket=ticket, priority="high")
    services.ticket_resolve(actor=technician, ticket=ticket, message="Cuenta desbloqueada.")
    return ticket


@pytest.mark.parametrize("size", list(SIZES))
def test_an_auditor_finds_a_case_history_by_its_number(live_server, browser, resolved_ticket, size):
    auditor = create_user(role="auditor")
    events = AuditEvent.objects.filter(chain_key=chain_key_for(resolved_ticket)).count()
    violations: list[str] = []
    page = open_page(browser, size, violations)

    # The auditor logs in and opens the audit trail
    page.goto(f"{live_server.url}/cuentas/ingresar/?next=/auditoria/")
    page.locator('main input[name="dui"]').fill(auditor.dui)
    page.locator('main input[name="password"]').fill(DEFAULT_PASSWORD)
    page.locator('main button[type="submit"]').click()
    expect(page).to_have_url(f"{live_server.url}/auditoria/")

    # types the case number as the requester wrote it down, in lower case
    page.get_by_label("Número de caso").fill(resolved_ticket.number.lower())
    page.get_by_role("button", name="Buscar").click()

    # and reads the case's history in Spanish, with its integrity
    case = page.locator(".audit-case")
    expect(case.get_by_role("heading")).to_contain_text(
        f"Historial del caso {resolved_ticket.number}"
    )
    expect(case).to_contain_text(f"1 cadena, {events} eventos, íntegra")
    rows = page.locator(".audit-table tbody tr")
    expect(rows).to_have_count(events)
    first = rows.first
    expect(first).to_contain_text("Caso resuelto")
    expect(first).to_contain_text("En proceso → Resuelto")
    expect(first.locator("code", has_text="ticket.resolve")).to_be_hidden()
    no_sideways_scroll(page, size)
    shot(page, f"auditoria-caso-{size}")

    # The raw codes are there on demand
    first.locator("summary").click()
    expect(first.locator("code", has_text="ticket.resolve")).to_be_visible()
    priority = rows.filter(has_text="Prioridad cambiada")
    priority.locator("summary").click()
    expect(priority).to_contain_text("Prioridad nueva")
    expect(priority).to_contain_text("Alta")
    no_sideways_scroll(page, size)
    shot(page, f"auditoria-caso-codigos-{size}")

    # and the chain, step by step
    case.get_by_role("link", name=f"Cadena {chain_key_for(resolved_ticket)} paso a paso").click()
    expect(page.locator(".audit-event")).to_have_count(events)
    no_sideways_scroll(page, size)
    shot(page, f"auditoria-cadena-{size}")
    assert violations == []
    page.context.close()
