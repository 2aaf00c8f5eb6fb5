"""Who may work each step (role, scope, separation of duties) and the other paths: rejection,
a request for better evidence, and a student's record (teacher, then director)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from viewflow.workflow.models import Task

from core.accounts.choices import Role
from core.accounts.services import role_grant
from core.audit.models import AuditEvent
from core.exceptions import Conflict
from helpdesk.choices import TicketStatus
from helpdesk.models import Ticket
from helpdesk.services import ticket_cancel
from notifications.models import OutboxMessage
from tests.factories import SectionFactory
from workflows.data_correction.flows import DataCorrectionFlow
from workflows.data_correction.services import correction_step

from .conftest import check, correction_of, decide, open_task, request_correction


def _state(process, person):
    process.refresh_from_db()
    person.refresh_from_db()
    task = open_task(process, DataCorrectionFlow.approve)
    return (
        process.status,
        process.decision,
        task.status,
        task.owner_id,
        person.first_names,
        AuditEvent.objects.count(),
    )


@pytest.fixture
def forwarded(requester, service, technician):
    """A request whose evidence the technician sent on to approval."""
    process = correction_of(request_correction(requester, service))
    check(technician, process)
    return process


def test_the_evidence_checker_cannot_approve(forwarded, technician, requester):
    # Given the technician who checked the evidence is also a ministry officer
    role_grant(user=technician, role=Role.MINISTRY_OFFICER)
    before = _state(forwarded, requester.person)

    # When they try to approve
    with pytest.raises(PermissionDenied) as excinfo:
        decide(technician, forwarded)

    # Then they are told why, and nothing changed
    assert str(excinfo.value) == (
        "Usted realizó el paso «Revisar el respaldo» de este trámite: otra persona debe "
        "realizar «Aprobar la corrección»."
    )
    assert _state(forwarded, requester.person) == before


def test_the_requester_cannot_approve_their_own_correction(forwarded, requester):
    role_grant(user=requester, role=Role.MINISTRY_OFFICER)
    before = _state(forwarded, requester.person)

    with pytest.raises(PermissionDenied) as excinfo:
        decide(requester, forwarded)

    assert str(excinfo.value) == (
        "Nadie puede revisar ni aprobar la corrección de sus propios datos."
    )
    assert _state(forwarded, requester.person) == before


def test_an_officer_of_another_department_cannot_approve(
    requester, service, technician, far_officer, departmental_officer, school
):
    # Given a teacher's own correction, in the department of the teacher's school
    role_grant(user=requester, role=Role.TEACHER, scope_kind="school", target=school)
    process = correction_of(
        request_correction(requester, service, registro="docente", codigo_centro=school.code)
    )
    check(technician, process)
    before = _state(process, requester.person)

    # When an officer of another department tries
    with pytest.raises(PermissionDenied):
        decide(far_officer, process)

    # Then nothing changed, while the officer of that department may
    assert _state(process, requester.person) == before
    decide(departmental_officer, process)
    requester.person.refresh_from_db()
    assert requester.person.first_names == "Carmen Helena"


def test_level_one_forwards_without_touching_the_record(forwarded, requester):
    requester.person.refresh_from_db()
    assert requester.person.first_names == "Carmen Elena"
    assert not AuditEvent.objects.filter(action="person.corrected").exists()
    ticket = Ticket.objects.get(pk=forwarded.ticket_id)
    assert ticket.status == TicketStatus.IN_PROGRESS
    assert ticket.entries.order_by("-pk").first().body == (
        "Revisamos su documento de respaldo y enviamos su solicitud de corrección a aprobación."
    )


def test_a_rejection_needs_a_reason_and_then_tells_the_citizen(
    forwarded, ministry_officer, requester
):
    with pytest.raises(ValidationError) as excinfo:
        decide(ministry_officer, forwarded, decision="reject", comment=" ")
    assert excinfo.value.message_dict == {"comment": ["Indique el motivo del rechazo."]}

    decide(ministry_officer, forwarded, decision="reject", comment="La partida no es legible.")

    requester.person.refresh_from_db()
    assert requester.person.first_names == "Carmen Elena"
    assert not AuditEvent.objects.filter(action="person.corrected").exists()
    ticket = Ticket.objects.get(pk=forwarded.ticket_id)
    assert ticket.status == TicketStatus.RESOLVED
    assert ticket.entries.order_by("-pk").first().body == (
        "Su solicitud de corrección del dato «Nombres» fue rechazada. "
        "Motivo: La partida no es legible."
    )
    email = OutboxMessage.objects.get(template="data_correction_outcome", channel="email")
    assert email.recipient_id == requester.person_id
    assert "rechazada" in email.subject
    assert "La partida no es legible." in email.body_text


def test_the_technician_may_reject_without_touching_the_record(requester, service, technician):
    process = correction_of(request_correction(requester, service))

    check(technician, process, verdict="reject", reason="El documento no corresponde.")

    process.refresh_from_db()
    assert (process.status, process.verdict, process.decision) == ("DONE", "reject", "rejected")
    requester.person.refresh_from_db()
    assert requester.person.first_names == "Carmen Elena"
    assert Ticket.objects.get(pk=process.ticket_id).status == TicketStatus.RESOLVED


def test_asking_for_better_evidence_waits_on_the_citizen_and_offers_the_check_again(
    requester, service, technician
):
    process = correction_of(request_correction(requester, service))

    check(technician, process, verdict="return", reason="Adjunte la partida completa.")

    ticket = Ticket.objects.get(pk=process.ticket_id)
    assert ticket.status == TicketStatus.WAITING_ON_REQUESTER
    assert ticket.entries.order_by("-pk").first().body == "Adjunte la partida completa."
    again = open_task(process, DataCorrectionFlow.check_evidence)
    assert (again.status, again.owner_id) == ("NEW", None)
    process.refresh_from_db()
    assert process.status == "NEW"


def test_a_students_record_is_confirmed_by_a_teacher_and_approved_by_the_director(
    guardian, child, service, school, technician, teacher, director, ministry_officer
):
    process = correction_of(
        request_correction(
            guardian,
            service,
            registro="estudiante",
            dato="apellidos",
            valor_actual="Hernández Rivas",
            valor_correcto="Hernández Ríos",
            codigo_centro=school.code,
        )
    )
    check(technician, process)

    # The officers' step is not offered for a student's record
    with pytest.raises(Task.DoesNotExist):
        open_task(process, DataCorrectionFlow.approve)
    # The director may not confirm in the teacher's place
    with pytest.raises(PermissionDenied):
        decide(director, process, node=DataCorrectionFlow.confirm)

    decide(teacher, process, node=DataCorrectionFlow.confirm)
    # The teacher who confirmed may not also approve, even as a director
    role_grant(user=teacher, role=Role.DIRECTOR, scope_kind="school", target=school)
    with pytest.raises(PermissionDenied):
        decide(teacher, process, node=DataCorrectionFlow.director_approve)
    decide(director, process, node=DataCorrectionFlow.director_approve)

    child.refresh_from_db()
    assert child.last_names == "Hernández Ríos"
    process.refresh_from_db()
    assert (process.confirmed_by_id, process.decided_by_id) == (teacher.pk, director.pk)
    event = AuditEvent.objects.get(action="person.corrected")
    assert (event.role, event.payload["before"], event.payload["after"]) == (
        "director",
        "Hernández Rivas",
        "Hernández Ríos",
    )


def test_a_teacher_of_another_school_cannot_confirm(
    guardian, service, school, technician, make_user
):
    process = correction_of(
        request_correction(guardian, service, registro="estudiante", codigo_centro=school.code)
    )
    check(technician, process)
    stranger = make_user(role=Role.TEACHER, scope_kind="section", target=SectionFactory())
    with pytest.raises(PermissionDenied):
        decide(stranger, process, node=DataCorrectionFlow.confirm)
    assert open_task(process, DataCorrectionFlow.confirm).owner_id is None


def test_a_finished_step_cannot_be_worked_again(forwarded, ministry_officer, make_user):
    task = open_task(forwarded, DataCorrectionFlow.approve)
    decide(ministry_officer, forwarded)
    other = make_user(role=Role.MINISTRY_OFFICER)

    with pytest.raises(Conflict):
        correction_step(actor=other, task=task, data={"decision": "approve", "comment": ""})
    assert AuditEvent.objects.filter(action="person.corrected").count() == 1


def test_a_withdrawn_request_is_not_corrected(forwarded, ministry_officer, requester):
    ticket = Ticket.objects.get(pk=forwarded.ticket_id)
    ticket_cancel(actor=requester, ticket=ticket, reason="Ya no lo necesito.")
    before = _state(forwarded, requester.person)

    with pytest.raises(Conflict) as excinfo:
        decide(ministry_officer, forwarded)

    assert excinfo.value.code == "ticket_withdrawn"
    assert str(excinfo.value.reason) == (
        f"El caso {forwarded.ticket_number} ya no está vigente («Cancelado»): "
        "la corrección no sigue."
    )
    assert _state(forwarded, requester.person) == before
