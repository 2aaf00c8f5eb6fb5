"""Every write of the titles process (docs/architecture.md §7).

- ``titles_request``: the registrar's request (guards in ``modules.documents.services``) and
  the process that carries it, in one transaction: a refused guard or start saves nothing.
- ``titles_start_for_ticket``: a citizen's "reposición de título" ticket starts a replacement
  (the receiver of ``helpdesk.signals.ticket_created`` calls it inside the creating
  transaction); the ticket then hears of each milestone and is resolved on delivery.
- ``step_*``: the work of each human step, run by its form inside ``core.workflow.task_action``
  (the task's owner is the actor).
- ``titles_step``: take a free task and complete it with a form's data, in one transaction.
"""

from __future__ import annotations

import unicodedata
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from core.accounts.choices import Role
from core.accounts.models import User
from core.exceptions import Conflict
from core.parsers import plain_int
from core.work import task_acting_role
from core.workflow import process_start, task_action
from helpdesk.models import Ticket
from helpdesk.process_outcome import ticket_resolve_for_process, ticket_update_for_process
from helpdesk.services import ticket_link_process
from modules.documents.choices import RequestKind, RequestStatus, SignatoryKind, TitleStatus
from modules.documents.models import IssuedTitle, TitleRequest
from modules.documents.services import (
    signatory_valid,
    title_request_countersign,
    title_request_create,
    title_request_delivered,
    title_request_printed,
    title_request_received,
    title_request_sign,
    title_request_verify,
)
from modules.schools.models import School, Section
from modules.teachers.selectors import director_appointed

from .models import TitleProcess


def _flow() -> Any:
    from .flows import TitleFlow

    return TitleFlow


def _start(
    *, actor: User, title_request: TitleRequest, start: str, request: HttpRequest | None,
    ticket: Ticket | None = None,
) -> TitleProcess:  # fmt: skip
    school = School.objects.select_related("municipality").get(pk=title_request.school_id)
    return process_start(
        actor=actor,
        flow_class=_flow(),
        start=start,
        request=request,
        seed=ticket or title_request,
        payload={"request": title_request.number, "kind": title_request.kind},
        title_request=title_request,
        request_number=title_request.number,
        kind=title_request.kind,
        school=school,
        school_code=school.code,
        department_id=school.municipality.department_id,
        requester=actor,
        ticket=ticket,
    )


def _director_appointment_guard(school: School, day: date) -> None:
    """The director whose signature is registered must also hold a director appointment at the
    school in force on the request date, as the teachers module records it. Checked before
    anything is written; a school without a registered director is left to the documents guard,
    which says so."""
    signatory = signatory_valid(kind=SignatoryKind.DIRECTOR, day=day, school=school)
    if signatory is None:
        return
    if director_appointed(school=school, day=day, person_id=signatory.person_id):
        return
    raise ValidationError(
        _(
            "%(name)s no tiene un nombramiento de director de %(school)s vigente el %(day)s en "
            "el registro de docentes: regístrelo o actualícelo antes de solicitar títulos."
        )
        % {
            "name": signatory.person.full_name,
            "school": school.name,
            "day": day.strftime("%d/%m/%Y"),
        },
        code="director_not_appointed",
    )


@transaction.atomic
def titles_request(
    *,
    actor: User,
    kind: str,
    school: School,
    section: Section | None = None,
    student_ids: Any = None,
    title_numbers: Any = (),
    motive: Any = None,
    request: HttpRequest | None = None,
) -> TitleProcess:
    """The registrar asks for titles: the request (every guard checked) and its process."""
    _director_appointment_guard(school, timezone.localdate())
    title_request = title_request_create(
        actor=actor,
        kind=kind,
        school=school,
        section=section,
        student_ids=student_ids,
        title_numbers=title_numbers,
        motive=motive,
    )
    return _start(actor=actor, title_request=title_request, start="start", request=request)


# --- A citizen's replacement ------------------------------------------------------------------


def _folded(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text or "")
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(plain.casefold().split())


def _title_for_ticket(data: dict[str, Any]) -> IssuedTitle:
    code = (data.get("codigo_centro") or "").strip().upper()
    try:
        year = int(data.get("anio_graduacion") or 0)
    except (TypeError, ValueError):
        year = 0
    name = _folded(data.get("nombre_en_titulo") or "")
    candidates = IssuedTitle.objects.filter(
        school_code=code, graduation_year=year, status=TitleStatus.VALID
    ).select_related("request__school")
    nie = plain_int(str(data.get("nie") or "").strip())
    if nie is not None:
        candidates = candidates.filter(student__nie=nie)
    matching = [title for title in candidates if _folded(title.student_name) == name]
    if len(matching) != 1:
        raise ValidationError(
            {
                "nombre_en_titulo": _(
                    "No encontramos un título vigente con ese nombre, centro educativo y año. "
                    "Escriba el nombre exactamente como aparece en el título."
                )
            }
        )
    return matching[0]


@transaction.atomic
def titles_start_for_ticket(*, ticket: Ticket) -> TitleProcess:
    """Start the replacement a citizen asked for on ``ticket`` (the published resolution's
    number is required) and link the ticket to it."""
    data = ticket.form_data or {}
    resolution = (data.get("numero_resolucion") or "").strip()
    if not resolution:
        raise ValidationError(
            {"numero_resolucion": _("La reposición requiere el número de la resolución publicada.")}
        )
    original = _title_for_ticket(data)
    _director_appointment_guard(original.request.school, timezone.localdate())
    title_request = title_request_create(
        actor=ticket.requester,
        kind=RequestKind.REPLACEMENT,
        school=original.request.school,
        title_numbers=[original.number],
        resolution_number=resolution,
        role="requester",
    )
    process = _start(
        actor=ticket.requester,
        title_request=title_request,
        start="start_ticket",
        request=None,
        ticket=ticket,
    )
    ticket_link_process(ticket=ticket, process=process)
    return process


# --- The steps ----------------------------------------------------------------------------------


@transaction.atomic
def titles_step(*, actor: User, task: Any, data: Any, request: HttpRequest | None = None) -> Any:
    """Work one human step with its form's ``data``: take the task if it is free, then complete
    it, in one transaction (of two people at once, one wins; the other gets a 409). Raises
    ``ValidationError`` (the form's errors), ``PermissionDenied`` or ``Conflict``."""
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


def _process(activation: Any) -> TitleProcess:
    process = activation.process
    if not isinstance(process, TitleProcess):
        process = TitleProcess.objects.get(pk=process.pk)
    return process


def _request(process: TitleProcess) -> TitleRequest:
    return TitleRequest.objects.select_related("school").get(pk=process.title_request_id)


def _role(activation: Any) -> str:
    return task_acting_role(actor=activation.task.owner, task=activation.task)


def _tell_ticket(process: TitleProcess, *, author: Any, message: str, key: str) -> None:
    if process.ticket_id is not None:
        ticket_update_for_process(ticket=process.ticket, author=author, message=message, key=key)


def _finish_ticket(process: TitleProcess, *, author: Any, message: str) -> None:
    if process.ticket_id is not None:
        ticket_resolve_for_process(ticket=process.ticket, author=author, message=message)


def step_verify(
    *, activation: Any, reject: bool, excluded_nies: list[int], motive: Any, note: str
) -> TitleRequest:
    process = _process(activation)
    title_request = _request(process)
    actor = activation.task.owner
    by_nie = dict(title_request.items.values_list("student__nie", "student_id"))
    unknown = [str(nie) for nie in excluded_nies if nie not in by_nie]
    if unknown:
        raise Conflict(
            _("Estos NIE no están en la solicitud: %(nies)s.") % {"nies": ", ".join(unknown)},
            code="nie_not_in_request",
        )
    updated = title_request_verify(
        actor=actor,
        request=title_request,
        exclusions={by_nie[nie]: (motive, note) for nie in excluded_nies},
        reject_reason=note if reject else "",
        role=_role(activation),
    )
    if updated.status == RequestStatus.REJECTED:
        _finish_ticket(
            process,
            author=actor,
            message=_("Su solicitud de reposición fue rechazada. Motivo: %(reason)s")
            % {"reason": updated.decision_note},
        )
    else:
        _tell_ticket(
            process,
            author=actor,
            message=_("La oficina departamental verificó su solicitud; pasa a firma."),
            key="verified",
        )
    return updated


def step_sign(*, activation: Any) -> TitleRequest:
    process = _process(activation)
    return title_request_sign(actor=activation.task.owner, request=_request(process))


def step_countersign(*, activation: Any) -> TitleRequest:
    process = _process(activation)
    actor = activation.task.owner
    updated = title_request_countersign(actor=actor, request=_request(process))
    _tell_ticket(
        process,
        author=actor,
        message=_("Su título fue firmado y autenticado; se está emitiendo e irá a impresión."),
        key="countersigned",
    )
    return updated


def step_print(*, activation: Any) -> TitleRequest:
    process = _process(activation)
    actor = activation.task.owner
    updated = title_request_printed(actor=actor, request=_request(process))
    _tell_ticket(
        process,
        author=actor,
        message=_("Su título está impreso y viaja a la oficina departamental."),
        key="printed",
    )
    return updated


def step_receive_department(*, activation: Any) -> TitleRequest:
    process = _process(activation)
    actor = activation.task.owner
    updated = title_request_received(
        actor=actor, request=_request(process), where="department", role=_role(activation)
    )
    _tell_ticket(
        process,
        author=actor,
        message=_("Su título llegó a la oficina departamental y va hacia su centro educativo."),
        key="department",
    )
    return updated


def step_receive_school(*, activation: Any) -> TitleRequest:
    process = _process(activation)
    actor = activation.task.owner
    updated = title_request_received(
        actor=actor, request=_request(process), where="school", role=_role(activation)
    )
    _tell_ticket(
        process,
        author=actor,
        message=_("Su título llegó a su centro educativo: puede pasar a recogerlo."),
        key="school",
    )
    return updated


def step_deliver(*, activation: Any, on: date) -> TitleRequest:
    process = _process(activation)
    actor = activation.task.owner
    updated = title_request_delivered(
        actor=actor, request=_request(process), on=on, role=_role(activation) or Role.REGISTRAR
    )
    _finish_ticket(
        process,
        author=actor,
        message=_("Su título fue entregado el %(day)s.") % {"day": on.strftime("%d/%m/%Y")},
    )
    return updated
