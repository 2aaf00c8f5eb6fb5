"""Inbound email through anymail's Mailgun webhook (raw MIME, as Mailgun's ``forward()`` route
posts it to a URL containing "mime"): basic auth plus Mailgun's HMAC signature, like production.
"""

import base64
import hashlib
import hmac
import secrets
import time
from datetime import date
from email.message import EmailMessage
from email.utils import make_msgid

import pytest
from django.urls import resolve, reverse

from helpdesk.models import Queue, Service
from notifications.models import OutboxMessage
from tests.factories import make_dui
from workflows.registration.services import registration_submit, registration_verify

URL = reverse("anymail:mailgun_inbound_webhook")  # the same view serves …/inbound_mime/
SECRET = "siges-entrada:s3creto-de-prueba"
SIGNING_KEY = "clave-de-firma-de-mailgun"
DOMAIN = "mesa.siges.test"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + bytes(range(256))


@pytest.fixture(autouse=True)
def _inbound_settings(settings):
    settings.ANYMAIL = {"WEBHOOK_SECRET": SECRET, "MAILGUN_WEBHOOK_SIGNING_KEY": SIGNING_KEY}
    settings.SIGES_INBOUND_DOMAIN = DOMAIN


def basic_auth(credentials: str = SECRET) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(credentials.encode()).decode()}


def build_mime(
    *,
    sender: str,
    to: str,
    body: str = "Gracias, adjunto lo que me pidieron.",
    subject: str = "Re: Respuesta a su caso",
    message_id: str | None = None,
    attachments: tuple[tuple[str, bytes, str], ...] = (),
    headers: dict[str, str] | None = None,
) -> str:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = message_id or make_msgid(domain="correo.example.sv")
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(body)
    for filename, content, content_type in attachments:
        maintype, subtype = content_type.split("/")
        message.add_attachment(content, maintype=maintype, subtype=subtype, filename=filename)
    return message.as_bytes().decode("utf-8")


def signed_fields(*, signed: bool = True) -> dict[str, str]:
    """Mailgun's signature fields: HMAC-SHA256 of timestamp + token with the signing key."""
    timestamp = str(int(time.time()))
    token = secrets.token_hex(25)
    signature = hmac.new(
        SIGNING_KEY.encode(), f"{timestamp}{token}".encode(), hashlib.sha256
    ).hexdigest()
    return {
        "timestamp": timestamp,
        "token": token,
        "signature": signature if signed else "0" * 64,
    }


def post_inbound(client, mime: str, *, recipient: str, auth: dict | None = None, signed=True):
    """POST ``mime`` the way Mailgun forwards it; ``auth`` defaults to the right basic auth."""
    data = {
        "body-mime": mime,
        "recipient": recipient,
        "sender": "rebotes@correo.example.sv",
        **signed_fields(signed=signed),
    }
    return client.post(URL, data, **(basic_auth() if auth is None else auth))


def reply_to_of(ticket) -> str:
    """The Reply-To written on the requester's "ticket created" email (the real address)."""
    message = OutboxMessage.objects.get(
        template="ticket_created",
        channel="email",
        recipient=ticket.requester.person,
        subject__contains=ticket.number,
    )
    assert message.reply_to
    return message.reply_to


@pytest.fixture
def email_queue(db) -> Queue:
    return Queue.objects.create(code="soporte-correo", name="Soporte", email_local_part="consultas")


@pytest.fixture
def email_service(email_queue, sla_policy) -> Service:
    """A service that asks nothing, so a ticket can be opened from an email."""
    return Service.objects.create(
        code="consulta-por-correo",
        name="Consulta general",
        queue=email_queue,
        sla_policy=sla_policy,
    )


def register_citizen(email: str, n: int = 1):
    """An account opened through registration, so its email is verified."""
    registration = registration_submit(
        dui=make_dui(55_000_000 + n),
        first_names="Ana María",
        last_names="López Pérez",
        birth_date=date(1990, 5, 17),
        email=email,
        password="una frase larga para entrar",
    )
    link = OutboxMessage.objects.get(template="registration_verify", channel="email").link
    token = resolve(link).kwargs["token"]
    registration = registration_verify(public_id=registration.public_id, token=token)
    assert registration.user is not None
    return registration.user
