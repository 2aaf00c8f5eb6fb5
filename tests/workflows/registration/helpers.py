"""Helpers shared by the registration and password-reset tests."""

import re
from datetime import date
from typing import Any

from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from core.audit.models import AuditEvent
from notifications.models import OutboxMessage
from tests.factories import make_dui

PASSWORD = "una frase larga para entrar"
NEW_PASSWORD = "otra frase larga y distinta"
_LINK = re.compile(r"https?://[^/\s]+(/\S+/)")
_CSRF = re.compile(
    rb'(name="csrf(?:-token|middlewaretoken)"[^>]*value="|<meta name="csrf-token" content=")[^"]*'
)


def applicant_data(**overrides: Any) -> dict[str, Any]:
    """Valid registration input (service keywords)."""
    return {
        "dui": make_dui(55_000_001),
        "first_names": "Ana María",
        "last_names": "López Pérez",
        "birth_date": date(1990, 5, 17),
        "email": "ana.lopez@example.sv",
        "phone": "",
        "time_zone": "America/El_Salvador",
        "password": PASSWORD,
        **overrides,
    }


def form_data(**overrides: Any) -> dict[str, Any]:
    """Valid registration input as the page posts it."""
    data = applicant_data(**overrides)
    data["birth_date"] = data["birth_date"].isoformat()
    data.setdefault("password_confirmation", data["password"])
    return data


def register(client: Client, **overrides: Any):
    return client.post(reverse("registration:register"), form_data(**overrides))


def emails(template: str) -> list[OutboxMessage]:
    return list(OutboxMessage.objects.filter(template=template, channel="email").order_by("pk"))


def link_path(message: OutboxMessage) -> str:
    """The SIGES path of the link in an email (the token is only ever in there). Once the relay
    has sent a sensitive message its row keeps a placeholder: the link is read from the email
    that left (the test backend's ``mail.outbox``)."""
    text = message.body_text
    if message.sensitive and message.status != "pending":
        sent = [
            email.body
            for email in mail.outbox
            if email.extra_headers.get("Message-ID") == message.message_id_header
        ]
        assert sent, f"outbox row {message.pk} was not sent through the test backend"
        text = sent[-1]
    match = _LINK.search(text)
    assert match is not None, text
    return match.group(1)


def last_link(template: str) -> str:
    found = emails(template)
    assert found, f"no {template} email in the outbox"
    return link_path(found[-1])


def link_parts(path: str) -> tuple[str, str]:
    """(public_id, token) from /…/<uuid>/<token>/."""
    public_id, token = path.rstrip("/").split("/")[-2:]
    return public_id, token


def actions(**filters: Any) -> list[str]:
    return list(
        AuditEvent.objects.filter(**filters).order_by("pk").values_list("action", flat=True)
    )


def clear_throttles() -> None:
    cache.clear()


def without_csrf(response) -> bytes:
    """A page's bytes with the per-response CSRF tokens blanked (they always differ)."""
    return _CSRF.sub(rb"\1", response.content)
