"""Creating tickets: numbering, SLA deadlines in business time, form validation, first message,
attachments, audit and notifications."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from core.audit.models import AuditEvent
from helpdesk.choices import FieldType, Priority, TicketStatus
from helpdesk.models import (
    Attachment,
    ServiceField,
    SlaPriorityTarget,
    Ticket,
    TicketCounter,
    TicketEntry,
)
from helpdesk.services import ticket_create
from notifications.models import OutboxMessage
from tests.helpdesk.conftest import make_service, open_ticket

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_ticket_gets_a_yearly_number_and_sla_deadlines_in_business_time(clock, requester, service):
    # Given Friday 15:30 (one business hour left in the week)
    clock.set(clock.at(4, 15, 30))

    # When a citizen opens a ticket
    ticket = open_ticket(requester, service)

    # Then it is new, numbered for this year, with deadlines counted in business time
    year = clock.now.year
    assert ticket.number == f"MA-{year}-000001"
    assert ticket.status == TicketStatus.NEW
    assert ticket.queue == service.queue
    assert ticket.priority == Priority.NORMAL
    assert ticket.subject == service.name
    assert ticket.form_data == {"detalle": "No puedo ingresar"}
    assert ticket.created_at == clock.now
    # 2 h first response: 1 h on Friday, 1 h on Monday from 7:30.
    assert ticket.first_response_due_at == clock.at(7, 8, 30)
    # 80 % of 2 h = 96 min: 60 on Friday, 36 on Monday.
    assert ticket.first_response_warn_at == clock.at(7, 8, 6)
    # 9 h resolution: 1 h Friday + 8 h Monday.
    assert ticket.resolution_due_at == clock.at(7, 15, 30)
    # 80 % of 9 h = 7 h 12 min: 1 h Friday + 6 h 12 min Monday.
    assert ticket.resolution_warn_at == clock.at(7, 13, 42)


def test_numbers_follow_one_another(clock, requester, service):
    first = open_ticket(requester, service)
    second = open_ticket(requester, service)
    year = clock.now.year
    assert (first.number, second.number) == (f"MA-{year}-000001", f"MA-{year}-000002")
    assert TicketCounter.objects.get(year=year).last_value == 2


def test_number_prefix_and_width_are_configurable(clock, settings, requester, service):
    settings.HELPDESK_TICKET_PREFIX = "SIGES"
    settings.HELPDESK_TICKET_NUMBER_DIGITS = 4
    assert open_ticket(requester, service).number == f"SIGES-{clock.now.year}-0001"


def test_priority_specific_targets_apply(clock, requester, service, sla_policy):
    # Given urgent tickets get 30 min / 3 h on this service's policy
    SlaPriorityTarget.objects.create(
        policy=sla_policy,
        priority=Priority.URGENT,
        first_response_target=timedelta(minutes=30),
        resolution_target=timedelta(hours=3),
    )
    service.default_priority = Priority.URGENT
    service.save()

    ticket = open_ticket(requester, service)

    assert ticket.priority == Priority.URGENT
    assert ticket.first_response_due_at == clock.now + timedelta(minutes=30)
    assert ticket.resolution_due_at == clock.now + timedelta(hours=3)


def test_description_becomes_the_first_public_message(clock, requester, service):
    ticket = open_ticket(requester, service, description="  Olvidé mi contraseña.  ")
    (entry,) = TicketEntry.objects.filter(ticket=ticket)
    assert (entry.kind, entry.author, entry.body) == ("reply", requester, "Olvidé mi contraseña.")


def test_creation_is_audited_without_the_answers(clock, requester, service):
    ticket = open_ticket(requester, service, detalle="12345678-4")
    event = AuditEvent.objects.get(action="ticket.created")
    assert event.object_id == str(ticket.pk)
    assert event.actor_id == requester.pk
    assert event.to_state == "new"
    assert event.payload["fields"] == ["detalle"]
    assert "12345678-4" not in str(event.payload)


def test_requester_is_notified_by_email_and_in_app(clock, requester, service):
    ticket = open_ticket(requester, service)
    rows = OutboxMessage.objects.filter(recipient=requester.person, template="ticket_created")
    assert sorted(rows.values_list("channel", flat=True)) == ["email", "in_app"]
    email = rows.get(channel="email")
    assert ticket.number in email.subject
    assert "Recibimos su solicitud" in email.body_text
    assert ticket.number in email.body_html


def test_invalid_answers_write_nothing(clock, requester, service):
    with pytest.raises(ValidationError) as excinfo:
        ticket_create(requester=requester, service=service, data={"detalle": ""})
    assert excinfo.value.message_dict == {"detalle": ["Este campo es requerido."]}
    assert Ticket.objects.count() == 0
    assert TicketCounter.objects.count() == 0
    assert OutboxMessage.objects.count() == 0
    assert not AuditEvent.objects.filter(action="ticket.created").exists()


def test_service_restricted_to_roles_refuses_others(clock, make_user, queue, sla_policy):
    # Given a service only teachers may request
    service = make_service(
        queue, sla_policy, code="licencia", any_citizen=False, allowed_roles=["teacher"]
    )
    citizen = make_user(role="citizen")
    teacher = make_user(role="teacher")

    # When a citizen asks for it, it is refused and nothing is written
    with pytest.raises(PermissionDenied):
        open_ticket(citizen, service)
    assert Ticket.objects.count() == 0

    # And a teacher may
    assert open_ticket(teacher, service).requester == teacher


def test_inactive_service_refuses_everyone(clock, requester, service):
    service.is_active = False
    service.save()
    with pytest.raises(PermissionDenied):
        open_ticket(requester, service)
    assert Ticket.objects.count() == 0


def test_files_of_the_form_are_stored_as_attachments(clock, requester, service):
    # Given a service with a required file field
    ServiceField.objects.create(
        service=service, key="respaldo", label="Respaldo", field_type=FieldType.FILE, order=2
    )
    upload = SimpleUploadedFile("partida.pdf", PDF, content_type="application/octet-stream")

    ticket = ticket_create(
        requester=requester,
        service=service,
        data={"detalle": "Corregir mi nombre"},
        files={"respaldo": upload},
    )

    attachment = Attachment.objects.get()
    assert ticket.form_data == {
        "detalle": "Corregir mi nombre",
        "respaldo": {"attachment_id": attachment.pk, "name": "partida.pdf"},
    }
    assert attachment.entry.ticket == ticket
    assert attachment.content_type == "application/pdf"  # from the bytes, not the browser
    assert attachment.size == len(PDF)
    assert attachment.original_name == "partida.pdf"
    # Stored under a random name without the original one or its extension.
    assert "partida" not in attachment.file.name
    assert not attachment.file.name.endswith(".pdf")
    with attachment.file.open("rb") as stored:
        assert stored.read() == PDF


def test_a_disguised_file_is_refused_and_nothing_is_written(clock, requester, service):
    ServiceField.objects.create(
        service=service, key="respaldo", label="Respaldo", field_type=FieldType.FILE, order=2
    )
    fake = SimpleUploadedFile("partida.pdf", b"MZ\x90\x00\x03 not a pdf", "application/pdf")

    with pytest.raises(ValidationError) as excinfo:
        ticket_create(
            requester=requester,
            service=service,
            data={"detalle": "x"},
            files={"respaldo": fake},
        )

    assert list(excinfo.value.message_dict) == ["respaldo"]
    assert Ticket.objects.count() == Attachment.objects.count() == 0


def test_extra_attachments_go_with_the_description(clock, requester, service):
    png = SimpleUploadedFile("captura.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 32)
    ticket = open_ticket(requester, service, attachments=[png])
    attachment = Attachment.objects.get()
    assert attachment.entry == TicketEntry.objects.get(ticket=ticket)
    assert attachment.content_type == "image/png"


def test_subject_is_trimmed_and_bounded(clock, requester, service):
    assert open_ticket(requester, service, subject="  Mi   caso ").subject == "Mi caso"
    with pytest.raises(ValidationError):
        open_ticket(requester, service, subject="x" * 201)
