"""Fixtures of the portal tests: uploads, a requester's logged-in client, tickets in the states
the pages care about (always reached through the services)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from helpdesk.models import Service
from helpdesk.services import ticket_add_note, ticket_claim, ticket_reply, ticket_resolve
from tests.helpdesk.conftest import open_ticket

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf(name: str = "constancia.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def text_file(name: str = "notas.txt", content: str = "Datos de mi caso.\n") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content.encode(), content_type="text/plain")


@pytest.fixture(autouse=True)
def _only_test_services(db):
    """The shipped catalogue (migration 0002) is switched off: tests see their own services."""
    Service.objects.update(is_active=False)


@pytest.fixture
def requester_client(requester) -> Client:
    client = Client()
    client.force_login(requester)
    return client


@pytest.fixture
def ticket(requester, service):
    return open_ticket(requester, service)


@pytest.fixture
def worked_ticket(ticket, technician):
    """Claimed and answered by the technician, with an internal note (and its file) that the
    requester must never see."""
    ticket_claim(actor=technician, ticket=ticket)
    ticket_reply(actor=technician, ticket=ticket, body="Estamos revisando su cuenta.")
    ticket_add_note(
        actor=technician,
        ticket=ticket,
        body="NOTA-INTERNA: el DUI no coincide con el padrón.",
        files=[text_file("padron-interno.txt", "interno")],
    )
    return ticket


@pytest.fixture
def resolved_ticket(worked_ticket, technician):
    ticket_resolve(actor=technician, ticket=worked_ticket, message="Listo: ya puede ingresar.")
    return worked_ticket
