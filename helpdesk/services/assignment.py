"""Who works a ticket: automatic assignment, claim, release, assignment by a supervisor, routing to
another queue, priority and technician availability."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from core.accounts.choices import Role
from core.accounts.models import User
from core.accounts.scopes import has_role
from core.audit.services import audit_record
from core.exceptions import Conflict
from core.precompiled import atomic_write_behind

from ..choices import ACTIVE_STATUSES, AssignmentMode, EntryKind, Priority
from ..models import Queue, TechnicianStatus, Ticket
from ..permissions import is_ticket_staff, serves_queue, supervises_queue
from ..selectors import queue_technicians, technician_loads
from .common import (
    S,
    _actor_role,
    _add_entry,
    _audit,
    _clean_body,
    _fire,
    _lock,
    _not_active,
    _notify,
    _scope_label,
    _sync,
)


def _pick_round_robin(queue: Queue) -> User | None:
    candidates = list(queue_technicians(queue))
    if not candidates:
        return None
    pointer = queue.last_assigned_id
    chosen = next((user for user in candidates if pointer is None or user.pk > pointer), None)
    return chosen or candidates[0]


def _pick_least_loaded(queue: Queue) -> User | None:
    return technician_loads(queue).first()


def _auto_assign(ticket: Ticket, *, request: HttpRequest | None = None) -> User | None:
    """Assign ``ticket`` (locked, unassigned) by its queue's mode; ``None`` if nobody can take it.

    The queue row is locked first so that concurrent assignments in one queue see each other's
    pointer and load.
    """
    queue = Queue.objects.select_for_update().get(pk=ticket.queue_id)
    if queue.assignment_mode == AssignmentMode.ROUND_ROBIN:
        chosen = _pick_round_robin(queue)
    elif queue.assignment_mode == AssignmentMode.LEAST_LOADED:
        chosen = _pick_least_loaded(queue)
    else:
        return None
    if chosen is None:
        return None
    if queue.assignment_mode == AssignmentMode.ROUND_ROBIN:
        queue.last_assigned = chosen
        queue.save(update_fields=["last_assigned"])
    ticket.assignee = chosen
    ticket.save(update_fields=["assignee", "updated_at"])
    _audit(
        action="ticket.auto_assigned",
        ticket=ticket,
        actor=None,
        request=request,
        payload={"assignee_id": chosen.pk, "mode": queue.assignment_mode, "queue": queue.code},
    )
    if ticket.status == S.NEW:
        _fire(actor=None, ticket=ticket, name="accept", request=request)
    _notify(user=chosen, template="ticket_assigned", ticket=ticket)
    return chosen


# --- Claiming and assigning ---------------------------------------------------------------------


def _set_assignee(
    *, actor: User, ticket: Ticket, assignee: User, request: HttpRequest | None
) -> None:
    """Make ``assignee`` the assignee of ``ticket`` (a row the caller locked): a new ticket is
    accepted in the same UPDATE (``accept`` takes the assignee), any other one just saves it."""
    if ticket.status == S.NEW:
        _fire(
            actor=actor,
            ticket=ticket,
            name="accept",
            request=request,
            locked=True,
            assignee=assignee,
        )
    else:
        ticket.assignee = assignee
        ticket.save(update_fields=["assignee", "updated_at"])


@atomic_write_behind
def ticket_claim(*, actor: User, ticket: Ticket, request: HttpRequest | None = None) -> Ticket:
    """``actor`` takes an unassigned ticket of a queue they serve. Exactly one of many
    concurrent claims wins: the row lock makes the others see the new assignee and get 409."""
    locked = _lock(ticket)
    if not is_ticket_staff(actor, locked):
        raise PermissionDenied
    if locked.status not in ACTIVE_STATUSES:
        raise _not_active(locked)
    if locked.assignee_id == actor.pk:
        raise Conflict(_("Usted ya tiene asignado este caso."), code="already_yours")
    if locked.assignee_id is not None:
        raise Conflict(_("Otra persona tomó este caso antes que usted."), code="already_claimed")
    _audit(
        action="ticket.claimed",
        ticket=locked,
        actor=actor,
        request=request,
        payload={"assignee_id": actor.pk},
    )
    _set_assignee(actor=actor, ticket=locked, assignee=actor, request=request)
    _sync(ticket, locked)
    return ticket


@atomic_write_behind
def ticket_release(*, actor: User, ticket: Ticket, request: HttpRequest | None = None) -> Ticket:
    """The assignee (or a supervisor of the queue) gives the ticket back to its queue."""
    locked = _lock(ticket)
    mine = locked.assignee_id == actor.pk and is_ticket_staff(actor, locked)
    if not (mine or supervises_queue(actor, locked.queue)):
        raise PermissionDenied
    if locked.status not in ACTIVE_STATUSES:
        raise _not_active(locked)
    if locked.assignee_id is None:
        raise Conflict(_("El caso no está asignado a nadie."), code="not_assigned")
    previous = locked.assignee_id
    locked.assignee = None
    locked.save(update_fields=["assignee", "updated_at"])
    _audit(
        action="ticket.released",
        ticket=locked,
        actor=actor,
        request=request,
        payload={"previous_assignee_id": previous},
    )
    _sync(ticket, locked)
    return ticket


@atomic_write_behind
def ticket_assign(
    *, actor: User, ticket: Ticket, assignee: User, request: HttpRequest | None = None
) -> Ticket:
    """A supervisor (re)assigns a ticket of a queue in their scope to a technician serving it."""
    locked = _lock(ticket)
    if not supervises_queue(actor, locked.queue):
        raise PermissionDenied
    if locked.status not in ACTIVE_STATUSES:
        raise _not_active(locked)
    if not serves_queue(assignee, locked.queue):
        raise ValidationError(
            {
                "assignee": _("Esa persona no atiende la cola «%(queue)s».")
                % {"queue": locked.queue.name}
            }
        )
    if locked.assignee_id == assignee.pk:
        raise Conflict(_("El caso ya está asignado a esa persona."), code="already_assigned")
    _audit(
        action="ticket.assigned",
        ticket=locked,
        actor=actor,
        request=request,
        payload={"previous_assignee_id": locked.assignee_id, "assignee_id": assignee.pk},
    )
    _set_assignee(actor=actor, ticket=locked, assignee=assignee, request=request)
    _notify(user=assignee, template="ticket_assigned", ticket=locked)
    _sync(ticket, locked)
    return ticket


@atomic_write_behind
def ticket_route(
    *,
    actor: User,
    ticket: Ticket,
    queue: Queue,
    note: str = "",
    request: HttpRequest | None = None,
) -> Ticket:
    """Send a ticket to the queue of the area that owns the matter (level 1 routes; it does
    not edit module records). The assignee is cleared and the new queue's assignment runs."""
    locked = _lock(ticket)
    if not is_ticket_staff(actor, locked):
        raise PermissionDenied
    if locked.status not in ACTIVE_STATUSES:
        raise _not_active(locked)
    if not queue.is_active:
        raise ValidationError({"queue": _("La cola de destino no está activa.")})
    if queue.pk == locked.queue_id:
        raise Conflict(_("El caso ya está en esa cola."), code="same_queue")
    note = _clean_body(note, required=False, field_name="note")
    role = _actor_role(actor, locked)
    previous_queue = locked.queue
    locked.queue = queue
    locked.assignee = None
    locked.save(update_fields=["queue", "assignee", "updated_at"])
    if note:
        _add_entry(ticket=locked, kind=EntryKind.NOTE, author=actor, body=note)
    audit_record(
        action="ticket.routed",
        obj=locked,
        actor=actor,
        role=role,
        scope=_scope_label(previous_queue),
        request=request,
        payload={
            "number": locked.number,
            "from_queue": previous_queue.code,
            "to_queue": queue.code,
        },
    )
    if queue.assignment_mode != AssignmentMode.MANUAL:
        _auto_assign(locked, request=request)
    _sync(ticket, locked)
    return ticket


@atomic_write_behind
def ticket_set_priority(
    *, actor: User, ticket: Ticket, priority: str, request: HttpRequest | None = None
) -> Ticket:
    """Staff change a ticket's priority. SLA deadlines are kept (they were promised at
    creation); the priority orders the work."""
    if priority not in Priority.values:
        raise ValidationError({"priority": _("Prioridad no válida.")})
    locked = _lock(ticket)
    if not is_ticket_staff(actor, locked):
        raise PermissionDenied
    if locked.status not in ACTIVE_STATUSES:
        raise _not_active(locked)
    if locked.priority == priority:
        return ticket
    previous = locked.priority
    locked.priority = priority
    locked.save(update_fields=["priority", "updated_at"])
    _audit(
        action="ticket.priority_changed",
        ticket=locked,
        actor=actor,
        request=request,
        payload={"from": previous, "to": priority},
    )
    _sync(ticket, locked)
    return ticket


@transaction.atomic
def technician_set_availability(
    *, actor: User, technician: User, available: bool, request: HttpRequest | None = None
) -> TechnicianStatus:
    """A technician marks themselves (un)available for automatic assignment; supervisors may
    do it for others."""
    own = actor.pk == technician.pk and has_role(actor, [Role.TECHNICIAN])
    if not (own or has_role(actor, [Role.SUPERVISOR])):
        raise PermissionDenied
    status, _created = TechnicianStatus.objects.select_for_update().get_or_create(user=technician)
    if status.available != available:
        previous = status.available
        status.available = available
        status.save(update_fields=["available", "updated_at"])
        audit_record(
            action="helpdesk.availability_changed",
            obj=technician,
            actor=actor,
            request=request,
            payload={
                "available": available,
                "before": {"available": previous},
                "after": {"available": available},
            },
        )
    return status
