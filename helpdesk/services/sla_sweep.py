"""The periodic SLA sweep: warnings, breaches, escalation and auto-close; idempotent."""

from dataclasses import dataclass, field
from datetime import datetime

from django.db import models, transaction
from django.utils import timezone

from core.audit.services import audit_record

from ..choices import ACTIVE_STATUSES, AssignmentMode, Priority, SlaTarget
from ..conf import helpdesk_settings
from ..models import Ticket
from ..selectors import queue_supervisors, queue_technicians
from .assignment import _auto_assign
from .common import S, _audit, _notify, _scope_label
from .status import ticket_close

# --- SLA sweep ------------------------------------------------------------------------------------


@dataclass
class SlaSweepReport:
    warned: list[str] = field(default_factory=list)
    breached: list[str] = field(default_factory=list)
    escalated: list[str] = field(default_factory=list)
    closed: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, int]:
        return {
            "warned": len(self.warned),
            "breached": len(self.breached),
            "escalated": len(self.escalated),
            "closed": len(self.closed),
        }


_SLA_FIELDS = {
    SlaTarget.FIRST_RESPONSE: (
        "first_response_warn_at",
        "first_response_due_at",
        "first_response_warned",
        "first_response_breached",
    ),
    SlaTarget.RESOLUTION: (
        "resolution_warn_at",
        "resolution_due_at",
        "resolution_warned",
        "resolution_breached",
    ),
}


def _watched(target: str) -> models.QuerySet[Ticket]:
    """Tickets whose ``target`` clock is running."""
    tickets = Ticket.objects.filter(status__in=ACTIVE_STATUSES)
    if target == SlaTarget.FIRST_RESPONSE:
        return tickets.filter(first_responded_at__isnull=True)
    if helpdesk_settings.SLA_PAUSE_WHILE_WAITING:
        return tickets.exclude(status=S.WAITING_ON_REQUESTER)
    return tickets


def _due(target: str, moment_field: str, flag_field: str, now: datetime) -> list[int]:
    batch = helpdesk_settings.SLA_SWEEP_BATCH
    return list(
        _watched(target)
        .filter(**{flag_field: False, f"{moment_field}__lte": now})
        .order_by(moment_field, "pk")
        .values_list("pk", flat=True)[:batch]
    )


def _still_due(
    target: str, pk: int, moment_field: str, flag_field: str, now: datetime
) -> Ticket | None:
    """Lock the ticket and return it if the condition still holds (a parallel sweep or a reply
    may have changed it since the list was read)."""
    return (
        _watched(target)
        .select_for_update()
        .filter(pk=pk, **{flag_field: False, f"{moment_field}__lte": now})
        .first()
    )


def _sla_warn(target: str, pk: int, now: datetime, report: SlaSweepReport) -> None:
    warn_field, due_field, warned_field, _breached_field = _SLA_FIELDS[target]
    with transaction.atomic():
        ticket = _still_due(target, pk, warn_field, warned_field, now)
        if ticket is None:
            return
        setattr(ticket, warned_field, True)
        ticket.save(update_fields=[warned_field, "updated_at"])
        _audit(
            action="ticket.sla_warning",
            ticket=ticket,
            actor=None,
            payload={"target": target, "due_at": getattr(ticket, due_field)},
        )
        recipients = (
            [ticket.assignee]
            if ticket.assignee_id
            else list(queue_technicians(ticket.queue).select_related("person"))
        )
        for user in recipients:
            _notify(
                user=user,
                template="ticket_sla_warning",
                ticket=ticket,
                key=f"sla:{target}:warn",
                target=str(SlaTarget(target).label),
                due_at=getattr(ticket, due_field),
            )
    report.warned.append(ticket.number)


def _escalate(ticket: Ticket, now: datetime, report: SlaSweepReport) -> None:
    original_queue = ticket.queue
    previous_priority = ticket.priority
    ticket.escalated_at = now
    ticket.priority = Priority.raised(ticket.priority)
    fields = ["escalated_at", "priority", "updated_at"]
    destination = original_queue.escalation_queue
    moved = destination is not None and destination.is_active
    if moved:
        ticket.queue = destination
        ticket.assignee = None
        fields += ["queue", "assignee"]
    ticket.save(update_fields=fields)
    audit_record(
        action="ticket.escalated",
        obj=ticket,
        actor=None,
        role="system",
        scope=_scope_label(original_queue),
        payload={
            "number": ticket.number,
            "priority": [previous_priority, ticket.priority],
            "queue": [original_queue.code, ticket.queue.code],
        },
    )
    for supervisor in queue_supervisors(original_queue):
        _notify(
            user=supervisor,
            template="ticket_sla_breached",
            ticket=ticket,
            key="sla:escalated",
            original_queue=original_queue.name,
            moved=moved,
        )
    if moved and ticket.queue.assignment_mode != AssignmentMode.MANUAL:
        _auto_assign(ticket)
    report.escalated.append(ticket.number)


def _sla_breach(target: str, pk: int, now: datetime, report: SlaSweepReport) -> None:
    _warn_field, due_field, warned_field, breached_field = _SLA_FIELDS[target]
    with transaction.atomic():
        ticket = _still_due(target, pk, due_field, breached_field, now)
        if ticket is None:
            return
        setattr(ticket, breached_field, True)
        setattr(ticket, warned_field, True)  # a breach supersedes the warning
        ticket.save(update_fields=[breached_field, warned_field, "updated_at"])
        _audit(
            action="ticket.sla_breached",
            ticket=ticket,
            actor=None,
            payload={"target": target, "due_at": getattr(ticket, due_field)},
        )
        report.breached.append(ticket.number)
        if ticket.escalated_at is None:
            _escalate(ticket, now, report)


def _auto_close(pk: int, cutoff: datetime, report: SlaSweepReport) -> None:
    with transaction.atomic():
        ticket = (
            Ticket.objects.select_for_update()
            .filter(pk=pk, status=S.RESOLVED, resolved_at__lte=cutoff)
            .first()
        )
        if ticket is None:
            return
        ticket_close(actor=None, ticket=ticket)
    report.closed.append(ticket.number)


def ticket_sla_sweep(*, now: datetime | None = None) -> SlaSweepReport:
    """Warn at ``HELPDESK_SLA_WARN_RATIO`` of each target, record breaches and escalate once
    (priority one step up, the queue's escalation queue if it has one, supervisors notified),
    and close resolved tickets whose reopen window has passed.

    Each ticket is handled in its own transaction under its row lock and every step is guarded
    by a flag, so running the sweep twice (or two sweeps at once) does nothing new.
    """
    now = now or timezone.now()
    report = SlaSweepReport()
    for target, (warn_field, due_field, warned_field, breached_field) in _SLA_FIELDS.items():
        # Breaches first: a ticket found already past its deadline gets no warning.
        for pk in _due(target, due_field, breached_field, now):
            _sla_breach(target, pk, now, report)
        for pk in _due(target, warn_field, warned_field, now):
            _sla_warn(target, pk, now, report)
    if helpdesk_settings.AUTO_CLOSE_RESOLVED:
        cutoff = now - helpdesk_settings.REOPEN_WINDOW
        closable = (
            Ticket.objects.filter(status=S.RESOLVED, resolved_at__lte=cutoff)
            .order_by("resolved_at", "pk")
            .values_list("pk", flat=True)[: helpdesk_settings.SLA_SWEEP_BATCH]
        )
        for pk in list(closable):
            _auto_close(pk, cutoff, report)
    return report
