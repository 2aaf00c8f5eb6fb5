"""Due times of the correction's steps: the evidence check reminds the technicians of the
ticket's queue (never the requester) and escalates to its supervisors, once each."""

from datetime import timedelta

from core.accounts.choices import Role
from core.audit.models import AuditEvent
from core.processes.models import TaskDue
from core.processes.services import task_due_sweep
from core.workflow import process_chain_key
from helpdesk.models import Team
from workflows.data_correction.flows import DataCorrectionFlow

from .conftest import correction_of, open_task, request_correction


def sweep_events(process) -> list[tuple[str, str, list[int]]]:
    events = AuditEvent.objects.filter(
        chain_key=process_chain_key(process.pk), action__in=["task.remind", "task.escalate"]
    ).order_by("seq")
    return [(e.action, e.payload["node"], e.payload["recipients"]) for e in events]


def test_the_evidence_check_reminds_the_queue_and_escalates_to_its_supervisors(
    make_user, service, technician
):
    # Given a technician outside the queue's team, a supervisor, and a requester who is
    # herself a technician of the queue
    make_user(role=Role.TECHNICIAN)
    supervisor = make_user(role=Role.SUPERVISOR)
    requester = make_user(role=Role.TECHNICIAN, first_names="Carmen Elena")
    Team.objects.get(name="Registro académico").members.add(requester)
    process = correction_of(request_correction(requester, service))
    due = TaskDue.objects.get(task=open_task(process, DataCorrectionFlow.check_evidence))

    # When the sweep runs at the reminder time, again, and once the task is overdue
    task_due_sweep(now=due.remind_at)
    task_due_sweep(now=due.remind_at + timedelta(minutes=5))
    task_due_sweep(now=due.due_at + timedelta(minutes=1))
    task_due_sweep(now=due.due_at + timedelta(minutes=6))

    # Then the team's technician was reminded (not the requester), the supervisor told, once
    assert sweep_events(process) == [
        ("task.remind", "check_evidence", [technician.pk]),
        ("task.escalate", "check_evidence", [supervisor.pk]),
    ]
