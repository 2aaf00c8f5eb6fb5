"""Twenty technicians claim one ticket through the API at the same moment (PostgreSQL, real
threads released by a barrier, one client and one database connection each)."""

import threading

import pytest
from django.db import connection
from django.urls import reverse
from rest_framework.test import APIClient

from core.accounts.models import User
from core.audit.models import AuditEvent
from helpdesk.choices import TicketStatus
from helpdesk.models import Ticket
from tests.helpdesk.conftest import make_service, make_team, open_ticket

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_twenty_concurrent_api_claims_have_exactly_one_winner(
    make_user, requester, queue, sla_policy
):
    # Given a new ticket and twenty technicians of its queue, each with their own API client
    technicians = [make_user(role="technician") for _ in range(20)]
    make_team(queue, *technicians)
    ticket = open_ticket(requester, make_service(queue, sla_policy))
    url = reverse("v1:helpdesk-staff-ticket-claim", kwargs={"number": ticket.number})
    clients = []
    for technician in technicians:
        client = APIClient()
        client.force_authenticate(User.objects.get(pk=technician.pk))
        clients.append(client)
    barrier = threading.Barrier(len(clients))
    responses: list = [None] * len(clients)

    def claim(index: int) -> None:
        try:
            barrier.wait(timeout=30)
            responses[index] = clients[index].post(url)
        except Exception as exc:  # shown by the assertions below
            responses[index] = exc
        finally:
            connection.close()

    # When they all post the claim at once
    threads = [threading.Thread(target=claim, args=(i,)) for i in range(len(clients))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)

    # Then one 200 and nineteen 409s with the reason
    codes = [getattr(r, "status_code", r) for r in responses]
    assert sorted(codes, key=str) == [200] + [409] * 19, codes
    winner = codes.index(200)
    assert responses[winner].json()["assignee"]["id"] == technicians[winner].pk
    assert {r.json()["code"] for r in responses if r.status_code == 409} == {"already_claimed"}
    # ... one assignee, and one claim in the audit trail
    saved = Ticket.objects.get(pk=ticket.pk)
    assert saved.assignee_id == technicians[winner].pk
    assert saved.status == TicketStatus.OPEN
    assert AuditEvent.objects.filter(action="ticket.claimed").count() == 1
    assert AuditEvent.objects.filter(action="ticket.accept").count() == 1
