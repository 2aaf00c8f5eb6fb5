"""The staff ticket page's history: every event of the ticket's audit chain beside the
conversation, newest first and in pages, and the resolution message shown as the resolution."""

import re

import pytest
from django.urls import reverse

from core.audit.models import AuditEvent
from core.audit.registry import action_label
from core.audit.services import chain_key_for
from helpdesk.services import (
    ticket_claim,
    ticket_release,
    ticket_reply,
    ticket_resolve,
    ticket_route,
    ticket_set_priority,
)
from helpdesk.timeline import TIMELINE_PAGE_SIZE
from tests.helpdesk.staff.test_pages import logged_in, page_url

WORK = {
    "Caso creado",
    "Caso tomado",
    "Caso devuelto a la cola",
    "Prioridad cambiada",
    "Caso resuelto",
}


def _history(html: str) -> list[str]:
    """The events' labels in the order the page shows them."""
    section = html.split('id="historial"', 1)[1].split("</section>", 1)[0]
    return re.findall(r'<p class="timeline__what"><strong>([^<]+)</strong>', section)


def test_the_history_lists_every_event_newest_first_in_spanish(clock, client, world):
    # Given a ticket claimed, released, prioritised, claimed again and resolved
    ticket = world.open()
    ticket_claim(actor=world.supervisor, ticket=ticket)
    ticket_release(actor=world.supervisor, ticket=ticket)
    ticket_set_priority(actor=world.supervisor, ticket=ticket, priority="high")
    ticket_claim(actor=world.supervisor, ticket=ticket)
    ticket_resolve(actor=world.supervisor, ticket=ticket)
    logged_in(client, world.supervisor)

    # When the supervisor opens it
    response = client.get(page_url(ticket))

    # Then the history beside the conversation holds every event of its chain, newest first
    html = response.content.decode()
    stored = list(
        AuditEvent.objects.filter(chain_key=chain_key_for(ticket))
        .order_by("-seq")
        .values_list("action", flat=True)
    )
    shown = _history(html)
    assert response.status_code == 200
    assert shown == [action_label(action) for action in stored]
    assert [label for label in shown if label in WORK] == [
        "Caso resuelto",
        "Caso tomado",
        "Prioridad cambiada",
        "Caso devuelto a la cola",
        "Caso tomado",
        "Caso creado",
    ]
    assert all(label != action for label, action in zip(shown, stored, strict=True))
    assert html.index('id="titulo-conversacion"') < html.index('id="historial"')
    # with states and data as labels, people by name
    assert '<strong>Caso resuelto</strong> <span class="muted">· Abierto → Resuelto</span>' in html
    assert "<dt>Prioridad anterior</dt><dd>Normal</dd>" in html
    assert "<dt>Prioridad nueva</dt><dd>Alta</dd>" in html
    name = world.supervisor.person.full_name
    assert f"<dt>Asignado a</dt><dd>{name}</dd>" in html


def test_a_routed_ticket_shows_the_move_between_queues(clock, client, world):
    ticket = world.open()
    ticket_route(actor=world.supervisor, ticket=ticket, queue=world.other_queue, note="")
    # The supervisor of the department queue no longer sees it; a technician of the new queue
    # does, with the routing in the history.
    logged_in(client, world.technician_other_queue)

    html = client.get(page_url(ticket)).content.decode()

    assert _history(html)[0] == "Caso derivado a otra cola"
    # queues by their names, as the rest of the page shows them, not by their codes
    assert f"<dt>Cola anterior</dt><dd>{world.department_queue.name}</dd>" in html
    assert f"<dt>Cola nueva</dt><dd>{world.other_queue.name}</dd>" in html


def test_the_history_names_the_queue_and_service_a_case_was_created_in(clock, client, world):
    # Given a new ticket
    ticket = world.open()
    logged_in(client, world.supervisor)

    # When the supervisor opens it
    html = client.get(page_url(ticket)).content.decode()

    # Then "Caso creado" names its queue and service, and their codes appear nowhere in it
    history = html.split('id="historial"', 1)[1].split("</section>", 1)[0]
    assert f"<dt>Cola</dt><dd>{world.department_queue.name}</dd>" in history
    assert f"<dt>Servicio</dt><dd>{world.service.name}</dd>" in history
    assert f"<dd>{world.department_queue.code}</dd>" not in history
    assert f"<dd>{world.service.code}</dd>" not in history


def test_the_resolution_message_is_shown_as_the_resolution(clock, client, world):
    # Given a reply, then a resolution with its message
    ticket = world.open()
    ticket_claim(actor=world.supervisor, ticket=ticket)
    ticket_reply(actor=world.supervisor, ticket=ticket, body="Estamos revisando.")
    ticket_resolve(actor=world.supervisor, ticket=ticket, message="Listo: cuenta desbloqueada.")
    logged_in(client, world.supervisor)

    html = client.get(page_url(ticket)).content.decode()

    # Then only the resolution message is marked as the resolution, and the summary links to it
    entries = re.findall(
        r"<article class=\"([^\"]+)\" id=\"mensaje-(\d+)\".*?</article>", html, re.S
    )
    marked = [pk for classes, pk in entries if "conversation__entry--resolution" in classes]
    resolution = ticket.entries.get(body="Listo: cuenta desbloqueada.")
    assert marked == [str(resolution.pk)]
    assert html.count('<span class="badge badge-success">Resolución</span>') == 1
    assert f'<a href="#mensaje-{resolution.pk}">ver la resolución</a>' in html


def test_a_first_answer_that_resolves_is_shown_as_the_resolution(clock, client, world):
    # Given a ticket claimed and then resolved with a message, its first answer (which also
    # stamps the first response and starts work)
    ticket = world.open()
    ticket_claim(actor=world.supervisor, ticket=ticket)
    ticket_resolve(actor=world.supervisor, ticket=ticket, message="Listo: cuenta desbloqueada.")
    logged_in(client, world.supervisor)

    html = client.get(page_url(ticket)).content.decode()

    # Then that message is the resolution
    resolution = ticket.entries.get(body="Listo: cuenta desbloqueada.")
    assert f'<a href="#mensaje-{resolution.pk}">ver la resolución</a>' in html
    assert html.count('<span class="badge badge-success">Resolución</span>') == 1


def test_a_resolution_without_message_after_replies_marks_none(clock, client, world):
    # Given two replies on a ticket in progress, then a resolution without a message
    ticket = world.open()
    ticket_claim(actor=world.supervisor, ticket=ticket)
    ticket_reply(actor=world.supervisor, ticket=ticket, body="Estamos revisando.")
    ticket_reply(actor=world.supervisor, ticket=ticket, body="Ya casi.")
    ticket_resolve(actor=world.supervisor, ticket=ticket)
    logged_in(client, world.supervisor)

    html = client.get(page_url(ticket)).content.decode()

    # Then no reply is taken for the resolution (the transition says it carried none)
    assert "conversation__entry--resolution" not in html


def test_a_resolution_without_message_marks_no_reply(clock, client, world):
    ticket = world.open()
    ticket_claim(actor=world.supervisor, ticket=ticket)
    ticket_reply(actor=world.supervisor, ticket=ticket, body="Estamos revisando.")
    ticket_resolve(actor=world.supervisor, ticket=ticket)
    logged_in(client, world.supervisor)

    html = client.get(page_url(ticket)).content.decode()

    assert "conversation__entry--resolution" not in html
    assert "ver la resolución" not in html
    assert _history(html)[0] == "Caso resuelto"


@pytest.mark.parametrize("extra", [0, 3])
def test_a_long_history_is_paged(clock, client, world, extra):
    # Given more events than fit one page
    ticket = world.open()
    for n in range(TIMELINE_PAGE_SIZE + extra):
        ticket_reply(actor=world.supervisor, ticket=ticket, body=f"Mensaje {n}")
    seqs = list(
        AuditEvent.objects.filter(chain_key=chain_key_for(ticket))
        .order_by("-seq")
        .values_list("seq", flat=True)
    )
    logged_in(client, world.supervisor)

    first = client.get(page_url(ticket)).content.decode()
    older = seqs[TIMELINE_PAGE_SIZE - 1]
    second = client.get(page_url(ticket), {"historial": older}).content.decode()

    # Then the first page holds the newest events and links to the older ones, which follow
    assert len(_history(first)) == TIMELINE_PAGE_SIZE
    assert f'href="?historial={older}#historial">Eventos anteriores</a>' in first
    assert len(_history(second)) == len(seqs) - TIMELINE_PAGE_SIZE
    assert _history(second)[-1] == "Caso creado"
    assert "Eventos anteriores" not in second
    assert 'href="?#historial">Eventos más recientes</a>' in second


def test_the_requester_also_reads_the_resolution_as_a_resolution(clock, client, world):
    ticket = world.open()
    ticket_claim(actor=world.supervisor, ticket=ticket)
    ticket_reply(actor=world.supervisor, ticket=ticket, body="Estamos revisando.")
    ticket_resolve(actor=world.supervisor, ticket=ticket, message="Listo: cuenta desbloqueada.")
    logged_in(client, world.requester)

    html = client.get(
        reverse("helpdesk:ticket_detail", kwargs={"number": ticket.number})
    ).content.decode()

    resolution = ticket.entries.get(body="Listo: cuenta desbloqueada.")
    entries = re.findall(r'<article class="([^"]+)" id="mensaje-(\d+)"', html)
    marked = [pk for classes, pk in entries if "conversation__entry--resolution" in classes]
    assert marked == [str(resolution.pk)]
    assert html.count('<span class="badge badge-success">Resolución</span>') == 1
    # the requester's page never shows the staff history
    assert 'id="historial"' not in html


@pytest.mark.parametrize("param", ["historial", "conversacion"])
@pytest.mark.parametrize("value", ["²", "١٢", "-1", "abc"])
def test_a_page_cursor_that_is_not_plain_digits_shows_the_first_page(
    clock, client, world, param, value
):
    # "²" and "١٢" are digits to str.isdigit() ("²" is not a number to int()): a 500 before.
    ticket = world.open()
    logged_in(client, world.supervisor)

    response = client.get(page_url(ticket), {param: value})

    assert response.status_code == 200
    assert _history(response.content.decode())[-1] == "Caso creado"
