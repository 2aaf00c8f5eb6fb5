"""The data-correction process (viewflow)::

    start ─► check_evidence ─┬─ return ──► check_evidence (the citizen sends better evidence)
                             ├─ reject ──► end
                             ├─ forward, own record ──► approve (identity officer) ─► end
                             └─ forward, student ─► confirm (teacher of the school)
                                                    ├─ confirmed ─► director_approve ─► end
                                                    └─ not confirmed ─► end

Level 1 (the technician who checks the evidence) never edits the record; the approver's step
applies the change through ``core.accounts.services.person_correct``. Whoever did an earlier
step of a process cannot take a later one, and nobody works a step of their own request. Steps
are worked on the generic task page through ``core.workflow.task_action``; each form's
``apply`` calls this app's services.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow, lock

from core.accounts.choices import Role
from core.accounts.scopes import ScopePaths
from core.processes.nodes import RoleTask, process_prefix
from helpdesk.models import Queue
from helpdesk.selectors import queue_supervisors, queue_technicians, served_queue_q

from .choices import EvidenceVerdict
from .forms import ApproveForm, CheckEvidenceForm, ConfirmRecordForm
from .models import DataCorrection

DAY = timedelta(hours=9)  # one working day of business time (core/calendar.py)


class CorrectionTask(RoleTask):
    """A step of this process: never worked by the person who asked for the correction."""

    def _requester_q(self, user: Any) -> Q:
        return ~Q(**{f"{process_prefix(self.flow_class)}ticket__requester": user.pk})

    def work_queue_q(self, user: Any) -> Q | None:
        condition = super().work_queue_q(user)
        return None if condition is None else condition & self._requester_q(user)

    def _is_requester(self, user: Any, task: Any) -> bool:
        return (
            user is not None
            and task.process_id is not None
            and DataCorrection.objects.filter(
                pk=task.process_id, ticket__requester_id=user.pk
            ).exists()
        )

    def separation_reason(self, user: Any, task: Any) -> str:
        if self._is_requester(user, task):
            return gettext("Nadie puede revisar ni aprobar la corrección de sus propios datos.")
        return super().separation_reason(user, task)

    def _requester_id(self, task: Any) -> int | None:
        return (
            DataCorrection.objects.filter(pk=task.process_id)
            .values_list("ticket__requester_id", flat=True)
            .first()
        )

    def eligible_people(self, task: Any) -> Any:
        return super().eligible_people(task).exclude(pk=self._requester_id(task))


class QueueStaffTask(CorrectionTask):
    """Offered to the help-desk staff serving the ticket's queue (team technicians and the
    queue's supervisors), whatever the process's other scopes."""

    def _role_q(self, user: Any) -> Q | None:
        queues = served_queue_q(user)
        if queues is None:
            return None
        prefix = process_prefix(self.flow_class)
        return Q(**{f"{prefix}ticket__queue__in": Queue.objects.filter(queues)})

    def _queue(self, task: Any) -> Queue:
        return Queue.objects.get(tickets__data_correction__pk=task.process_id)

    def eligible_people(self, task: Any) -> Any:
        """Reminded while nobody took it: the technicians serving the ticket's queue."""
        return queue_technicians(self._queue(task)).exclude(pk=self._requester_id(task))

    def escalation_recipients(self, task: Any) -> Any:
        """Told once it is overdue: the supervisors of the ticket's queue."""
        return queue_supervisors(self._queue(task))


def _verdict_is(value: str) -> Any:
    def condition(activation: Any) -> bool:
        return _correction(activation).verdict == value

    return condition


def _correction(activation: Any) -> DataCorrection:
    process = activation.process
    return process if isinstance(process, DataCorrection) else process.datacorrection


def _forwarded_student(activation: Any) -> bool:
    process = _correction(activation)
    return process.verdict == EvidenceVerdict.FORWARD and process.is_student


def _confirmed(activation: Any) -> bool:
    return _correction(activation).confirmed_by_id is not None


class DataCorrectionFlow(flow.Flow):
    """Corrección de datos personales"""

    process_class = DataCorrection
    process_title = _("Corrección de datos personales")
    process_description = _(
        "Un técnico revisa el respaldo y un funcionario de identidad del ámbito correcto "
        "aprueba o rechaza el cambio (para un estudiante: su docente confirma y su director "
        "aprueba)."
    )
    # Fields of the process row only: the Bandeja lists titles without extra queries.
    process_summary_template = "{{ process.ticket_number }} · {{ process.get_field_display }}"
    lock_impl = lock.select_for_update_lock

    start = (
        flow.StartHandle(this.start_process)
        .Annotation(title=_("Solicitud del ciudadano"))
        .Next(this.check_evidence)
    )

    check_evidence = QueueStaffTask(
        CheckEvidenceForm,
        roles=[Role.TECHNICIAN, Role.SUPERVISOR],
        due=DAY,
        label=_("Revisar el respaldo"),
    ).Next(this.after_check)

    after_check = (
        flow.Switch()
        .Annotation(title=_("¿Respaldo suficiente?"))
        .Case(this.check_evidence, _verdict_is(EvidenceVerdict.RETURN))
        .Case(this.confirm, _forwarded_student)
        .Case(this.approve, _verdict_is(EvidenceVerdict.FORWARD))
        .Default(this.end)
    )

    # An identity officer whose department covers the request, or a ministry officer.
    approve = CorrectionTask(
        ApproveForm,
        roles=[Role.DEPARTMENTAL_OFFICER, Role.MINISTRY_OFFICER],
        scope=ScopePaths(department="department_id"),
        exclude_actors_of=("check_evidence",),
        due=2 * DAY,
        escalate_to=[Role.MINISTRY_OFFICER],
        label=_("Aprobar la corrección"),
    ).Next(this.end)

    # A teacher of the student's school (a school grant, or a section of that school).
    confirm = CorrectionTask(
        ConfirmRecordForm,
        roles=[Role.TEACHER],
        scope=ScopePaths(school="school_id", section="school__sections__id"),
        exclude_actors_of=("check_evidence",),
        due=2 * DAY,
        escalate_to=[Role.DIRECTOR],
        label=_("Confirmar con el expediente escolar"),
    ).Next(this.after_confirm)

    after_confirm = (
        flow.If(_confirmed)
        .Annotation(title=_("¿Confirmado?"))
        .Then(this.director_approve)
        .Else(this.end)
    )

    director_approve = CorrectionTask(
        ApproveForm,
        roles=[Role.DIRECTOR],
        scope=ScopePaths(school="school_id"),
        exclude_actors_of=("check_evidence", "confirm"),
        due=2 * DAY,
        escalate_to=[Role.MINISTRY_OFFICER],
        label=_("Aprobación del director"),
    ).Next(this.end)

    end = flow.End().Annotation(title=_("Fin"))

    def process_details(self, process: Any, viewer: Any) -> list[dict[str, Any]]:
        """What the request is about, on the task and process pages (the evidence to check)."""
        from .selectors import correction_details

        return correction_details(process_pk=process.pk)

    def start_process(self, activation: Any, **fields: Any) -> DataCorrection:
        process = activation.process
        for name, value in fields.items():
            setattr(process, name, value)
        return process
