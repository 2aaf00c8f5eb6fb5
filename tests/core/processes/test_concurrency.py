"""Two officers approving the same task at once, on PostgreSQL: one wins, one audit event.

Real threads released by a barrier; SQLite has no row locks, so these run on PostgreSQL only.
"""

from collections.abc import Callable

import pytest
from django.db import transaction
from viewflow.workflow.models import Process, Task

from core.accounts.models import User
from core.audit.models import AuditEvent
from core.workflow import process_chain_key, task_action
from tests.core.workflow.test_concurrency import race
from tests.workflowapp.flows import ApprovalFlow

from .conftest import open_task, start_approval, work

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def approve(actor: User, task: Task, comment: str, *, take: bool) -> Callable[[], object]:
    """What the task page does for ``actor``: (take the task, then) approve it with a comment."""
    node = task.flow_task

    def run() -> None:
        if take:
            task_action(actor=actor, task=task, action="assign")
        form = node.get_form({"decision": "approve", "comment": comment})
        assert form.is_valid()
        task_action(
            actor=actor,
            task=task,
            action="execute",
            fn=lambda activation: node.save_form(form, activation),
        )

    return run


def events(process, action: str) -> int:
    return AuditEvent.objects.filter(chain_key=process_chain_key(process.pk), action=action).count()


@pytest.fixture
def approval(director, school, checker):
    with transaction.atomic():
        process = start_approval(director, school)
    work(checker, open_task(process, ApprovalFlow.check))
    return process, open_task(process, ApprovalFlow.approve)


def test_two_officers_approving_at_once_one_wins(make_user, school, approval):
    # Given the approval open to two officers of the department, both with the page loaded
    process, task = approval
    department = school.municipality.department
    officers = [
        make_user(role="departmental_officer", scope_kind="department", target=department)
        for _ in range(2)
    ]
    copies = [(officer, Task.objects.get(pk=task.pk)) for officer in officers]

    # When both take and approve it at the same moment
    outcomes = race(
        [
            approve(officer, copy, f"Aprobado por {n}", take=True)
            for n, (officer, copy) in enumerate(copies)
        ]
    )

    # Then one approved it; the other was told it was no longer possible; one event each
    assert sorted(map(str, outcomes)) == ["ok", "transition_not_allowed"]
    winner = outcomes.index("ok")
    row = Task.objects.get(pk=task.pk)
    assert (row.status, row.owner_id) == ("DONE", officers[winner].pk)
    assert events(process, "task.assign") == 2  # the check's and the winner's
    assert events(process, "task.execute") == 2  # the check's and the winner's approval
    data = Process.objects.get(pk=process.pk).data
    assert data["approve"] == {"decision": "approve", "comment": f"Aprobado por {winner}"}


def test_a_double_submitted_approval_is_worked_once(officer, approval):
    # Given the officer took the task and submits the approval twice (two tabs)
    process, task = approval
    task_action(actor=officer, task=task, action="assign")
    copies = [Task.objects.get(pk=task.pk) for _ in range(2)]

    outcomes = race(
        [approve(officer, copy, f"Envío {n}", take=False) for n, copy in enumerate(copies)]
    )

    assert sorted(map(str, outcomes)) == ["ok", "transition_not_allowed"]
    assert events(process, "task.execute") == 2  # the check's and one approval
    assert Process.objects.get(pk=process.pk).status == "DONE"
