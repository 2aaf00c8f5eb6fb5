"""Reads of processes: the process page (who may open it, its tasks, path and audit events) and
the auditors' list of processes.

Who may open a process page (everyone else gets 404, so ids cannot be probed):

- auditors (any process);
- anyone who owns or owned one of its tasks;
- anyone a task of it is (or was) offered to: in the roles and scope of its node;
- whoever the flow says (``def is_participant(self, process, user) -> bool`` on the flow);
- whoever a rule registered by a higher app says (``register_participant_rule``: the help desk
  lets the requester of the ticket that follows a process open it).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from core.accounts.choices import Role
from core.accounts.scopes import has_role
from core.audit.models import AuditEvent
from core.work.flow_nodes import _coerced_process, _process_title, _subclass_path
from core.work.tasks_page import _task_eligible
from core.workflow import TASK_ACTION_LABELS, TASK_STATUS_LABELS, process_chain_key

from .nodes import flow_label, node_label

# Who may list every process and open any process page.
PROCESS_AUDITOR_ROLES = (Role.AUDITOR,)

PROCESS_STATUS_LABELS: dict[str, Any] = {
    "NEW": _("En curso"),
    "DONE": _("Terminado"),
    "CANCELED": _("Cancelado"),
}

EVENT_LABELS: dict[str, Any] = {
    "process.start": _("Inicio del trámite"),
    "task.remind": _("Recordatorio de vencimiento"),
    "task.escalate": _("Escalada por vencimiento"),
    **{f"task.{name}": label for name, label in TASK_ACTION_LABELS.items()},
}


ParticipantRule = Callable[[Any, Any], bool]
_PARTICIPANT_RULES: list[ParticipantRule] = []


def register_participant_rule(rule: ParticipantRule) -> ParticipantRule:
    """Let ``rule(process, user) -> bool`` admit more people to process pages (call it from
    ``AppConfig.ready()``; core never imports the apps above it)."""
    if rule not in _PARTICIPANT_RULES:
        _PARTICIPANT_RULES.append(rule)
    return rule


def is_process_auditor(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and has_role(user, PROCESS_AUDITOR_ROLES)


def _process_model() -> Any:
    from viewflow.workflow.models import Process

    return Process


def _task_model() -> Any:
    from viewflow.workflow.models import Task

    return Task


def _is_participant(user: Any, process: Any, tasks: list[Any]) -> bool:
    if any(task.owner_id == user.pk for task in tasks):
        return True
    asked: set[Any] = set()
    for task in tasks:
        node = task.flow_task
        if task.flow_task_type != "HUMAN" or node is None or node in asked:
            continue
        asked.add(node)
        if _task_eligible(task, user):
            return True
    hook = getattr(process.flow_class.instance, "is_participant", None)
    if hook is not None and hook(process, user):
        return True
    return any(rule(process, user) for rule in _PARTICIPANT_RULES)


@dataclass
class ProcessPage:
    process: Any
    title: str
    flow_label: str
    status_label: str
    tasks: list[Any] = field(default_factory=list)
    events: list[AuditEvent] = field(default_factory=list)
    taken: list[tuple[str, str]] = field(default_factory=list)
    current: list[str] = field(default_factory=list)


def process_page_get_for(*, actor: Any, pk: int) -> ProcessPage:
    """A process page ``actor`` may open; 404 otherwise. A fixed number of queries whatever
    the number of tasks and events (tasks with owners and due times, the path, the events)."""
    process_model = _process_model()
    task_model = _task_model()
    process = process_model.objects.filter(pk=pk).first()
    if process is None or process.flow_class is None:
        raise Http404
    tasks = list(
        task_model.objects.filter(process_id=process.pk)
        .select_related("owner__person", "due")
        .order_by("created", "pk")
    )
    for task in tasks:
        task.process = process  # one process row for every task: no query per task
    if not (is_process_auditor(actor) or _is_participant(actor, process, tasks)):
        raise Http404
    flow_class = process.flow_class
    below = _subclass_path(flow_class.process_class, process_model)
    if below and tasks:
        process = _coerced_process(tasks[0], below)
    names = {task.pk: task.flow_task.name for task in tasks if task.flow_task is not None}
    through = task_model.previous.through
    taken = [
        (names[before], names[after])
        for after, before in through.objects.filter(from_task__process_id=pk)
        .order_by("pk")
        .values_list("from_task_id", "to_task_id")
        if before in names and after in names
    ]
    for task in tasks:
        task.node_label = node_label(task.flow_task) if task.flow_task is not None else ""
        task.status_label = str(TASK_STATUS_LABELS.get(task.status, task.status))
    events = list(AuditEvent.objects.filter(chain_key=process_chain_key(pk)).order_by("seq"))
    node_names = {n.name: node_label(n) for n in flow_class.instance.nodes()}
    for event in events:
        event.label = str(EVENT_LABELS.get(event.action, event.action))
        event.node_label = node_names.get(event.payload.get("node", ""), "")
    return ProcessPage(
        process=process,
        title=_process_title(flow_class, process),
        flow_label=flow_label(flow_class),
        status_label=str(PROCESS_STATUS_LABELS.get(process.status, process.status)),
        tasks=tasks,
        events=events,
        taken=taken,
        current=[t.flow_task.name for t in tasks if t.status in ("NEW", "ASSIGNED", "STARTED")],
    )


@dataclass(frozen=True)
class ProcessFilters:
    flow: str = ""
    status: str = ""
    since: date | None = None
    until: date | None = None


def process_flow_choices() -> list[tuple[str, str]]:
    """The flows that have processes, as (reference, label) for a filter."""
    from viewflow.workflow.fields import get_flow_ref

    flows = _process_model().objects.order_by().values_list("flow_class", flat=True).distinct()
    choices = {get_flow_ref(f): flow_label(f) for f in flows if f is not None}
    return sorted(choices.items(), key=lambda item: item[1])


def process_list_for(*, actor: Any, filters: ProcessFilters) -> QuerySet[Any]:
    """Every process, newest first, filtered (auditors only: others get an empty list)."""
    process_model = _process_model()
    if not is_process_auditor(actor):
        return process_model.objects.none()
    rows = process_model.objects.order_by("-created", "-pk")
    if filters.flow:
        from viewflow.workflow.fields import import_flow_by_ref

        try:
            rows = rows.filter(flow_class=import_flow_by_ref(filters.flow))
        except (ImportError, AttributeError, ValueError):
            return process_model.objects.none()
    if filters.status:
        rows = rows.filter(status=filters.status)
    if filters.since:
        rows = rows.filter(created__date__gte=filters.since)
    if filters.until:
        rows = rows.filter(created__date__lte=filters.until)
    return rows


def process_row_label(process: Any) -> dict[str, str]:
    """Labels of one row of the list (no query)."""
    flow_class = process.flow_class
    return {
        "flow": flow_label(flow_class) if flow_class is not None else "",
        "status": str(PROCESS_STATUS_LABELS.get(process.status, process.status)),
    }


__all__ = [
    "EVENT_LABELS",
    "PROCESS_AUDITOR_ROLES",
    "PROCESS_STATUS_LABELS",
    "ProcessFilters",
    "ProcessPage",
    "is_process_auditor",
    "process_flow_choices",
    "process_list_for",
    "process_page_get_for",
    "process_row_label",
    "register_participant_rule",
]
