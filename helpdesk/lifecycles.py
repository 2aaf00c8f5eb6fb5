"""The ticket lifecycle (django-fsm-2). Fired only through ``core.workflow.transition``.

::

    new ─accept─► open ─start─► in_progress ─wait_on_requester─► waiting_on_requester
     └────────────start──────────────┘  ▲ └──────resume◄──────────────┘
                                        │
    open / in_progress / waiting / reopened ─resolve─► resolved ─close─► closed
                                               resolved ─reopen─► reopened ─start─► in_progress
    any active state ─cancel (requester)─► cancelled      any active state ─merge─► merged

A transition method only updates the ticket's own lifecycle fields (timestamps, SLA clock);
everything else (entries, notifications, assignment) is the calling service's job. Permissions
here are the last line of defence; services check the same rules first to give precise errors.
"""

from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _
from django_fsm import transition

from core.calendar import add_business_time, business_time_between

from .choices import ACTIVE_STATUSES, TicketStatus
from .conf import helpdesk_settings

if TYPE_CHECKING:
    from .models import Ticket

S = TicketStatus


# --- Who may fire (``user`` is None for the system: the SLA sweep, automatic assignment) ------


def _is_staff(ticket: "Ticket", user: Any) -> bool:
    from .permissions import is_ticket_staff

    return user is not None and is_ticket_staff(user, ticket)


def _is_requester(ticket: "Ticket", user: Any) -> bool:
    return user is not None and user.is_active and user.pk == ticket.requester_id


def staff(ticket: "Ticket", user: Any) -> bool:
    return _is_staff(ticket, user)


def staff_or_system(ticket: "Ticket", user: Any) -> bool:
    return user is None or _is_staff(ticket, user)


def requester(ticket: "Ticket", user: Any) -> bool:
    return _is_requester(ticket, user)


def requester_or_staff(ticket: "Ticket", user: Any) -> bool:
    return _is_requester(ticket, user) or _is_staff(ticket, user)


def requester_staff_or_system(ticket: "Ticket", user: Any) -> bool:
    return user is None or requester_or_staff(ticket, user)


class TicketLifecycle:
    """Mixed into ``models.Ticket``; the state field is ``status``."""

    # -- SLA clock helpers (the fields belong to the model) --

    def _shift_resolution_clock(self: "Ticket", since: datetime, until: datetime) -> None:
        """Move the resolution deadline by the business time between ``since`` and ``until``
        (time the team could not act: waiting on the requester, or resolved until reopened)."""
        paused = business_time_between(since, until)
        if paused.total_seconds() <= 0:
            return
        if self.resolution_due_at is not None:
            self.resolution_due_at = add_business_time(self.resolution_due_at, paused)
        if self.resolution_warn_at is not None:
            self.resolution_warn_at = add_business_time(self.resolution_warn_at, paused)

    def _end_wait(self: "Ticket", at: datetime) -> None:
        if self.waiting_since is not None and helpdesk_settings.SLA_PAUSE_WHILE_WAITING:
            self._shift_resolution_clock(self.waiting_since, at)
        self.waiting_since = None

    # -- transitions --

    @transition(
        field="status",
        source=S.NEW,
        target=S.OPEN,
        permission=staff_or_system,
        custom={"label": _("Aceptar")},
    )
    def accept(self, assignee: Any = None) -> None:
        """Someone took the ticket (claim, assignment, automatic assignment); ``assignee``, when
        given, becomes its assignee in the transition's own UPDATE."""
        if assignee is not None:
            self.assignee = assignee

    @transition(
        field="status",
        source=[S.NEW, S.OPEN, S.REOPENED],
        target=S.IN_PROGRESS,
        permission=staff,
        custom={"label": _("Iniciar atención")},
    )
    def start(self) -> None:
        """Staff started working on it (their first public reply does this)."""

    @transition(
        field="status",
        source=[S.OPEN, S.IN_PROGRESS, S.REOPENED],
        target=S.WAITING_ON_REQUESTER,
        permission=staff,
        custom={"label": _("Esperar al solicitante")},
    )
    def wait_on_requester(self: "Ticket", *, at: datetime) -> None:
        self.waiting_since = at

    @transition(
        field="status",
        source=S.WAITING_ON_REQUESTER,
        target=S.IN_PROGRESS,
        permission=requester_or_staff,
        custom={"label": _("Reanudar")},
    )
    def resume(self: "Ticket", *, at: datetime) -> None:
        self._end_wait(at)

    @transition(
        field="status",
        source=[S.OPEN, S.IN_PROGRESS, S.WAITING_ON_REQUESTER, S.REOPENED],
        target=S.RESOLVED,
        # The system resolves a ticket when the process it follows ends (process_outcome.py).
        permission=staff_or_system,
        custom={"label": _("Resolver")},
    )
    def resolve(self: "Ticket", *, at: datetime) -> None:
        self._end_wait(at)
        self.resolved_at = at
        if self.resolution_due_at is not None and at > self.resolution_due_at:
            self.resolution_breached = True

    @transition(
        field="status",
        source=S.RESOLVED,
        target=S.REOPENED,
        permission=requester_or_staff,
        custom={"label": _("Reabrir")},
    )
    def reopen(self: "Ticket", *, at: datetime) -> None:
        # The time spent "resolved" is not held against the team: the deadline moves with it.
        if self.resolved_at is not None:
            self._shift_resolution_clock(self.resolved_at, at)
        self.resolved_at = None

    @transition(
        field="status",
        source=S.RESOLVED,
        target=S.CLOSED,
        permission=requester_staff_or_system,
        custom={"label": _("Cerrar")},
    )
    def close(self: "Ticket", *, at: datetime) -> None:
        self.closed_at = at

    @transition(
        field="status",
        source=list(ACTIVE_STATUSES),
        target=S.CANCELLED,
        permission=requester,
        custom={"label": _("Cancelar solicitud")},
    )
    def cancel(self: "Ticket", *, at: datetime) -> None:
        self.waiting_since = None
        self.closed_at = at

    @transition(
        field="status",
        source=list(ACTIVE_STATUSES),
        target=S.MERGED,
        permission=staff,
        custom={"label": _("Fusionar")},
    )
    def merge(self: "Ticket", *, into: "Ticket", at: datetime) -> None:
        self.merged_into = into
        self.waiting_since = None
        self.closed_at = at
