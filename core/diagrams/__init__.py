"""Workflow diagrams: every django-fsm lifecycle an app registers and every viewflow ``Flow``,
drawn in the browser from DOT text (no Graphviz program on the server), with the path one record
or process took.

Where things are:

- ``registry.py``: ``register_diagram`` (a lifecycle) and ``register_flow_diagram`` (a viewflow
  flow), called from an app's ``AppConfig.ready()``; the list;
- ``graphs.py``: the graph of a lifecycle (``fsm_graph``) or a flow (``flow_graph``);
- ``dot.py``: a graph as DOT text, with the path taken highlighted;
- ``figures.py``: what a page shows (``Diagram``: DOT + table), incl. ``flow_diagram`` and
  ``process_diagram`` for viewflow processes;
- ``history.py``: one record's audit events and path;
- ``access.py``: who may open the pages, and ``diagram_csp`` for pages that draw;
- ``views.py``/``urls.py`` (``/diagramas/``) and ``api.py`` (``/api/v1/diagrams/``).

To show a diagram on any page: build a ``Diagram`` (``flow_diagram``, ``process_diagram``,
``lifecycle_diagram``), ``{% include "diagrams/_figure.html" with diagram=diagram %}``, and
decorate the view with ``@diagram_csp``.
"""

from .access import DIAGRAM_ROLES, can_view_diagrams, diagram_csp
from .figures import (
    Diagram,
    definition_diagram,
    flow_diagram,
    lifecycle_diagram,
    process_diagram,
)
from .graphs import Edge, Graph, flow_graph, fsm_graph, path_from_events
from .history import InstanceHistory, instance_diagram, instance_history
from .registry import (
    DiagramDefinition,
    FlowDefinition,
    diagram_for_app,
    diagram_for_object_type,
    diagram_get,
    diagram_list,
    register_diagram,
    register_flow_diagram,
)

__all__ = [
    "DIAGRAM_ROLES",
    "Diagram",
    "DiagramDefinition",
    "Edge",
    "FlowDefinition",
    "Graph",
    "InstanceHistory",
    "can_view_diagrams",
    "definition_diagram",
    "diagram_csp",
    "diagram_for_app",
    "diagram_for_object_type",
    "diagram_get",
    "diagram_list",
    "flow_diagram",
    "flow_graph",
    "fsm_graph",
    "instance_diagram",
    "instance_history",
    "lifecycle_diagram",
    "path_from_events",
    "process_diagram",
    "register_diagram",
    "register_flow_diagram",
]
