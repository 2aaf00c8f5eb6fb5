"""The graph behind a drawing: states and transitions of a django-fsm field, or nodes and edges
of a viewflow ``Flow``; plus the path a record took, read from its audit events."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.utils.translation import gettext as _
from django_fsm import ANY_OTHER_STATE, ANY_STATE, State

from core.audit.models import AuditEvent

# How a node is drawn (see ``dot.py``): a lifecycle state, or a BPMN-like flow node.
STATE, START, END, TASK, AUTOMATIC, GATEWAY, EVENT = (
    "state",
    "start",
    "end",
    "task",
    "automatic",
    "gateway",
    "event",
)


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    name: str
    label: str


@dataclass
class Graph:
    states: list[tuple[str, str]] = field(default_factory=list)  # (value, label) in order
    edges: list[Edge] = field(default_factory=list)
    kinds: dict[str, str] = field(default_factory=dict)  # value -> kind; STATE when missing

    @property
    def final_states(self) -> set[str]:
        sources = {edge.source for edge in self.edges}
        return {value for value, _label in self.states if value not in sources}

    def kind(self, value: str) -> str:
        return self.kinds.get(value, STATE)

    @property
    def labels(self) -> dict[str, str]:
        return dict(self.states)


# --- django-fsm lifecycles --------------------------------------------------------------------


def _targets(target: Any, source: str) -> list[str]:
    if target is None:  # a transition that keeps the state
        return [source]
    if isinstance(target, State):
        return [str(value) for value in getattr(target, "allowed_states", ()) or ()]
    return [str(target)]


def fsm_graph(model: type[models.Model], field_name: str) -> Graph:
    """States (from the field's choices) and edges (from its ``@transition`` methods)."""
    fsm_field = model._meta.get_field(field_name)
    states = [(str(value), str(label)) for value, label in fsm_field.flatchoices]
    values = [value for value, _label in states]
    edges: list[Edge] = []
    seen: set[tuple[str, str, str]] = set()
    for transition in fsm_field.get_all_transitions(model):
        if transition.source == ANY_STATE:
            sources = values
        elif transition.source == ANY_OTHER_STATE:
            sources = [v for v in values if v != str(transition.target)]
        else:
            sources = [str(transition.source)]
        label = str(transition.custom.get("label") or transition.name)
        for source in sources:
            for target in _targets(transition.target, source):
                key = (source, target, transition.name)
                if key not in seen:
                    seen.add(key)
                    edges.append(Edge(source, target, transition.name, label))
    known = set(values)
    for edge in edges:  # a state used by a transition but missing from the choices
        for value in (edge.source, edge.target):
            if value not in known:
                known.add(value)
                states.append((value, value))
    return Graph(states=states, edges=edges)


def path_from_events(events: Iterable[AuditEvent]) -> list[tuple[str, str]]:
    """The (from, to) state changes recorded in an object's audit events, in order."""
    return [
        (event.from_state, event.to_state)
        for event in events
        if event.from_state and event.to_state and event.from_state != event.to_state
    ]


# --- viewflow flows ---------------------------------------------------------------------------

_KIND_OF_BPMN = {
    "startEvent": START,
    "endEvent": END,
    "userTask": TASK,
    "manualTask": TASK,
    "exclusiveGateway": GATEWAY,
    "parallelGateway": GATEWAY,
    "inclusiveGateway": GATEWAY,
}


def _node_kind(node: Any) -> str:
    element = getattr(node, "bpmn_element", None) or ""
    if element in _KIND_OF_BPMN:
        return _KIND_OF_BPMN[element]
    if element.endswith("Event"):
        return EVENT
    return AUTOMATIC  # script, service, send, receive and business-rule tasks


def _node_label(node: Any, kind: str) -> str:
    title = str(node.task_title or "")
    # viewflow titles an untitled node after its name ("start" → "Start"); a flow may title its
    # start or end itself ("Solicitud del ciudadano"), otherwise they read as such in Spanish.
    untitled = title in ("", node.name.replace("_", " ").title())
    if kind == START and untitled:
        return _("Inicio")
    if kind == END and untitled:
        return _("Fin")
    return title or str(node.name)


def _edge_label(edge: Any) -> str:
    label = edge.label or ""
    # viewflow's If gateway captions its branches in English.
    return {"yes": _("sí"), "no": _("no")}.get(label, str(label))


def _reading_order(nodes: list[Any]) -> list[Any]:
    """The nodes as a reader follows them: from the start nodes along their edges (breadth
    first), then any node no edge reaches, with the end nodes last."""
    order = [node for node in nodes if _node_kind(node) == START]
    for node in order:  # grows while it is read
        for edge in node._outgoing():
            if edge.dst not in order:
                order.append(edge.dst)
    order += [node for node in nodes if node not in order]
    return sorted(order, key=lambda node: _node_kind(node) == END)


def flow_graph(flow_class: Any) -> Graph:
    """The nodes (by name, titled by their ``task_title``) and edges of a viewflow ``Flow``."""
    nodes = _reading_order(list(flow_class.instance.nodes()))
    graph = Graph()
    for node in nodes:
        kind = _node_kind(node)
        graph.states.append((node.name, _node_label(node, kind)))
        graph.kinds[node.name] = kind
    for node in nodes:
        for edge in node._outgoing():
            graph.edges.append(
                Edge(edge.src.name, edge.dst.name, edge.edge_class, _edge_label(edge))
            )
    return graph


def taken_from_path(graph: Graph, path: Iterable[str]) -> list[tuple[str, str]]:
    """The edges a run went along, from the node names it visited in order: an edge counts when
    its target was visited after its source."""
    visited: set[str] = set()
    taken: list[tuple[str, str]] = []
    edges = {(edge.source, edge.target) for edge in graph.edges}
    for name in path:
        for source in visited:
            if (source, name) in edges and (source, name) not in taken:
                taken.append((source, name))
        visited.add(name)
    return taken
