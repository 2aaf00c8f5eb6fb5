"""The help desk end to end on a 360 px phone: a citizen requests a trámite from the catalogue
(filling the service's own fields and attaching a file), follows it on its page and adds a
message; a technician of the team serving the queue claims it from the Bandeja and replies; the
citizen's email reply lands on the ticket through the inbound webhook (signed reply address);
the technician resolves it; the citizen rates the service."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from playwright.sync_api import Browser, Page, expect

from helpdesk.choices import Channel, EntryKind, FieldType, TicketStatus
from helpdesk.models import (
    Queue,
    SatisfactionRating,
    Service,
    ServiceField,
    SlaPolicy,
    Team,
    Ticket,
)
from notifications.models import OutboxMessage
from tests.factories import DEFAULT_PASSWORD, create_user
from tests.helpdesk.inbound.conftest import (
    DOMAIN,
    SECRET,
    SIGNING_KEY,
    build_mime,
    post_inbound,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 740}
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def helpdesk_setup(settings, tmp_path):
    """A manual queue (tickets wait to be claimed), a service with typed fields, a technician
    in the team serving the queue with a national grant, and a citizen with an email."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.ANYMAIL = {"WEBHOOK_SECRET": SECRET, "MAILGUN_WEBHOOK_SIGNING_KEY": SIGNING_KEY}
    settings.SIGES_INBOUND_DOMAIN = DOMAIN
    policy = SlaPolicy.objects.create(
        code="navegador",
        name="Prueba de navegador",
        first_response_target=timedelta(hours=4),
        resolution_target=timedelta(hours=27),
    )
    queue = Queue.objects.create(code="registro-navegador", name="Registro académico (prueba)")
    service = Service.objects.create(
        code="constancia-de-estudio",
        name="Constancia de estudio",
        description="Constancia de que un estudiante está matriculado.",
        queue=queue,
        sla_policy=policy,
    )
    ServiceField.objects.create(
        service=service,
        key="estudiante",
        label="Nombre del estudiante",
        field_type=FieldType.TEXT,
        order=1,
    )
    ServiceField.objects.create(
        service=service,
        key="dui_responsable",
        label="DUI del responsable",
        field_type=FieldType.DUI,
        order=2,
    )
    ServiceField.objects.create(
        service=service,
        key="uso",
        label="Para qué la necesita",
        field_type=FieldType.CHOICE,
        choices=[["beca", "Solicitud de beca"], ["trabajo", "Trámite laboral"]],
        order=3,
    )
    technician = create_user(
        role="technician", first_names="Tomás", last_names="Técnico", email="tomas@example.sv"
    )
    team = Team.objects.create(name="Registro (prueba)")
    team.queues.add(queue)
    team.members.add(technician)
    citizen = create_user(
        role="citizen", first_names="Carmen", last_names="Ciudadana", email="carmen@example.sv"
    )
    return {"service": service, "technician": technician, "citizen": citizen}


def new_page(browser: Browser, errors: list[str]) -> Page:
    context = browser.new_context(viewport=PHONE, locale="es-SV")
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.on(
        "console",
        lambda m: errors.append(m.text) if "Content Security Policy" in m.text else None,
    )
    return page


def log_in(page: Page, base: str, user, next_path: str) -> None:
    page.goto(f"{base}/cuentas/ingresar/?next={next_path}")
    form = page.locator("main form")
    form.locator('input[name="dui"]').fill(user.dui.replace("-", ""))
    form.locator('input[name="password"]').fill(DEFAULT_PASSWORD)
    form.locator('button[type="submit"]').click()
    expect(page).to_have_url(f"{base}{next_path}")


def fits_the_phone(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_citizen_requests_technician_works_email_reply_lands_and_citizen_rates(
    live_server, browser, helpdesk_setup
):
    base = live_server.url
    citizen = helpdesk_setup["citizen"]
    technician = helpdesk_setup["technician"]
    csp_errors: list[str] = []

    # --- The citizen finds the trámite in the catalogue and requests it -----------------------
    citizen_page = new_page(browser, csp_errors)
    log_in(citizen_page, base, citizen, "/tramites/")
    citizen_page.get_by_label("Buscar un trámite").fill("constancia estudio")
    citizen_page.get_by_role("button", name="Buscar").click()
    expect(citizen_page.get_by_text("1 trámite encontrado.")).to_be_visible()
    expect(
        citizen_page.get_by_text("Respuesta en 4 horas hábiles · solución en 3 días hábiles")
    ).to_be_visible()
    fits_the_phone(citizen_page)
    citizen_page.get_by_role("link", name="Solicitar Constancia de estudio").click()

    expect(citizen_page.get_by_role("heading", level=1)).to_have_text("Constancia de estudio")
    fits_the_phone(citizen_page)
    citizen_page.get_by_label("Nombre del estudiante").fill("José Ciudadano")
    citizen_page.get_by_label("DUI del responsable").fill("045678903")
    citizen_page.get_by_label("Para qué la necesita").select_option("beca")
    citizen_page.get_by_label("Descripción").fill("La necesito para la beca municipal.")
    citizen_page.get_by_label("Archivos adjuntos").set_input_files(
        [{"name": "partida.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    citizen_page.get_by_role("button", name="Enviar solicitud").click()

    ticket = Ticket.objects.get()
    expect(citizen_page).to_have_url(f"{base}/tramites/caso/{ticket.number}/")
    expect(citizen_page.get_by_role("status").first).to_contain_text(
        f"Su número de caso es {ticket.number}"
    )
    expect(citizen_page.get_by_role("heading", level=1)).to_contain_text(ticket.number)
    expect(citizen_page.get_by_text("04567890-3")).to_be_visible()
    expect(citizen_page.get_by_text("Solicitud de beca")).to_be_visible()
    expect(citizen_page.get_by_role("link", name="partida.pdf")).to_be_visible()
    fits_the_phone(citizen_page)
    assert ticket.form_data == {
        "estudiante": "José Ciudadano",
        "dui_responsable": "04567890-3",
        "uso": "beca",
    }

    # ... and adds a message from the ticket page
    citizen_page.get_by_label("Su mensaje").fill("Olvidé decir que es para 7.º grado.")
    citizen_page.get_by_role("button", name="Enviar mensaje").click()
    expect(citizen_page.get_by_text("Su mensaje se agregó al caso.")).to_be_visible()
    expect(citizen_page.get_by_text("Olvidé decir que es para 7.º grado.")).to_be_visible()

    # --- The technician claims it from the Bandeja and replies --------------------------------
    staff_page = new_page(browser, csp_errors)
    log_in(staff_page, base, technician, "/bandeja/")
    fits_the_phone(staff_page)
    row = staff_page.locator("tr", has_text=ticket.number)
    row.get_by_role("checkbox").check()
    staff_page.get_by_role("button", name="Tomar").click()
    mine = staff_page.locator(
        "section", has=staff_page.get_by_role("heading", name=re.compile("Asignados a mí"))
    )
    expect(mine.locator("tr", has_text=ticket.number)).to_be_visible()
    ticket.refresh_from_db()
    assert ticket.assignee == technician
    mine.get_by_role("link", name=ticket.subject).click()

    expect(staff_page).to_have_url(f"{base}/mesa/casos/{ticket.number}/")
    fits_the_phone(staff_page)
    staff_page.get_by_label("Respuesta al solicitante").fill(
        "Hola Carmen: ¿la constancia es para el año en curso?"
    )
    staff_page.get_by_role("button", name="Enviar respuesta").click()
    expect(staff_page.get_by_text("¿la constancia es para el año en curso?")).to_be_visible()
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.IN_PROGRESS
    assert ticket.first_responded_at is not None

    # The other actions are closed sections: opening one fetches its form (htmx), which posts.
    priority = staff_page.locator("details#prioridad")
    expect(priority.get_by_label("Prioridad")).to_have_count(0)
    priority.locator("summary").click()
    priority.get_by_label("Prioridad").select_option("high")
    fits_the_phone(staff_page)
    priority.get_by_role("button", name="Cambiar prioridad").click()
    expect(staff_page.get_by_text("Prioridad actualizada.")).to_be_visible()
    ticket.refresh_from_db()
    assert ticket.priority == "high"

    # --- The citizen answers by email: it lands on the ticket through the webhook -------------
    emailed = OutboxMessage.objects.filter(
        template="ticket_reply", channel="email", recipient=citizen.person
    ).latest("pk")
    assert emailed.reply_to.endswith(f"@{DOMAIN}")
    mime = build_mime(
        sender="carmen@example.sv",
        to=emailed.reply_to,
        body=(
            "Sí, para este año. Gracias.\n\nEl lun, 2 feb 2026, SIGES escribió:\n> ¿la constancia?"
        ),
    )
    webhook = post_inbound(Client(), mime, recipient=emailed.reply_to)
    assert webhook.status_code == 200

    staff_page.reload()
    expect(staff_page.get_by_text("Sí, para este año. Gracias.")).to_be_visible()
    expect(staff_page.get_by_text("por correo electrónico")).to_be_visible()
    email_entry = ticket.entries.get(channel=Channel.EMAIL)
    assert (email_entry.author, email_entry.kind) == (citizen, EntryKind.REPLY)

    # --- The technician resolves it -----------------------------------------------------------
    resolve = staff_page.locator("details#resolver")
    resolve.locator("summary").click()
    resolve.get_by_label("Mensaje de resolución").fill("Su constancia está lista: la adjuntamos.")
    resolve.get_by_role("button", name="Resolver el caso").click()
    expect(staff_page.locator("#titulo-caso")).to_be_visible()
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.RESOLVED

    # --- The citizen sees the resolution and rates the service -------------------------------
    citizen_page.goto(f"{base}/tramites/caso/{ticket.number}/")
    expect(citizen_page.get_by_text("Su constancia está lista: la adjuntamos.")).to_be_visible()
    expect(citizen_page.get_by_text("Sí, para este año. Gracias.")).to_be_visible()
    citizen_page.get_by_label("5 · Muy satisfecho").check()
    citizen_page.get_by_label("Comentario (opcional)").fill("Rápido y claro.")
    citizen_page.get_by_role("button", name="Enviar calificación").click()
    expect(citizen_page.get_by_text("Gracias por calificar la atención recibida.")).to_be_visible()
    expect(citizen_page.get_by_text("Calificó la atención con 5 de 5.")).to_be_visible()
    fits_the_phone(citizen_page)

    rating = SatisfactionRating.objects.get(ticket=ticket)
    assert (rating.rating, rating.comment, rating.rated_by) == (5, "Rápido y claro.", citizen)
    # "Mis trámites" lists it as resolved
    citizen_page.goto(f"{base}/tramites/mis-tramites/")
    expect(
        citizen_page.locator("li", has_text=ticket.number).get_by_text("Resuelto").first
    ).to_be_visible()
    fits_the_phone(citizen_page)
    assert csp_errors == []
