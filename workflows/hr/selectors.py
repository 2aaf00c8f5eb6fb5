"""Reads of the HR trámites for their pages."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from viewflow.workflow.status import PROCESS

from core.processes.selectors import process_page_get_for
from modules.teachers.choices import CorrectableField

from .choices import Decision
from .models import LeaveRequest, RecordCorrection


def _row(label: str, value: Any, url: str = "") -> dict[str, Any]:
    return {"label": label, "value": value, "url": url}


def leave_details(*, process_pk: int) -> list[dict[str, Any]]:
    """Rows (label, value, url) describing one leave request, for the task and process pages."""
    process = (
        LeaveRequest.objects.select_related(
            "teacher__person", "school", "leave_type", "decided_by__person", "registered_by__person"
        )
        .filter(pk=process_pk)
        .first()
    )
    if process is None:
        return []
    rows = [
        _row(_("Docente"), f"{process.teacher.person.full_name} · NIP {process.teacher.nip}"),
        _row(_("Centro educativo"), f"{process.school.code} {process.school.name}"),
        _row(_("Tipo de licencia"), process.leave_type.name),
        _row(
            _("Días"),
            _("%(days)d (del %(start)s al %(end)s)")
            % {
                "days": process.days,
                "start": date_format(process.start_date, "d/m/Y"),
                "end": date_format(process.end_date, "d/m/Y"),
            },
        ),
    ]
    if process.reason:
        rows.append(_row(_("Motivo"), process.reason))
    if process.evidence:
        rows.append(
            _row(
                _("Documento de respaldo"),
                process.evidence_name,
                reverse("hr:evidence", kwargs={"pk": process.pk}),
            )
        )
    if process.decision:
        rows.append(_row(_("Decisión"), process.get_decision_display()))
    if process.decided_by is not None:
        rows.append(_row(_("Decidió"), process.decided_by.get_full_name()))
    if process.decision_reason:
        rows.append(_row(_("Motivo o comentario"), process.decision_reason))
    if process.registered_by is not None:
        rows.append(_row(_("Registró"), process.registered_by.get_full_name()))
    return rows


def correction_details(*, process_pk: int) -> list[dict[str, Any]]:
    process = (
        RecordCorrection.objects.select_related("teacher__person", "decided_by__person")
        .filter(pk=process_pk)
        .first()
    )
    if process is None:
        return []
    rows = [
        _row(_("Caso"), process.ticket_number),
        _row(_("Docente"), f"{process.teacher.person.full_name} · NIP {process.teacher.nip}"),
        _row(_("Dato a corregir"), CorrectableField(process.field).label),
        _row(_("Valor en el expediente al solicitar"), process.current_value or _("(vacío)")),
        _row(_("Valor solicitado"), process.requested_value),
    ]
    if process.decision:
        rows.append(_row(_("Decisión"), process.get_decision_display()))
    if process.decided_by is not None:
        rows.append(_row(_("Decidió"), process.decided_by.get_full_name()))
    if process.reason:
        rows.append(_row(_("Motivo o comentario"), process.reason))
    return rows


def leave_evidence_get_for(*, actor: Any, pk: int) -> LeaveRequest:
    """A leave request whose evidence ``actor`` may download: whoever may open its process page
    (the teacher, the people of its steps, auditors); 404 for anyone else."""
    process_page_get_for(actor=actor, pk=pk)
    process = LeaveRequest.objects.filter(pk=pk).first()
    if process is None or not process.evidence:
        raise Http404
    return process


def leave_requests_mine(actor: Any) -> list[LeaveRequest]:
    """The actor's own leave requests, newest first (one query)."""
    return list(
        LeaveRequest.objects.filter(requester=actor)
        .select_related("leave_type")
        .order_by("-created", "-pk")[:50]
    )


def leave_approved_awaiting_registration() -> QuerySet[LeaveRequest]:
    """Leave the director (or the department, for a director's own) approved and the HR officer
    has not registered yet: shown on the teacher's record and the staff view as «aprobada,
    pendiente de registro» (registered from ``apps.py`` with
    ``modules.teachers.leave_sources.register_pending_leave_source``)."""
    return LeaveRequest.objects.filter(
        decision=Decision.APPROVED, registered_at__isnull=True
    ).exclude(status=PROCESS.CANCELED)
