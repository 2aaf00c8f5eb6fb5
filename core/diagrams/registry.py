"""The lifecycles apps make drawable: ``register_diagram`` from ``AppConfig.ready()`` (core never
imports the apps above it: docs/architecture.md, layers)."""

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

    def instances_for(self, viewer: Any) -> models.QuerySet[Any]:
        """The records whose drawn history ``viewer`` may open (the scope hook, or all)."""
        if self.instance_scope is None:
            return self.model._base_manager.all()
        return self.instance_scope(viewer)


_REGISTRY: dict[str, DiagramDefinition] = {}


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


def diagram_list() -> list[DiagramDefinition]:
    return sorted(_REGISTRY.values(), key=lambda d: str(d.title))


def diagram_get(slug: str) -> DiagramDefinition:
    try:
        return _REGISTRY[slug]
    except KeyError as exc:
        raise Http404 from exc


def diagram_for_object_type(object_type: str) -> DiagramDefinition | None:
    """The registered lifecycle of the records an audit event names (``app_label.model``)."""
    return next((d for d in _REGISTRY.values() if d.object_type == object_type), None)
