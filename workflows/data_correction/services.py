"""Every write of the data-correction process.

- ``correction_start``: the ticket of the catalogue's trámite starts the process (the receiver
  of ``helpdesk.signals.ticket_created`` calls it inside the creating transaction); a request
  about someone who is not the requester nor a student in their care is refused with a
  ``ValidationError`` keyed by the form field, and nothing is saved.
- ``correction_evidence_checked`` / ``correction_record_confirmed`` / ``correction_decided``:
  the work of each human step, run by the step's form inside ``core.workflow.task_action`` (the
  task's owner is the actor). The step that ends the process applies the change (approval),
  resolves the ticket with the outcome and emails the citizen, in the same transaction.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from core.accounts.choices import Role, ScopeKind, Sex
from core.accounts.models import Person, User
from core.accounts.scopes import grants_with_roles, has_role
from core.accounts.services import person_correct
from core.exceptions import Conflict
from core.work import task_acting_role
from core.workflow import process_start, task_action
from helpdesk.choices import TicketStatus
from helpdesk.models import Attachment, Ticket
from helpdesk.process_outcome import ticket_resolve_for_process
from helpdesk.services import (
    ticket_link_path,
    ticket_link_process,
    ticket_reply,
    ticket_set_waiting,
)
from modules.schools.models import School
from notifications.services import notify

from .choices import FIELD_BY_ANSWER, Decision, EvidenceVerdict, PersonField, RecordKind
from .models import DataCorrection

NAME_MAX_LENGTH = 100
OLDEST_BIRTH_YEAR = 1900
DATE_INPUT_FORMATS = ("%d/%m/%Y", "%d-%m-%Y", "%Y-%m-%d")
SEX_ANSWERS = {
    "f": Sex.FEMALE,
    "femenino": Sex.FEMALE,
    "mujer": Sex.FEMALE,
    "m": Sex.MALE,
    "masculino": Sex.MALE,
    "hombre": Sex.MALE,
}


# --- Reading the request ------------------------------------------------------------------------


@dataclass(frozen=True)
class CorrectionRequest:
    """What a ticket asks, checked: whose record, which field, the new value (normalised)."""

    person: Person
    record: str
    field: str
    current_value: str
    requested_value: str
    school: School | None
    department_id: int | None
    evidence_id: int | None


def _folded(text: str) -> str:
    """Compare names without case, accents or repeated spaces."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(plain.casefold().split())


def stored_value(person: Person, field: str) -> str:
    """The value of ``field`` on ``person`` as the process stores it (ISO date, ``F``/``M``)."""
    value = getattr(person, field)
    if isinstance(value, date):
        return value.isoformat()
    return str(value or "")


def display_value(field: str, value: str) -> str:
    """A stored value as people read it (``14/03/2016``, ``Femenino``)."""
    if not value:
        return _("(vacío)")
    if field == PersonField.BIRTH_DATE:
        return date_format(date.fromisoformat(value), "d/m/Y")
    if field == PersonField.SEX:
        return str(Sex(value).label)
    return value


def typed_value(field: str, value: str) -> Any:
    """A stored value as the ``Person`` field holds it."""
    return date.fromisoformat(value) if field == PersonField.BIRTH_DATE else value


def _parse_date(text: str) -> date | None:
    for pattern in DATE_INPUT_FORMATS:
        try:
            return datetime.strptime(text, pattern).date()  # noqa: DTZ007 - a date, no time
        except ValueError:
            continue
    return None


def _requested_value(field: str, text: str) -> str:
    """The citizen's answer normalised for ``field``, or a ``ValidationError``."""
    text = " ".join((text or "").split())
    if field in (PersonField.FIRST_NAMES, PersonField.LAST_NAMES):
        if not any(ch.isalpha() for ch in text):
            raise ValidationError(_("Escriba el nombre o los apellidos como deben aparecer."))
        if len(text) > NAME_MAX_LENGTH:
            raise ValidationError(
                _("Admite como máximo %(count)d caracteres.") % {"count": NAME_MAX_LENGTH}
            )
        return text
    if field == PersonField.BIRTH_DATE:
        parsed = _parse_date(text)
        if parsed is None:
            raise ValidationError(_("Escriba la fecha como día/mes/año, por ejemplo 14/03/2016."))
        if parsed > timezone.localdate() or parsed.year < OLDEST_BIRTH_YEAR:
            raise ValidationError(_("Esa fecha de nacimiento no es posible."))
        return parsed.isoformat()
    sex = SEX_ANSWERS.get(_folded(text))
    if sex is None:
        raise ValidationError(_("Escriba «Femenino» o «Masculino»."))
    return str(sex)


def _school(code: str) -> School | None:
    code = (code or "").strip().upper()
    if not code:
        return None
    school = School.objects.select_related("municipality").filter(code=code).first()
    if school is None or not school.is_active:
        raise ValidationError(
            {
                "codigo_centro": _("No hay un centro educativo activo con el código «%(code)s».")
                % {"code": code}
            }
        )
    return school


def _student(requester: User, data: dict[str, Any]) -> Person:
    """The student in ``requester``'s guardian scope the request is about."""
    children = [
        grant.person
        for grant in grants_with_roles(requester, [Role.GUARDIAN])
        if grant.scope_kind == ScopeKind.PERSON and grant.person is not None
    ]
    if not children:
        raise ValidationError(
            {
                "registro": _(
                    "Solo la madre, el padre o el responsable registrado en SIGES puede pedir "
                    "la corrección de los datos de un estudiante."
                )
            }
        )
    name = _folded(data.get("nombre_estudiante") or "")
    if name:
        matching = [child for child in children if _folded(child.full_name) == name]
        if not matching:
            raise ValidationError(
                {
                    "nombre_estudiante": _(
                        "No hay un estudiante con ese nombre a su cargo. Escríbalo como aparece "
                        "ahora en SIGES."
                    )
                }
            )
        return matching[0]
    if len(children) > 1:
        raise ValidationError(
            {
                "nombre_estudiante": _(
                    "Tiene más de un estudiante a su cargo: escriba el nombre completo del "
                    "estudiante."
                )
            }
        )
    return children[0]


def _check_teaches_at(requester: User, school: School) -> None:
    """A teacher's record is approved in the department of a school they teach at."""
    for grant in grants_with_roles(requester, [Role.TEACHER]):
        if grant.school_id == school.pk or (
            grant.section is not None and grant.section.school_id == school.pk
        ):
            return
    raise ValidationError(
        {
            "codigo_centro": _("Usted no figura como docente del centro «%(code)s».")
            % {"code": school.code}
        }
    )


def _own_person(requester: User, data: dict[str, Any]) -> Person:
    dui = (data.get("dui") or "").strip()
    if dui and dui != requester.person.dui:
        raise ValidationError(
            {
                "dui": _(
                    "Solo puede pedir la corrección de sus propios datos o de un estudiante a "
                    "su cargo. La persona de ese DUI debe hacer el trámite con su cuenta."
                )
            }
        )
    return requester.person


def correction_request_read(*, ticket: Ticket) -> CorrectionRequest:
    """Check the ticket's answers and say what is corrected, or raise ``ValidationError``."""
    data = ticket.form_data or {}
    requester = ticket.requester
    record = data.get("registro") or ""
    if record not in RecordKind.values:
        raise ValidationError({"registro": _("Elija qué registro se corrige.")})
    field = FIELD_BY_ANSWER.get(data.get("dato") or "")
    if field is None:
        raise ValidationError(
            {"dato": _("Este trámite corrige nombres, apellidos, fecha de nacimiento o sexo.")}
        )

    school = _school(data.get("codigo_centro") or "")
    if record == RecordKind.STUDENT:
        person = _student(requester, data)
        if school is None:
            raise ValidationError(
                {"codigo_centro": _("Escriba el código del centro educativo del estudiante.")}
            )
    else:
        if record == RecordKind.TEACHER and not has_role(requester, [Role.TEACHER]):
            raise ValidationError(
                {
                    "registro": _(
                        "Su cuenta no tiene un registro de docente; elija «Mis propios datos»."
                    )
                }
            )
        if record == RecordKind.TEACHER and school is not None:
            _check_teaches_at(requester, school)
        person = _own_person(requester, data)

    try:
        requested = _requested_value(field, data.get("valor_correcto") or "")
    except ValidationError as exc:
        raise ValidationError({"valor_correcto": exc.messages}) from exc
    current = stored_value(person, field)
    if requested == current:
        raise ValidationError(
            {"valor_correcto": _("El registro ya tiene ese dato; no hay nada que corregir.")}
        )

    evidence = data.get("respaldo")
    evidence_id = evidence.get("attachment_id") if isinstance(evidence, dict) else None
    if school is not None:
        department_id = school.municipality.department_id
    else:
        department_id = ticket.queue.department_id
    return CorrectionRequest(
        person=person,
        record=record,
        field=field,
        current_value=current,
        requested_value=requested,
        school=school if record in (RecordKind.STUDENT, RecordKind.TEACHER) else None,
        department_id=department_id,
        evidence_id=evidence_id,
    )


# --- Starting -----------------------------------------------------------------------------------


@transaction.atomic
def correction_start(*, ticket: Ticket) -> DataCorrection:
    """Start the process for a new ticket of the trámite and link the ticket to it."""
    checked = correction_request_read(ticket=ticket)
    process = process_start(
        actor=ticket.requester,
        flow_class=_flow(),
        seed=ticket,
        role="requester",
        payload={"ticket": ticket.number, "record": checked.record, "field": checked.field},
        ticket=ticket,
        ticket_number=ticket.number,
        person=checked.person,
        record=checked.record,
        field=checked.field,
        current_value=checked.current_value,
        requested_value=checked.requested_value,
        evidence=(
            Attachment.objects.filter(pk=checked.evidence_id, entry__ticket=ticket).first()
            if checked.evidence_id
            else None
        ),
        school=checked.school,
        department_id=checked.department_id,
    )
    ticket_link_process(ticket=ticket, process=process)
    return process


def _flow() -> Any:
    from .flows import DataCorrectionFlow

    return DataCorrectionFlow


# --- The steps ----------------------------------------------------------------------------------


@transaction.atomic
def correction_step(
    *, actor: User, task: Any, data: Any, request: HttpRequest | None = None
) -> Any:
    """Work one human step of a correction with its form's ``data``: take the task if it is
    free, then complete it, in one transaction (of two people deciding at once, one wins and
    the other gets a 409). Raises ``ValidationError`` (the form's errors) for bad data,
    ``PermissionDenied`` for someone who may not work it, ``Conflict`` for a finished one."""
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


def _correction(activation: Any) -> DataCorrection:
    """The correction a step works on; refused once its ticket was cancelled or merged (the
    citizen withdrew the request: nothing may be corrected on its behalf)."""
    process = activation.process
    if not isinstance(process, DataCorrection):
        process = DataCorrection.objects.select_related("ticket__requester__person", "person").get(
            pk=process.pk
        )
    if process.ticket.status in (TicketStatus.CANCELLED, TicketStatus.MERGED):
        raise Conflict(
            _("El caso %(number)s ya no está vigente («%(status)s»): la corrección no sigue.")
            % {"number": process.ticket_number, "status": process.ticket.get_status_display()},
            code="ticket_withdrawn",
        )
    return process


def correction_evidence_checked(*, activation: Any, verdict: str, reason: str) -> DataCorrection:
    """The technician's verdict on the evidence (inside ``task_action``). Forwarding tells the
    citizen it moved on; asking for better evidence waits on the citizen and offers the check
    again; rejecting ends the process. The record is never touched here."""
    process = _correction(activation)
    actor = activation.task.owner
    process.verdict = verdict
    process.checked_by = actor
    process.reason = reason
    process.save(update_fields=["verdict", "checked_by", "reason"])
    ticket = process.ticket
    if verdict == EvidenceVerdict.FORWARD:
        ticket_reply(
            actor=actor,
            ticket=ticket,
            body=_(
                "Revisamos su documento de respaldo y enviamos su solicitud de corrección a "
                "aprobación."
            ),
        )
    elif verdict == EvidenceVerdict.RETURN:
        if ticket.status == TicketStatus.WAITING_ON_REQUESTER:
            ticket_reply(actor=actor, ticket=ticket, body=reason)
        else:
            ticket_set_waiting(actor=actor, ticket=ticket, message=reason)
    else:
        _conclude(process, actor=actor, approved=False, reason=reason, role=_role(activation))
    return process


def correction_record_confirmed(*, activation: Any, confirmed: bool, reason: str) -> DataCorrection:
    """The teacher's comparison with the school file: on to the director, or the end."""
    process = _correction(activation)
    actor = activation.task.owner
    if confirmed:
        process.confirmed_by = actor
        process.save(update_fields=["confirmed_by"])
        return process
    return _conclude(process, actor=actor, approved=False, reason=reason, role=_role(activation))


def correction_decided(*, activation: Any, approved: bool, reason: str) -> DataCorrection:
    """The approver's decision: on approval the record is corrected (audited with before and
    after); either way the ticket is resolved and the citizen told."""
    process = _correction(activation)
    return _conclude(
        process,
        actor=activation.task.owner,
        approved=approved,
        reason=reason,
        role=_role(activation),
    )


def _role(activation: Any) -> str:
    return task_acting_role(actor=activation.task.owner, task=activation.task)


def _conclude(
    process: DataCorrection, *, actor: User, approved: bool, reason: str, role: str
) -> DataCorrection:
    process.decision = Decision.APPROVED if approved else Decision.REJECTED
    process.decided_by = actor
    process.decided_at = timezone.now()
    process.reason = reason
    process.save(update_fields=["decision", "decided_by", "decided_at", "reason"])
    if approved:
        person_correct(
            actor=actor,
            person=process.person,
            field=process.field,
            value=typed_value(process.field, process.requested_value),
            reason=_("Corrección aprobada en el caso %(number)s.")
            % {"number": process.ticket_number},
            role=role,
            scope=_scope_label(process),
            payload={"process_id": process.pk, "ticket": process.ticket_number},
        )
    message = outcome_message(process)
    ticket = ticket_resolve_for_process(ticket=process.ticket, author=actor, message=message)
    requester = ticket.requester
    notify(
        recipient=requester.person,
        user=requester,
        template="data_correction_outcome",
        context={
            "ticket_number": ticket.number,
            "approved": approved,
            "field_label": process.get_field_display(),
            "message": message,
        },
        idempotency_key=f"data_correction:{process.pk}:outcome",
        link=ticket_link_path(ticket),
    )
    return process


def _scope_label(process: DataCorrection) -> str:
    if process.school_id is not None:
        return f"{ScopeKind.SCHOOL.value}:{process.school_id}"
    if process.department_id is not None:
        return f"{ScopeKind.DEPARTMENT.value}:{process.department_id}"
    return ScopeKind.NATIONAL.value


def outcome_message(process: DataCorrection) -> str:
    """What the citizen reads on the ticket and in the email."""
    values = {
        "field": process.get_field_display(),
        "value": display_value(process.field, process.requested_value),
        "reason": process.reason,
    }
    if process.decision == Decision.APPROVED:
        text = (
            _("Su solicitud de corrección fue aprobada: el dato «%(field)s» ahora es «%(value)s».")
            % values
        )
        if process.reason:
            text += " " + _("Comentario: %(reason)s") % values
        return text
    return (
        _("Su solicitud de corrección del dato «%(field)s» fue rechazada. Motivo: %(reason)s")
        % values
    )
