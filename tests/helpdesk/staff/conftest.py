"""The cast of the staff tests: a department queue and the people around it, in and out of
scope. Tickets are opened and moved through the services, never saved by hand."""

from dataclasses import dataclass

import pytest
from rest_framework.test import APIClient

from core.accounts.models import User
from core.audit.models import AuditEvent
from core.audit.services import chain_key_for
from helpdesk.models import Queue, Service, Ticket, TicketEntry
from notifications.models import OutboxMessage
from tests.factories import DepartmentFactory
from tests.helpdesk.conftest import make_queue, make_service, make_team, open_ticket


@dataclass
class World:
    department_queue: Queue
    other_queue: Queue
    service: Service
    requester: User
    technician: User
    supervisor: User
    technician_other_queue: User
    technician_other_department: User
    supervisor_other_department: User

    def open(self, **kwargs) -> Ticket:
        return open_ticket(self.requester, self.service, **kwargs)


@pytest.fixture
def world(make_user, department, sla_policy) -> World:
    other_department = DepartmentFactory(code="98", name="Otro departamento")
    department_queue = make_queue("depto", department=department)
    other_queue = make_queue("otra")
    in_department = {"scope_kind": "department", "target": department}
    technician = make_user(role="technician", **in_department)
    technician_other_department = make_user(
        role="technician", scope_kind="department", target=other_department
    )
    # Right team, wrong scope: the grant covers another department.
    make_team(department_queue, technician, technician_other_department)
    technician_other_queue = make_user(role="technician")
    make_team(other_queue, technician_other_queue)
    return World(
        department_queue=department_queue,
        other_queue=other_queue,
        service=make_service(department_queue, sla_policy, "consulta-depto"),
        requester=make_user(role="citizen"),
        technician=technician,
        supervisor=make_user(role="supervisor", **in_department),
        technician_other_queue=technician_other_queue,
        technician_other_department=technician_other_department,
        supervisor_other_department=make_user(
            role="supervisor", scope_kind="department", target=other_department
        ),
    )


def fresh(user: User) -> User:
    """The user as a new request loads it (no grants cached on the object)."""
    return User.objects.get(pk=user.pk)


def api_client(user: User | None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(fresh(user))
    return client


def snapshot(ticket: Ticket) -> dict:
    """Everything an action could change about ``ticket``, read from the database."""
    row = Ticket.objects.get(pk=ticket.pk)
    return {
        "status": row.status,
        "assignee": row.assignee_id,
        "queue": row.queue_id,
        "priority": row.priority,
        "parent": row.parent_id,
        "merged_into": row.merged_into_id,
        "related": sorted(row.related.values_list("pk", flat=True)),
        "first_responded_at": row.first_responded_at,
        "resolved_at": row.resolved_at,
        "closed_at": row.closed_at,
        "entries": TicketEntry.objects.filter(ticket=row).count(),
        "audit_events": AuditEvent.objects.filter(chain_key=chain_key_for(row)).count(),
        "outbox": OutboxMessage.objects.count(),
    }
