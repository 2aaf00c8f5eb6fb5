"""A claim and a resolution cost a fixed number of queries, whatever the data size (the
benchmark, ``python -m bench transitions``, times them; docs/performance.md).

The actor is loaded as a signed-in request loads them: with their person, their role grants
read once (``core.accounts.scopes``)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.accounts.models import User
from core.accounts.scopes import active_grants
from core.audit.models import AuditEvent
from core.audit.services import chain_key_for
from core.audit.verify import verify
from helpdesk.models import Ticket
from helpdesk.services import ticket_claim, ticket_resolve
from tests.helpdesk.conftest import open_ticket

# Real transactions, one per call, as requests make them: the chain of a ticket opened in the
# same transaction would be known already (its lock and head not read).
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres]


@pytest.fixture
def actor(technician) -> User:
    user = User.objects.select_related("person").get(pk=technician.pk)
    # A request reads the grants before the service runs (the page's or the API's checks).
    active_grants(user)
    return user


def _tickets(requester, service, count: int) -> list[Ticket]:
    return [open_ticket(requester, service) for _n in range(count)]


def _statements(call) -> list[str]:
    """The first word of each statement of ``call``'s transaction, through its COMMIT. After
    it, tests run the outbox relay inline (in production a worker sends the email)."""
    with CaptureQueriesContext(connection) as captured:
        call()
    words = [q["sql"].split(" ")[0] for q in captured.captured_queries]
    return words[: words.index("COMMIT") + 1]


@pytest.mark.parametrize("others", [0, 12])
def test_a_claim_costs_a_fixed_number_of_queries(others, actor, requester, service):
    _tickets(requester, service, others)
    ticket = Ticket.objects.get(pk=open_ticket(requester, service).pk)
    statements = _statements(lambda: ticket_claim(actor=actor, ticket=ticket))
    # BEGIN; the ticket locked with its queue; whether the actor serves the queue; the chain's
    # lock and head (one round trip); new → open with the assignee in one UPDATE; the claim's
    # two audit events in one INSERT at the end (core.precompiled.write_behind); COMMIT.
    assert statements == ["BEGIN", "SELECT", "SELECT", "SELECT", "UPDATE", "INSERT", "COMMIT"]
    assert Ticket.objects.get(pk=ticket.pk).assignee_id == actor.pk
    _assert_chain_intact(ticket)


def _assert_chain_intact(ticket: Ticket) -> None:
    """The events written together keep their chain: in order, each hash verified."""
    chain = chain_key_for(ticket)
    assert list(
        AuditEvent.objects.filter(chain_key=chain).order_by("pk").values_list("seq", flat=True)
    ) == list(range(1, AuditEvent.objects.filter(chain_key=chain).count() + 1))
    assert verify(chain_key=chain, checkpoint=None).problems == []


@pytest.mark.parametrize("others", [0, 12])
def test_a_resolution_costs_a_fixed_number_of_queries(others, actor, requester, service):
    _tickets(requester, service, others)
    ticket = open_ticket(requester, service)
    ticket_claim(actor=actor, ticket=ticket)
    ticket = Ticket.objects.get(pk=ticket.pk)
    statements = _statements(
        lambda: ticket_resolve(actor=actor, ticket=ticket, message="Listo, ya puede ingresar.")
    )
    # BEGIN; the ticket locked with its queue, service and requester (the notice reads them);
    # the resolution message; the chain's lock and head (one round trip); open → in progress
    # with the first-response stamp in one UPDATE; in progress → resolved; then, in one
    # statement (core.precompiled.write_behind), the four audit events (the message, the first
    # response, the two transitions) and the requester's two notices; COMMIT.
    assert statements == [
        "BEGIN",
        "SELECT",
        "INSERT",
        "SELECT",
        "UPDATE",
        "UPDATE",
        "WITH",
        "COMMIT",
    ]
    _assert_chain_intact(ticket)
    ticket = Ticket.objects.get(pk=ticket.pk)
    assert ticket.first_responded_at is not None
    assert Ticket.objects.get(pk=ticket.pk).status == "resolved"
