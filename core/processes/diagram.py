"""The drawing of a flow, with the path one process took (the process page).

The graph comes from the flow's nodes and their outgoing edges; the path from viewflow's record
of which task led to which (``Task.previous``). Drawn by ``core.diagrams.render_svg``; when it
cannot draw, the page says so and still lists the tasks and events.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.utils.safestring import mark_safe

from core.diagrams import DiagramUnavailable, Edge, Graph, render_svg

from .nodes import node_label


def _walk(flow_class: Any) -> list[Any]:
    """The nodes in the order a reader follows them: from the start nodes, breadth first."""
    from viewflow.workflow.nodes import StartHandle
    from viewflow.workflow.nodes.start import Start

    nodes = list(flow_class.instance.nodes())
    order = [node for node in nodes if isinstance(node, Start | StartHandle)]
    for node in order:  # grows while it is read
        for edge in node._outgoing():
            target = edge.dst
            if target not in order:
                order.append(target)
    return order + [node for node in nodes if node not in order]


def flow_graph(flow_class: Any) -> Graph:
    """Every node of ``flow_class`` as a state and every outgoing edge as an edge."""
    graph = Graph()
    for node in _walk(flow_class):
        graph.states.append((node.name, node_label(node)))
        for edge in node._outgoing():
            label = str(edge.label or "")
            source = getattr(edge.src, "name", edge.src)
            target = getattr(edge.dst, "name", edge.dst)
            graph.edges.append(Edge(source, target, edge.edge_class, label))
    return graph


def process_svg(
    flow_class: Any, *, title: str, taken: Sequence[tuple[str, str]], current: Sequence[str]
) -> tuple[str, bool]:
    """``(svg, drawn)``: the drawing with the ``taken`` edges highlighted and the first open
    node filled; ``("", False)`` when it cannot be drawn."""
    try:
        svg = render_svg(
            flow_graph(flow_class),
            title=title,
            taken=taken,
            current=current[0] if current else None,
        )
    except DiagramUnavailable:
        return "", False
    # Built from our own graph; every label in it is escaped by the renderer.
    return mark_safe(svg), True  # noqa: S308
