"""The work queue ("Bandeja"): one list per staff member of the work that waits for them.

Work comes from *sources*. The help desk ships two: its tickets (``TicketSource``) and every
human task of every ``viewflow.workflow`` flow (``FlowTaskSource``, generic: a flow shows up
without the help desk knowing it). Higher layers add theirs from their ``AppConfig.ready()``
with ``register_source`` (the layer rule: the help desk never imports ``workflows/``); a model
that exposes ``work_item_title`` / ``work_item_due_at`` / ``work_item_url`` plugs in through
``ModelWorkItemSource`` without writing a class.

For one actor a source answers, in a fixed number of queries whatever the data size: the items
assigned to them, the items available to them (in their queues and scope, not yet taken), and
how many of each there are per queue; it also claims and assigns its items for bulk actions.
``work_queue`` merges the sources by due time (items without one last) and cuts each section
to a limit; ``work_queue_claim`` / ``work_queue_assign`` act on several items one by one and
say, per item, what happened.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
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
from django.http import Http404, HttpRequest
from django.template import Context, Template
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.accounts.choices import Role
from core.accounts.models import RoleGrant, User
from core.accounts.scopes import active_grant_q, has_role, scope_q
from core.exceptions import Conflict
from core.workflow import TASK_STATUS_LABELS, task_action

from .choices import ACTIVE_STATUSES, Priority, TicketStatus
from .conf import helpdesk_settings
from .display import TicketUrl, choice_labels
from .models import Queue, Team, Ticket
from .permissions import QUEUE_SCOPE
from .selectors import TicketListNames, served_queue_q, ticket_list_names
from .services import ticket_assign, ticket_claim

# Who works a Bandeja. Supervisors also assign items to technicians.
WORKQUEUE_ROLES: tuple[str, ...] = (Role.TECHNICIAN, Role.SUPERVISOR)
DEFAULT_LIMIT = 50
MAX_LIMIT = 500


def page_size() -> int:
    """Items shown per section before "ver más" (``HELPDESK_WORKQUEUE_PAGE_SIZE``, 50)."""
    return int(getattr(settings, "HELPDESK_WORKQUEUE_PAGE_SIZE", DEFAULT_LIMIT))


def near_due_window() -> timedelta:
    """Items due within this time get the "por vencer" badge (``HELPDESK_WORKQUEUE_NEAR_DUE``)."""
    return getattr(settings, "HELPDESK_WORKQUEUE_NEAR_DUE", timedelta(hours=4))


def can_use_workqueue(actor: Any) -> bool:
    return bool(getattr(actor, "is_authenticated", False)) and has_role(actor, WORKQUEUE_ROLES)


def is_supervisor(actor: Any) -> bool:
    return bool(getattr(actor, "is_authenticated", False)) and has_role(actor, [Role.SUPERVISOR])


def staff_role(actor: Any) -> str:
    """The role under which ``actor`` works the queue, for audit events."""
    return Role.TECHNICIAN.value if has_role(actor, [Role.TECHNICIAN]) else Role.SUPERVISOR.value


# --- Data ------------------------------------------------------------------------------------

DUE_OVERDUE = "overdue"
DUE_NEAR = "near_due"


def due_state(due_at: datetime | None, now: datetime) -> str:
    """``"overdue"``, ``"near_due"`` or ``""`` for a due time seen at ``now``."""
    if due_at is None:
        return ""
    if due_at < now:
        return DUE_OVERDUE
    if due_at - now <= near_due_window():
        return DUE_NEAR
    return ""


@dataclass(frozen=True)
class WorkItem:
    """One thing to do, whatever its origin.

    ``kind`` is the key of the source it comes from and, with ``id``, what a bulk action sends
    back; ``source`` is that kind in words ("Caso", "Tarea"…). ``claimable``: the actor may
    take it now (it is available and the source supports claiming); ``assignable``: a
    supervisor may try to assign it to a technician (the owning service has the last word).
    """

    kind: str
    id: str
    title: str
    subtitle: str
    queue_key: str
    queue_label: str
    due_at: datetime | None
    status_label: str
    url: str
    assigned_to_me: bool
    claimable: bool
    source: str
    priority: str = ""
    priority_label: str = ""
    due_state: str = ""
    assignable: bool = False

    @property
    def selection_value(self) -> str:
        """What a checkbox of the bulk-action form carries: ``<kind>:<id>``."""
        return f"{self.kind}:{self.id}"

    @property
    def overdue(self) -> bool:
        return self.due_state == DUE_OVERDUE

    @property
    def near_due(self) -> bool:
        return self.due_state == DUE_NEAR


@dataclass(frozen=True)
class WorkFilters:
    """What the actor narrowed the Bandeja to. Empty values filter nothing."""

    queue: str = ""
    kind: str = ""
    priority: str = ""
    overdue_only: bool = False
    text: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "text", " ".join((self.text or "").split())[:100])


@dataclass
class QueueCount:
    """A chip: a queue (or a flow) and how many of its items are assigned to / available to
    the actor under the current filters (the queue filter excepted)."""

    key: str
    label: str
    assigned: int = 0
    available: int = 0

    @property
    def total(self) -> int:
        return self.assigned + self.available


@dataclass(frozen=True)
class SourceResult:
    assigned: list[WorkItem]
    available: list[WorkItem]
    counts: list[QueueCount]


@dataclass(frozen=True)
class ActionResult:
    """What a bulk action did to one item: ``ok`` and a Spanish ``message``; ``code`` is
    ``claimed``/``assigned`` on success, otherwise why not (``already_claimed``, ``not_found``…)."""

    kind: str
    id: str
    ok: bool
    code: str
    message: str


@dataclass(frozen=True)
class ItemRef:
    kind: str
    id: str

    @classmethod
    def parse(cls, value: str) -> ItemRef | None:
        """``"ticket:MA-2026-000001"`` → ItemRef; ``None`` when malformed."""
        kind, sep, item_id = (value or "").partition(":")
        if not sep or not kind or not item_id or len(value) > 120:
            return None
        return cls(kind=kind, id=item_id)


def _not_found(ref: ItemRef) -> ActionResult:
    return ActionResult(
        ref.kind, ref.id, False, "not_found", _("No existe o no está en sus colas.")
    )


def _not_supported(ref: ItemRef, message: str) -> ActionResult:
    return ActionResult(ref.kind, ref.id, False, "not_supported", message)


# --- Sources -----------------------------------------------------------------------------------


class WorkItemSource:
    """Base class of a source of work items.

    Subclasses set ``key`` (stable, ASCII: it travels in URLs and API payloads) and ``label``
    (Spanish, what the kind is called), and implement ``collect``. ``claim`` and ``assign`` act
    on one item each, in their own transaction (through the owning services), and must answer
    ``not_found`` for anything outside the actor's reach.
    """

    key: str = ""
    label: Any = ""

    def collect(
        self, *, actor: User, filters: WorkFilters, limit: int, now: datetime
    ) -> SourceResult:
        raise NotImplementedError

    def claim(self, *, actor: User, ref: ItemRef, request: HttpRequest | None) -> ActionResult:
        return _not_supported(ref, _("Este tipo de elemento no se toma desde la bandeja."))

    def assign(
        self, *, actor: User, ref: ItemRef, assignee: User, request: HttpRequest | None
    ) -> ActionResult:
        return _not_supported(ref, _("Este tipo de elemento no se asigna desde la bandeja."))


_REGISTRY: dict[str, WorkItemSource] = {}


def register_source(source: WorkItemSource) -> WorkItemSource:
    """Add (or replace, by key) a source; call it from ``AppConfig.ready()``."""
    if not source.key or ":" in source.key:
        raise ValueError("a work-item source needs a key without ':'")
    _REGISTRY[source.key] = source
    return source


def unregister_source(key: str) -> None:
    _REGISTRY.pop(key, None)


def work_sources() -> list[WorkItemSource]:
    """The registered sources, in registration order (the help desk's own first)."""
    return list(_REGISTRY.values())


def get_source(key: str) -> WorkItemSource | None:
    return _REGISTRY.get(key)


# --- Tickets --------------------------------------------------------------------------------

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
            return _not_found(ref)
        try:
            ticket_claim(actor=actor, ticket=ticket, request=request)
        except Conflict as exc:
            return ActionResult(ref.kind, ref.id, False, exc.code or "conflict", str(exc.reason))
        except PermissionDenied:
            return _not_found(ref)
        return ActionResult(ref.kind, ref.id, True, "claimed", _("Tomado."))

    def assign(
        self, *, actor: User, ref: ItemRef, assignee: User, request: HttpRequest | None
    ) -> ActionResult:
        ticket = self._get(actor, ref)
        if ticket is None:
            return _not_found(ref)
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


# --- viewflow tasks -----------------------------------------------------------------------------


def _flow_key(flow_class: Any) -> str:
    instance = flow_class.instance
    return f"flujo-{instance.app_label}-{instance.flow_label}".replace("/", "-")


def _flow_label(flow_class: Any) -> str:
    return str(flow_class.process_title or flow_class.__name__)


def _node_label(node: Any) -> str:
    return str(node.task_title or str(node))


def _node_may_assign(node: Any, owner_permission: str | None, actor: User) -> bool:
    """Whether ``actor`` may take the unassigned tasks of ``node`` carrying ``owner_permission``.

    Decided once per node (not per task) so the list costs a fixed number of queries:

    - a node may define ``work_queue_q(user) -> Q | None``: its tasks the user may take (for
      rules that depend on the process, e.g. a school's director); ``None`` means none;
    - a node with an object-level permission lists its tasks to holders of the permission
      model-wide (SIGES has no per-object permission backend);
    - otherwise the node's own ``can_assign`` answers for an unassigned task of it (viewflow's
      rule: the task's ``owner_permission``, or the node's override, as in the test flow).
      A ``can_assign`` that needs the task's process cannot be asked so; such nodes are left
      out (they should define ``work_queue_q``).
    """
    from viewflow.workflow.models import Task

    if getattr(node, "_owner_permission_obj", None):
        return bool(owner_permission) and actor.has_perm(owner_permission)
    probe = Task(flow_task=node, owner_permission=owner_permission)
    try:
        return bool(node.can_assign(actor, probe))
    except ObjectDoesNotExist:
        return False


def _subclass_path(model: Any, base: Any) -> str:
    """The ``select_related`` path from ``base`` down to its multi-table subclass ``model``
    (``""`` for ``base`` itself or a proxy of it)."""
    concrete = model._meta.concrete_model
    parts: list[str] = []
    while concrete is not base:
        link = concrete._meta.get_ancestor_link(base)
        if link is None:
            return ""
        parts.insert(0, link.remote_field.get_accessor_name())
        concrete = link.related_model
    return "__".join(parts)


_SUMMARY_TEMPLATES: dict[str, Template] = {}


def _process_title(flow_class: Any, process: Any) -> str:
    """The process's summary (the flow's ``process_summary_template``) or "<flow> n.º <id>"."""
    source = str(flow_class.process_summary_template or "")
    if source:
        template = _SUMMARY_TEMPLATES.get(source)
        if template is None:
            template = _SUMMARY_TEMPLATES.setdefault(source, Template(source))
        # Plain text: the pages escape it when they show it.
        context = Context({"process": process, "flow_class": flow_class}, autoescape=False)
        text = template.render(context).strip()
        if text:
            return text
    return _("%(flow)s n.º %(number)s") % {"flow": _flow_label(flow_class), "number": process.pk}


def _coerced_process(task: Any, path: str) -> Any:
    process = task.process
    for part in filter(None, path.split("__")):
        process = getattr(process, part)
    process_class = task.flow_task.flow_class.process_class
    if not isinstance(process, process_class):  # a proxy process model
        process.__class__ = process_class
    return process


def task_url(task: Any) -> str:
    """viewflow's own page of the task when its flow is served by a viewset; else the help
    desk's generic task page (``helpdesk:workqueue_task``)."""
    if task.flow_task.flow_class.instance.parent is not None:
        try:
            return task.flow_task.reverse("index", args=[task.process_id, task.pk])
        except NoReverseMatch:
            pass
    return reverse("helpdesk:workqueue_task", kwargs={"pk": task.pk})


@dataclass
class _TaskScope:
    """What the actor may see of the open human tasks, decided per (node, permission)."""

    nodes: list[Any] = field(default_factory=list)
    eligible: list[tuple[Any, str | None, Q]] = field(default_factory=list)

    def available_q(self) -> Q | None:
        """Unassigned tasks the actor may take, as one condition; ``None`` when there are none."""
        combined: Q | None = None
        for node, permission, extra in self.eligible:
            permission_q = (
                Q(owner_permission__isnull=True)
                if permission is None
                else Q(owner_permission=permission)
            )
            condition = Q(flow_task=node) & permission_q & extra
            combined = condition if combined is None else combined | condition
        return combined


class FlowTaskSource(WorkItemSource):
    """Human tasks of every viewflow flow, state NEW or ASSIGNED.

    Assigned to me: ``task.owner`` is the actor. Available: unassigned tasks of nodes the actor
    may take (``_node_may_assign``). Four queries: the open (node, permission) pairs, assigned
    items, available items, and counts per flow. A flow's "queue" is the flow itself.
    """

    key = "task"
    label = gettext_lazy("Tarea")

    def _open_tasks(self) -> QuerySet[Any]:
        from viewflow.workflow.models import Task
        from viewflow.workflow.status import STATUS

        return Task.objects.filter(flow_task_type="HUMAN", status__in=[STATUS.NEW, STATUS.ASSIGNED])

    def _scope(self, actor: User) -> _TaskScope:
        from viewflow.workflow.status import STATUS

        pairs = (
            self._open_tasks()
            .filter(
                Q(owner=actor, status=STATUS.ASSIGNED) | Q(status=STATUS.NEW, owner__isnull=True)
            )
            .order_by()
            .values_list("flow_task", "owner_permission")
            .distinct()
        )
        scope = _TaskScope()
        decided: dict[tuple[Any, str | None], bool] = {}
        for node, permission in pairs:
            if node is None:
                continue
            if node not in scope.nodes:
                scope.nodes.append(node)
            if (node, permission) in decided:
                continue
            hook = getattr(node, "work_queue_q", None)
            if hook is not None:
                extra = hook(actor)
                allowed = extra is not None
            else:
                extra = Q()
                allowed = _node_may_assign(node, permission, actor)
            decided[(node, permission)] = allowed
            if allowed:
                scope.eligible.append((node, permission, extra))
        return scope

    def _matching_nodes(self, nodes: Sequence[Any], filters: WorkFilters) -> list[Any]:
        """Nodes passing the text filter by name (flow or task title); the queue filter is
        applied separately."""
        if not filters.text:
            return list(nodes)
        needle = filters.text.casefold()
        return [
            node
            for node in nodes
            if needle in _flow_label(node.flow_class).casefold()
            or needle in _node_label(node).casefold()
        ]

    def collect(
        self, *, actor: User, filters: WorkFilters, limit: int, now: datetime
    ) -> SourceResult:
        from viewflow.workflow.models import Process
        from viewflow.workflow.status import STATUS

        # Tasks carry no due time nor priority: those filters leave nothing here.
        if filters.kind not in ("", self.key) or filters.priority or filters.overdue_only:
            return SourceResult([], [], [])
        scope = self._scope(actor)
        if not scope.nodes:
            return SourceResult([], [], [])

        by_text = self._matching_nodes(scope.nodes, filters)
        text_q = Q(flow_task__in=by_text)
        if filters.text.isdigit():
            text_q |= Q(process_id=int(filters.text)) | Q(pk=int(filters.text))
        mine_q = Q(owner=actor, status=STATUS.ASSIGNED)
        available_q = scope.available_q()
        free_q = (
            None if available_q is None else Q(status=STATUS.NEW, owner__isnull=True) & available_q
        )
        visible_q = mine_q | free_q if free_q is not None else mine_q

        open_tasks = self._open_tasks().filter(visible_q, text_q)
        rows = (
            open_tasks.order_by()
            .values("flow_task")
            .annotate(
                n_assigned=Count("pk", filter=mine_q),
                n_available=Count("pk", filter=free_q) if free_q is not None else Value(0),
            )
        )
        counts: dict[str, QueueCount] = {}
        for row in rows:
            node = row["flow_task"]
            key = _flow_key(node.flow_class)
            chip = counts.setdefault(key, QueueCount(key, _flow_label(node.flow_class)))
            chip.assigned += row["n_assigned"]
            chip.available += row["n_available"]

        nodes = by_text
        if filters.queue:
            nodes = [node for node in scope.nodes if _flow_key(node.flow_class) == filters.queue]
        if not nodes:
            return SourceResult([], [], sorted(counts.values(), key=lambda c: c.label))

        flows = {node.flow_class for node in nodes}
        paths = {flow: _subclass_path(flow.process_class, Process) for flow in flows}
        related = ["process", *(f"process__{p}" for p in set(paths.values()) if p)]
        listed = (
            self._open_tasks()
            .filter(text_q, flow_task__in=nodes)
            .select_related(*related)
            .order_by("created", "pk")
        )
        assigned = [self._item(task, actor, now, paths) for task in listed.filter(mine_q)[:limit]]
        available = (
            [self._item(task, actor, now, paths) for task in listed.filter(free_q)[:limit]]
            if free_q is not None
            else []
        )
        return SourceResult(assigned, available, sorted(counts.values(), key=lambda c: c.label))

    def _item(self, task: Any, actor: User, now: datetime, paths: dict[Any, str]) -> WorkItem:
        flow_class = task.flow_task.flow_class
        process = _coerced_process(task, paths.get(flow_class, ""))
        mine = task.owner_id == actor.pk
        return WorkItem(
            kind=self.key,
            id=str(task.pk),
            title=_process_title(flow_class, process),
            subtitle=_node_label(task.flow_task),
            queue_key=_flow_key(flow_class),
            queue_label=_flow_label(flow_class),
            due_at=None,
            status_label=str(TASK_STATUS_LABELS.get(task.status, task.status)),
            url=task_url(task),
            assigned_to_me=mine,
            claimable=not mine and task.owner_id is None,
            source=str(self.label),
            assignable=task.owner_id is not None,
        )

    def _get(self, actor: User, ref: ItemRef) -> Any:
        if not ref.id.isdigit():
            return None
        return task_get_for(actor=actor, pk=int(ref.id), raise_404=False)

    def claim(self, *, actor: User, ref: ItemRef, request: HttpRequest | None) -> ActionResult:
        task = self._get(actor, ref)
        if task is None:
            return _not_found(ref)
        if task.owner_id == actor.pk:
            return ActionResult(
                ref.kind, ref.id, False, "already_yours", _("Usted ya tiene asignada esta tarea.")
            )
        try:
            task_action(
                actor=actor, task=task, action="assign", request=request, role=staff_role(actor)
            )
        except Conflict as exc:
            return self._conflict(ref, task, actor, exc)
        except PermissionDenied:
            return _not_found(ref)
        return ActionResult(ref.kind, ref.id, True, "claimed", _("Tomada."))

    def _conflict(self, ref: ItemRef, task: Any, actor: User, exc: Conflict) -> ActionResult:
        from viewflow.workflow.models import Task

        owner_id = Task.objects.filter(pk=task.pk).values_list("owner_id", flat=True).first()
        if owner_id is not None and owner_id != actor.pk:
            return ActionResult(
                ref.kind,
                ref.id,
                False,
                "already_claimed",
                _("Otra persona tomó esta tarea antes que usted."),
            )
        return ActionResult(ref.kind, ref.id, False, exc.code or "conflict", str(exc.reason))

    def assign(
        self, *, actor: User, ref: ItemRef, assignee: User, request: HttpRequest | None
    ) -> ActionResult:
        from viewflow.workflow.status import STATUS

        task = self._get(actor, ref)
        if task is None:
            return _not_found(ref)
        if task.status != STATUS.ASSIGNED:
            # core.workflow assigns a new task only to the person taking it.
            return _not_supported(
                ref, _("Una tarea sin asignar la toma quien la realizará desde su bandeja.")
            )
        can_work = getattr(task.flow_task, "can_work", None)
        eligible = (
            can_work(assignee, task)
            if can_work is not None
            else _node_may_assign(task.flow_task, task.owner_permission, assignee)
        )
        if not eligible:
            return ActionResult(
                ref.kind,
                ref.id,
                False,
                "invalid_assignee",
                _("Esa persona no puede realizar esta tarea."),
            )
        try:
            task_action(
                actor=actor,
                task=task,
                action="reassign",
                request=request,
                role=Role.SUPERVISOR.value,
                user=assignee,
            )
        except Conflict as exc:
            return ActionResult(ref.kind, ref.id, False, exc.code or "conflict", str(exc.reason))
        except PermissionDenied:
            return ActionResult(
                ref.kind,
                ref.id,
                False,
                "forbidden",
                _("Solo quien tiene la tarea o quien administra el flujo puede reasignarla."),
            )
        return ActionResult(
            ref.kind,
            ref.id,
            True,
            "assigned",
            _("Asignada a %(name)s.") % {"name": assignee.get_full_name()},
        )


def task_get_for(*, actor: User, pk: int, raise_404: bool = True) -> Any:
    """An open human task ``actor`` owns or may take (the generic task page); 404 otherwise.

    A task taken by someone else stays visible to those who could have taken it, so a late
    claim answers "someone else took it" rather than "not found".
    """
    from viewflow.workflow.models import Task
    from viewflow.workflow.status import STATUS

    task = (
        Task.objects.select_related("process", "owner__person")
        .filter(pk=pk, flow_task_type="HUMAN")
        .first()
    )
    visible = task is not None and (
        task.owner_id == actor.pk
        or (task.status in (STATUS.NEW, STATUS.ASSIGNED) and _task_eligible(task, actor))
    )
    if not visible:
        if raise_404:
            raise Http404
        return None
    return task


def _task_eligible(task: Any, actor: User) -> bool:
    node = task.flow_task
    if node is None:
        return False
    hook = getattr(node, "work_queue_q", None)
    if hook is not None:
        condition = hook(actor)
        return condition is not None and type(task).objects.filter(condition, pk=task.pk).exists()
    return _node_may_assign(node, task.owner_permission, actor)


def task_process_title(task: Any) -> str:
    """The summary of a task's process, for the generic task page."""
    from viewflow.workflow.models import Process

    flow_class = task.flow_task.flow_class
    path = _subclass_path(flow_class.process_class, Process)
    return _process_title(flow_class, _coerced_process(task, path))


def task_flow_label(task: Any) -> str:
    return _flow_label(task.flow_task.flow_class)


def task_node_label(task: Any) -> str:
    return _node_label(task.flow_task)


# --- Models exposing the work-item interface ---------------------------------------------------


class ModelWorkItemSource(WorkItemSource):
    """Records of a higher layer that expose ``work_item_title``, ``work_item_due_at`` and
    ``work_item_url``, listed through their own scoped selector ``selector(actor=...)``.

    They belong to one queue (``queue_key``: use a help-desk queue's code to share its chip)
    and have no owner: every record is "available" and is worked on its own page (no claim).
    Two queries: the items and their count.
    """

    def __init__(
        self,
        *,
        key: str,
        label: Any,
        selector: Callable[..., QuerySet[Any]],
        queue_key: str,
        queue_label: Any,
        due_field: str,
        search_fields: Sequence[str] = (),
        claim_message: Any = None,
    ) -> None:
        self.key = key
        self.label = label
        self.selector = selector
        self.queue_key = queue_key
        self.queue_label = queue_label
        self.due_field = due_field
        self.search_fields = tuple(search_fields)
        self.claim_message = claim_message

    def _queryset(self, actor: User, filters: WorkFilters, now: datetime) -> QuerySet[Any]:
        records = self.selector(actor=actor)
        if filters.text:
            condition = Q()
            for name in self.search_fields:
                condition |= Q(**{f"{name}__icontains": filters.text})
            if filters.text.isdigit():
                condition |= Q(pk=int(filters.text))
            records = records.filter(condition) if condition else records.none()
        if filters.overdue_only:
            records = records.filter(**{f"{self.due_field}__lt": now})
        return records

    def collect(
        self, *, actor: User, filters: WorkFilters, limit: int, now: datetime
    ) -> SourceResult:
        if filters.kind not in ("", self.key) or filters.priority:
            return SourceResult([], [], [])
        records = self._queryset(actor, filters, now)
        total = records.count()
        counts = [QueueCount(self.queue_key, str(self.queue_label), 0, total)] if total else []
        if not total or filters.queue not in ("", self.queue_key):
            return SourceResult([], [], counts)
        ordered = records.order_by(F(self.due_field).asc(nulls_last=True), "pk")[:limit]
        return SourceResult([], [self._item(record, now) for record in ordered], counts)

    def _item(self, record: Any, now: datetime) -> WorkItem:
        due_at = record.work_item_due_at
        status = getattr(record, "get_status_display", None)
        return WorkItem(
            kind=self.key,
            id=str(record.pk),
            title=str(record.work_item_title),
            subtitle=str(
                getattr(record, "work_item_subtitle", "")
                or _("%(kind)s n.º %(number)s") % {"kind": self.label, "number": record.pk}
            ),
            queue_key=self.queue_key,
            queue_label=str(self.queue_label),
            due_at=due_at,
            status_label=str(status()) if status else "",
            url=str(record.work_item_url),
            assigned_to_me=False,
            claimable=False,
            source=str(self.label),
            due_state=due_state(due_at, now),
        )

    def claim(self, *, actor: User, ref: ItemRef, request: HttpRequest | None) -> ActionResult:
        message = self.claim_message or _("Se resuelve desde su propia página; no se toma.")
        return _not_supported(ref, str(message))

    def assign(
        self, *, actor: User, ref: ItemRef, assignee: User, request: HttpRequest | None
    ) -> ActionResult:
        message = self.claim_message or _("Se resuelve desde su propia página; no se asigna.")
        return _not_supported(ref, str(message))


# --- The merged Bandeja ------------------------------------------------------------------------


@dataclass(frozen=True)
class Section:
    items: list[WorkItem]
    total: int
    limit: int

    @property
    def has_more(self) -> bool:
        return self.total > len(self.items)


@dataclass(frozen=True)
class WorkQueue:
    assigned: Section
    available: Section
    queues: list[QueueCount]
    kinds: list[tuple[str, str]]
    now: datetime


def _due_key(item: WorkItem) -> tuple[bool, datetime]:
    return (item.due_at is None, item.due_at or datetime.max.replace(tzinfo=UTC))


def clamp_limit(value: Any, default: int = DEFAULT_LIMIT) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return default
    return max(1, min(number, MAX_LIMIT))


def work_kinds() -> list[tuple[str, str]]:
    return [(source.key, str(source.label)) for source in work_sources()]


def work_queue(
    *,
    actor: User,
    filters: WorkFilters | None = None,
    limit: int | None = None,
    assigned_limit: int | None = None,
    available_limit: int | None = None,
    now: datetime | None = None,
) -> WorkQueue:
    """The actor's Bandeja: items assigned to them and available to them from every source,
    soonest due first (items without a due time last), each section cut to its limit, with
    counts per queue. Raises ``PermissionDenied`` for anyone without a staff role."""
    if not can_use_workqueue(actor):
        raise PermissionDenied
    filters = filters or WorkFilters()
    now = now or timezone.now()
    limit = limit or page_size()
    mine_limit = clamp_limit(assigned_limit or limit)
    free_limit = clamp_limit(available_limit or limit)
    fetch = max(mine_limit, free_limit)
    assigned: list[WorkItem] = []
    available: list[WorkItem] = []
    chips: dict[str, QueueCount] = {}
    for source in work_sources():
        result = source.collect(actor=actor, filters=filters, limit=fetch, now=now)
        assigned.extend(result.assigned)
        available.extend(result.available)
        for count in result.counts:
            chip = chips.setdefault(count.key, QueueCount(count.key, count.label))
            chip.assigned += count.assigned
            chip.available += count.available
    assigned.sort(key=_due_key)
    available.sort(key=_due_key)
    counted = [chip for chip in chips.values() if not filters.queue or chip.key == filters.queue]
    return WorkQueue(
        assigned=Section(assigned[:mine_limit], sum(chip.assigned for chip in counted), mine_limit),
        available=Section(
            available[:free_limit], sum(chip.available for chip in counted), free_limit
        ),
        queues=sorted(chips.values(), key=lambda chip: str(chip.label).casefold()),
        kinds=work_kinds(),
        now=now,
    )


# --- Bulk actions --------------------------------------------------------------------------------


def _dedupe(refs: Iterable[ItemRef]) -> list[ItemRef]:
    seen: set[ItemRef] = set()
    unique = []
    for ref in refs:
        if ref not in seen:
            seen.add(ref)
            unique.append(ref)
    return unique


def _unknown_kind(ref: ItemRef) -> ActionResult:
    return ActionResult(ref.kind, ref.id, False, "unknown_kind", _("Tipo de elemento desconocido."))


def work_queue_claim(
    *, actor: User, items: Iterable[ItemRef], request: HttpRequest | None = None
) -> list[ActionResult]:
    """Claim each item for ``actor``, one by one (each in its own transaction through its
    service): one item taken by someone else does not stop the others."""
    if not can_use_workqueue(actor):
        raise PermissionDenied
    results = []
    for ref in _dedupe(items):
        source = get_source(ref.kind)
        if source is None:
            results.append(_unknown_kind(ref))
            continue
        results.append(source.claim(actor=actor, ref=ref, request=request))
    return results


def work_queue_assign(
    *,
    actor: User,
    items: Iterable[ItemRef],
    assignee: User,
    request: HttpRequest | None = None,
) -> list[ActionResult]:
    """A supervisor assigns each item to ``assignee``, one by one."""
    if not (can_use_workqueue(actor) and is_supervisor(actor)):
        raise PermissionDenied
    results = []
    for ref in _dedupe(items):
        source = get_source(ref.kind)
        if source is None:
            results.append(_unknown_kind(ref))
            continue
        results.append(source.assign(actor=actor, ref=ref, assignee=assignee, request=request))
    return results


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


register_source(TicketSource())
register_source(FlowTaskSource())


__all__ = [
    "DEFAULT_LIMIT",
    "MAX_LIMIT",
    "WORKQUEUE_ROLES",
    "ActionResult",
    "FlowTaskSource",
    "ItemRef",
    "ModelWorkItemSource",
    "QueueCount",
    "Section",
    "SourceResult",
    "TicketSource",
    "WorkFilters",
    "WorkItem",
    "WorkItemSource",
    "WorkQueue",
    "assignable_technicians",
    "can_use_workqueue",
    "clamp_limit",
    "due_state",
    "get_source",
    "is_supervisor",
    "near_due_window",
    "page_size",
    "register_source",
    "staff_role",
    "task_get_for",
    "task_url",
    "unregister_source",
    "work_kinds",
    "work_queue",
    "work_queue_assign",
    "work_queue_claim",
    "work_sources",
]
