"""The work layer: one Bandeja per person of the work that waits for them, from every source.

Work comes from *sources* registered from ``AppConfig.ready()`` (``register_source``): core
ships ``FlowTaskSource`` (every human task of every viewflow flow) and ``ModelWorkItemSource``
(records exposing ``work_item_title`` / ``work_item_due_at`` / ``work_item_url``); the help
desk registers its tickets. ``work_queue`` merges the sources by due time and cuts each section
to a limit; ``work_queue_claim`` / ``work_queue_assign`` act on several items one by one and
say, per item, what happened.

Modules: ``items`` (data), ``registry`` (sources and assignees), ``access`` (who has a Bandeja),
``sources`` and ``flow_tasks`` (core's sources), ``tasks_page`` (reads of the generic task
page), ``bandeja`` (assembly), ``bulk`` (actions), ``views``/``api``/``urls`` (the page and API).
"""

from .access import acting_role, can_use_workqueue, is_supervisor
from .bandeja import Section, WorkQueue, work_queue
from .bulk import work_queue_assign, work_queue_claim
from .flow_tasks import FlowTaskSource, task_acting_role
from .items import (
    DEFAULT_LIMIT,
    MAX_LIMIT,
    ActionResult,
    ItemRef,
    QueueCount,
    SourceResult,
    WorkFilters,
    WorkItem,
    clamp_limit,
    due_state,
    near_due_window,
    not_found,
    not_supported,
    page_size,
)
from .registry import (
    WorkItemSource,
    assignable_people,
    get_source,
    register_assignees,
    register_source,
    unregister_source,
    wider_searches,
    work_kinds,
    work_priorities,
    work_sources,
)
from .sources import ModelWorkItemSource
from .tasks_page import (
    task_flow_label,
    task_get_for,
    task_node_label,
    task_process_title,
    task_url,
)

__all__ = [
    "DEFAULT_LIMIT",
    "MAX_LIMIT",
    "ActionResult",
    "FlowTaskSource",
    "ItemRef",
    "ModelWorkItemSource",
    "QueueCount",
    "Section",
    "SourceResult",
    "WorkFilters",
    "WorkItem",
    "WorkItemSource",
    "WorkQueue",
    "acting_role",
    "assignable_people",
    "can_use_workqueue",
    "clamp_limit",
    "due_state",
    "get_source",
    "is_supervisor",
    "near_due_window",
    "not_found",
    "not_supported",
    "page_size",
    "register_assignees",
    "register_source",
    "task_acting_role",
    "task_flow_label",
    "task_get_for",
    "task_node_label",
    "task_process_title",
    "task_url",
    "unregister_source",
    "wider_searches",
    "work_kinds",
    "work_priorities",
    "work_queue",
    "work_queue_assign",
    "work_queue_claim",
    "work_sources",
]
