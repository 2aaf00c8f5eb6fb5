"""The workflows apps make drawable, from their ``AppConfig.ready()`` (core never imports the apps
above it: docs/architecture.md, layers): a record's lifecycle with ``register_diagram``, a viewflow
process with ``register_flow_diagram``. Both are listed on ``/diagramas/``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.http import Http404
from django_fsm import FSMFieldMixin

# Given the viewer, the records of the model whose history they may see (``None``: all of them).
InstanceScope = Callable[[Any], "models.QuerySet[Any]"]


@dataclass(frozen=True)
class DiagramDefinition:
    slug: str
    model: type[models.Model]
    field: str
    title: Any
    initial: str | None = None
    instance_scope: InstanceScope | None = None

    @property
    def object_type(self) -> str:
        """The ``AuditEvent.object_type`` of this model's records."""
        return self.model._meta.label_lower

    @property
    def app_label(self) -> str:
        return self.model._meta.app_label

    def instances_for(self, viewer: Any) -> models.QuerySet[Any]:
        """The records whose drawn history ``viewer`` may open (the scope hook, or all)."""
        if self.instance_scope is None:
            return self.model._base_manager.all()
        return self.instance_scope(viewer)


@dataclass(frozen=True)
class FlowDefinition:
    """A viewflow ``Flow`` drawn on ``/diagramas/<slug>/`` (one process's path is drawn by the
    pages that show processes, with ``process_diagram``)."""

    slug: str
    flow_class: Any
    title: Any

    @property
    def app_label(self) -> str:
        return self.flow_class.instance.app_label


_REGISTRY: dict[str, DiagramDefinition | FlowDefinition] = {}


def register_diagram(
    *,
    slug: str,
    model: type[models.Model],
    field: str,
    title: Any,
    initial: str | None = None,
    instance_scope: InstanceScope | None = None,
) -> DiagramDefinition:
    """Make ``model.<field>``'s lifecycle drawable under ``/diagramas/<slug>/`` (idempotent).

    ``instance_scope(viewer)`` narrows the records whose history a viewer may open
    (``/diagramas/<slug>/<pk>/``); records outside it answer 404, like any scoped object.
    """
    fsm_field = model._meta.get_field(field)
    if not isinstance(fsm_field, FSMFieldMixin):
        raise TypeError(f"{model.__name__}.{field} is not a django-fsm field")
    definition = DiagramDefinition(
        slug=slug,
        model=model,
        field=field,
        title=title,
        initial=initial,
        instance_scope=instance_scope,
    )
    _REGISTRY[slug] = definition
    return definition


def register_flow_diagram(*, slug: str, flow_class: Any, title: Any = None) -> FlowDefinition:
    """Make a viewflow ``Flow`` drawable under ``/diagramas/<slug>/`` (idempotent); the title
    defaults to the flow's ``process_title``."""
    definition = FlowDefinition(
        slug=slug, flow_class=flow_class, title=title or flow_class.process_title
    )
    _REGISTRY[slug] = definition
    return definition


def diagram_list() -> list[DiagramDefinition | FlowDefinition]:
    return sorted(_REGISTRY.values(), key=lambda d: str(d.title))


def diagram_for_app(app_label: str) -> DiagramDefinition | FlowDefinition | None:
    """The drawable workflow of an app (a catalogue service names its workflow by app label)."""
    return next((d for d in diagram_list() if d.app_label == app_label), None)


def diagram_get(slug: str) -> DiagramDefinition | FlowDefinition:
    try:
        return _REGISTRY[slug]
    except KeyError as exc:
        raise Http404 from exc


def diagram_for_object_type(object_type: str) -> DiagramDefinition | None:
    """The registered lifecycle of the records an audit event names (``app_label.model``)."""
    return next(
        (
            d
            for d in _REGISTRY.values()
            if isinstance(d, DiagramDefinition) and d.object_type == object_type
        ),
        None,
    )


def lifecycle_get(slug: str) -> DiagramDefinition:
    """A registered record lifecycle (404 for a flow: its processes are drawn elsewhere)."""
    definition = diagram_get(slug)
    if not isinstance(definition, DiagramDefinition):
        raise Http404
    return definition
