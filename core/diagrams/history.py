"""One record of a registered lifecycle and its audit events: the path it took."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import models
from django.http import Http404
from django.utils.translation import gettext as _

from core.audit.models import AuditEvent

from .figures import Diagram, graph_diagram
from .graphs import fsm_graph, path_from_events
from .registry import DiagramDefinition


@dataclass
class InstanceHistory:
    definition: DiagramDefinition
    obj: models.Model
    current: str
    current_label: str
    events: list[AuditEvent]
    path: list[tuple[str, str]]


def instance_history(
    definition: DiagramDefinition, object_id: str, *, viewer: Any = None
) -> InstanceHistory:
    """One record of a registered model that ``viewer`` may see, and its audit events (404 if
    there is no such record or it is outside the viewer's scope)."""
    try:
        obj = definition.instances_for(viewer).get(pk=object_id)
    except (definition.model.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
    events = list(
        AuditEvent.objects.filter(
            object_type=definition.object_type, object_id=str(obj.pk)
        ).order_by("chain_key", "seq")
    )
    current = str(getattr(obj, definition.field))
    graph = fsm_graph(definition.model, definition.field)
    labels = graph.labels
    actions = {
        f"{definition.model._meta.model_name}.{edge.name}": edge.label for edge in graph.edges
    }
    for event in events:
        # The transition's own label ("verificar correo") next to the recorded action name.
        event.label = actions.get(event.action) or (
            _("creación") if event.to_state and not event.from_state else ""
        )
        event.from_label = labels.get(event.from_state, event.from_state)
        event.to_label = labels.get(event.to_state, event.to_state)
    return InstanceHistory(
        definition=definition,
        obj=obj,
        current=current,
        current_label=labels.get(current, current),
        events=events,
        path=path_from_events(events),
    )


def instance_diagram(history: InstanceHistory) -> Diagram:
    """The lifecycle with the record's path highlighted and its current state filled."""
    definition = history.definition
    return graph_diagram(
        fsm_graph(definition.model, definition.field),
        key=f"{definition.slug}-{history.obj.pk}",
        title=f"{definition.title} #{history.obj.pk}",
        initial=definition.initial,
        taken=history.path,
        current=history.current,
        caption=_("En azul, el camino recorrido y el estado actual."),
    )
