"""Reads of the data-correction process for its pages."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _

from core.processes.selectors import process_page_get_for
from helpdesk.choices import EntryKind
from helpdesk.models import Attachment

from .models import DataCorrection
from .services import display_value


def correction_details(*, process_pk: int) -> list[dict[str, Any]]:
    """Rows (label, value, url) describing one correction: whose record, which field, the
    value now and the value asked for, and the evidence to download."""
    process = (
        DataCorrection.objects.select_related(
            "person",
            "school",
            "ticket",
            "checked_by__person",
            "confirmed_by__person",
            "decided_by__person",
        )
        .filter(pk=process_pk)
        .first()
    )
    if process is None:
        return []
    record = process.get_record_display()
    if process.school is not None:
        record = f"{record} · {process.school.code} {process.school.name}"
    rows = [
        {"label": _("Caso"), "value": process.ticket_number, "url": ""},
        {"label": _("Persona"), "value": process.person.full_name, "url": ""},
        {"label": _("Registro"), "value": record, "url": ""},
        {"label": _("Dato a corregir"), "value": process.get_field_display(), "url": ""},
        {
            "label": _("Valor en el registro al solicitar"),
            "value": display_value(process.field, process.current_value),
            "url": "",
        },
        {
            "label": _("Valor solicitado"),
            "value": display_value(process.field, process.requested_value),
            "url": "",
        },
    ]
    rows.extend(
        {
            "label": _("Documento de respaldo"),
            "value": attachment.original_name,
            "url": reverse(
                "data_correction:evidence", kwargs={"pk": process.pk, "attachment": attachment.pk}
            ),
        }
        for attachment in _evidence(process)
    )
    if process.checked_by is not None:
        rows.append(
            {
                "label": _("Revisó el respaldo"),
                "value": process.checked_by.get_full_name(),
                "url": "",
            }
        )
    if process.confirmed_by is not None:
        rows.append(
            {
                "label": _("Confirmó con el expediente"),
                "value": process.confirmed_by.get_full_name(),
                "url": "",
            }
        )
    if process.decision:
        rows.append({"label": _("Decisión"), "value": process.get_decision_display(), "url": ""})
    if process.decided_by is not None:
        rows.append({"label": _("Decidió"), "value": process.decided_by.get_full_name(), "url": ""})
    if process.reason:
        rows.append({"label": _("Motivo o comentario"), "value": process.reason, "url": ""})
    return rows


def _evidence(process: DataCorrection) -> QuerySet[Attachment]:
    """The files the requester sent on the ticket: the evidence of the request, then any
    better evidence sent after a technician asked for it."""
    return Attachment.objects.filter(
        entry__ticket_id=process.ticket_id,
        entry__kind=EntryKind.REPLY,
        entry__author_id=process.ticket.requester_id,
    ).order_by("pk")


def correction_evidence_get_for(*, actor: Any, pk: int, attachment_pk: int) -> Attachment:
    """One evidence file of correction ``pk``, for someone who works or audits the process (or
    asked for it); 404 for anyone else and for any other file."""
    process_page_get_for(actor=actor, pk=pk)
    process = DataCorrection.objects.select_related("ticket").filter(pk=pk).first()
    attachment = _evidence(process).filter(pk=attachment_pk).first() if process else None
    if attachment is None:
        raise Http404
    return attachment
