"""Reads behind the staff ticket page and the staff API: one ticket as staff see it, the
filtered list of the queues an actor serves, the actions available now and the SLA clocks.

Everything is scoped by ``selectors.served_queue_q``: a ticket outside the queues the actor
works answers 404, even for its own requester (the requester has the portal).
"""

import functools
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import connection
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from core.accounts.models import User
from core.calendar import business_time_between
from core.durations import CLOCK, business_duration
from core.precompiled import precompiled
from core.workflow import AvailableAction, available_transitions

from .choices import ACTIVE_STATUSES, FINAL_STATUSES, TicketStatus
from .conf import helpdesk_settings
from .models import CannedResponse, Queue, Ticket
from .permissions import is_ticket_staff, remember_queue_staff, supervises_queue
from .selectors import (
    canned_response_list_for,
    queue_technicians,
    served_queue_ids,
    served_queue_q,
    ticket_list_for_staff,
)

# --- One ticket ----------------------------------------------------------------------------------


def _staff_rows(actor: Any) -> QuerySet[Ticket]:
    condition = served_queue_q(actor)
    if condition is None:
        return Ticket.objects.none()
    return Ticket.objects.filter(queue__in=Queue.objects.filter(condition).values("pk"))


def ticket_get_for_staff(*, actor: Any, number: str, detail: bool = False) -> Ticket:
    """Ticket ``number`` if ``actor`` works its queue (technician or supervisor); 404 otherwise.

    ``detail=True`` also loads what the ticket page shows: the requester and assignee with
    their people, the parent, the merge target, children, related and merged tickets (the
    workflow instance, rare, is read when asked for). The linked tickets come through the same
    scope: children, related and merged tickets outside the actor's queues are left out, and
    ``parent_in_scope`` / ``merged_into_in_scope`` say whether the parent and the merge target
    may be shown (a ticket routed away keeps its subject to the queues that have it), at no
    extra query. ``merged_from`` lists every ticket merged into this one, in any queue (their
    messages are this ticket's conversation).

    Both read the served queues' ids first (one small query), then the ticket with its
    service and queue and the two people by primary key (``_ticket_for_staff``); the detail
    adds one UNION ALL of the linked tickets (the service's form fields come from the
    catalogue cache: ``helpdesk.selectors.service_form_fields``). PostgreSQL's planning time
    grows with every join (joining all of them took it ten times longer to plan than to run),
    so no read joins more than two tables.
    """
    if not getattr(actor, "is_authenticated", False):
        raise Http404
    if detail:
        return _ticket_detail_for_staff(actor, number)
    ticket, _queue_ids = _ticket_for_staff(actor, number)
    remember_queue_staff(actor, ticket.queue)
    return ticket


# The ticket by its number with its service and queue, and the requester and the assignee with
# their people by primary key (the assignee's id twice when there is none): compiled once each
# (core.precompiled), as every staff page and action starts with them.
_TICKET_BY_NUMBER = precompiled(
    "helpdesk.staff_ticket",
    lambda number: Ticket.objects.select_related("service", "queue").filter(number=number),
    number=str,
)
_TWO_PEOPLE = precompiled(
    "helpdesk.staff_ticket_people",
    lambda first, second: User.objects.select_related("person").filter(Q(pk=first) | Q(pk=second)),
    first=int,
    second=int,
)


def _ticket_for_staff(actor: Any, number: str) -> tuple[Ticket, list[int]]:
    """The ticket with its service, queue, requester and assignee (with their people), and the
    ids of the queues ``actor`` serves; 404 when the ticket is in none of them.

    Three small reads (the served queues' ids, the ticket, the two people) instead of one that
    joins them all: PostgreSQL took ten times longer to plan that join than to run it (2.5 ms
    against 0.2), on every staff action and page.
    """
    queue_ids = served_queue_ids(actor)
    ticket = _TICKET_BY_NUMBER.first(number=number) if queue_ids else None
    if ticket is None or ticket.queue_id not in queue_ids:
        raise Http404
    assignee_id = ticket.assignee_id or ticket.requester_id
    people = {
        user.pk: user for user in _TWO_PEOPLE.fetch(first=ticket.requester_id, second=assignee_id)
    }
    Ticket.requester.field.set_cached_value(ticket, people[ticket.requester_id])
    if ticket.assignee_id is not None:
        Ticket.assignee.field.set_cached_value(ticket, people[ticket.assignee_id])
    return ticket, queue_ids


# The linked tickets the page lists, by how they are linked (the names of the prefetch caches).
_LINKS = ("children", "related", "merged_tickets")
# The UNION's mark of the parent and the merge target.
_TARGETS = 3
# What the page and the API show of a linked ticket (and the conversation of a merged one).
_LINK_COLUMNS = ("number", "subject", "status", "queue_id", "requester_id")


@functools.lru_cache(maxsize=64)
def _linked_sql(queues: int, targets: int) -> str:
    """The linked tickets' UNION ALL for a scope of ``queues`` queue ids and ``targets`` parent or
    merge-target ids, with the columns a link shows and its kind (``link``). Written once per
    shape: built through the ORM, its four parts took longer to compile (0.9 ms) than the
    database took to answer them (0.4 ms), on every staff ticket page. Parameters: the queue
    ids, the ticket's id, the queue ids, the ticket's id twice, the target ids."""
    # Identifiers come from the models' metadata, quoted; every value is a parameter.
    quote = connection.ops.quote_name
    meta, through = Ticket._meta, Ticket.related.through._meta
    table = quote(meta.db_table)
    columns = ", ".join(quote(meta.get_field(name).column) for name in ("id", *_LINK_COLUMNS))

    def column(name: str) -> str:
        return quote(meta.get_field(name).column)

    def select(link: int, where: str) -> str:
        return f"SELECT {columns}, {link} AS link FROM {table} WHERE {where}"  # noqa: S608

    def placeholders(count: int) -> str:
        return ", ".join(["%s"] * count)

    related = "SELECT {} FROM {} WHERE {} = %s".format(  # noqa: S608
        quote(through.get_field("to_ticket").column),
        quote(through.db_table),
        quote(through.get_field("from_ticket").column),
    )
    scope = f"{column('queue')} IN ({placeholders(queues)})"
    parts = [
        select(0, f"{scope} AND {column('parent')} = %s"),
        select(1, f"{scope} AND {column('id')} IN ({related})"),
        # Every ticket merged into this one, whatever its queue: their messages are part of
        # this conversation (``merged_from``); the links card lists those in scope.
        select(2, f"{column('merged_into')} = %s"),
    ]
    if targets:
        parts.append(select(_TARGETS, f"{column('id')} IN ({placeholders(targets)})"))
    return " UNION ALL ".join(parts)


def _ticket_detail_for_staff(actor: Any, number: str) -> Ticket:
    ticket, queue_ids = _ticket_for_staff(actor, number)
    # Children, related and merged tickets in one UNION ALL, each part through its own index;
    # the parent and the merge target (rare) join it unscoped, so the page can say "a ticket
    # outside your queues" without naming it.
    targets = sorted({ticket.parent_id, ticket.merged_into_id} - {None})
    params = [*queue_ids, ticket.pk, *queue_ids, ticket.pk, ticket.pk, *targets]
    linked: dict[int, list[Ticket]] = {0: [], 1: [], 2: [], _TARGETS: []}
    for other in Ticket.objects.raw(_linked_sql(len(queue_ids), len(targets)), params):
        linked[other.link].append(other)
    found_targets = {other.pk: other for other in linked[_TARGETS]}
    served = set(queue_ids)
    ticket.merged_from = linked[2]
    linked[2] = [other for other in linked[2] if other.queue_id in served]
    for field, flag in (
        (Ticket.parent.field, "parent_in_scope"),
        (Ticket.merged_into.field, "merged_into_in_scope"),
    ):
        target = found_targets.get(getattr(ticket, field.attname))
        if target is not None:
            field.set_cached_value(ticket, target)
        setattr(ticket, flag, target is not None and target.queue_id in served)
    caches = {}
    for index, name in enumerate(_LINKS):
        found = getattr(ticket, name).all()
        found._result_cache = sorted(linked[index], key=lambda other: other.number)
        found._prefetch_done = True
        caches[name] = found
    ticket._prefetched_objects_cache = {
        **getattr(ticket, "_prefetched_objects_cache", {}),
        **caches,
    }
    remember_queue_staff(actor, ticket.queue)
    return ticket


def ticket_find_for_staff(*, actor: Any, number: str) -> Ticket | None:
    """The ticket a staff member names in a form (merge target, link): ``None`` when it does not
    exist *or* is outside their queues, so the two cannot be told apart."""
    number = (number or "").strip().upper()
    if not number or not getattr(actor, "is_authenticated", False):
        return None
    try:
        return _staff_rows(actor).select_related("queue").get(number=number)
    except Ticket.DoesNotExist:
        return None


# --- The list ------------------------------------------------------------------------------------

STATUS_FILTER_ACTIVE = "active"
STATUS_FILTER_ALL = "all"
ASSIGNEE_FILTER_ME = "me"
ASSIGNEE_FILTER_NONE = "none"


def ticket_list_for_staff_filtered(
    *,
    actor: Any,
    status: str = STATUS_FILTER_ACTIVE,
    queue_code: str = "",
    assignee: str = "",
    priority: str = "",
    breached: bool | None = None,
) -> QuerySet[Ticket]:
    """The tickets of the queues ``actor`` serves, filtered; ordered by resolution deadline.

    ``status``: a ``TicketStatus`` value, ``"active"`` (default) or ``"all"``. ``assignee``:
    ``"me"``, ``"none"`` (unassigned) or a user id. ``breached``: either SLA target missed.
    """
    if status == STATUS_FILTER_ALL:
        statuses: tuple[str, ...] | None = None
    elif status == STATUS_FILTER_ACTIVE:
        statuses = ACTIVE_STATUSES
    else:
        statuses = (status,)
    tickets = ticket_list_for_staff(
        actor=actor,
        statuses=statuses,
        assigned_to=actor if assignee == ASSIGNEE_FILTER_ME else None,
        unassigned=assignee == ASSIGNEE_FILTER_NONE,
    )
    if assignee not in ("", ASSIGNEE_FILTER_ME, ASSIGNEE_FILTER_NONE):
        tickets = tickets.filter(assignee_id=int(assignee))
    if queue_code:
        tickets = tickets.filter(queue__code=queue_code)
    if priority:
        tickets = tickets.filter(priority=priority)
    if breached is not None:
        missed = Q(first_response_breached=True) | Q(resolution_breached=True)
        tickets = tickets.filter(missed) if breached else tickets.exclude(missed)
    return tickets


# --- What the actor may do now -------------------------------------------------------------------

ACTION_NAMES = (
    "claim",
    "release",
    "assign",
    "route",
    "priority",
    "reply",
    "note",
    "waiting",
    "resolve",
    "close",
    "reopen",
    "merge",
    "link",
)


@dataclass(frozen=True)
class StaffActions:
    """Which of ``ACTION_NAMES`` ``actor`` may take on a ticket right now.

    Mirrors the checks the services make (``helpdesk.permissions``) and the lifecycle
    transitions ``core.workflow.available_transitions`` offers, so a button is shown exactly
    when pressing it can succeed. The services still check everything again.
    """

    allowed: frozenset[str]
    transitions: tuple[AvailableAction, ...] = ()

    def __contains__(self, name: object) -> bool:
        return name in self.allowed

    def __getattr__(self, name: str) -> bool:
        # Templates read ``actions.claim``; unknown names are simply not available.
        if name in ACTION_NAMES:
            return name in self.allowed
        raise AttributeError(name)

    @property
    def any(self) -> bool:
        return bool(self.allowed)


def staff_ticket_actions(*, actor: Any, ticket: Ticket) -> StaffActions:
    if not is_ticket_staff(actor, ticket):
        return StaffActions(allowed=frozenset())
    supervisor = supervises_queue(actor, ticket.queue)
    transitions = tuple(available_transitions(actor=actor, obj=ticket))
    firable = {t.name for t in transitions}
    active = ticket.status in ACTIVE_STATUSES
    allowed = {"note", "link"}
    if active:
        allowed |= {"route", "priority"}
        if ticket.assignee_id is None:
            allowed.add("claim")
        elif ticket.assignee_id == actor.pk or supervisor:
            allowed.add("release")
        if supervisor:
            allowed.add("assign")
    if ticket.status not in FINAL_STATUSES:
        allowed.add("reply")
    for action, transition_name in (
        ("waiting", "wait_on_requester"),
        ("resolve", "resolve"),
        ("close", "close"),
        ("reopen", "reopen"),
        ("merge", "merge"),
    ):
        if transition_name in firable:
            allowed.add(action)
    if "start" in firable:
        # The resolution message is a public reply, which starts the work first: a new ticket
        # can be resolved in one step.
        allowed.add("resolve")
    return StaffActions(allowed=frozenset(allowed), transitions=transitions)


def assignable_technicians(*, ticket: Ticket) -> QuerySet[User]:
    """Technicians ``ticket`` can be given to (available or not: a supervisor decides). Who may
    assign is the service's check; the page shows the choice to supervisors only."""
    return queue_technicians(ticket.queue, available_only=False).select_related("person")


def route_destinations(*, ticket: Ticket) -> QuerySet[Queue]:
    """Every other active queue: routing sends a ticket to the area that owns the matter, which
    is usually a queue the actor does not serve."""
    return Queue.objects.filter(is_active=True).exclude(pk=ticket.queue_id).order_by("name")


def canned_response_get_for(*, actor: Any, ticket: Ticket, pk: Any) -> CannedResponse:
    """A canned response usable on ``ticket`` (its queue's or a global one); 404 otherwise."""
    try:
        pk = int(pk)
    except (TypeError, ValueError) as exc:
        raise Http404 from exc
    found = canned_response_list_for(actor=actor, queue=ticket.queue).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


# --- SLA clocks ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class SlaClock:
    """One SLA target of a ticket as the page shows it.

    ``state``: ``met`` (done in time), ``missed`` (done late, or overdue), ``running``,
    ``paused`` (waiting on the requester) or ``stopped`` (the ticket ended without it).
    ``remaining`` is business time until ``due_at`` (negative once overdue) while running.
    """

    kind: str
    label: str
    due_at: datetime | None
    done_at: datetime | None
    state: str
    remaining: timedelta | None
    warning: bool
    breached: bool

    @property
    def remaining_text(self) -> str:
        if self.remaining is None:
            return ""
        amount = business_duration(self.remaining, style=CLOCK)
        if self.remaining < timedelta(0):
            return _("vencido hace %(amount)s hábiles") % {"amount": amount}
        return _("quedan %(amount)s hábiles") % {"amount": amount}


def _clock(
    *,
    kind: str,
    label: str,
    due_at: datetime | None,
    warn_at: datetime | None,
    done_at: datetime | None,
    breached_flag: bool,
    running: bool,
    paused: bool,
    now: datetime,
) -> SlaClock:
    if done_at is not None:
        late = breached_flag or (due_at is not None and done_at > due_at)
        state = "missed" if late else "met"
        return SlaClock(kind, label, due_at, done_at, state, None, False, late)
    if due_at is None or not running:
        return SlaClock(kind, label, due_at, None, "stopped", None, False, breached_flag)
    remaining = business_time_between(now, due_at)
    breached = breached_flag or now > due_at
    warning = not breached and (warn_at is not None and now >= warn_at)
    if paused:
        return SlaClock(kind, label, due_at, None, "paused", remaining, False, breached)
    state = "missed" if breached else "running"
    return SlaClock(kind, label, due_at, None, state, remaining, warning, breached)


def ticket_sla_clocks(ticket: Ticket, *, now: datetime | None = None) -> list[SlaClock]:
    """The first-response and resolution clocks of ``ticket`` at ``now``."""
    now = now or timezone.now()
    active = ticket.status in ACTIVE_STATUSES
    waiting = ticket.status == TicketStatus.WAITING_ON_REQUESTER
    resolved_at = ticket.resolved_at if ticket.status in (TicketStatus.RESOLVED,) else None
    if ticket.status == TicketStatus.CLOSED:
        resolved_at = ticket.resolved_at or ticket.closed_at
    return [
        _clock(
            kind="first_response",
            label=_("Primera respuesta"),
            due_at=ticket.first_response_due_at,
            warn_at=ticket.first_response_warn_at,
            done_at=ticket.first_responded_at,
            breached_flag=ticket.first_response_breached,
            running=active,
            paused=False,
            now=now,
        ),
        _clock(
            kind="resolution",
            label=_("Resolución"),
            due_at=ticket.resolution_due_at,
            warn_at=ticket.resolution_warn_at,
            done_at=resolved_at,
            breached_flag=ticket.resolution_breached,
            running=active,
            paused=waiting and helpdesk_settings.SLA_PAUSE_WHILE_WAITING,
            now=now,
        ),
    ]


__all__ = [
    "ACTION_NAMES",
    "SlaClock",
    "StaffActions",
    "assignable_technicians",
    "canned_response_get_for",
    "route_destinations",
    "staff_ticket_actions",
    "ticket_find_for_staff",
    "ticket_get_for_staff",
    "ticket_list_for_staff_filtered",
    "ticket_sla_clocks",
]
