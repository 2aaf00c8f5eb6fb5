""" "Mis trámites": the requester's own tickets, filters, pagination and a fixed query count."""

import pytest
from django.urls import reverse

from helpdesk.choices import TicketStatus
from helpdesk.services import ticket_cancel
from tests.helpdesk.conftest import open_ticket

pytestmark = pytest.mark.django_db

MY_TICKETS = reverse("helpdesk:my_tickets")


def numbers(response) -> list[str]:
    return [row["ticket"].number for row in response.context["rows"]]


def test_anonymous_visitors_must_log_in(client):
    response = client.get(MY_TICKETS)
    assert response.status_code == 302
    assert response["Location"] == f"/cuentas/ingresar/?next={MY_TICKETS}"


def test_lists_only_the_requesters_own_tickets_newest_first(
    clock, make_user, requester, requester_client, service
):
    # Given two tickets of the requester and one of somebody else
    first = open_ticket(requester, service)
    clock.advance(minutes=5)
    second = open_ticket(requester, service, detalle="Otra cosa")
    clock.advance(minutes=5)
    other = open_ticket(make_user(role="citizen"), service)

    response = requester_client.get(MY_TICKETS)

    assert response.status_code == 200
    assert numbers(response) == [second.number, first.number]
    body = response.content.decode()
    assert other.number not in body
    assert "Servicio consulta" in body
    # Next SLA moment: the first response is still due
    assert "Primera respuesta a más tardar" in body
    assert '<span class="badge badge-info">Nuevo</span>' in body


def test_filters_by_status(requester, requester_client, service):
    active = open_ticket(requester, service)
    cancelled = open_ticket(requester, service)
    ticket_cancel(actor=requester, ticket=cancelled)

    assert numbers(requester_client.get(MY_TICKETS, {"estado": "en-curso"})) == [active.number]
    assert numbers(requester_client.get(MY_TICKETS, {"estado": "cerrados"})) == [cancelled.number]
    assert numbers(requester_client.get(MY_TICKETS, {"estado": "resueltos"})) == []
    # An unknown filter shows everything
    assert len(numbers(requester_client.get(MY_TICKETS, {"estado": "xyz"}))) == 2
    assert cancelled.status == TicketStatus.CANCELLED


def test_paginates(clock, requester, requester_client, service, monkeypatch):
    monkeypatch.setattr("helpdesk.views.portal.MY_TICKETS_PAGE_SIZE", 2)
    tickets = []
    for _n in range(3):
        tickets.append(open_ticket(requester, service))
        clock.advance(minutes=1)

    page_one = requester_client.get(MY_TICKETS)
    page_two = requester_client.get(MY_TICKETS, {"page": 2})

    assert numbers(page_one) == [tickets[2].number, tickets[1].number]
    assert numbers(page_two) == [tickets[0].number]
    assert "Página 1 de 2" in page_one.content.decode()
    assert 'rel="next"' in page_one.content.decode()


@pytest.mark.parametrize("count", [1, 6])
def test_runs_a_fixed_number_of_queries(
    count, requester, requester_client, service, django_assert_num_queries
):
    for _n in range(count):
        open_ticket(requester, service)
    # 8 queries whatever the size: user (the session comes from the cache), COUNT of the
    # requester's tickets (paginator), the page of tickets (service, queue, assignee and
    # requester joined), the user's grants (navigation), the unread inbox count, and the
    # session's activity stamp (savepoint,
    # update, release).
    with django_assert_num_queries(8):
        response = requester_client.get(MY_TICKETS)
    assert len(response.context["rows"]) == count
