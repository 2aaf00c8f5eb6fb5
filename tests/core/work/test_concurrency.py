"""Two technicians bulk-claim the same tickets and tasks at the same moment (PostgreSQL: row
locks). Every item ends with one owner and each person is told, per item, what happened."""

import threading

import pytest
from django.db import connection
from viewflow.workflow.models import Task

from core.accounts.models import User
from core.audit.models import AuditEvent
from core.work import ItemRef, work_queue_claim
from helpdesk.models import Ticket
from tests.helpdesk.conftest import make_team, open_ticket

from .conftest import start_review

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_concurrent_bulk_claims_give_each_item_to_exactly_one_person(
    make_user, requester, queue, service
):
    # Given four tickets and two tasks, and two technicians of the queue
    people = [make_user(role="technician") for _ in range(2)]
    make_team(queue, *people)
    tickets = [open_ticket(requester, service) for _ in range(4)]
    tasks = [start_review(f"Trámite {n}") for n in range(2)]
    refs = [ItemRef("ticket", t.number) for t in tickets] + [
        ItemRef("task", str(t.pk)) for t in tasks
    ]
    barrier = threading.Barrier(len(people))
    outcomes: dict[int, list] = {}

    def claim(person: User) -> None:
        try:
            actor = User.objects.get(pk=person.pk)
            barrier.wait(timeout=30)
            # One claims in order, the other in reverse: they collide on every item.
            order = refs if person is people[0] else list(reversed(refs))
            outcomes[person.pk] = work_queue_claim(actor=actor, items=order)
        finally:
            connection.close()

    # When both claim all of them at once
    threads = [threading.Thread(target=claim, args=(p,)) for p in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)

    # Then every item was won by exactly one of them, and the other was told it was taken
    won = {pk: {(r.kind, r.id) for r in results if r.ok} for pk, results in outcomes.items()}
    lost = {
        pk: {(r.kind, r.id) for r in results if r.code == "already_claimed"}
        for pk, results in outcomes.items()
    }
    everything = {(r.kind, r.id) for r in refs}
    first, second = (p.pk for p in people)
    assert won[first] | won[second] == everything
    assert won[first] & won[second] == set()
    assert lost[first] == won[second]
    assert lost[second] == won[first]
    owners = dict(
        Ticket.objects.filter(pk__in=[t.pk for t in tickets]).values_list("number", "assignee_id")
    )
    owners |= {
        str(pk): owner
        for pk, owner in Task.objects.filter(pk__in=[t.pk for t in tasks]).values_list(
            "pk", "owner_id"
        )
    }
    for pk, items in won.items():
        assert {owners[item_id] for _kind, item_id in items} <= {pk}
    assert AuditEvent.objects.filter(action="ticket.claimed").count() == 4
    assert AuditEvent.objects.filter(action="task.assign").count() == 2
