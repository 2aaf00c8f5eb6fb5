"""Correction of a teacher's record, opened as a ticket of the catalogue: level 1 routes it to
the department's HR officers, who apply it through the teachers module's service (audited with
before and after). The help desk never edits the record."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from core.accounts.choices import Role
from core.audit.models import AuditEvent
from helpdesk.choices import TicketStatus
from helpdesk.models import Service, Team, Ticket
from helpdesk.services import ticket_create
from modules.teachers.models import Teacher
from tests.factories import create_user
from workflows.hr.flows import RecordCorrectionFlow
from workflows.hr.models import RecordCorrection
from workflows.hr.services import hr_step

from .conftest import evidence, open_task

pytestmark = pytest.mark.django_db

SERVICE_CODE = "correccion-de-expediente-docente"


@pytest.fixture
def service(db):
    return Service.objects.select_related("queue").get(code=SERVICE_CODE)


@pytest.fixture
def technician(service):
    user = create_user(role=Role.TECHNICIAN)
    team = Team.objects.create(name="Recursos humanos")
    team.queues.add(service.queue)
    team.members.add(user)
    return user


def ask(user, service, **answers):
    data = {"dato": "categoria", "valor_actual": "4", "valor_correcto": "3", **answers}
    ticket = ticket_create(
        requester=user,
        service=service,
        data=data,
        files={"respaldo": evidence()},
        description="Mi categoría no está actualizada.",
    )
    return RecordCorrection.objects.get(ticket=ticket)


def route(user, process, verdict="forward", reason=""):
    task = open_task(process, RecordCorrectionFlow.route)
    return hr_step(actor=user, task=task, data={"verdict": verdict, "reason": reason})


def apply(user, process, decision="approve", comment=""):
    task = open_task(process, RecordCorrectionFlow.apply)
    return hr_step(actor=user, task=task, data={"decision": decision, "comment": comment})


def test_the_hr_officer_applies_the_correction_with_before_and_after(
    teacher_user, service, technician, hr_officer
):
    process = ask(teacher_user, service)
    teacher = Teacher.objects.get(person=teacher_user.person)
    assert (process.field, process.current_value, process.requested_value) == (
        "escalafon_category",
        "4",
        "3",
    )

    route(technician, process)
    # Level 1 only sent it on: the record is untouched
    teacher.refresh_from_db()
    assert teacher.escalafon_category == 4

    apply(hr_officer, process)

    teacher.refresh_from_db()
    assert teacher.escalafon_category == 3
    event = AuditEvent.objects.get(action="teacher.updated")
    assert event.payload["before"] == {"escalafon_category": 4}
    assert event.payload["after"] == {"escalafon_category": 3}
    assert event.actor_id == hr_officer.pk
    assert event.role == Role.HR_OFFICER
    assert Ticket.objects.get(pk=process.ticket_id).status == TicketStatus.RESOLVED


def test_level_one_cannot_apply_it(teacher_user, service, technician, school):
    from core.accounts.services import role_grant

    role_grant(
        user=technician,
        role=Role.HR_OFFICER,
        scope_kind="department",
        target=school.municipality.department,
    )
    process = ask(teacher_user, service)
    route(technician, process)
    events = AuditEvent.objects.count()

    with pytest.raises(PermissionDenied):
        apply(technician, process)
    assert Teacher.objects.get(person=teacher_user.person).escalafon_category == 4
    assert AuditEvent.objects.count() == events


def test_an_hr_officer_of_another_department_cannot_apply_it(
    teacher_user, service, technician, far_hr_officer
):
    process = ask(teacher_user, service)
    route(technician, process)

    with pytest.raises(PermissionDenied):
        apply(far_hr_officer, process)
    assert Teacher.objects.get(person=teacher_user.person).escalafon_category == 4


def test_a_rejection_by_level_one_ends_it(teacher_user, service, technician):
    process = ask(teacher_user, service)

    route(technician, process, verdict="reject", reason="Falta el acuerdo de ascenso.")

    process.refresh_from_db()
    assert (process.status, process.decision) == ("DONE", "rejected")
    assert Teacher.objects.get(person=teacher_user.person).escalafon_category == 4


def test_a_bad_value_refuses_the_ticket_and_saves_nothing(teacher_user, service):
    tickets = Ticket.objects.count()
    with pytest.raises(ValidationError):
        ask(teacher_user, service, valor_correcto="9")
    assert Ticket.objects.count() == tickets
    assert RecordCorrection.objects.count() == 0
