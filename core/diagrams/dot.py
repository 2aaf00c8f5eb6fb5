"""A graph as Graphviz DOT text. The browser lays it out and draws it (``static/js/diagrams.js``
with the vendored Graphviz WebAssembly build), so the server needs no Graphviz program."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from .graphs import AUTOMATIC, END, EVENT, GATEWAY, START, Graph

COLOUR_TEXT = "#1f2933"
COLOUR_LINE = "#52606d"
COLOUR_VISITED = "#d9eaf7"
COLOUR_CURRENT = "#0b5394"
COLOUR_TAKEN = "#0b5394"

_GRAPH = {"rankdir": "TB", "bgcolor": "white", "fontname": "Helvetica", "pad": "0.2"}
_NODE = {
    "shape": "box",
    "style": "rounded,filled",
    "fillcolor": "white",
    "color": COLOUR_LINE,
    "fontcolor": COLOUR_TEXT,
    "fontname": "Helvetica",
    "fontsize": "12",
}
_EDGE = {
    "color": COLOUR_LINE,
    "fontcolor": COLOUR_TEXT,
    "fontname": "Helvetica",
    "fontsize": "10",
}
_SHAPES = {
    START: {"shape": "circle", "width": "0.3", "fixedsize": "true", "fontsize": "9"},
    END: {"shape": "doublecircle", "width": "0.3", "fixedsize": "true", "fontsize": "9"},
    GATEWAY: {"shape": "diamond", "style": "filled", "fontsize": "10"},
    EVENT: {"shape": "circle", "style": "filled"},
    AUTOMATIC: {"style": "rounded,filled,dashed"},
}


def quote(text: str) -> str:
    """A DOT double-quoted string (any label, any language)."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + escaped.replace("\r", "").replace("\n", "\\n") + '"'


def _attributes(attrs: dict[str, str]) -> str:
    return ", ".join(f"{name}={quote(value)}" for name, value in attrs.items())


def to_dot(
    graph: Graph,
    *,
    initial: str | None = None,
    taken: Sequence[tuple[str, str]] = (),
    current: str | Iterable[str] | None = None,
) -> str:
    """DOT for ``graph``: ``taken`` edges and the states on them are highlighted, the ``current``
    state (or states: a process may wait on several tasks) is filled, final states get a double
    border. Top to bottom, so it reads on a 360 px phone as on a desktop."""
    currents = {current} if isinstance(current, str) else set(current or ())
    taken_set = set(taken)
    visited = {state for pair in taken for state in pair} | currents
    ids = {value: f"n{index}" for index, (value, _label) in enumerate(graph.states)}
    finals = graph.final_states
    lines = [
        "digraph lifecycle {",
        f"  graph [{_attributes(_GRAPH)}];",
        f"  node [{_attributes(_NODE)}];",
        f"  edge [{_attributes(_EDGE)}];",
    ]
    if initial and initial in ids:
        start = {"shape": "circle", "width": "0.2", "style": "filled", "fillcolor": "black"}
        lines.append(f'  start [label="", {_attributes(start)}];')
        lines.append(f"  start -> {ids[initial]};")
    for value, label in graph.states:
        kind = graph.kind(value)
        attrs = {"label": label, "tooltip": label, **_SHAPES.get(kind, {})}
        classes = ["estado"]
        if kind in (START, END):
            attrs["xlabel"], attrs["label"] = label, ""
        if value in finals and kind not in (START, END):
            attrs["peripheries"] = "2"
        if value in currents:
            attrs.update(fillcolor=COLOUR_CURRENT, fontcolor="white", penwidth="2")
            classes.append("actual")
        elif value in visited:
            attrs.update(fillcolor=COLOUR_VISITED, penwidth="2")
            classes.append("recorrido")
        attrs["class"] = " ".join(classes)
        lines.append(f"  {ids[value]} [{_attributes(attrs)}];")
    for edge in graph.edges:
        attrs = {"label": edge.label} if edge.label else {}
        if (edge.source, edge.target) in taken_set:
            attrs.update(color=COLOUR_TAKEN, fontcolor=COLOUR_TAKEN, penwidth="2.5")
            attrs["class"] = "recorrido"
        lines.append(f"  {ids[edge.source]} -> {ids[edge.target]} [{_attributes(attrs)}];")
    lines.append("}")
    return "\n".join(lines) + "\n"
