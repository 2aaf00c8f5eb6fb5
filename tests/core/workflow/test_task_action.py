"""core.workflow.task_action: viewflow tasks worked through the one path, audited on the process
(one history per process: the task and node are in the payload)."""

import pytest
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from viewflow.workflow import lock
from viewflow.workflow.models import Task

from core.audit.models import AuditEvent
from core.exceptions import Conflict
from core.workflow import AvailableAction, available_task_actions, task_action
from tests.workflowapp.flows import ReviewFlow
from tests.workflowapp.models import OutboxRow

pytestmark = pytest.mark.django_db


def task_row(task: Task) -> dict:
    return Task.objects.filter(pk=task.pk).values("status", "owner", "assigned")[0]


def task_events(task: Task) -> list[tuple[str, str, str]]:
    events = AuditEvent.objects.filter(
        chain_key=f"viewflow.process:{task.process_id}", payload__task_id=task.pk
    ).order_by("seq")
    return list(events.values_list("action", "from_state", "to_state"))


def test_assign_by_an_allowed_user_works_and_is_audited(technician, review_task):
    # Given a new review task and a technician (the role the task is offered to)
    assert review_task.status == "NEW"

    # When the technician takes it
    result = task_action(
        actor=technician, task=review_task, action="assign", role="technician", scope="national"
    )

    # Then they own it, with the assignment time viewflow leaves empty
    row = task_row(review_task)
    assert row["status"] == "ASSIGNED"
    assert row["owner"] == technician.pk
    assert row["assigned"] is not None
    assert result is review_task
    assert review_task.owner_id == technician.pk
    # and the assignment is in the process's audit chain (viewflow keeps no history of it)
    assert task_events(review_task) == [("task.assign", "NEW", "ASSIGNED")]
    event = AuditEvent.objects.get(chain_key=f"viewflow.process:{review_task.process_id}")
    assert (event.object_type, event.object_id) == ("viewflow.process", str(review_task.process_id))
    assert event.actor_id == technician.pk
    assert event.role == "technician"
    assert event.payload == {
        "flow": "workflowapp/flows.ReviewFlow",
        "node": "review",
        "task_id": review_task.pk,
        "owner_before": None,
        "owner_after": technician.pk,
    }


def test_a_second_assign_is_a_conflict_and_keeps_the_first_owner(make_user, review_task):
    # Given a task already taken by one technician
    first = make_user(role="technician")
    second = make_user(role="technician")
    stale = Task.objects.get(pk=review_task.pk)  # the second technician's page loaded it as NEW
    task_action(actor=first, task=review_task, action="assign")

    # When a second technician tries to take it through that copy
    with pytest.raises(Conflict) as caught:
        task_action(actor=second, task=stale, action="assign")

    # Then the answer says why, and the first owner and the single event stand
    assert caught.value.reason == "La acción «Tomar» no es posible en el estado «Asignada»."
    assert caught.value.code == "transition_not_allowed"
    assert task_row(review_task)["owner"] == first.pk
    assert task_events(review_task) == [("task.assign", "NEW", "ASSIGNED")]


def test_a_user_without_permission_cannot_assign(citizen, review_task):
    # When a citizen (not a technician) tries to take the task
    with pytest.raises(PermissionDenied):
        task_action(actor=citizen, task=review_task, action="assign")

    # Then nothing changed
    assert task_row(review_task) == {"status": "NEW", "owner": None, "assigned": None}
    assert task_events(review_task) == []


def test_unassign_by_the_owner_puts_the_task_back_in_the_queue(technician, review_task):
    task_action(actor=technician, task=review_task, action="assign")

    task_action(actor=technician, task=review_task, action="unassign")

    assert task_row(review_task) == {"status": "NEW", "owner": None, "assigned": None}
    assert task_events(review_task) == [
        ("task.assign", "NEW", "ASSIGNED"),
        ("task.unassign", "ASSIGNED", "NEW"),
    ]


def test_only_the_owner_may_unassign(make_user, review_task):
    owner = make_user(role="technician")
    other = make_user(role="technician")
    task_action(actor=owner, task=review_task, action="assign")

    with pytest.raises(PermissionDenied):
        task_action(actor=other, task=review_task, action="unassign")

    assert task_row(review_task)["owner"] == owner.pk
    assert len(task_events(review_task)) == 1


def test_execute_by_the_owner_does_the_work_and_moves_the_flow_on(technician, review_task):
    # Given a task the technician owns
    task_action(actor=technician, task=review_task, action="assign")

    def record_decision(activation):
        activation.process.data["decision"] = "aprobado"
        activation.process.save(update_fields=["data"])

    # When they execute it, saving their decision in the process
    task_action(actor=technician, task=review_task, action="execute", fn=record_decision)

    # Then the task is done, the process reached its end, and the decision was stored
    review_task.process.refresh_from_db()
    assert task_row(review_task)["status"] == "DONE"
    assert review_task.process.status == "DONE"
    assert review_task.process.data == {"title": "Solicitud de prueba", "decision": "aprobado"}
    assert task_events(review_task)[-1] == ("task.execute", "ASSIGNED", "DONE")


def test_execute_by_someone_else_is_refused(make_user, review_task):
    owner = make_user(role="technician")
    other = make_user(role="technician")
    task_action(actor=owner, task=review_task, action="assign")

    with pytest.raises(PermissionDenied):
        task_action(actor=other, task=review_task, action="execute")

    row = Task.objects.get(pk=review_task.pk)
    assert (row.status, row.owner_id, row.started) == ("ASSIGNED", owner.pk, None)
    assert len(task_events(review_task)) == 1


def test_execute_on_an_unassigned_task_is_a_conflict(technician, review_task):
    with pytest.raises(Conflict) as caught:
        task_action(actor=technician, task=review_task, action="execute")

    assert caught.value.reason == "La acción «Realizar» no es posible en el estado «Pendiente»."
    assert task_row(review_task)["status"] == "NEW"


def test_a_failing_in_transaction_hook_rolls_the_assignment_back(technician, review_task):
    # Given hooks that write an outbox row and then fail
    def outbox(task):
        OutboxRow.objects.create(topic="task.assigned", object_id=task.pk)

    def fail(task):
        raise RuntimeError("outbox full")

    # When the technician takes the task
    with pytest.raises(RuntimeError):
        task_action(
            actor=technician, task=review_task, action="assign", in_transaction=[outbox, fail]
        )

    # Then no owner, no event, no outbox row; the caller's copy is untouched
    assert task_row(review_task) == {"status": "NEW", "owner": None, "assigned": None}
    assert task_events(review_task) == []
    assert OutboxRow.objects.count() == 0
    assert review_task.owner_id is None


def test_a_failing_step_body_rolls_back_the_started_task(technician, review_task):
    task_action(actor=technician, task=review_task, action="assign")

    def fail(activation):
        raise RuntimeError("form could not be saved")

    with pytest.raises(RuntimeError):
        task_action(actor=technician, task=review_task, action="execute", fn=fail)

    row = Task.objects.get(pk=review_task.pk)
    assert (row.status, row.started) == ("ASSIGNED", None)
    assert len(task_events(review_task)) == 1


def test_unknown_action_is_refused(technician, review_task):
    with pytest.raises(Conflict) as caught:
        task_action(actor=technician, task=review_task, action="delete")

    assert caught.value.code == "unknown_action"
    assert task_row(review_task)["status"] == "NEW"


def test_available_task_actions_follow_role_and_ownership(make_user, citizen, review_task):
    owner = make_user(role="technician")
    other = make_user(role="technician")

    assert available_task_actions(actor=owner, task=review_task) == [
        AvailableAction(name="assign", label="Tomar")
    ]
    assert available_task_actions(actor=citizen, task=review_task) == []

    task_action(actor=owner, task=review_task, action="assign")

    assert available_task_actions(actor=owner, task=review_task) == [
        AvailableAction(name="unassign", label="Liberar"),
        AvailableAction(name="reassign", label="Reasignar"),
        AvailableAction(name="execute", label="Realizar"),
    ]
    assert available_task_actions(actor=other, task=review_task) == []


def test_a_flow_without_the_row_lock_is_refused(technician, review_task, monkeypatch):
    # docs/architecture.md §4: every flow locks with select-for-update; no_lock lets two win.
    monkeypatch.setattr(ReviewFlow, "lock_impl", lock.no_lock)

    with pytest.raises(ImproperlyConfigured):
        task_action(actor=technician, task=review_task, action="assign")

    assert task_row(review_task)["owner"] is None
