"""Concurrent claims and creations on PostgreSQL, with real threads released by a barrier.

SQLite has no row locks (``select_for_update`` is a no-op), so these run on PostgreSQL only.
"""

import threading
from collections.abc import Callable

import pytest
from django.db import connection

from core.accounts.models import User
from core.audit.models import AuditEvent
from core.exceptions import Conflict
from helpdesk.choices import AssignmentMode, TicketStatus
from helpdesk.models import Service, Ticket
from helpdesk.services import ticket_claim, ticket_create
from tests.helpdesk.conftest import make_queue, make_service, make_team, open_ticket

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def race(workers: list[Callable[[], object]]) -> list[object]:
    """Run each worker in its own thread, all released together; return each outcome."""
    barrier = threading.Barrier(len(workers))
    outcomes: list[object] = [None] * len(workers)

    def run(index: int, work: Callable[[], object]) -> None:
        try:
            barrier.wait(timeout=30)
            outcomes[index] = work()
        except Conflict as exc:
            outcomes[index] = exc
        except Exception as exc:  # any other error is a failure the assertions will show
            outcomes[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, w)) for i, w in enumerate(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)
    return outcomes


def test_twenty_concurrent_claims_have_exactly_one_winner(make_user, requester, queue, sla_policy):
    # Given a new ticket and twenty technicians of its queue, each holding their own copy
    technicians = [make_user(role="technician") for _ in range(20)]
    make_team(queue, *technicians)
    ticket = open_ticket(requester, make_service(queue, sla_policy))
    copies = [(User.objects.get(pk=t.pk), Ticket.objects.get(pk=ticket.pk)) for t in technicians]

    # When they all claim it at the same moment
    outcomes = race([lambda a=a, c=c: ticket_claim(actor=a, ticket=c) for a, c in copies])

    # Then exactly one succeeded and nineteen were told someone else took it
    winners = [i for i, outcome in enumerate(outcomes) if isinstance(outcome, Ticket)]
    conflicts = [o for o in outcomes if isinstance(o, Conflict)]
    assert len(winners) == 1, outcomes
    assert len(conflicts) == 19, outcomes
    assert {c.reason for c in conflicts} == {"Otra persona tomó este caso antes que usted."}
    saved = Ticket.objects.get(pk=ticket.pk)
    assert saved.assignee_id == technicians[winners[0]].pk
    assert saved.status == TicketStatus.OPEN
    assert AuditEvent.objects.filter(action="ticket.claimed").count() == 1
    assert AuditEvent.objects.filter(action="ticket.accept").count() == 1


def test_concurrent_creations_get_distinct_numbers_and_fair_round_robin(make_user, sla_policy):
    queue = make_queue("rotacion", mode=AssignmentMode.ROUND_ROBIN)
    technicians = [make_user(role="technician") for _ in range(4)]
    make_team(queue, *technicians)
    service = make_service(queue, sla_policy)
    requesters = [make_user(role="citizen") for _ in range(12)]

    def create(person: User) -> Callable[[], object]:
        return lambda: ticket_create(
            requester=User.objects.get(pk=person.pk),
            service=Service.objects.get(pk=service.pk),
            data={"detalle": "x"},
        )

    outcomes = race([create(person) for person in requesters])

    assert all(isinstance(o, Ticket) for o in outcomes), outcomes
    numbers = sorted(t.number for t in outcomes)
    assert len(set(numbers)) == 12
    assert [int(n.rsplit("-", 1)[1]) for n in numbers] == list(range(1, 13))
    per_technician = sorted(
        Ticket.objects.filter(assignee__in=technicians)
        .values_list("assignee", flat=True)
        .order_by()
    )
    assert sorted(per_technician.count(t.pk) for t in technicians) == [3, 3, 3, 3]
