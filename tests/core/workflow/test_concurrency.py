"""Concurrent transitions and claims on PostgreSQL: real threads released by a barrier.

SQLite has no row locks (``select_for_update`` is a no-op), so these run on PostgreSQL only.
"""

from collections.abc import Callable

import pytest
from django.db import transaction
from viewflow.workflow.models import Task

from core.accounts.models import User
from core.audit.models import AuditEvent
from core.workflow import task_action, transition
from tests.concurrency import race
from tests.core.workflow.conftest import start_review
from tests.workflowapp.models import OutboxRow, Permit, PermitStatus
from tests.workflowapp.services import outbox_write, permit_create

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_twelve_concurrent_approvals_one_wins_the_rest_conflict(requester, director):
    # Given a submitted permit, and twelve requests that each loaded it while it was submitted
    permit = permit_create(requester=requester)
    transition(actor=requester, obj=permit, name="submit")
    copies = [
        (User.objects.get(pk=director.pk), Permit.objects.get(pk=permit.pk)) for _ in range(12)
    ]

    def approve(actor: User, copy: Permit) -> Callable[[], object]:
        return lambda: transition(
            actor=actor, obj=copy, name="approve", in_transaction=[outbox_write]
        )

    # When all twelve approve at the same moment
    outcomes = race([approve(actor, copy) for actor, copy in copies])

    # Then exactly one succeeded and the eleven others were told it is no longer possible
    assert sorted(map(str, outcomes)) == ["ok"] + ["transition_not_allowed"] * 11
    assert Permit.objects.get(pk=permit.pk).status == PermitStatus.APPROVED
    assert AuditEvent.objects.filter(action="permit.approve").count() == 1
    assert OutboxRow.objects.count() == 1


def test_concurrent_claims_of_one_task_have_one_owner(make_user):
    # Given a new review task and six technicians holding it on their screens
    with transaction.atomic():
        task = start_review()
    technicians = [make_user(role="technician") for _ in range(6)]
    copies = [(tech, Task.objects.get(pk=task.pk)) for tech in technicians]

    def claim(actor: User, copy: Task) -> Callable[[], object]:
        return lambda: task_action(actor=actor, task=copy, action="assign")

    # When they all take it at once
    outcomes = race([claim(actor, copy) for actor, copy in copies])

    # Then one owns it and the five others got 409 once they saw it taken
    assert sorted(map(str, outcomes)) == ["ok"] + ["transition_not_allowed"] * 5
    winner = technicians[outcomes.index("ok")]
    assert Task.objects.get(pk=task.pk).owner_id == winner.pk
    assert AuditEvent.objects.filter(chain_key=f"viewflow.process:{task.process_id}").count() == 1
