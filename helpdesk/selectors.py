"""Every read of the help desk that is more than a ``get()``, scoped by the actor.

Lists cost a fixed number of queries whatever their length: they load their related rows with
``select_related``/``prefetch_related``, or (the ticket lists) leave the columns to the caller,
who reads named rows and their people's names with ``ticket_list_names``. Objects outside the
actor's reach answer 404.
"""

import functools
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from core.accounts.choices import Role, ScopeKind
from core.accounts.models import Person, RoleGrant, User
from core.accounts.scopes import (
    active_grant_q,
    any_of,
    grants_q,
    grants_with_roles,
    has_role,
    reaching_grants,
)
from core.precompiled import Precompiled, precompiled

from .catalogue_cache import cached_service_fields
from .choices import ACTIVE_STATUSES, EntryKind
from .models import (
    CannedResponse,
    Queue,
    Service,
    ServiceField,
    Team,
    TechnicianStatus,
    Ticket,
    TicketEntry,
)
from .permissions import (
    QUEUE_SCOPE,
    can_request_service,
    is_queue_staff,
    is_requester,
    is_ticket_staff,
)

# --- Queues and the people who serve them -------------------------------------------------------


def _served_grants(actor: Any) -> tuple[list[RoleGrant], list[RoleGrant]]:
    """The technician and the supervisor grants through which ``actor`` serves queues, meaning
    the same as all of theirs (``scopes.reaching_grants``): no technician grant when a national
    supervisor grant already reaches every queue."""
    supervisor = reaching_grants(grants_with_roles(actor, [Role.SUPERVISOR]), QUEUE_SCOPE)
    if supervisor and supervisor[0].scope_kind == ScopeKind.NATIONAL:
        return [], supervisor
    technician = reaching_grants(grants_with_roles(actor, [Role.TECHNICIAN]), QUEUE_SCOPE)
    return technician, supervisor


def _served_q(actor_id: int, technician: list[RoleGrant], supervisor: list[RoleGrant]) -> Q | None:
    """The queues served through these grants: a technician's also need an active team of the
    actor serving the queue; a supervisor's only reach it."""
    condition = grants_q(technician, QUEUE_SCOPE)
    if condition is not None:
        teams = Team.objects.filter(is_active=True, members=actor_id, queues__isnull=False)
        condition &= Q(pk__in=teams.values("queues"))
    return any_of([condition, grants_q(supervisor, QUEUE_SCOPE)])


def served_queue_q(actor: Any) -> Q | None:
    """Queues ``actor`` works as staff: technician (team member and in scope) or supervisor (in
    scope). ``None`` when there are none."""
    if not getattr(actor, "is_authenticated", False):
        return None
    return _served_q(actor.pk, *_served_grants(actor))


def served_queue_ids(actor: Any) -> list[int]:
    """The ids of the queues ``actor`` works as staff (one small query; ``[]`` when none).

    Every staff page and action starts here. The query's shape follows the actor's grants (how
    many, of which kind), so it is compiled once per shape (``_served_ids_query``) and run with
    the grants' targets: compiling it took eight times longer than running it.
    """
    if not getattr(actor, "is_authenticated", False):
        return []
    technician, supervisor = _served_grants(actor)
    if not technician and not supervisor:
        return []
    values = {"actor": actor.pk} if technician else {}
    targets = [grant.scope_target_id for grant in (*technician, *supervisor)]
    shape = (
        tuple(grant.scope_kind for grant in technician),
        tuple(grant.scope_kind for grant in supervisor),
    )
    for (name, _kind), target in zip(_target_slots(shape), targets, strict=True):
        if name is not None:
            values[name] = target
    return _served_ids_query(shape).fetch(**values)


def _target_slots(
    shape: tuple[tuple[str, ...], tuple[str, ...]],
) -> list[tuple[str | None, str]]:
    """Each grant of ``shape`` in order (technician's, then supervisor's) with the name of its
    target's parameter (``t0``…, ``s0``…; ``None`` for a national grant, which has none)."""
    return [
        (None if kind == ScopeKind.NATIONAL else f"{prefix}{index}", kind)
        for prefix, kinds in zip("ts", shape, strict=True)
        for index, kind in enumerate(kinds)
    ]


@functools.lru_cache(maxsize=64)
def _served_ids_query(shape: tuple[tuple[str, ...], tuple[str, ...]]) -> Precompiled:
    """``served_queue_ids``'s query for actors whose grants have ``shape`` (the kinds of their
    technician and supervisor grants, as ``_served_grants`` gives them), built by ``_served_q``
    from stand-in grants: parameters ``actor`` (with technician grants) and each grant's target
    (``t0``…, ``s0``…; none for a national grant)."""
    slots = _target_slots(shape)
    types = {name: int for name, _kind in slots if name is not None}
    if shape[0]:
        types["actor"] = int

    def build(actor: int | None = None, **targets: int) -> QuerySet:
        grants = [
            RoleGrant(scope_kind=kind, **({f"{kind}_id": targets[name]} if name else {}))
            for name, kind in slots
        ]
        technician, supervisor = grants[: len(shape[0])], grants[len(shape[0]) :]
        condition = _served_q(actor, technician, supervisor)
        return Queue.objects.filter(condition).order_by("pk").values_list("pk", flat=True)

    return precompiled(f"helpdesk.served_queue_ids:{shape}", build, **types)


def queue_list_for_staff(*, actor: Any) -> QuerySet[Queue]:
    condition = served_queue_q(actor)
    if condition is None:
        return Queue.objects.none()
    return Queue.objects.filter(condition, is_active=True).select_related("department")


def _grant_covering_queue(queue: Queue) -> Q:
    if queue.department_id is None:
        return Q(scope_kind=ScopeKind.NATIONAL)
    return Q(scope_kind=ScopeKind.NATIONAL) | Q(
        scope_kind=ScopeKind.DEPARTMENT, department_id=queue.department_id
    )


def queue_technicians(queue: Queue, *, available_only: bool = True) -> QuerySet[User]:
    """Technicians who may receive ``queue``'s tickets, in id order: active users in an active
    team serving the queue with a technician grant covering it (and available, by default)."""
    grants = RoleGrant.objects.filter(
        active_grant_q(), _grant_covering_queue(queue), user=OuterRef("pk"), role=Role.TECHNICIAN
    )
    teams = Team.objects.filter(is_active=True, members=OuterRef("pk"), queues=queue)
    users = User.objects.filter(Exists(grants), Exists(teams), is_active=True)
    if available_only:
        away = TechnicianStatus.objects.filter(user=OuterRef("pk"), available=False)
        users = users.filter(~Exists(away))
    return users.order_by("pk")


def queue_supervisors(queue: Queue) -> QuerySet[User]:
    """Supervisors whose grant covers ``queue`` (national ones and its department's)."""
    grants = RoleGrant.objects.filter(
        active_grant_q(), _grant_covering_queue(queue), user=OuterRef("pk"), role=Role.SUPERVISOR
    )
    return (
        User.objects.filter(Exists(grants), is_active=True).select_related("person").order_by("pk")
    )


def technician_loads(queue: Queue) -> QuerySet[User]:
    """Available technicians of ``queue`` annotated with ``load`` (their active assigned tickets,
    in any queue), least loaded first, ties by id."""
    return (
        queue_technicians(queue)
        .annotate(
            load=Count(
                "helpdesk_assigned_tickets",
                filter=Q(helpdesk_assigned_tickets__status__in=ACTIVE_STATUSES),
            )
        )
        .order_by("load", "pk")
    )


def queue_counts_for_staff(*, actor: Any) -> list[dict[str, Any]]:
    """Per served queue: active tickets, unassigned ones and breached ones (one query)."""
    active = Q(tickets__status__in=ACTIVE_STATUSES)
    rows = (
        queue_list_for_staff(actor=actor)
        .annotate(
            active_count=Count("tickets", filter=active),
            unassigned_count=Count("tickets", filter=active & Q(tickets__assignee__isnull=True)),
            breached_count=Count(
                "tickets",
                filter=active
                & (Q(tickets__resolution_breached=True) | Q(tickets__first_response_breached=True)),
            ),
        )
        .order_by("name")
    )
    return [
        {
            "queue": queue,
            "active": queue.active_count,
            "unassigned": queue.unassigned_count,
            "breached": queue.breached_count,
        }
        for queue in rows
    ]


# --- Catalogue ---------------------------------------------------------------------------------


def service_list_for(*, actor: Any) -> list[Service]:
    """Active services ``actor`` may request, with their form fields, in catalogue order.

    The catalogue is small (tens of rows), so role restrictions are checked in Python: the same
    rule as ``can_request_service``, and no JSON containment lookup (SQLite has none).
    Queries: the actor's grants (once per request), the services, their fields.
    """
    if not getattr(actor, "is_authenticated", False):
        return []
    services = (
        Service.objects.filter(is_active=True, queue__is_active=True)
        .select_related("queue", "sla_policy")
        .prefetch_related(Prefetch("fields", queryset=ServiceField.objects.order_by("order", "id")))
        .order_by("order", "name")
    )
    return [service for service in services if can_request_service(actor, service)]


def _read_service_fields(service_id: int) -> list[ServiceField]:
    return list(ServiceField.objects.filter(service_id=service_id).order_by("order", "id"))


def service_form_fields(service_id: int) -> list[ServiceField]:
    """The form fields of a service, in the form's order, from the catalogue cache (one query
    when it has to be read: ``helpdesk/catalogue_cache.py``)."""
    return cached_service_fields(service_id, _read_service_fields)


def service_get_for(*, actor: Any, code: str) -> Service:
    service = (
        Service.objects.select_related("queue", "sla_policy")
        .prefetch_related("fields", "sla_policy__priority_targets")
        .filter(code=code)
        .first()
    )
    if service is None or not can_request_service(actor, service):
        raise Http404
    return service


# --- Tickets -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TicketListNames:
    people: dict[int, str]  # user id → full name
    ticket_numbers: dict[int, str]  # ticket id → number


def _ticket_rows() -> QuerySet[Ticket]:
    return Ticket.objects.select_related(
        "service", "queue", "assignee__person", "requester__person"
    )


def ticket_list_for_requester(
    *, actor: Any, statuses: tuple[str, ...] | None = None
) -> QuerySet[Ticket]:
    """The actor's own tickets, newest first."""
    if not getattr(actor, "is_authenticated", False):
        return Ticket.objects.none()
    tickets = _ticket_rows().filter(requester=actor)
    if statuses is not None:
        tickets = tickets.filter(status__in=statuses)
    return tickets.order_by("-created_at", "-id")


def ticket_list_for_staff(
    *,
    actor: Any,
    queue: Queue | None = None,
    statuses: tuple[str, ...] | None = ACTIVE_STATUSES,
    assigned_to: Any = None,
    unassigned: bool = False,
    queue_ids: list[int] | None = None,
) -> QuerySet[Ticket]:
    """Tickets of the queues ``actor`` serves, most urgent deadline first.

    ``assigned_to=actor`` gives "assigned to me"; ``unassigned=True`` "available to me";
    ``queue_ids`` are ``served_queue_ids(actor)`` when the caller has them already.
    Nothing is joined: the caller picks the columns (the API list reads ``values_list`` rows
    and ``ticket_list_names`` for the people; the search joins what it shows). Few relations
    let the planner walk ``ticket_active_due_idx`` with a plain list of queue ids and stop at
    the page, and keep planning cheap (each joined person costs milliseconds of planning).
    """
    if queue_ids is None:  # the caller may have looked them up already
        queue_ids = served_queue_ids(actor)
    if not queue_ids:
        return Ticket.objects.none()
    tickets = Ticket.objects.filter(queue_id__in=queue_ids)
    if queue is not None:
        tickets = tickets.filter(queue=queue)
    if statuses is not None:
        tickets = tickets.filter(status__in=statuses)
    if assigned_to is not None:
        tickets = tickets.filter(assignee=assigned_to)
    if unassigned:
        tickets = tickets.filter(assignee__isnull=True)
    return tickets.order_by(F("resolution_due_at").asc(nulls_last=True), "id")


def ticket_list_names(rows: Iterable[Any]) -> TicketListNames:
    """The names a page of ticket rows shows besides its own columns: its requesters' and
    assignees' full names by user id (one query) and the numbers of the tickets merged ones
    went into (one query, only when the page has a merged ticket).

    ``rows`` have ``requester_id``, ``assignee_id`` and ``merged_into_id`` attributes (named
    ``values_list`` rows or tickets).
    """
    rows = list(rows)
    user_ids = {row.requester_id for row in rows} | {
        row.assignee_id for row in rows if row.assignee_id is not None
    }
    people = (
        {
            pk: Person.compose_full_name(first, last)
            for pk, first, last in User.objects.filter(pk__in=user_ids).values_list(
                "pk", "person__first_names", "person__last_names"
            )
        }
        if user_ids
        else {}
    )
    target_ids = {row.merged_into_id for row in rows if row.merged_into_id is not None}
    numbers = (
        dict(Ticket.objects.filter(pk__in=target_ids).values_list("pk", "number"))
        if target_ids
        else {}
    )
    return TicketListNames(people=people, ticket_numbers=numbers)


def ticket_get_for(*, actor: Any, number: str) -> Ticket:
    """The ticket ``number`` if ``actor`` requested it or serves its queue; 404 otherwise."""
    if not getattr(actor, "is_authenticated", False):
        raise Http404
    condition = Q(requester=actor)
    served = served_queue_q(actor)
    if served is not None:
        condition |= Q(queue__in=Queue.objects.filter(served).values("pk"))
    return get_object_or_404(_ticket_rows().filter(condition), number=number)


def ticket_entries_for(
    *, actor: Any, ticket: Ticket, with_ticket: bool = True
) -> QuerySet[TicketEntry]:
    """The conversation ``actor`` may read: requesters see public replies only; staff see notes
    too. Entries of tickets merged into this one are included (2 queries with attachments).

    ``with_ticket=False`` leaves each entry's ticket out of the read, for a caller that already
    holds the ticket and those merged into it (joining it doubles PostgreSQL's planning)."""
    if is_requester(actor, ticket):
        kinds: tuple[str, ...] = (EntryKind.REPLY,)
    elif is_ticket_staff(actor, ticket):
        kinds = (EntryKind.REPLY, EntryKind.NOTE)
    else:
        raise Http404
    return (
        # The ticket ids first (its own and those merged into it), then their entries through
        # the (ticket, created_at) index: an OR across the join would make PostgreSQL join every
        # entry to every ticket (seconds on a million tickets).
        TicketEntry.objects.filter(
            ticket__in=Ticket.objects.filter(Q(pk=ticket.pk) | Q(merged_into=ticket)).values("pk"),
            kind__in=kinds,
        )
        .select_related("author__person", *(("ticket",) if with_ticket else ()))
        # The stored search document is for the search, not for reading the conversation.
        .defer("search_document")
        .prefetch_related("attachments")
        .order_by("created_at", "id")
    )


def canned_response_list_for(*, actor: Any, queue: Queue) -> QuerySet[CannedResponse]:
    if not getattr(actor, "is_authenticated", False):
        return CannedResponse.objects.none()
    # The same test as ``served_queue_q`` for one queue; no query when the ticket page already
    # reached a ticket of this queue through it (``permissions.remember_queue_staff``).
    if not is_queue_staff(actor, queue):
        return CannedResponse.objects.none()
    return CannedResponse.objects.filter(Q(queue=queue) | Q(queue__isnull=True), is_active=True)


def ticket_list_for_diagram(actor: Any) -> QuerySet[Ticket]:
    """The cases whose drawn path (``/diagramas/casos-de-la-mesa-de-ayuda/<pk>/``) ``actor`` may
    open: auditors and administrators every case, like the audit log; staff the queues they
    serve."""
    if has_role(actor, (Role.AUDITOR, Role.ADMINISTRATOR)):
        return Ticket.objects.all()
    return Ticket.objects.filter(queue_id__in=served_queue_ids(actor))


def is_ticket_requester_of_process(process: Any, user: Any) -> bool:
    """Whether ``user`` requested a ticket that follows ``process`` (they may open its page)."""
    if not getattr(user, "is_authenticated", False):
        return False
    return Ticket.objects.filter(process_id=process.pk, requester_id=user.pk).exists()
