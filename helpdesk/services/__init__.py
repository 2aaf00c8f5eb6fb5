"""Every write of the help desk. Keyword-only, typed, atomic and audited.

Status changes go through ``core.workflow.transition`` (permission → 403, impossible step →
409 with the reason, row lock, audit event). Other changes (assignment, links, ratings) lock the
ticket row themselves and write their own audit event. Notifications are outbox rows written
in the same transaction (``notifications.services.notify``).

Every service takes the ticket the caller holds, works on a freshly locked copy, and copies
the committed values back into the caller's instance before returning it.

One module per concern: ``creation``, ``assignment`` (claim, assign, route, priority,
availability), ``conversation``, ``status``, ``links`` (merge and links), ``ratings``,
``deadlines`` and ``sla_sweep``, ``config`` (queues, teams, SLA policies, services: audited
configuration), and ``common`` (what they share). Import the public names from here.
"""

from .assignment import (
    technician_set_availability,
    ticket_assign,
    ticket_claim,
    ticket_release,
    ticket_route,
    ticket_set_priority,
)
from .common import ticket_link_path
from .config import config_delete, config_save, config_set_related, config_snapshot
from .conversation import ticket_add_note, ticket_reply
from .creation import ticket_create, ticket_link_process
from .deadlines import SlaDeadlines, sla_deadlines
from .links import ticket_link, ticket_merge
from .ratings import ticket_rate
from .sla_sweep import SlaSweepReport, ticket_sla_sweep
from .status import ticket_cancel, ticket_close, ticket_reopen, ticket_resolve, ticket_set_waiting

__all__ = [
    "SlaDeadlines",
    "SlaSweepReport",
    "config_delete",
    "config_save",
    "config_set_related",
    "config_snapshot",
    "sla_deadlines",
    "technician_set_availability",
    "ticket_add_note",
    "ticket_assign",
    "ticket_cancel",
    "ticket_claim",
    "ticket_close",
    "ticket_create",
    "ticket_link",
    "ticket_link_path",
    "ticket_link_process",
    "ticket_merge",
    "ticket_rate",
    "ticket_release",
    "ticket_reopen",
    "ticket_reply",
    "ticket_resolve",
    "ticket_route",
    "ticket_set_priority",
    "ticket_set_waiting",
    "ticket_sla_sweep",
]
