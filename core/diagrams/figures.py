"""What a page shows for a diagram: the DOT the browser draws, plus the same graph as a table
(read by screen readers, and all there is without JavaScript).

Show one with ``{% include "diagrams/_figure.html" with diagram=diagram %}``; the view that renders
the page must allow WebAssembly in its CSP (``@diagram_csp``, see ``access.py``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.text import slugify
from django.utils.translation import gettext as _

from .dot import to_dot
from .graphs import Graph, flow_graph, fsm_graph, taken_from_path
from .registry import DiagramDefinition, FlowDefinition


@dataclass(frozen=True)
class DiagramRow:
    source: str
    action: str
    target: str
    taken: bool = False


@dataclass(frozen=True)
class Diagram:
    key: str  # unique on the page: names the element ids
    title: str
    dot: str
    rows: list[DiagramRow] = field(default_factory=list)
    caption: str = ""

    @property
    def source_id(self) -> str:
        return f"diagrama-{slugify(self.key)}-dot"


def _rows(graph: Graph, taken: Sequence[tuple[str, str]]) -> list[DiagramRow]:
    labels = graph.labels
    taken_set = set(taken)
    return [
        DiagramRow(
            source=labels.get(edge.source, edge.source),
            action=edge.label,
            target=labels.get(edge.target, edge.target),
            taken=(edge.source, edge.target) in taken_set,
        )
        for edge in graph.edges
    ]


def graph_diagram(
    graph: Graph,
    *,
    key: str,
    title: str,
    initial: str | None = None,
    taken: Sequence[tuple[str, str]] = (),
    current: str | Iterable[str] | None = None,
    caption: str = "",
) -> Diagram:
    return Diagram(
        key=key,
        title=title,
        dot=to_dot(graph, initial=initial, taken=taken, current=current),
        rows=_rows(graph, taken),
        caption=caption,
    )


def lifecycle_diagram(definition: DiagramDefinition) -> Diagram:
    """A registered lifecycle, every state and transition."""
    return graph_diagram(
        fsm_graph(definition.model, definition.field),
        key=definition.slug,
        title=str(definition.title),
        initial=definition.initial,
        caption=_("Los estados con doble borde son finales."),
    )


def flow_diagram(
    flow_class: Any,
    *,
    path: Sequence[str] = (),
    current: Iterable[str] = (),
    taken: Sequence[tuple[str, str]] | None = None,
    title: str | None = None,
) -> Diagram:
    """A viewflow ``Flow``'s nodes and edges, with the path one process took.

    ``path``: the node names the process went through, in order (its tasks' ``flow_task.name``,
    oldest first); ``current``: the names of the nodes it waits on now; ``taken``: the exact
    (source, target) node-name pairs followed, when known (tasks' ``previous``); without it they
    are worked out from ``path``. With no path and no current node this is the flow's definition.

        diagram = flow_diagram(CorrectionFlow, path=["start", "check"], current=["check"])
        {% include "diagrams/_figure.html" with diagram=diagram %}

    ``process_diagram(process)`` reads all three from a process's tasks.
    """
    graph = flow_graph(flow_class)
    if taken is None:
        taken = taken_from_path(graph, path)
    visited_caption = _("En azul, el camino recorrido y los pasos en curso.")
    return graph_diagram(
        graph,
        key=flow_class.__name__,
        title=title or str(flow_class.process_title or flow_class.__name__),
        taken=taken,
        current=list(current),
        caption=visited_caption if (path or current) else "",
    )


def definition_graph(definition: DiagramDefinition | FlowDefinition) -> Graph:
    """The graph of a registered lifecycle or flow."""
    if isinstance(definition, FlowDefinition):
        return flow_graph(definition.flow_class)
    return fsm_graph(definition.model, definition.field)


def definition_diagram(definition: DiagramDefinition | FlowDefinition) -> Diagram:
    """The drawing of a registered lifecycle or flow, every state or node."""
    if isinstance(definition, FlowDefinition):
        return flow_diagram(definition.flow_class, title=str(definition.title))
    return lifecycle_diagram(definition)


def process_diagram(process: Any, *, title: str | None = None) -> Diagram:
    """``flow_diagram`` for one viewflow process, from its tasks (two queries)."""
    from viewflow.workflow.status import STATUS

    tasks = list(process.task_set.order_by("created", "pk").prefetch_related("previous"))
    path = [task.flow_task.name for task in tasks]
    current = [
        task.flow_task.name
        for task in tasks
        if task.status not in (STATUS.DONE, STATUS.CANCELED, STATUS.REVIVED)
    ]
    taken = [
        (previous.flow_task.name, task.flow_task.name)
        for task in tasks
        for previous in task.previous.all()
    ]
    return flow_diagram(process.flow_class, path=path, current=current, taken=taken, title=title)
