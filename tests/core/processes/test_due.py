"""Due times of human tasks in business time, and the sweep that reminds and escalates once."""

from datetime import timedelta

import pytest
from viewflow.workflow.models import Task

from core.audit.models import AuditEvent
from core.calendar import add_business_time
from core.processes.models import TaskDue
from core.processes.services import task_due_sweep
from core.work import WorkFilters
from core.work.flow_tasks import FlowTaskSource
from core.workflow import process_chain_key, task_action
from notifications.models import OutboxMessage
from tests.workflowapp.flows import ApprovalFlow

from .conftest import open_task, work

pytestmark = pytest.mark.django_db


def sent(template: str) -> list[tuple[int, str, str]]:
    rows = OutboxMessage.objects.filter(template=template).order_by("user_id", "channel")
    return list(rows.values_list("user_id", "channel", "link"))


def sweep_events(process) -> list[tuple[str, str, list[int]]]:
    events = AuditEvent.objects.filter(
        chain_key=process_chain_key(process.pk), action__in=["task.remind", "task.escalate"]
    ).order_by("seq")
    return [(e.action, e.payload["node"], e.payload["recipients"]) for e in events]


def test_a_task_is_due_after_its_business_time(process):
    task = open_task(process, ApprovalFlow.check)

    due = TaskDue.objects.get(task=task)

    assert due.due_at == add_business_time(task.created, timedelta(hours=4))
    assert due.remind_at == add_business_time(task.created, timedelta(hours=3))
    assert (due.reminded_at, due.escalated_at) == (None, None)


def test_the_bandeja_shows_the_due_time_and_the_overdue_filter_uses_it(process, checker):
    task = open_task(process, ApprovalFlow.check)
    due_at = TaskDue.objects.get(task=task).due_at
    source = FlowTaskSource()

    found = source.collect(actor=checker, filters=WorkFilters(), limit=10, now=due_at)
    assert [(item.id, item.due_at) for item in found.available] == [(str(task.pk), due_at)]

    early = source.collect(
        actor=checker, filters=WorkFilters(overdue_only=True), limit=10, now=due_at
    )
    late = source.collect(
        actor=checker,
        filters=WorkFilters(overdue_only=True),
        limit=10,
        now=due_at + timedelta(minutes=1),
    )
    assert early.available == []
    assert [item.id for item in late.available] == [str(task.pk)]


def test_nothing_is_sent_before_the_reminder_time(process, checker):
    due = TaskDue.objects.get(task=open_task(process, ApprovalFlow.check))

    result = task_due_sweep(now=due.remind_at - timedelta(seconds=1))

    assert (result.reminded, result.escalated) == (0, 0)
    assert OutboxMessage.objects.count() == 0


def test_an_unassigned_task_reminds_everyone_who_may_take_it_once(process, checker, make_user):
    other = make_user(role="technician")
    make_user(role="supervisor")  # not offered the check: not reminded
    task = open_task(process, ApprovalFlow.check)
    due = TaskDue.objects.get(task=task)
    link = f"/procesos/tareas/{task.pk}/"

    first = task_due_sweep(now=due.remind_at)
    second = task_due_sweep(now=due.remind_at + timedelta(minutes=5))

    assert (first.reminded, first.escalated) == (1, 0)
    assert (second.reminded, second.escalated) == (0, 0)
    assert sent("processes/task_due_soon") == [
        (checker.pk, "email", link),
        (checker.pk, "in_app", link),
        (other.pk, "email", link),
        (other.pk, "in_app", link),
    ]
    assert sweep_events(process) == [("task.remind", "check", [checker.pk, other.pk])]


def test_an_assigned_task_reminds_its_owner_only(process, checker, make_user):
    make_user(role="technician")
    task = open_task(process, ApprovalFlow.check)
    task_action(actor=checker, task=task, action="assign")
    due = TaskDue.objects.get(task=task)

    task_due_sweep(now=due.remind_at)

    assert [row[0] for row in sent("processes/task_due_soon")] == [checker.pk, checker.pk]
    message = OutboxMessage.objects.get(template="processes/task_due_soon", channel="in_app")
    assert message.subject == (
        f"Tarea por vencer: Revisar la solicitud (Aprobación de prueba n.º {process.pk})"
    )


def test_an_overdue_task_is_escalated_once_to_supervisors_of_its_scope(
    process, checker, officer, make_user, school, other_school
):
    # Given supervisors: national, of the school's department, and of another department
    national = make_user(role="supervisor")
    local = make_user(
        role="supervisor", scope_kind="department", target=school.municipality.department
    )
    make_user(
        role="supervisor", scope_kind="department", target=other_school.municipality.department
    )
    work(checker, open_task(process, ApprovalFlow.check))
    task = open_task(process, ApprovalFlow.approve)
    due = TaskDue.objects.get(task=task)

    # When the sweep runs after the due time, twice
    first = task_due_sweep(now=due.due_at + timedelta(minutes=1))
    second = task_due_sweep(now=due.due_at + timedelta(hours=1))

    # Then it was escalated once, to the supervisors whose grant covers the process
    assert (first.escalated, second.escalated) == (1, 0)
    assert sorted({row[0] for row in sent("processes/task_overdue")}) == [national.pk, local.pk]
    assert len(sent("processes/task_overdue")) == 4
    assert sweep_events(process) == [("task.escalate", "approve", [national.pk, local.pk])]
    # and never reminded afterwards (it is already overdue)
    assert sent("processes/task_due_soon") == []
    assert TaskDue.objects.get(task=task).escalated_at is not None


def test_a_done_task_is_neither_reminded_nor_escalated(process, checker):
    task = open_task(process, ApprovalFlow.check)
    due = TaskDue.objects.get(task=task)
    work(checker, task)
    # the next task (approve) has its own later due time
    later = TaskDue.objects.get(task__flow_task=ApprovalFlow.approve)

    result = task_due_sweep(now=min(due.due_at + timedelta(minutes=1), later.remind_at))

    assert Task.objects.get(pk=task.pk).status == "DONE"
    assert OutboxMessage.objects.filter(link=f"/procesos/tareas/{task.pk}/").count() == 0
    assert result.escalated == 0
