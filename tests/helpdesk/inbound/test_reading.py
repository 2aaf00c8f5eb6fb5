"""Reading inbound messages: the signed reply address, quoted history, HTML-only bodies."""

import pytest

from helpdesk.inbound import (
    ForgedTokenError,
    html_to_text,
    read_reply_local_part,
    reply_address,
    reply_token,
    strip_quoted,
)
from helpdesk.services import ticket_claim
from notifications.models import OutboxMessage
from tests.helpdesk.conftest import open_ticket

from .conftest import DOMAIN

# --- Reply addresses --------------------------------------------------------------------------


def test_a_reply_token_reads_back_its_ticket_and_person_whatever_the_letter_case():
    token = reply_token(ticket_id=123, person_id=45)

    assert read_reply_local_part(f"caso+{token}") == (123, 45)
    assert read_reply_local_part(f"CASO+{token.upper()}") == (123, 45)


@pytest.mark.parametrize(
    "local_part",
    [
        pytest.param("caso+123-45.0000000000000000", id="made-up-signature"),
        pytest.param("caso+123-45", id="no-signature"),
        pytest.param("caso+", id="empty"),
    ],
)
def test_a_token_that_was_not_signed_here_is_forged(local_part):
    with pytest.raises(ForgedTokenError):
        read_reply_local_part(local_part)


def test_a_token_for_one_pair_does_not_verify_for_another():
    token = reply_token(ticket_id=123, person_id=45)
    signature = token.split(".")[1]

    with pytest.raises(ForgedTokenError):
        read_reply_local_part(f"caso+124-45.{signature}")


def test_other_local_parts_are_not_reply_addresses():
    assert read_reply_local_part("soporte") is None
    assert read_reply_local_part("casos") is None


def test_tokens_survive_a_secret_key_rotation(settings):
    token = reply_token(ticket_id=7, person_id=8)
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "una-clave-nueva-" + "x" * 40

    assert read_reply_local_part(f"caso+{token}") == (7, 8)


@pytest.mark.django_db
def test_without_an_inbound_domain_emails_carry_no_reply_address(settings, requester, service):
    settings.SIGES_INBOUND_DOMAIN = ""
    ticket = open_ticket(requester, service)

    assert reply_address(ticket=ticket, person=requester.person) == ""
    assert OutboxMessage.objects.get(template="ticket_created", channel="email").reply_to == ""


@pytest.mark.django_db
def test_only_the_requesters_emails_carry_the_reply_address(requester, service, technician):
    # Given a ticket claimed by a technician, then answered
    ticket = open_ticket(requester, service)
    ticket_claim(actor=technician, ticket=ticket)

    # Then the requester's email has the signed address, staff emails have none
    created = OutboxMessage.objects.get(template="ticket_created", channel="email")
    assert created.reply_to == reply_address(ticket=ticket, person=requester.person)
    assert created.reply_to.endswith(f"@{DOMAIN}")
    staff_emails = OutboxMessage.objects.filter(channel="email", recipient=technician.person)
    assert [m.reply_to for m in staff_emails] == [""] * staff_emails.count()


# --- Quoted history -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "Ya lo envié.\n\nEl mar, 3 feb 2026 a las 9:15, SIGES <x@siges.sv> escribió:\n> Hola",
            "Ya lo envié.",
            id="gmail-es",
        ),
        pytest.param(
            "Done.\n\nOn Tue, Feb 3, 2026 at 9:15 AM SIGES <x@siges.sv>\nwrote:\n> Hi",
            "Done.",
            id="gmail-en-wrapped",
        ),
        pytest.param(
            "Gracias.\n\n________________________________\nDe: SIGES <x@siges.sv>\n"
            "Enviado: martes, 3 de febrero de 2026 9:15\nPara: Ana\nAsunto: Caso",
            "Gracias.",
            id="outlook-es",
        ),
        pytest.param(
            "Gracias.\nDe: SIGES <x@siges.sv>\nFecha: martes\nAsunto: Caso\n\nTexto viejo",
            "Gracias.",
            id="header-block-without-rule",
        ),
        pytest.param(
            "Respuesta.\n\n-----Mensaje original-----\nDe: SIGES",
            "Respuesta.",
            id="original-message",
        ),
        pytest.param(
            "Sí, es correcto.\n\n-- \nAna López\nTel. 2222-0000",
            "Sí, es correcto.",
            id="signature",
        ),
        pytest.param(
            "> ¿Cuál es su NIE?\nEs 12345678.\n> ¿Y el centro?\nCentro Escolar X.",
            "Es 12345678.\nCentro Escolar X.",
            id="interleaved",
        ),
        pytest.param(
            "Mi dirección de correo es: ana@example.sv\nDe nada.",
            "Mi dirección de correo es: ana@example.sv\nDe nada.",
            id="nothing-to-strip",
        ),
    ],
)
def test_quoted_history_and_signatures_are_stripped(text, expected):
    assert strip_quoted(text) == expected


def test_html_only_messages_are_read_as_text_without_their_quote():
    markup = (
        "<html><head><style>p{color:red}</style></head><body>"
        "<p>Adjunto la constancia &amp; el DUI.</p><p>Saludos<br>Ana</p>"
        '<div class="gmail_quote">El lun escribió:<blockquote>Texto viejo</blockquote></div>'
        "</body></html>"
    )

    assert html_to_text(markup) == "Adjunto la constancia & el DUI.\nSaludos\nAna"
