"""Every write of the HR trámites.

Leave request:
- ``leave_request_start``: a teacher asks for leave from their own page; checked (a teacher
  record with an appointment in force, no overlapping request, the evidence file by its content,
  ``core/uploads.py``), then started through ``core.workflow.process_start``.
- ``leave_decided``: the director's (or, for the director's own leave, the department's)
  decision, inside ``task_action``; the teacher is told through the outbox.
- ``leave_registered``: the departmental HR officer records the leave on the teacher's record
  (``modules.teachers.services.leave_register``), from then on shown on the record and in the
  school's staff view for those days.

Correction of a teacher's record (a help-desk ticket of the catalogue):
- ``record_correction_start``: the receiver of ``helpdesk.signals.ticket_created`` starts it.
- ``correction_routed``: level 1 sends it to the department's HR officers or rejects it; it never
  edits the record.
- ``correction_decided``: the HR officer applies it through ``teacher_update`` (audited with the
  values before and after) or rejects it; the ticket is resolved and the teacher told.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from core.accounts.choices import Role, ScopeKind
from core.accounts.models import User
from core.accounts.scopes import covers, grants_with_roles
from core.uploads import JPEG, PDF, PNG, UploadLimits, check_upload
from core.work import task_acting_role
from core.workflow import process_start, task_action
from helpdesk.models import Ticket
from helpdesk.process_outcome import ticket_resolve_for_process
from helpdesk.services import ticket_link_path, ticket_link_process
from modules.teachers.choices import CorrectableField
from modules.teachers.models import Appointment, LeaveType, Teacher
from modules.teachers.selectors import active_on_q
from modules.teachers.services import leave_register, teacher_field_value, teacher_update
from notifications.services import notify

from .choices import FIELD_BY_ANSWER, Decision, RouteVerdict
from .models import LeaveRequest, RecordCorrection

EVIDENCE_LIMITS = UploadLimits(max_bytes=5 * 1024 * 1024, max_files=1)
EVIDENCE_TYPES = frozenset({PDF, PNG, JPEG})


def _flow(name: str) -> Any:
    from . import flows

    return getattr(flows, name)


def _dates(start: date, end: date) -> str:
    return _("del %(start)s al %(end)s") % {
        "start": date_format(start, "d/m/Y"),
        "end": date_format(end, "d/m/Y"),
    }


# --- Leave request ------------------------------------------------------------------------------


def _appointment_for(teacher: Teacher, day: date) -> Appointment | None:
    today = timezone.localdate()
    appointments = Appointment.objects.select_related("school__municipality").filter(
        teacher=teacher
    )
    return (
        appointments.filter(active_on_q(day)).order_by("pk").first()
        or appointments.filter(active_on_q(today)).order_by("pk").first()
    )


@transaction.atomic
def leave_request_start(
    *,
    actor: User,
    leave_type: LeaveType,
    start_date: date,
    end_date: date,
    reason: str = "",
    evidence: Any = None,
    request: HttpRequest | None = None,
) -> LeaveRequest:
    """Start a leave request for the actor's own teacher record, or raise ``ValidationError``
    (keyed by the form's fields) and save nothing."""
    teacher = Teacher.objects.select_related("person").filter(person_id=actor.person_id).first()
    if teacher is None:
        raise ValidationError(_("Su cuenta no tiene un expediente docente en SIGES."))
    if end_date < start_date:
        raise ValidationError({"end_date": _("La fecha final no puede ser anterior a la inicial.")})
    if not leave_type.is_active:
        raise ValidationError({"leave_type": _("Ese tipo de licencia ya no se concede.")})
    appointment = _appointment_for(teacher, start_date)
    if appointment is None:
        raise ValidationError(_("No tiene un nombramiento vigente en ningún centro educativo."))
    school = appointment.school
    overlapping = LeaveRequest.objects.filter(
        teacher=teacher, start_date__lte=end_date, end_date__gte=start_date
    ).exclude(decision=Decision.REJECTED)
    if overlapping.exists():
        raise ValidationError(
            {"start_date": _("Ya tiene una solicitud de licencia para algunos de esos días.")}
        )
    fields: dict[str, Any] = {}
    if evidence:
        checked = check_upload(evidence, limits=EVIDENCE_LIMITS)
        if checked.content_type not in EVIDENCE_TYPES:
            raise ValidationError(
                {"evidence": _("Adjunte el respaldo en PDF, PNG o JPEG.")}, code="type_not_allowed"
            )
        evidence.seek(0)
        fields = {
            "evidence": evidence,
            "evidence_name": checked.name,
            "evidence_type": checked.content_type,
            "evidence_sha256": checked.sha256,
        }
    elif leave_type.requires_evidence:
        raise ValidationError(
            {"evidence": _("Este tipo de licencia requiere un documento de respaldo.")}
        )
    department_id = school.municipality.department_id
    by_director = any(
        covers(grant, department_id=department_id, school_id=school.pk)
        for grant in grants_with_roles(actor, [Role.DIRECTOR])
    )
    summary = _("Licencia por %(type)s · %(name)s · %(dates)s") % {
        "type": leave_type.name.lower(),
        "name": teacher.person.full_name,
        "dates": _dates(start_date, end_date),
    }
    return process_start(
        actor=actor,
        flow_class=_flow("LeaveRequestFlow"),
        request=request,
        scope=f"{ScopeKind.SCHOOL.value}:{school.pk}",
        payload={
            "teacher_id": teacher.pk,
            "type": leave_type.code,
            "start_date": start_date.isoformat(),
            "end_date": end_date.isoformat(),
        },
        requester=actor,
        teacher=teacher,
        school=school,
        department_id=department_id,
        leave_type=leave_type,
        start_date=start_date,
        end_date=end_date,
        reason=reason.strip(),
        by_director=by_director,
        summary=summary[:200],
        **fields,
    )


def _leave(activation: Any) -> LeaveRequest:
    process = activation.process
    if not isinstance(process, LeaveRequest):
        process = LeaveRequest.objects.get(pk=process.pk)
    return process


def _role(activation: Any) -> str:
    return task_acting_role(actor=activation.task.owner, task=activation.task)


def _tell_requester(process: LeaveRequest, *, outcome: str, message: str) -> None:
    requester = process.requester
    notify(
        recipient=requester.person,
        user=requester,
        template="hr_leave_outcome",
        context={
            "summary": process.summary,
            "outcome": outcome,
            "message": message,
        },
        idempotency_key=f"hr_leave:{process.pk}:{outcome}",
        link=reverse("process:detail", kwargs={"pk": process.pk}),
    )


def leave_decided(*, activation: Any, approved: bool, reason: str) -> LeaveRequest:
    """The decision on a leave request (inside ``task_action``; the owner is the actor)."""
    process = _leave(activation)
    process.decision = Decision.APPROVED if approved else Decision.REJECTED
    process.decided_by = activation.task.owner
    process.decided_at = timezone.now()
    process.decision_reason = reason
    process.save(update_fields=["decision", "decided_by", "decided_at", "decision_reason"])
    if approved:
        message = _("Su licencia fue aprobada y pasa a registro en recursos humanos.")
        if reason:
            message += " " + _("Comentario: %(reason)s") % {"reason": reason}
    else:
        message = _("Su solicitud de licencia fue rechazada. Motivo: %(reason)s") % {
            "reason": reason
        }
    _tell_requester(process, outcome=process.decision, message=message)
    return process


def leave_registered(*, activation: Any) -> LeaveRequest:
    """The HR officer records the approved leave on the teacher's record."""
    process = _leave(activation)
    actor = activation.task.owner
    leave_register(
        actor=actor,
        teacher=process.teacher,
        school=process.school,
        leave_type=process.leave_type,
        start_date=process.start_date,
        end_date=process.end_date,
        process_id=process.pk,
        role=_role(activation),
        scope=f"{ScopeKind.DEPARTMENT.value}:{process.department_id}",
    )
    process.registered_by = actor
    process.registered_at = timezone.now()
    process.save(update_fields=["registered_by", "registered_at"])
    _tell_requester(
        process,
        outcome="registered",
        message=_("Su licencia quedó registrada en su expediente docente (%(dates)s).")
        % {"dates": _dates(process.start_date, process.end_date)},
    )
    return process


@transaction.atomic
def hr_step(*, actor: User, task: Any, data: Any, request: HttpRequest | None = None) -> Any:
    """Work one human step with its form's ``data``: take the task if free, then complete it,
    in one transaction (``ValidationError`` for bad data, ``PermissionDenied`` for someone who
    may not, ``Conflict`` for a finished one). Used by tests and the demo; the task page does
    the same."""
    node = task.flow_task
    form = node.get_form(data)
    if not form.is_valid():
        raise ValidationError(form.errors)
    role = task_acting_role(actor=actor, task=task)
    if task.owner_id is None:
        task_action(actor=actor, task=task, action="assign", request=request, role=role)
    return task_action(
        actor=actor,
        task=task,
        action="execute",
        request=request,
        role=role,
        fn=lambda activation: node.save_form(form, activation),
    )


# --- Correction of a teacher's record -----------------------------------------------------------


def _display(field: str, value: Any) -> str:
    if value in (None, ""):
        return _("(vacío)")
    return str(value)


@transaction.atomic
def record_correction_start(*, ticket: Ticket) -> RecordCorrection:
    """Start the process for a new ticket of the trámite (inside the ticket's transaction: a
    refused request rolls the ticket back too)."""
    data = ticket.form_data or {}
    requester = ticket.requester
    teacher = Teacher.objects.filter(person_id=requester.person_id).first()
    if teacher is None:
        raise ValidationError(
            {"dato": _("Su cuenta no tiene un expediente docente que corregir en SIGES.")}
        )
    field = FIELD_BY_ANSWER.get(data.get("dato") or "")
    if field is None:
        raise ValidationError({"dato": _("Elija el dato del expediente que se corrige.")})
    try:
        requested = teacher_field_value(field, str(data.get("valor_correcto") or ""))
    except ValidationError as exc:
        raise ValidationError({"valor_correcto": exc.messages}) from exc
    current = getattr(teacher, field)
    if str(requested) == str(current):
        raise ValidationError(
            {"valor_correcto": _("El expediente ya tiene ese dato; no hay nada que corregir.")}
        )
    appointment = _appointment_for(teacher, timezone.localdate())
    if appointment is None:
        raise ValidationError(
            {"dato": _("No tiene un nombramiento vigente: no hay departamento que lo atienda.")}
        )
    process = process_start(
        actor=requester,
        flow_class=_flow("RecordCorrectionFlow"),
        seed=ticket,
        role="requester",
        payload={"ticket": ticket.number, "field": field},
        ticket=ticket,
        ticket_number=ticket.number,
        teacher=teacher,
        department_id=appointment.school.municipality.department_id,
        field=field,
        current_value=str(current),
        requested_value=str(requested),
    )
    ticket_link_process(ticket=ticket, process=process)
    return process


def _correction(activation: Any) -> RecordCorrection:
    process = activation.process
    if not isinstance(process, RecordCorrection):
        process = RecordCorrection.objects.select_related("ticket__requester__person").get(
            pk=process.pk
        )
    return process


def correction_routed(*, activation: Any, verdict: str, reason: str) -> RecordCorrection:
    process = _correction(activation)
    process.verdict = verdict
    process.routed_by = activation.task.owner
    process.reason = reason
    process.save(update_fields=["verdict", "routed_by", "reason"])
    if verdict == RouteVerdict.REJECT:
        _conclude(process, actor=activation.task.owner, approved=False, reason=reason)
    return process


def correction_decided(*, activation: Any, approved: bool, reason: str) -> RecordCorrection:
    process = _correction(activation)
    actor = activation.task.owner
    if approved:
        teacher = Teacher.objects.get(pk=process.teacher_id)
        value = teacher_field_value(process.field, process.requested_value)
        teacher_update(
            actor=actor,
            teacher=teacher,
            reason=_("Corrección aprobada en el caso %(number)s.")
            % {"number": process.ticket_number},
            role=_role(activation),
            scope=f"{ScopeKind.DEPARTMENT.value}:{process.department_id}",
            payload={"process_id": process.pk, "ticket": process.ticket_number},
            **{process.field: value},
        )
    return _conclude(process, actor=actor, approved=approved, reason=reason)


def _conclude(
    process: RecordCorrection, *, actor: User, approved: bool, reason: str
) -> RecordCorrection:
    process.decision = Decision.APPROVED if approved else Decision.REJECTED
    process.decided_by = actor
    process.decided_at = timezone.now()
    process.reason = reason
    process.save(update_fields=["decision", "decided_by", "decided_at", "reason"])
    values = {
        "field": CorrectableField(process.field).label,
        "value": _display(process.field, process.requested_value),
        "reason": reason,
    }
    if approved:
        message = (
            _("Su expediente docente fue corregido: «%(field)s» ahora es «%(value)s».") % values
        )
    else:
        message = (
            _("Su solicitud de corrección de «%(field)s» fue rechazada. Motivo: %(reason)s")
            % values
        )
    ticket = ticket_resolve_for_process(ticket=process.ticket, author=actor, message=message)
    requester = ticket.requester
    notify(
        recipient=requester.person,
        user=requester,
        template="hr_record_correction_outcome",
        context={"ticket_number": ticket.number, "approved": approved, "message": message},
        idempotency_key=f"hr_record_correction:{process.pk}:outcome",
        link=ticket_link_path(ticket),
    )
    return process
