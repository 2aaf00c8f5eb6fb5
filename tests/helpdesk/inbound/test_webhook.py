"""Email into the help desk through anymail's inbound webhook (Mailgun, raw MIME): replies land
on their ticket through the signed reply address, queue addresses open tickets for verified
senders, and nothing unauthenticated, forged, repeated or automatic gets in."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from core.accounts.models import Person
from core.audit.models import AuditEvent
from helpdesk.choices import Channel, EntryKind, TicketStatus
from helpdesk.inbound import reply_address
from helpdesk.models import Attachment, Ticket, TicketEntry
from helpdesk.services import ticket_claim, ticket_close, ticket_reply, ticket_resolve
from notifications.models import OutboxMessage
from tests.helpdesk.conftest import open_ticket

from .conftest import (
    DOMAIN,
    EXE,
    PDF,
    URL,
    basic_auth,
    build_mime,
    post_inbound,
    register_citizen,
    reply_to_of,
    signed_fields,
)

pytestmark = pytest.mark.django_db

QUOTED_REPLY = (
    "Ya adjunté la constancia que me pidieron.\n"
    "\n"
    "El lun, 2 feb 2026 a las 10:00, SIGES <no-responder@siges.localhost>\n"
    "escribió:\n"
    "> Estimado(a) Ana:\n"
    "> La mesa de ayuda respondió a su caso.\n"
)


def _counts() -> tuple[int, int, int, int]:
    return (
        Ticket.objects.count(),
        TicketEntry.objects.count(),
        Attachment.objects.count(),
        OutboxMessage.objects.filter(template__startswith="helpdesk/").count(),
    )


# --- Authentication of the webhook --------------------------------------------------------------


@pytest.mark.parametrize(
    ("auth", "signed"),
    [
        pytest.param({}, True, id="no-basic-auth"),
        pytest.param(basic_auth("siges-entrada:otra-clave"), True, id="wrong-basic-auth"),
        pytest.param(None, False, id="bad-mailgun-signature"),
    ],
)
def test_unauthenticated_posts_are_refused_and_nothing_is_created(
    client, requester, service, auth, signed
):
    # Given a ticket whose requester's reply would be valid
    ticket = open_ticket(requester, service)
    address = reply_to_of(ticket)
    before = _counts()
    mime = build_mime(sender=requester.person.email, to=address, body="Hola")

    # When the webhook is called without the right credentials
    response = post_inbound(client, mime, recipient=address, auth=auth, signed=signed)

    # Then it is refused and nothing changed
    assert response.status_code == 400
    assert _counts() == before


# --- Replies --------------------------------------------------------------------------------------


def test_reply_lands_on_the_right_ticket_without_the_quoted_history(
    client, requester, service, technician
):
    # Given two tickets of one requester; the technician asked for something on the first
    first = open_ticket(requester, service)
    second = open_ticket(requester, service, detalle="Otro asunto")
    ticket_claim(actor=technician, ticket=first)
    ticket_reply(actor=technician, ticket=first, body="¿Puede enviarnos la constancia?")
    address = reply_to_of(first)

    # When the requester answers the email of the first ticket
    mime = build_mime(
        sender=f"Ana <{requester.person.email.upper()}>", to=address, body=QUOTED_REPLY
    )
    response = post_inbound(client, mime, recipient=address)

    # Then the reply is on the first ticket only, as the requester, by email, without the quote
    assert response.status_code == 200
    entry = TicketEntry.objects.filter(ticket=first, channel=Channel.EMAIL).get()
    assert entry.body == "Ya adjunté la constancia que me pidieron."
    assert entry.author == requester
    assert entry.kind == EntryKind.REPLY
    assert entry.message_id.startswith("<")
    assert entry.message_id.endswith("@correo.example.sv>")
    assert list(second.entries.values_list("channel", flat=True)) == [Channel.WEB]
    # and the assignee was told
    assert OutboxMessage.objects.filter(
        template="ticket_requester_replied", recipient=technician.person, channel="email"
    ).exists()


def test_the_same_message_delivered_twice_lands_once(client, requester, service):
    # Given a reply that the ESP posts twice (a retried webhook)
    ticket = open_ticket(requester, service)
    address = reply_to_of(ticket)
    mime = build_mime(sender=requester.person.email, to=address, message_id="<r1@correo.sv>")

    # When it arrives twice
    first = post_inbound(client, mime, recipient=address)
    second = post_inbound(client, mime, recipient=address)

    # Then both are accepted and the message is on the ticket once
    assert (first.status_code, second.status_code) == (200, 200)
    assert TicketEntry.objects.filter(message_id="<r1@correo.sv>").count() == 1
    assert ticket.entries.count() == 2  # the description and the reply
    assert AuditEvent.objects.filter(action="ticket.replied", object_id=str(ticket.pk)).count() == 1


def test_a_forged_token_is_ignored_and_audited(client, requester, service):
    # Given a real reply address with one character of its signature changed
    ticket = open_ticket(requester, service)
    address = reply_to_of(ticket)
    local, domain = address.split("@")
    forged = f"{local[:-1]}{'0' if local[-1] != '0' else '1'}@{domain}"
    before = _counts()

    # When a message is sent to it from the requester's own address
    mime = build_mime(sender=requester.person.email, to=forged)
    response = post_inbound(client, mime, recipient=forged)

    # Then nothing lands, and the attempt is audited without the sender's address
    assert response.status_code == 200
    assert _counts() == before
    event = AuditEvent.objects.get(action="helpdesk.inbound_ignored")
    assert event.payload["reason"] == "forged_token"
    assert event.payload["sender_domain"] == "example.sv"
    assert requester.person.email not in str(event.payload)


def test_a_valid_address_used_from_another_sender_is_ignored_and_audited(
    client, requester, service, make_user
):
    # Given the requester's reply address, known to somebody else
    ticket = open_ticket(requester, service)
    address = reply_to_of(ticket)
    stranger = make_user(role="citizen")
    before = _counts()

    # When that person writes to it from their own address
    mime = build_mime(sender=stranger.person.email, to=address, body="Cierren este caso")
    response = post_inbound(client, mime, recipient=address)

    # Then nothing lands, and the ticket's history records the attempt
    assert response.status_code == 200
    assert _counts() == before
    event = AuditEvent.objects.get(action="ticket.inbound_ignored")
    assert event.object_id == str(ticket.pk)
    assert event.payload["reason"] == "from_mismatch"


def test_a_signed_address_naming_someone_other_than_the_requester_is_ignored(
    client, requester, service, make_user
):
    # Given an address correctly signed for this ticket but for another person
    ticket = open_ticket(requester, service)
    other = make_user(role="citizen")
    address = reply_address(ticket=ticket, person=other.person)
    before = _counts()

    # When that person writes to it from their own address
    post_inbound(client, build_mime(sender=other.person.email, to=address), recipient=address)

    # Then nothing lands, and it is audited
    assert _counts() == before
    assert AuditEvent.objects.get(action="helpdesk.inbound_ignored").payload["reason"] == (
        "unknown_ticket"
    )


def test_a_reply_to_a_resolved_ticket_reopens_it(client, requester, service, technician):
    # Given a resolved ticket
    ticket = open_ticket(requester, service)
    ticket_resolve(actor=technician, ticket=ticket, message="Listo, ya puede ingresar.")
    address = reply_to_of(ticket)

    # When the requester answers that it still fails
    mime = build_mime(sender=requester.person.email, to=address, body="Sigue sin funcionar.")
    post_inbound(client, mime, recipient=address)

    # Then the ticket is reopened with the message
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.REOPENED
    assert ticket.entries.filter(channel=Channel.EMAIL).get().body == "Sigue sin funcionar."


def test_a_reply_to_a_closed_ticket_is_refused_and_the_sender_told(
    client, requester, service, technician
):
    # Given a closed ticket
    ticket = open_ticket(requester, service)
    ticket_resolve(actor=technician, ticket=ticket, message="Resuelto.")
    ticket_close(actor=requester, ticket=ticket)
    address = reply_to_of(ticket)
    entries = ticket.entries.count()

    # When the requester writes to it again
    mime = build_mime(sender=requester.person.email, to=address, body="Una pregunta más")
    post_inbound(client, mime, recipient=address)

    # Then nothing is added and an email explains why
    assert ticket.entries.count() == entries
    answer = OutboxMessage.objects.get(template="helpdesk/inbound_refused", channel="email")
    assert answer.to_address == requester.person.email
    assert ticket.number in answer.body_text
    assert "abra un nuevo caso" in answer.body_text


def test_a_bad_attachment_is_dropped_and_the_sender_told(client, requester, service):
    # Given a reply with a PDF and an executable
    ticket = open_ticket(requester, service)
    address = reply_to_of(ticket)
    mime = build_mime(
        sender=requester.person.email,
        to=address,
        body="Adjunto mis documentos.",
        attachments=(
            ("constancia.pdf", PDF, "application/pdf"),
            ("programa.exe", EXE, "application/octet-stream"),
        ),
    )

    # When it arrives
    post_inbound(client, mime, recipient=address)

    # Then the reply keeps the PDF only, and the sender learns which file was dropped and why
    entry = ticket.entries.get(channel=Channel.EMAIL)
    assert [a.original_name for a in entry.attachments.all()] == ["constancia.pdf"]
    assert entry.attachments.get().content_type == "application/pdf"
    notice = OutboxMessage.objects.get(
        template="helpdesk/inbound_attachments_dropped", channel="email"
    )
    assert notice.to_address == requester.person.email
    assert "«programa.exe» no es de un tipo permitido" in notice.body_text


def test_automatic_replies_are_ignored(client, requester, service):
    # Given an out-of-office answer sent to the reply address
    ticket = open_ticket(requester, service)
    address = reply_to_of(ticket)
    before = _counts()
    mime = build_mime(
        sender=requester.person.email,
        to=address,
        body="Estoy de vacaciones hasta el lunes.",
        headers={"Auto-Submitted": "auto-replied"},
    )

    # When it arrives
    post_inbound(client, mime, recipient=address)

    # Then nothing happens (no entry, and no answer that could loop)
    assert _counts() == before


def test_a_message_whose_spf_check_failed_is_ignored_and_audited(client, requester, service):
    # Given a reply that the receiving server marked as not authorised by the sender's domain
    ticket = open_ticket(requester, service)
    address = reply_to_of(ticket)
    before = _counts()
    mime = build_mime(sender=requester.person.email, to=address, headers={"X-Mailgun-Spf": "Fail"})

    # When it arrives
    post_inbound(client, mime, recipient=address)

    # Then it is ignored and audited
    assert _counts() == before
    event = AuditEvent.objects.get(action="helpdesk.inbound_ignored")
    assert event.payload["reason"] == "sender_not_authenticated"


# --- Queue addresses ------------------------------------------------------------------------------


def test_a_queue_address_opens_a_ticket_for_a_verified_sender(client, email_service):
    # Given a citizen whose email was verified at registration
    citizen = register_citizen("ana.lopez@example.sv")

    # When they write to the queue's address
    mime = build_mime(
        sender="Ana López <ana.lopez@example.sv>",
        to=f"consultas@{DOMAIN}",
        subject="No puedo ver las notas de mi hija",
        body="Desde ayer la página de notas aparece vacía.",
        attachments=(("captura.pdf", PDF, "application/pdf"),),
    )
    response = post_inbound(client, mime, recipient=f"consultas@{DOMAIN}")

    # Then a ticket is open for them in that queue, by email, with the message and the file
    assert response.status_code == 200
    ticket = Ticket.objects.get()
    assert ticket.requester == citizen
    assert ticket.queue == email_service.queue
    assert ticket.service == email_service
    assert ticket.channel == Channel.EMAIL
    assert ticket.subject == "No puedo ver las notas de mi hija"
    entry = ticket.entries.get()
    assert entry.body == "Desde ayer la página de notas aparece vacía."
    assert [a.original_name for a in entry.attachments.all()] == ["captura.pdf"]
    # and the "ticket created" email carries the ticket's signed reply address
    created = OutboxMessage.objects.get(template="ticket_created", channel="email")
    assert created.reply_to == reply_address(ticket=ticket, person=citizen.person)


def test_the_same_email_to_a_queue_opens_one_ticket(client, email_service):
    register_citizen("ana.lopez@example.sv")
    mime = build_mime(
        sender="ana.lopez@example.sv", to=f"consultas@{DOMAIN}", message_id="<q1@correo.sv>"
    )

    post_inbound(client, mime, recipient=f"consultas@{DOMAIN}")
    post_inbound(client, mime, recipient=f"consultas@{DOMAIN}")

    assert Ticket.objects.count() == 1


def test_an_unknown_sender_gets_a_register_answer_and_no_ticket(client, email_service):
    # Given nobody on file with this address
    mime = build_mime(
        sender="Pedro Gómez <pedro@correo.example.sv>",
        to=f"consultas@{DOMAIN}",
        subject="Consulta",
        body="Quiero saber el estado de mi trámite.",
    )

    # When they write to the queue twice the same day
    post_inbound(client, mime, recipient=f"consultas@{DOMAIN}")
    post_inbound(
        client,
        build_mime(sender="pedro@correo.example.sv", to=f"consultas@{DOMAIN}"),
        recipient=f"consultas@{DOMAIN}",
    )

    # Then no ticket is opened, and one answer tells them to register
    assert Ticket.objects.count() == 0
    answer = OutboxMessage.objects.get(template="helpdesk/inbound_register")
    assert answer.channel == "email"
    assert answer.to_address == "pedro@correo.example.sv"
    assert "Regístrese" in answer.body_text
    assert answer.recipient.dui is None  # a contact record, not an identity


def test_an_account_whose_email_is_not_verified_opens_no_ticket(client, email_service, requester):
    # Given an account created by staff (its email was never proven)
    mime = build_mime(sender=requester.person.email, to=f"consultas@{DOMAIN}")

    # When its owner writes to the queue
    post_inbound(client, mime, recipient=f"consultas@{DOMAIN}")

    # Then no ticket, and the answer goes to that person
    assert Ticket.objects.count() == 0
    answer = OutboxMessage.objects.get(template="helpdesk/inbound_register")
    assert answer.recipient == requester.person


def test_mail_to_an_unknown_address_of_the_domain_is_ignored(client, email_service):
    register_citizen("ana.lopez@example.sv")
    before = _counts()
    mime = build_mime(sender="ana.lopez@example.sv", to=f"nadie@{DOMAIN}")

    post_inbound(client, mime, recipient=f"nadie@{DOMAIN}")

    assert _counts() == before


def test_mailguns_parsed_mode_with_files_works_too(client, requester, service):
    # Given Mailgun's "fully parsed" post (attachments as uploaded files, which Django does not
    # count against DATA_UPLOAD_MAX_MEMORY_SIZE, unlike the raw-MIME field)
    ticket = open_ticket(requester, service)
    address = reply_to_of(ticket)
    headers = [
        ["From", requester.person.email],
        ["To", address],
        ["Subject", "Re: su caso"],
        ["Message-Id", "<parsed-1@correo.sv>"],
    ]
    data = signed_fields()
    data.update(
        {
            "recipient": address,
            "sender": requester.person.email,
            "message-headers": json.dumps(headers),
            "body-plain": "Envío el PDF.\n\n> texto anterior",
            "attachment-count": "1",
            "attachment-1": SimpleUploadedFile("acta.pdf", PDF, "application/pdf"),
        }
    )

    # When it is posted to the inbound URL without "mime"
    response = client.post(URL, data, **basic_auth())

    # Then the reply and its file are on the ticket
    assert response.status_code == 200
    entry = ticket.entries.get(channel=Channel.EMAIL)
    assert entry.body == "Envío el PDF."
    assert entry.message_id == "<parsed-1@correo.sv>"
    assert [a.original_name for a in entry.attachments.all()] == ["acta.pdf"]


def test_an_unusable_sender_address_is_ignored(client, email_service):
    people = Person.objects.count()
    mime = build_mime(sender="alguien@-dominio-.sv", to=f"consultas@{DOMAIN}")

    response = post_inbound(client, mime, recipient=f"consultas@{DOMAIN}")

    assert response.status_code == 200
    assert Person.objects.count() == people
    assert _counts() == (0, 0, 0, 0)
