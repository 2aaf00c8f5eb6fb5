"""The help desk's pieces of the Bandeja (``core.work``): its tickets as a work-item source
and who a supervisor may assign work to. Registered from ``HelpdeskConfig.ready()``."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    FilteredRelation,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models import DateTimeField as DateTimeDbField
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.accounts.choices import Role
from core.accounts.models import RoleGrant, User
from core.accounts.scopes import active_grant_q, scope_q
from core.exceptions import Conflict
from core.work import (
    ActionResult,
    ItemRef,
    QueueCount,
    SourceResult,
    WorkFilters,
    WorkItem,
    WorkItemSource,
    due_state,
    is_supervisor,
    not_found,
)

from .choices import ACTIVE_STATUSES, Priority, TicketStatus
from .conf import helpdesk_settings
from .display import TicketUrl, choice_labels
from .models import Queue, Team, Ticket
from .permissions import QUEUE_SCOPE, STAFF_ROLES
from .selectors import TicketListNames, served_queue_q, ticket_list_names
from .services import ticket_assign, ticket_claim

# The staff page of a ticket (helpdesk/views/staff.py), reversed with ``number=``.
TICKET_URL_NAME = "helpdesk:staff_ticket"


def _ticket_url_name() -> str | None:
    """``TICKET_URL_NAME`` if it exists (items link nowhere rather than break without it)."""
    try:
        reverse(TICKET_URL_NAME, kwargs={"number": "MA-0000-000000"})
    except NoReverseMatch:
        return None
    return TICKET_URL_NAME


def _waiting_paused() -> bool:
    return bool(helpdesk_settings.SLA_PAUSE_WHILE_WAITING)


def ticket_due_expression() -> Case:
    """The ticket's next deadline: first response until it is given, then resolution; none
    while the clock is paused (waiting on the requester)."""
    whens = [When(first_responded_at__isnull=True, then=F("first_response_due_at"))]
    if _waiting_paused():
        whens.append(
            When(
                status=TicketStatus.WAITING_ON_REQUESTER,
                then=Value(None, output_field=DateTimeDbField()),
            )
        )
    return Case(*whens, default=F("resolution_due_at"), output_field=DateTimeDbField())


def _ticket_q(filters: WorkFilters, now: datetime, prefix: str = "", *, active: bool = True) -> Q:
    """The filters (queue excepted) as a condition on tickets reached through ``prefix``;
    ``active=False`` leaves out the active-status condition (the join already has it)."""

    def q(**lookups: Any) -> Q:
        return Q(**{f"{prefix}{name}": value for name, value in lookups.items()})

    condition = q(status__in=ACTIVE_STATUSES) if active else Q()
    if filters.priority:
        condition &= q(priority=filters.priority)
    if filters.text:
        condition &= (
            q(number__icontains=filters.text)
            | q(subject__icontains=filters.text)
            | q(service__name__icontains=filters.text)
        )
    if filters.overdue_only:
        resolution_statuses = [
            status
            for status in ACTIVE_STATUSES
            if not (_waiting_paused() and status == TicketStatus.WAITING_ON_REQUESTER)
        ]
        condition &= q(first_responded_at__isnull=True, first_response_due_at__lt=now) | q(
            first_responded_at__isnull=False,
            resolution_due_at__lt=now,
            status__in=resolution_statuses,
        )
    return condition


# The columns of a ticket item (``ticket_list_names`` reads the last three).
_ITEM_FIELDS = (
    "number",
    "subject",
    "status",
    "priority",
    "work_due_at",
    "service__name",
    "queue__code",
    "queue__name",
    "requester_id",
    "assignee_id",
    "merged_into_id",
)


class TicketSource(WorkItemSource):
    """Active tickets of the queues the actor serves: assigned to them, or unassigned.

    Four queries: the served queues with their per-queue counts (from the queue side, so every
    served queue gets a chip, even an empty one), assigned items, available items and the
    requesters' names of both (none when both lists are empty). The counts
    join only the active tickets (the partial index on (queue, assignee) of active tickets
    answers it) and the item lists filter on the served queue ids that first query returned,
    as an explicit list rather than a subquery (so a queue filter naming no served queue
    stops after the first query).
    """

    key = "ticket"
    label = gettext_lazy("Caso")
    position = 10
    priorities = Priority.choices
    roles = STAFF_ROLES
    # The search page covers closed tickets too (helpdesk/views/search.py).
    wider_search = (
        "helpdesk:search",
        gettext_lazy("Buscar «%(q)s» en todos los casos, también los cerrados"),
    )

    def _served_queues(self, actor: User) -> QuerySet[Queue] | None:
        condition = served_queue_q(actor)
        if condition is None:
            return None
        return Queue.objects.filter(condition, is_active=True)

    def collect(
        self, *, actor: User, filters: WorkFilters, limit: int, now: datetime
    ) -> SourceResult:
        queues = self._served_queues(actor)
        if queues is None or filters.kind not in ("", self.key):
            return SourceResult([], [], [])
        # Conditional aggregation over a join restricted to the active tickets (the partial
        # index on (queue, assignee) of active tickets; counting its queue column lets an
        # unfiltered Bandeja count from the index alone). The other filters, which may reach
        # the service, apply in the aggregates' FILTER.
        work = FilteredRelation("tickets", condition=Q(tickets__status__in=ACTIVE_STATUSES))
        counted = _ticket_q(filters, now, "work__", active=False)
        counts_rows = list(
            queues.annotate(
                work=work,
                n_assigned=Count("work__queue", filter=counted & Q(work__assignee=actor)),
                n_available=Count("work__queue", filter=counted & Q(work__assignee__isnull=True)),
            )
            .order_by("name")
            .values_list("pk", "code", "name", "n_assigned", "n_available")
        )
        counts = [QueueCount(code, name, mine, free) for _pk, code, name, mine, free in counts_rows]
        queue_ids = [
            pk for pk, code, *_counts in counts_rows if not filters.queue or code == filters.queue
        ]
        if not queue_ids:
            return SourceResult([], [], counts)
        # Rows of plain columns with only the service and queue joined: joining the requester's
        # person too would make PostgreSQL join every candidate before sorting (5x slower for
        # a technician at 1 M tickets); their names come in one query for both lists.
        rows = (
            Ticket.objects.filter(_ticket_q(filters, now), queue_id__in=queue_ids)
            .annotate(work_due_at=ticket_due_expression())
            .order_by(F("work_due_at").asc(nulls_last=True), "pk")
            .values_list(*_ITEM_FIELDS, named=True)
        )
        assigned = list(rows.filter(assignee=actor)[:limit])
        available = list(rows.filter(assignee__isnull=True)[:limit])
        make_item = self._item_maker(actor, now, ticket_list_names([*assigned, *available]))
        return SourceResult(
            [make_item(row) for row in assigned], [make_item(row) for row in available], counts
        )

    def _item_maker(
        self, actor: User, now: datetime, names: TicketListNames
    ) -> Callable[[Any], WorkItem]:
        """Builds the item of one row of ``_ITEM_FIELDS`` (labels and the URL template are
        made once for both lists)."""
        url_name = _ticket_url_name()
        url = TicketUrl(url_name) if url_name else None
        statuses = choice_labels(TicketStatus.choices)
        priorities = choice_labels(Priority.choices)
        source = str(self.label)

        def make_item(row: Any) -> WorkItem:
            mine = row.assignee_id == actor.pk
            requester = names.people[row.requester_id]
            return WorkItem(
                kind=self.key,
                id=row.number,
                title=row.subject,
                subtitle=f"{row.number} · {row.service__name} · {requester}",
                queue_key=row.queue__code,
                queue_label=row.queue__name,
                due_at=row.work_due_at,
                status_label=statuses.get(row.status, row.status),
                url=url(row.number) if url else "",
                assigned_to_me=mine,
                claimable=not mine and row.assignee_id is None,
                source=source,
                priority=row.priority,
                priority_label=priorities.get(row.priority, row.priority),
                due_state=due_state(row.work_due_at, now),
                assignable=True,
            )

        return make_item

    def _get(self, actor: User, ref: ItemRef) -> Ticket | None:
        queues = self._served_queues(actor)
        if queues is None:
            return None
        return (
            Ticket.objects.select_related("queue", "service")
            .filter(number=ref.id, queue__in=queues.values("pk"))
            .first()
        )

    def claim(self, *, actor: User, ref: ItemRef, request: HttpRequest | None) -> ActionResult:
        ticket = self._get(actor, ref)
        if ticket is None:
            return not_found(ref)
        try:
            ticket_claim(actor=actor, ticket=ticket, request=request)
        except Conflict as exc:
            return ActionResult(ref.kind, ref.id, False, exc.code or "conflict", str(exc.reason))
        except PermissionDenied:
            return not_found(ref)
        return ActionResult(ref.kind, ref.id, True, "claimed", _("Tomado."))

    def assign(
        self, *, actor: User, ref: ItemRef, assignee: User, request: HttpRequest | None
    ) -> ActionResult:
        ticket = self._get(actor, ref)
        if ticket is None:
            return not_found(ref)
        try:
            ticket_assign(actor=actor, ticket=ticket, assignee=assignee, request=request)
        except Conflict as exc:
            return ActionResult(ref.kind, ref.id, False, exc.code or "conflict", str(exc.reason))
        except PermissionDenied:
            return ActionResult(
                ref.kind, ref.id, False, "forbidden", _("No supervisa la cola de este caso.")
            )
        except ValidationError as exc:
            return ActionResult(ref.kind, ref.id, False, "invalid_assignee", " ".join(exc.messages))
        return ActionResult(
            ref.kind,
            ref.id,
            True,
            "assigned",
            _("Asignado a %(name)s.") % {"name": assignee.get_full_name()},
        )


def assignable_technicians(*, actor: User) -> QuerySet[User]:
    """Technicians a supervisor may assign work to: active users with a technician grant in
    force who belong to an active team serving a queue the supervisor's grants cover (one
    query). Each assignment still checks the technician serves that item's queue."""
    supervised = scope_q(actor, [Role.SUPERVISOR], QUEUE_SCOPE) if is_supervisor(actor) else None
    if supervised is None:
        return User.objects.none()
    queues = Queue.objects.filter(supervised, is_active=True)
    teams = Team.objects.filter(is_active=True, members=OuterRef("pk"), queues__in=queues)
    grants = RoleGrant.objects.filter(active_grant_q(), user=OuterRef("pk"), role=Role.TECHNICIAN)
    return (
        User.objects.filter(Exists(grants), Exists(teams), is_active=True)
        .select_related("person")
        .order_by("person__first_names", "person__last_names", "pk")
    )
