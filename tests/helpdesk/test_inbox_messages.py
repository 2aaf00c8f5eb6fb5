"""In-app notifications are short messages with a link that works for whoever receives them,
not the email's text; email links use the address the server runs on."""

import shutil
import subprocess
from pathlib import Path

import pytest
from django.urls import reverse

from helpdesk import services
from notifications.models import OutboxMessage

from .conftest import open_ticket

ROOT = Path(__file__).resolve().parents[2]


def _in_app(user, template: str) -> OutboxMessage:
    return OutboxMessage.objects.get(recipient=user.person, channel="in_app", template=template)


def test_inbox_messages_are_short_and_carry_no_email_signature(
    client, requester, service, technician
):
    # Given a ticket answered by the technician
    ticket = open_ticket(requester, service)
    services.ticket_claim(actor=technician, ticket=ticket)
    services.ticket_reply(actor=technician, ticket=ticket, body="Ya desbloqueamos su cuenta.")

    # Then the requester's in-app message is a title plus the reply, nothing more
    message = _in_app(requester, "ticket_reply")
    assert message.subject == f"Respuesta en su caso {ticket.number}"
    assert message.body_text == "Ya desbloqueamos su cuenta."
    # while the email of the same event keeps its greeting, link line and signature
    email = OutboxMessage.objects.get(
        recipient=requester.person, channel="email", template="ticket_reply"
    )
    assert "Estimado(a)" in email.body_text
    assert "Este mensaje fue enviado automáticamente" in email.body_text

    # and the inbox page shows the short text
    client.force_login(requester)
    html = client.get(reverse("notifications:inbox")).content.decode()
    assert "Ya desbloqueamos su cuenta." in html
    assert "Estimado(a)" not in html
    assert "Este mensaje fue enviado automáticamente" not in html


def test_every_in_app_message_of_a_ticket_is_short(requester, service, technician):
    ticket = open_ticket(requester, service)
    services.ticket_claim(actor=technician, ticket=ticket)
    services.ticket_reply(actor=requester, ticket=ticket, body="Gracias, sigo sin poder entrar.")
    services.ticket_resolve(actor=technician, ticket=ticket, message="Probamos de nuevo: listo.")

    rows = OutboxMessage.objects.filter(channel="in_app")
    assert {row.template for row in rows} >= {
        "ticket_created",
        "ticket_requester_replied",
        "ticket_status_changed",
    }
    for row in rows:
        assert row.body_text.count("\n") == 0, row.template
        assert len(row.body_text) <= 200, row.template
        assert "Estimado(a)" not in row.body_text
        assert "http" not in row.body_text


@pytest.mark.parametrize("who", ["requester", "technician"])
def test_the_open_link_of_a_ticket_message_leads_to_a_page_the_recipient_can_read(
    client, requester, service, technician, who
):
    # Given a message for the requester (their request) and one for the technician (a reply
    # from the requester on a ticket they hold)
    ticket = open_ticket(requester, service)
    services.ticket_claim(actor=technician, ticket=ticket)
    services.ticket_reply(actor=requester, ticket=ticket, body="¿Alguna novedad?")
    user, template = {
        "requester": (requester, "ticket_created"),
        "technician": (technician, "ticket_requester_replied"),
    }[who]
    message = _in_app(user, template)
    client.force_login(user)

    # When they press "Abrir"
    response = client.post(reverse("notifications:open", args=[message.pk]), follow=True)

    # Then they land on their page of the ticket, and the message is read
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] in {
        reverse("helpdesk:ticket_detail", kwargs={"number": ticket.number}),
        reverse("helpdesk:staff_ticket", kwargs={"number": ticket.number}),
    }
    assert ticket.number in response.content.decode()
    message.refresh_from_db()
    assert message.read_at is not None


def test_email_links_use_the_configured_site_address(settings, requester, service):
    settings.NOTIFICATIONS_SITE_URL = "http://127.0.0.1:8123"

    ticket = open_ticket(requester, service)

    email = OutboxMessage.objects.get(channel="email", template="ticket_created")
    link = reverse("helpdesk:ticket_detail", kwargs={"number": ticket.number})
    assert f"http://127.0.0.1:8123{link}" in email.body_text


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
@pytest.mark.parametrize(
    ("args", "site"),
    [
        (["PORT=8123"], "http://127.0.0.1:8123"),
        (["HOST=0.0.0.0", "PORT=9000"], "http://127.0.0.1:9000"),
        (["HOST=siges.local"], "http://siges.local:8000"),
    ],
)
def test_make_run_passes_the_address_it_serves_on(args, site):
    # `make -n` prints the commands without running them
    env = {"PATH": "/usr/bin:/bin"}
    out = subprocess.run(  # noqa: S603
        ["make", "-n", "-C", str(ROOT), "serve", *args],  # noqa: S607
        capture_output=True,
        text=True,
        check=True,
        env=env,
    ).stdout
    assert f"SIGES_SITE_URL={site} " in out
