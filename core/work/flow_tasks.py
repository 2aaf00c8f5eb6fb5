"""Every human task of every viewflow flow as a work-item source (``FlowTaskSource``).

Generic: a flow shows up in the Bandeja without anyone registering it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet, Value
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.accounts.choices import WORK_ROLES, Role
from core.exceptions import Conflict
from core.parsers import plain_int
from core.workflow import TASK_STATUS_LABELS, task_action

from .access import acting_role
from .flow_nodes import (
    _coerced_process,
    _flow_key,
    _flow_label,
    _node_label,
    _node_may_assign,
    _process_title,
    _subclass_path,
)
from .items import (
    ActionResult,
    ItemRef,
    QueueCount,
    SourceResult,
    WorkFilters,
    WorkItem,
    not_found,
    not_supported,
)
from .registry import WorkItemSource
from .tasks_page import task_due_at, task_get_for, task_url

if TYPE_CHECKING:
    from core.accounts.models import User


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
    position = 20

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

        # Tasks carry no priority: that filter leaves nothing here. Their due time is the
        # node's (``RoleTask(due=...)``, kept in ``core.processes.models.TaskDue``).
        if filters.kind not in ("", self.key) or filters.priority:
            return SourceResult([], [], [])
        scope = self._scope(actor)
        if not scope.nodes:
            return SourceResult([], [], [])

        by_text = self._matching_nodes(scope.nodes, filters)
        text_q = Q(flow_task__in=by_text)
        number = plain_int(filters.text)
        if number is not None:
            text_q |= Q(process_id=number) | Q(pk=number)
        if filters.overdue_only:
            text_q &= Q(due__due_at__lt=now)
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

        # A number is matched by ``text_q`` on any node (a task's or its process's id): every
        # node of the scope is listed then, as the counts above were.
        nodes = by_text if number is None else list(scope.nodes)
        if filters.queue:
            nodes = [node for node in scope.nodes if _flow_key(node.flow_class) == filters.queue]
        if not nodes:
            return SourceResult([], [], sorted(counts.values(), key=lambda c: c.label))

        flows = {node.flow_class for node in nodes}
        paths = {flow: _subclass_path(flow.process_class, Process) for flow in flows}
        related = ["process", "due", *(f"process__{p}" for p in set(paths.values()) if p)]
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
            due_at=task_due_at(task),
            status_label=str(TASK_STATUS_LABELS.get(task.status, task.status)),
            url=task_url(task),
            assigned_to_me=mine,
            claimable=not mine and task.owner_id is None,
            source=str(self.label),
            assignable=task.owner_id is not None,
        )

    def acting_role(self, actor: User, item: Any = None) -> str:
        return task_acting_role(actor=actor, task=item) if item is not None else ""

    def _get(self, actor: User, ref: ItemRef) -> Any:
        pk = plain_int(ref.id)
        if pk is None:
            return None
        return task_get_for(actor=actor, pk=pk, raise_404=False)

    def claim(self, *, actor: User, ref: ItemRef, request: HttpRequest | None) -> ActionResult:
        task = self._get(actor, ref)
        if task is None:
            return not_found(ref)
        if task.owner_id == actor.pk:
            return ActionResult(
                ref.kind, ref.id, False, "already_yours", _("Usted ya tiene asignada esta tarea.")
            )
        try:
            task_action(
                actor=actor,
                task=task,
                action="assign",
                request=request,
                role=self.acting_role(actor, task),
            )
        except Conflict as exc:
            return self._conflict(ref, task, actor, exc)
        except PermissionDenied:
            return not_found(ref)
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
            return not_found(ref)
        if task.status != STATUS.ASSIGNED:
            # core.workflow assigns a new task only to the person taking it.
            return not_supported(
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


def task_acting_role(*, actor: User, task: Any) -> str:
    """The role under which ``actor`` works ``task``, for its audit events: of the roles the
    node says may work it (``work_roles``, or ``roles``), the most senior the actor holds; else
    their most senior role that can have work."""
    node = task.flow_task
    node_roles = set(getattr(node, "work_roles", None) or getattr(node, "roles", None) or ())
    ordered = [role for role in WORK_ROLES if role in node_roles]
    return acting_role(actor, [*ordered, *sorted(node_roles - set(ordered))])
