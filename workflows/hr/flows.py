"""The HR processes (viewflow)::

    Leave request (licencia)
    start ─┬─ a teacher ─────► director_approve (the school's director) ─┐
           └─ the director ──► department_approve (departmental officer) ┤
                                    approved? ─► register (departmental HR officer) ─► end
                                    rejected ──► end

    Correction of a teacher's record (a help-desk ticket)
    start ─► route (level 1: the staff of the ticket's queue) ─┬─ forward ─► apply (HR officer
                                                               │             of the department)
                                                               └─ reject ──► end

Nobody works a step of their own request; the director never approves their own leave (it goes
to the department instead, and the node refuses the requester anyway). Level 1 never edits the
record: the HR officer's step applies the change through ``modules.teachers.services``.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow, lock

from core.accounts.choices import Role
from core.accounts.scopes import ScopePaths
from core.processes.nodes import RoleStart, RoleTask, process_prefix
from helpdesk.models import Queue
from helpdesk.selectors import queue_supervisors, queue_technicians, served_queue_q

from .choices import Decision, RouteVerdict
from .forms import ApplyCorrectionForm, LeaveDecisionForm, RegisterLeaveForm, RouteForm
from .models import LeaveRequest, RecordCorrection

DAY = timedelta(hours=9)  # one working day of business time (core/calendar.py)


class OwnRequestGuard(RoleTask):
    """A step never offered to, nor worked by, the person who made the request.

    ``requester_lookup`` is the lookup from the process model to the requester's user id.
    """

    requester_lookup = "requester"
    process_model: Any = LeaveRequest
    own_message = _("Nadie puede decidir ni registrar su propia solicitud de licencia.")

    def _requester_q(self, user: Any) -> Q:
        prefix = process_prefix(self.flow_class)
        return ~Q(**{f"{prefix}{self.requester_lookup}": user.pk})

    def work_queue_q(self, user: Any) -> Q | None:
        condition = super().work_queue_q(user)
        return None if condition is None else condition & self._requester_q(user)

    def _requester_id(self, task: Any) -> int | None:
        return (
            self.process_model.objects.filter(pk=task.process_id)
            .values_list(f"{self.requester_lookup}_id", flat=True)
            .first()
        )

    def separation_reason(self, user: Any, task: Any) -> str:
        if user is not None and task.process_id is not None and self._requester_id(task) == user.pk:
            return str(self.own_message)
        return super().separation_reason(user, task)

    def eligible_people(self, task: Any) -> Any:
        return super().eligible_people(task).exclude(pk=self._requester_id(task))


class CorrectionGuard(OwnRequestGuard):
    requester_lookup = "ticket__requester"
    process_model = RecordCorrection
    own_message = _("Nadie puede revisar ni aplicar la corrección de su propio expediente.")


class QueueStaffTask(CorrectionGuard):
    """Level 1: offered to the help-desk staff serving the ticket's queue."""

    def _role_q(self, user: Any) -> Q | None:
        queues = served_queue_q(user)
        if queues is None:
            return None
        prefix = process_prefix(self.flow_class)
        return Q(**{f"{prefix}ticket__queue__in": Queue.objects.filter(queues)})

    def _queue(self, task: Any) -> Queue:
        return Queue.objects.get(tickets__teacher_record_correction__pk=task.process_id)

    def eligible_people(self, task: Any) -> Any:
        return queue_technicians(self._queue(task)).exclude(pk=self._requester_id(task))

    def escalation_recipients(self, task: Any) -> Any:
        return queue_supervisors(self._queue(task))


def _leave(activation: Any) -> LeaveRequest:
    process = activation.process
    return process if isinstance(process, LeaveRequest) else process.leaverequest


def _correction(activation: Any) -> RecordCorrection:
    process = activation.process
    return process if isinstance(process, RecordCorrection) else process.recordcorrection


class LeaveRequestFlow(flow.Flow):
    """Solicitud de licencia docente"""

    process_class = LeaveRequest
    process_title = _("Solicitud de licencia docente")
    process_description = _(
        "Un docente pide días de licencia con su respaldo; el director del centro la aprueba o "
        "la rechaza con un motivo y recursos humanos del departamento la registra."
    )
    process_summary_template = "{{ process.summary }}"
    lock_impl = lock.select_for_update_lock

    # Who may ask is checked by the service (a teacher record with an appointment there).
    start = (
        RoleStart(this.start_process, roles=[Role.TEACHER, Role.DIRECTOR])
        .Annotation(title=_("Solicitud del docente"))
        .Next(this.who_decides)
    )

    who_decides = (
        flow.If(lambda activation: _leave(activation).by_director)
        .Annotation(title=_("¿La pide el director?"))
        .Then(this.department_approve)
        .Else(this.director_approve)
    )

    director_approve = OwnRequestGuard(
        LeaveDecisionForm,
        roles=[Role.DIRECTOR],
        scope=ScopePaths(school="school_id"),
        due=2 * DAY,
        escalate_to=[Role.DEPARTMENTAL_OFFICER],
        label=_("Aprobación del director"),
    ).Next(this.after_decision)

    # The director's own leave is decided in the department, never by the director.
    department_approve = OwnRequestGuard(
        LeaveDecisionForm,
        roles=[Role.DEPARTMENTAL_OFFICER],
        scope=ScopePaths(department="department_id"),
        due=2 * DAY,
        escalate_to=[Role.MINISTRY_OFFICER],
        label=_("Aprobación departamental"),
    ).Next(this.after_decision)

    after_decision = (
        flow.If(lambda activation: _leave(activation).decision == Decision.APPROVED)
        .Annotation(title=_("¿Aprobada?"))
        .Then(this.register)
        .Else(this.end)
    )

    register = OwnRequestGuard(
        RegisterLeaveForm,
        roles=[Role.HR_OFFICER],
        scope=ScopePaths(department="department_id"),
        exclude_actors_of=("director_approve", "department_approve"),
        due=2 * DAY,
        escalate_to=[Role.MINISTRY_OFFICER],
        label=_("Registro en recursos humanos"),
    ).Next(this.end)

    end = flow.End().Annotation(title=_("Fin"))

    def process_details(self, process: Any, viewer: Any) -> list[dict[str, Any]]:
        from .selectors import leave_details

        return leave_details(process_pk=process.pk)

    def is_participant(self, process: Any, user: Any) -> bool:
        """The teacher who asked follows their request."""
        return LeaveRequest.objects.filter(pk=process.pk, requester_id=user.pk).exists()

    def start_process(self, activation: Any, **fields: Any) -> LeaveRequest:
        process = activation.process
        for name, value in fields.items():
            setattr(process, name, value)
        return process


class RecordCorrectionFlow(flow.Flow):
    """Corrección de expediente docente"""

    process_class = RecordCorrection
    process_title = _("Corrección de expediente docente")
    process_description = _(
        "La mesa de ayuda revisa la solicitud y la envía a recursos humanos del departamento, "
        "que aplica el cambio en el expediente del docente o lo rechaza con un motivo."
    )
    process_summary_template = "{{ process.ticket_number }} · {{ process.field }}"
    lock_impl = lock.select_for_update_lock

    start = (
        flow.StartHandle(this.start_process)
        .Annotation(title=_("Caso de la mesa de ayuda"))
        .Next(this.route)
    )

    route = QueueStaffTask(
        RouteForm,
        roles=[Role.TECHNICIAN, Role.SUPERVISOR],
        due=DAY,
        label=_("Revisar y enviar a recursos humanos"),
    ).Next(this.after_route)

    after_route = (
        flow.If(lambda activation: _correction(activation).verdict == RouteVerdict.FORWARD)
        .Annotation(title=_("¿Se envía?"))
        .Then(this.apply)
        .Else(this.end)
    )

    apply = CorrectionGuard(
        ApplyCorrectionForm,
        roles=[Role.HR_OFFICER],
        scope=ScopePaths(department="department_id"),
        exclude_actors_of=("route",),
        due=2 * DAY,
        escalate_to=[Role.MINISTRY_OFFICER],
        label=_("Aplicar la corrección del expediente"),
    ).Next(this.end)

    end = flow.End().Annotation(title=_("Fin"))

    def process_details(self, process: Any, viewer: Any) -> list[dict[str, Any]]:
        from .selectors import correction_details

        return correction_details(process_pk=process.pk)

    def start_process(self, activation: Any, **fields: Any) -> RecordCorrection:
        process = activation.process
        for name, value in fields.items():
            setattr(process, name, value)
        return process
