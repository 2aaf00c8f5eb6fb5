"""The reference process end to end in a real browser: a citizen requests a correction of
personal data with evidence attached → a technician checks it from the Bandeja → a ministry
officer approves it from their own Bandeja → the person's record changed and the citizen sees
the outcome on the ticket → an auditor opens the process page: the diagram, the path taken,
who did each step and the events chained on the process.

Screenshots at phone (390x844) and desktop size go to var/screens/.
"""

import re
from pathlib import Path

import pytest
from django.apps import apps as django_apps
from playwright.sync_api import Browser, Page, expect

from core.accounts.models import Person
from core.audit.models import AuditEvent
from core.workflow import process_chain_key
from helpdesk.catalogue import load_catalogue
from helpdesk.choices import TicketStatus
from helpdesk.models import Service, Team, Ticket
from notifications.models import OutboxMessage
from tests.factories import DEFAULT_PASSWORD, create_user
from workflows.data_correction.models import DataCorrection

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
SMALL_PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}
SCREENS = Path(__file__).resolve().parents[2] / "var" / "screens"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def people(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    load_catalogue(django_apps)  # shipped by a migration; a transactional test may flush it
    service = Service.objects.select_related("queue").get(code="correccion-de-datos-personales")
    technician = create_user(role="technician", first_names="Tomás", last_names="Técnico")
    team = Team.objects.create(name="Registro académico")
    team.queues.add(service.queue)
    team.members.add(technician)
    return {
        "service": service,
        "technician": technician,
        "officer": create_user(
            role="ministry_officer", first_names="Olga", last_names="Oficial Nacional"
        ),
        "auditor": create_user(role="auditor", first_names="Aurora", last_names="Auditora"),
        "citizen": create_user(
            role="citizen",
            first_names="Carmen Elena",
            last_names="Rivas Molina",
            email="carmen@example.sv",
        ),
    }


def new_page(browser: Browser, viewport: dict[str, int] = PHONE) -> Page:
    context = browser.new_context(viewport=viewport, locale="es-SV")
    page = context.new_page()
    page.set_default_timeout(10_000)
    return page


def log_in(page: Page, base: str, user, next_path: str) -> None:
    page.goto(f"{base}/cuentas/ingresar/?next={next_path}")
    form = page.locator("main form")
    form.locator('input[name="dui"]').fill(user.dui.replace("-", ""))
    form.locator('input[name="password"]').fill(DEFAULT_PASSWORD)
    form.locator('button[type="submit"]').click()
    expect(page).to_have_url(f"{base}{next_path}")


def shoot(page: Page, name: str) -> None:
    """Check the page fits the smallest phone (360 px), then take full-page screenshots at
    phone and desktop size."""
    SCREENS.mkdir(parents=True, exist_ok=True)
    size = page.viewport_size
    page.set_viewport_size(SMALL_PHONE)
    fits(page)
    page.set_viewport_size(PHONE)
    page.screenshot(path=str(SCREENS / f"correccion-{name}-telefono.png"), full_page=True)
    page.set_viewport_size(DESKTOP)
    page.screenshot(path=str(SCREENS / f"correccion-{name}-escritorio.png"), full_page=True)
    page.set_viewport_size(size)


def fits(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]


def work_task_from_bandeja(page: Page, base: str, title: str, choice: str, **fill: str) -> None:
    """Open the task titled ``title`` from the Bandeja, take it and complete its form."""
    page.goto(f"{base}/bandeja/")
    page.get_by_role("link", name=title).click()
    expect(page).to_have_url(re.compile(r"/procesos/tareas/\d+/$"))
    page.get_by_role("button", name="Tomar").click()
    expect(page.get_by_text("Usted", exact=True)).to_be_visible()
    page.get_by_label(choice).check()
    for label, text in fill.items():
        page.get_by_label(label).fill(text)


def test_citizen_requests_technician_checks_officer_approves_auditor_reviews(
    live_server, browser, people
):
    base = live_server.url
    citizen, technician, officer = people["citizen"], people["technician"], people["officer"]

    # --- The citizen asks for the correction with the evidence attached ------------------------
    citizen_page = new_page(browser)
    log_in(citizen_page, base, citizen, "/tramites/")
    citizen_page.get_by_role("link", name="Solicitar Corrección de datos personales").click()
    expect(citizen_page.get_by_role("heading", level=1)).to_have_text(
        "Corrección de datos personales"
    )
    citizen_page.get_by_label("Registro a corregir").select_option("propio")
    citizen_page.get_by_label("Dato a corregir").select_option("nombres")
    citizen_page.get_by_label("Cómo aparece ahora").fill("Carmen Elena")
    citizen_page.get_by_label("Cómo debe aparecer").fill("Carmen Helena")
    citizen_page.get_by_label(
        "Documento de respaldo (partida de nacimiento o DUI)"
    ).set_input_files([{"name": "partida.pdf", "mimeType": "application/pdf", "buffer": PDF}])
    citizen_page.get_by_label("Descripción").fill("Mi nombre se escribe con hache.")
    fits(citizen_page)
    shoot(citizen_page, "1-solicitud")
    citizen_page.get_by_role("button", name="Enviar solicitud").click()

    ticket = Ticket.objects.get()
    process = DataCorrection.objects.get(ticket=ticket)
    task_title = f"{ticket.number} · Nombres"
    expect(citizen_page).to_have_url(f"{base}/tramites/caso/{ticket.number}/")
    expect(
        citizen_page.get_by_text(
            "Corrección de datos personales · En curso · paso actual: Revisar el respaldo"
        )
    ).to_be_visible()
    fits(citizen_page)

    # --- The technician checks the evidence from the Bandeja (and never edits the record) ------
    tech_page = new_page(browser)
    log_in(tech_page, base, technician, "/bandeja/")
    expect(tech_page.get_by_role("link", name=task_title)).to_be_visible()
    fits(tech_page)
    work_task_from_bandeja(tech_page, base, task_title, "Enviar a aprobación")
    expect(tech_page.get_by_text("Carmen Helena")).to_be_visible()
    with tech_page.expect_download() as download:
        tech_page.get_by_role("link", name="partida.pdf").click()
    assert download.value.suggested_filename == "partida.pdf"
    fits(tech_page)
    shoot(tech_page, "2-revision-del-respaldo")
    tech_page.get_by_role("button", name="Enviar la revisión").click()
    expect(tech_page).to_have_url(f"{base}/bandeja/")
    expect(tech_page.get_by_text("Tarea realizada.")).to_be_visible()
    assert Person.objects.get(pk=citizen.person_id).first_names == "Carmen Elena"

    # --- A ministry officer approves from their own Bandeja ------------------------------------
    officer_page = new_page(browser)
    log_in(officer_page, base, officer, "/bandeja/")
    expect(officer_page.get_by_role("link", name=task_title)).to_be_visible()
    expect(officer_page.get_by_text("Aprobar la corrección")).to_be_visible()
    fits(officer_page)
    shoot(officer_page, "3-bandeja-del-funcionario")
    work_task_from_bandeja(
        officer_page,
        base,
        task_title,
        "Aprobar",
        **{"Comentario o motivo": "Partida de nacimiento conforme."},
    )
    expect(officer_page.get_by_text("Valor en el registro al solicitar")).to_be_visible()
    shoot(officer_page, "4-aprobacion")
    officer_page.get_by_role("button", name="Registrar la decisión").click()
    expect(officer_page.get_by_text("Tarea realizada.")).to_be_visible()

    # --- The record changed; the citizen sees the outcome on the ticket and got an email -------
    assert Person.objects.get(pk=citizen.person_id).first_names == "Carmen Helena"
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.RESOLVED
    assert OutboxMessage.objects.filter(
        recipient=citizen.person, template="data_correction_outcome", channel="email"
    ).exists()
    citizen_page.reload()
    outcome = (
        "Su solicitud de corrección fue aprobada: el dato «Nombres» ahora es «Carmen Helena». "
        "Comentario: Partida de nacimiento conforme."
    )
    expect(citizen_page.get_by_text(outcome)).to_be_visible()
    expect(citizen_page.get_by_text("Corrección de datos personales · Terminado")).to_be_visible()
    fits(citizen_page)
    shoot(citizen_page, "5-resultado-para-el-ciudadano")

    # --- An auditor opens the process page --------------------------------------------------
    auditor_page = new_page(browser)
    log_in(auditor_page, base, people["auditor"], f"/procesos/{process.pk}/")
    expect(auditor_page.get_by_role("heading", level=1)).to_have_text(task_title)
    expect(auditor_page.get_by_role("heading", name="Diagrama del trámite")).to_be_visible()
    # Drawn in the browser (Graphviz as WebAssembly): no program needed on the server.
    expect(auditor_page.locator("figure.diagram svg")).to_be_visible()
    tasks = auditor_page.locator(
        "div.card", has=auditor_page.get_by_role("heading", name="Tareas", exact=True)
    )
    expect(tasks.locator("tr", has_text="Revisar el respaldo")).to_contain_text("Tomás Técnico")
    expect(tasks.locator("tr", has_text="Aprobar la corrección")).to_contain_text(
        "Olga Oficial Nacional"
    )
    history = auditor_page.locator(
        "div.card", has=auditor_page.get_by_role("heading", name=re.compile("Historial"))
    )
    chain = AuditEvent.objects.filter(chain_key=process_chain_key(process.pk)).order_by("seq")
    assert [e.action for e in chain] == [
        "process.start",
        "task.assign",
        "task.execute",
        "task.assign",
        "task.execute",
    ]
    rows = history.locator("tbody tr")
    expect(rows).to_have_count(5)
    expect(rows.nth(0)).to_contain_text("Carmen Elena Rivas Molina")
    expect(rows.nth(2)).to_contain_text("Tomás Técnico")
    expect(rows.nth(4)).to_contain_text("Olga Oficial Nacional")
    expect(auditor_page.get_by_role("link", name="partida.pdf")).to_be_visible()
    summary = auditor_page.locator("dl").first
    expect(summary.locator("dt:text-is('Revisó el respaldo') + dd")).to_have_text("Tomás Técnico")
    expect(summary.locator("dt:text-is('Decidió') + dd")).to_have_text("Olga Oficial Nacional")
    fits(auditor_page)
    shoot(auditor_page, "6-proceso-para-auditoria")
