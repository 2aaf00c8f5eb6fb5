"""How the work layer reads viewflow flows and nodes: keys, labels, who may take a node's
tasks, and a process's summary. Shared by the flow-task source and the generic task page."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import ObjectDoesNotExist
from django.template import Context, Template
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from core.accounts.models import User


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
