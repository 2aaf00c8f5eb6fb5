"""What the help desk's audit codes mean to an auditor, and how a case number finds its history.

Registered from ``HelpdeskConfig.ready()`` into ``core.audit.registry``.
"""

from collections.abc import Mapping

from django.utils.translation import gettext_lazy as _

from core.audit.registry import (
    CaseMatch,
    FieldLabel,
    register_action_labels,
    register_case_finder,
    register_field_labels,
    register_object_type_labels,
    register_state_labels,
)

from .choices import AssignmentMode, Channel, Priority, SlaTarget, TicketStatus

TICKET = "helpdesk.ticket"

ACTION_LABELS = {
    "ticket.created": _("Caso creado"),
    "ticket.auto_assigned": _("Caso asignado automáticamente"),
    "ticket.process_linked": _("Trámite vinculado al caso"),
    "ticket.claimed": _("Caso tomado"),
    "ticket.released": _("Caso devuelto a la cola"),
    "ticket.assigned": _("Caso asignado"),
    "ticket.routed": _("Caso derivado a otra cola"),
    "ticket.priority_changed": _("Prioridad cambiada"),
    "ticket.replied": _("Respuesta pública"),
    "ticket.first_response": _("Primera respuesta"),
    "ticket.note_added": _("Nota interna agregada"),
    "ticket.merge_received": _("Duplicado fusionado en este caso"),
    "ticket.linked": _("Casos vinculados"),
    "ticket.rated": _("Atención calificada"),
    "ticket.sla_warning": _("Plazo por vencer"),
    "ticket.sla_breached": _("Plazo vencido"),
    "ticket.escalated": _("Caso escalado"),
    "ticket.inbound_ignored": _("Correo entrante descartado"),
    # Lifecycle transitions (helpdesk/flows.py), audited as "ticket.<transition>".
    "ticket.accept": _("Caso aceptado"),
    "ticket.start": _("Atención iniciada"),
    "ticket.wait_on_requester": _("En espera del solicitante"),
    "ticket.resume": _("Atención reanudada"),
    "ticket.resolve": _("Caso resuelto"),
    "ticket.reopen": _("Caso reabierto"),
    "ticket.close": _("Caso cerrado"),
    "ticket.cancel": _("Solicitud cancelada"),
    "ticket.merge": _("Caso fusionado en otro"),
    "helpdesk.inbound_ignored": _("Correo entrante descartado"),
    "helpdesk.availability_changed": _("Disponibilidad del técnico cambiada"),
}


def find_ticket(text: str) -> list[CaseMatch]:
    """A ticket by its number (numbers are upper case; what was typed is upper-cased and
    trimmed): its own chain and the chains of its trámite's tasks."""
    from viewflow.workflow.models import Task

    from .models import Ticket

    # A row, not a model instance: the lifecycle mixin would read the deferred status.
    row = (
        Ticket.objects.filter(number=text.strip().upper())
        .values_list("pk", "number", "subject", "process_id", named=True)
        .first()
    )
    if row is None:
        return []
    keys = [f"{TICKET}:{row.pk}"]
    if row.process_id is not None:
        task_ids = Task.objects.filter(process_id=row.process_id).order_by("pk")
        keys += [f"viewflow.task:{pk}" for pk in task_ids.values_list("pk", flat=True)]
    return [CaseMatch(title=f"{row.number} · {row.subject}", chain_keys=tuple(keys))]


def _read_code_names() -> dict[tuple[str, str], str]:
    from django.db.models import CharField, Value

    from .models import Queue, Service

    tagged = [
        model.objects.order_by()
        .annotate(kind=Value(kind, output_field=CharField()))
        .values_list("kind", "code", "name")
        for kind, model in (("queue", Queue), ("service", Service))
    ]
    return {(kind, code): name for kind, code, name in tagged[0].union(tagged[1], all=True)}


def code_names(kinds: Mapping[str, set[str]]) -> dict[tuple[str, str], str]:
    """Names of the queues and services an audit page mentions by code: every name of the
    catalogue comes from the catalogue cache (one query when it has to be read)."""
    from .catalogue_cache import cached_names

    names = cached_names(_read_code_names)
    return {
        (kind, code): names[kind, code]
        for kind, codes in kinds.items()
        for code in codes
        if (kind, code) in names
    }


def register() -> None:
    register_object_type_labels(
        {
            TICKET: _("Caso de la mesa de ayuda"),
            "helpdesk.inboundemail": _("Correo entrante"),
            "helpdesk.technicianstatus": _("Disponibilidad de un técnico"),
        }
    )
    register_action_labels(ACTION_LABELS)
    register_state_labels(TICKET, dict(TicketStatus.choices))
    register_field_labels(
        {
            "assignee_id": FieldLabel(_("Asignado a"), kind="user"),
            "previous_assignee_id": FieldLabel(_("Asignado antes a"), kind="user"),
            "service": FieldLabel(_("Servicio"), names=code_names, code_kind="service"),
            "queue": FieldLabel(_("Cola"), pair=True, names=code_names, code_kind="queue"),
            "from_queue": FieldLabel(_("Cola anterior"), names=code_names, code_kind="queue"),
            "to_queue": FieldLabel(_("Cola nueva"), names=code_names, code_kind="queue"),
            "priority": FieldLabel(_("Prioridad"), choices=dict(Priority.choices), pair=True),
            "from": _("Desde"),
            "to": _("Hacia"),
            "mode": FieldLabel(_("Modo de asignación"), choices=dict(AssignmentMode.choices)),
            "entry_id": _("Mensaje n.º"),
            "attachments": _("Adjuntos"),
            "late": _("Fuera de plazo"),
            "kind": _("Tipo"),
            "other": _("Otro caso"),
            "rating": _("Calificación"),
            "target": FieldLabel(_("Plazo"), choices=dict(SlaTarget.choices)),
            "due_at": FieldLabel(_("Vence"), kind="datetime"),
            "available": _("Disponible"),
            "esp": _("Proveedor de correo"),
            "message": _("Mensaje"),
            "sender_domain": _("Dominio del remitente"),
            "sender_digest": _("Remitente (huella)"),
            "resolved_at": _("Resuelto el"),
            "closed_at": _("Cerrado el"),
            "waiting_since": _("En espera desde"),
            "first_responded_at": _("Primera respuesta"),
            "merged_into": _("Fusionado en"),
            "assignee": _("Asignado a"),
            "channel": FieldLabel(_("Canal"), choices=dict(Channel.choices)),
        }
    )
    priorities = dict(Priority.choices)
    register_field_labels(
        {
            "from": FieldLabel(_("Prioridad anterior"), choices=priorities),
            "to": FieldLabel(_("Prioridad nueva"), choices=priorities),
        },
        action="ticket.priority_changed",
    )
    register_field_labels({"from": _("Caso duplicado")}, action="ticket.merge_received")
    register_case_finder(find_ticket)
