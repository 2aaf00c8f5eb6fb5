"""Requesting a trámite from the portal: the service's own form, a description and files."""

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from core.accounts.dui import CHECK_MESSAGE
from core.audit.models import AuditEvent
from helpdesk.choices import Channel, EntryKind, FieldType, TicketStatus
from helpdesk.models import Attachment, ServiceField, Ticket, TicketEntry
from tests.helpdesk.conftest import make_service
from tests.helpdesk.portal.conftest import pdf, text_file

pytestmark = pytest.mark.django_db


@pytest.fixture
def rich_service(service):
    """The fixture service ("detalle", text) plus a DUI, a choice and an optional file."""
    ServiceField.objects.create(
        service=service,
        key="dui_titular",
        label="DUI del titular",
        field_type=FieldType.DUI,
        order=2,
    )
    ServiceField.objects.create(
        service=service,
        key="motivo",
        label="Motivo",
        field_type=FieldType.CHOICE,
        choices=[["extravio", "Extravío"], ["deterioro", "Deterioro"]],
        order=3,
    )
    ServiceField.objects.create(
        service=service,
        key="constancia",
        label="Constancia",
        field_type=FieldType.FILE,
        required=False,
        order=4,
    )
    return service


def url(service) -> str:
    return reverse("helpdesk:request_create", args=[service.code])


def test_anonymous_visitors_are_sent_to_log_in_first(client, service):
    response = client.get(url(service))
    assert response.status_code == 302
    assert response["Location"] == f"/cuentas/ingresar/?next={url(service)}"


def test_the_form_shows_the_service_fields_with_labels(requester_client, rich_service):
    response = requester_client.get(url(rich_service))

    assert response.status_code == 200
    body = response.content.decode()
    for name, label in [
        ("detalle", "Detalle"),
        ("dui_titular", "DUI del titular"),
        ("motivo", "Motivo"),
        ("constancia", "Constancia"),
        ("solicitud-description", "Descripción"),
        ("solicitud-attachments", "Archivos adjuntos"),
    ]:
        assert f'<label for="id_{name}">{label}' in body
    assert 'name="solicitud-attachments"' in body
    assert "multiple" in body
    assert 'enctype="multipart/form-data"' in body


def test_a_valid_request_opens_a_ticket_and_shows_its_number(
    requester, requester_client, rich_service
):
    # When the citizen fills the service's fields, a description and two files
    response = requester_client.post(
        url(rich_service),
        {
            "detalle": "Perdí mi título",
            "dui_titular": "123456784",
            "motivo": "extravio",
            "constancia": pdf("denuncia.pdf"),
            "solicitud-subject": "Reposición urgente",
            "solicitud-description": "Lo necesito para un empleo.",
            "solicitud-attachments": [pdf("dui.pdf"), text_file("notas.txt")],
        },
    )

    # Then one ticket exists with the cleaned answers, and the citizen lands on its page
    ticket = Ticket.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("helpdesk:ticket_detail", args=[ticket.number])
    assert ticket.requester == requester
    assert ticket.service == rich_service
    assert ticket.subject == "Reposición urgente"
    assert ticket.channel == Channel.WEB
    assert ticket.status == TicketStatus.NEW
    constancia = Attachment.objects.get(original_name="denuncia.pdf")
    assert ticket.form_data == {
        "detalle": "Perdí mi título",
        "dui_titular": "12345678-4",
        "motivo": "extravio",
        "constancia": {"attachment_id": constancia.pk, "name": "denuncia.pdf"},
    }
    entry = TicketEntry.objects.get(ticket=ticket)
    assert (entry.kind, entry.body, entry.author) == (
        EntryKind.REPLY,
        "Lo necesito para un empleo.",
        requester,
    )
    assert sorted(a.original_name for a in entry.attachments.all()) == [
        "denuncia.pdf",
        "dui.pdf",
        "notas.txt",
    ]
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        f"Recibimos su solicitud. Su número de caso es {ticket.number}: úselo para "
        "consultar su trámite."
    ]


def _counts() -> tuple[int, int, int, int]:
    return (
        Ticket.objects.count(),
        TicketEntry.objects.count(),
        Attachment.objects.count(),
        AuditEvent.objects.count(),
    )


def test_bad_input_shows_spanish_errors_and_creates_nothing(requester_client, rich_service):
    before = _counts()

    # When the DUI's check digit is wrong, the choice is tampered with, a required field is
    # missing and one of the files is not an allowed type
    response = requester_client.post(
        url(rich_service),
        {
            "dui_titular": "12345678-5",
            "motivo": "otro",
            "solicitud-description": "Hola",
            "solicitud-attachments": [
                pdf("bien.pdf"),
                text_file("programa.exe", "MZ\x00\x00binario"),
            ],
        },
    )

    # Then the form comes back with every problem and nothing was written
    assert response.status_code == 400
    assert _counts() == before
    service_form = response.context["service_form"]
    details_form = response.context["details_form"]
    assert service_form.errors["detalle"] == ["Este campo es requerido."]
    assert service_form.errors["dui_titular"] == [str(CHECK_MESSAGE)]
    assert service_form.errors["motivo"] == [
        "Escoja una opción válida. otro no es una de las opciones disponibles."
    ]
    assert details_form.errors["attachments"] == [
        "«programa.exe» no es de un tipo permitido. Adjunte PDF, PNG, JPEG, texto, "
        "documentos de Word (.docx) u hojas de Excel (.xlsx)."
    ]
    body = response.content.decode()
    assert "Revise los datos marcados: su solicitud todavía no se ha enviado." in body
    # What was typed is kept
    assert ">\nHola</textarea>" in body


def test_too_many_files_are_refused(settings, requester_client, service):
    settings.HELPDESK_MAX_FILES_PER_ENTRY = 1
    before = _counts()

    response = requester_client.post(
        url(service),
        {"detalle": "x", "solicitud-attachments": [pdf("a.pdf"), pdf("b.pdf")]},
    )

    assert response.status_code == 400
    assert response.context["details_form"].errors["attachments"] == [
        "Puede adjuntar como máximo 1 archivos por mensaje."
    ]
    assert _counts() == before


def test_a_person_the_service_does_not_admit_gets_403_and_nothing_is_created(
    make_user, queue, sla_policy
):
    # Given a service for teachers only, and a citizen
    restricted = make_service(
        queue, sla_policy, code="licencia", any_citizen=False, allowed_roles=["teacher"]
    )
    client = Client()
    client.force_login(make_user(role="citizen"))
    before = _counts()

    # When the citizen opens the form or posts it anyway
    page = client.get(url(restricted))
    post = client.post(url(restricted), {"detalle": "Permiso"})

    # Then both are refused and nothing was created
    assert page.status_code == 403
    assert post.status_code == 403
    assert Ticket.objects.count() == before[0]
    assert TicketEntry.objects.count() == before[1]


def test_a_teacher_may_request_the_teachers_service(make_user, queue, sla_policy):
    restricted = make_service(
        queue, sla_policy, code="licencia", any_citizen=False, allowed_roles=["teacher"]
    )
    teacher = make_user(role="teacher")
    client = Client()
    client.force_login(teacher)

    response = client.post(url(restricted), {"detalle": "Permiso"})

    assert response.status_code == 302
    assert Ticket.objects.get().requester == teacher


def test_an_unknown_or_inactive_service_answers_404(requester_client, service):
    service.is_active = False
    service.save(update_fields=["is_active"])

    assert requester_client.get(url(service)).status_code == 404
    assert requester_client.get("/tramites/no-existe/solicitar/").status_code == 404


def test_requests_from_the_page_are_throttled(settings, requester_client, service):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "ticket_create": "2/hour",
        },
    }
    from django.core.cache import cache

    cache.clear()
    statuses = [
        requester_client.post(url(service), {"detalle": f"n.º {n}"}).status_code for n in range(3)
    ]

    assert statuses == [302, 302, 429]
    assert Ticket.objects.count() == 2
    cache.clear()
