"""The generic task page's reads: the human task an actor may see, its URL, labels and due
time. The page itself is ``core.processes.views``
(``process:task``); the flow-task source of the Bandeja uses the same reads.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404
from django.urls import reverse

from .flow_nodes import (
    _coerced_process,
    _flow_label,
    _node_label,
    _node_may_assign,
    _process_title,
    _subclass_path,
)

if TYPE_CHECKING:
    from datetime import datetime

    from core.accounts.models import User


def task_url(task: Any) -> str:
    """The generic task page (``process:task``): viewflow's own pages are never mounted."""
    return reverse("process:task", kwargs={"pk": task.pk})


def task_due_at(task: Any) -> datetime | None:
    """When the task is due (``RoleTask(due=...)``), read through ``select_related("due")``."""
    try:
        return task.due.due_at
    except ObjectDoesNotExist:
        return None


def task_get_for(*, actor: User, pk: int, raise_404: bool = True) -> Any:
    """A human task ``actor`` owns or may take (the generic task page); 404 otherwise.

    A task taken by someone else stays visible to those who could have taken it, so a late
    claim answers "someone else took it" rather than "not found". A ``RoleTask`` is visible
    to everyone in its roles and scope, even when separation of duties bars them: the page
    then says why they may not work it. Outside the scope it does not exist (404).
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
    in_scope = getattr(node, "in_scope", None)
    if in_scope is not None:
        return in_scope(actor, task)
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
