"""Drawings of the state machines: an SVG of a django-fsm field's transitions (the definition)
and the same drawing with the path one record took, read from its audit chain (an instance).

Apps register their drawable lifecycles in ``AppConfig.ready()`` with ``register_diagram`` (core
never imports the workflows: DESIGN.md §3, layers). Drawing needs Graphviz's ``dot`` program
(Debian package ``graphviz``); without it the pages say so in Spanish instead of failing.

Pages (``/diagramas/…``) and API (``/api/v1/diagrams/…``) are for staff who audit or work
workflows: technicians, supervisors, auditors and administrators.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django_fsm import ANY_OTHER_STATE, ANY_STATE, FSMFieldMixin, State
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from core.accounts.choices import Role
from core.accounts.scopes import has_role
from core.audit.models import AuditEvent

# Roles that may open the diagram pages (any scope: the drawings show states, not data).
DIAGRAM_ROLES = (Role.TECHNICIAN, Role.SUPERVISOR, Role.AUDITOR, Role.ADMINISTRATOR)

UNAVAILABLE_MESSAGE = _(
    "No se puede dibujar el diagrama: falta el programa Graphviz («dot») en el servidor. "
    "Pida al administrador que instale el paquete graphviz."
)


class DiagramUnavailable(Exception):  # noqa: N818 - a condition, not an error of the caller
    """Graphviz's ``dot`` is missing or failed; the caller shows ``UNAVAILABLE_MESSAGE``."""


# --- Registry ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class DiagramDefinition:
    slug: str
    model: type[models.Model]
    field: str
    title: Any
    initial: str | None = None

    @property
    def object_type(self) -> str:
        """The ``AuditEvent.object_type`` of this model's records."""
        return self.model._meta.label_lower


_REGISTRY: dict[str, DiagramDefinition] = {}


def register_diagram(
    *,
    slug: str,
    model: type[models.Model],
    field: str,
    title: Any,
    initial: str | None = None,
) -> DiagramDefinition:
    """Make ``model.<field>``'s lifecycle drawable under ``/diagramas/<slug>/`` (idempotent)."""
    fsm_field = model._meta.get_field(field)
    if not isinstance(fsm_field, FSMFieldMixin):
        raise TypeError(f"{model.__name__}.{field} is not a django-fsm field")
    definition = DiagramDefinition(
        slug=slug, model=model, field=field, title=title, initial=initial
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


# --- The graph of a field ---------------------------------------------------------------------


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

    @property
    def final_states(self) -> set[str]:
        sources = {edge.source for edge in self.edges}
        return {value for value, _label in self.states if value not in sources}


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


# --- Drawing ----------------------------------------------------------------------------------

_COLOUR_TEXT = "#1f2933"
_COLOUR_LINE = "#52606d"
_COLOUR_VISITED = "#d9eaf7"
_COLOUR_CURRENT = "#0b5394"
_COLOUR_TAKEN = "#0b5394"
_SVG_OPEN = re.compile(r"<svg\b[^>]*>", re.DOTALL)
_SIZE_ATTRIBUTE = re.compile(r'\s(width|height)="[^"]*"')


def _responsive(svg: str, title: str) -> str:
    """Drop the XML prolog and fixed size (the viewBox scales to the page; CSS caps the width)."""
    start = svg.find("<svg")
    if start < 0:
        raise DiagramUnavailable("dot produced no SVG")
    svg = svg[start:]
    match = _SVG_OPEN.match(svg)
    assert match is not None  # noqa: S101 - guaranteed by find() above
    tag = _SIZE_ATTRIBUTE.sub("", match.group(0))
    escaped = title.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
    tag = tag.replace("<svg", f'<svg class="diagram-svg" role="img" aria-label="{escaped}"', 1)
    return tag + svg[match.end() :]


def render_svg(
    graph: Graph,
    *,
    title: str = "",
    initial: str | None = None,
    taken: Sequence[tuple[str, str]] = (),
    current: str | None = None,
) -> str:
    """An SVG drawing of ``graph``; ``taken`` edges and the states on them are highlighted and
    ``current`` is filled. Raises ``DiagramUnavailable`` when Graphviz cannot run."""
    import graphviz

    taken_set = set(taken)
    visited = {state for pair in taken for state in pair}
    if current:
        visited.add(current)
    finals = graph.final_states
    dot = graphviz.Digraph(
        "lifecycle",
        # Top to bottom: reads on a 360 px phone as well as on a desktop.
        graph_attr={"rankdir": "TB", "bgcolor": "white", "fontname": "Helvetica", "pad": "0.2"},
        node_attr={
            "shape": "box",
            "style": "rounded,filled",
            "fillcolor": "white",
            "color": _COLOUR_LINE,
            "fontcolor": _COLOUR_TEXT,
            "fontname": "Helvetica",
            "fontsize": "12",
        },
        edge_attr={
            "color": _COLOUR_LINE,
            "fontcolor": _COLOUR_TEXT,
            "fontname": "Helvetica",
            "fontsize": "10",
        },
    )
    if initial:
        dot.node("__start__", "", shape="circle", width="0.2", style="filled", fillcolor="black")
        dot.edge("__start__", f"s_{initial}")
    for value, label in graph.states:
        attrs: dict[str, str] = {}
        if value in finals:
            attrs["peripheries"] = "2"
        if value == current:
            attrs.update(fillcolor=_COLOUR_CURRENT, fontcolor="white", penwidth="2")
        elif value in visited:
            attrs.update(fillcolor=_COLOUR_VISITED, penwidth="2")
        dot.node(f"s_{value}", label, **attrs)
    for edge in graph.edges:
        attrs = {}
        if (edge.source, edge.target) in taken_set:
            attrs.update(color=_COLOUR_TAKEN, fontcolor=_COLOUR_TAKEN, penwidth="2.5")
        dot.edge(f"s_{edge.source}", f"s_{edge.target}", label=edge.label, **attrs)
    try:
        raw = dot.pipe(format="svg", encoding="utf-8")
    except (graphviz.ExecutableNotFound, graphviz.CalledProcessError, OSError) as exc:
        raise DiagramUnavailable(str(exc)) from exc
    return _responsive(raw, title)


def definition_svg(definition: DiagramDefinition) -> str:
    graph = fsm_graph(definition.model, definition.field)
    return render_svg(graph, title=str(definition.title), initial=definition.initial)


# --- Instances --------------------------------------------------------------------------------


@dataclass
class InstanceHistory:
    definition: DiagramDefinition
    obj: models.Model
    current: str
    current_label: str
    events: list[AuditEvent]
    path: list[tuple[str, str]]


def instance_history(definition: DiagramDefinition, object_id: str) -> InstanceHistory:
    """One record of a registered model and its audit events (404 if there is no such record)."""
    try:
        obj = definition.model._base_manager.get(pk=object_id)
    except (definition.model.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
    events = list(
        AuditEvent.objects.filter(
            object_type=definition.object_type, object_id=str(obj.pk)
        ).order_by("chain_key", "seq")
    )
    current = str(getattr(obj, definition.field))
    graph = fsm_graph(definition.model, definition.field)
    labels = dict(graph.states)
    actions = {
        f"{definition.model._meta.model_name}.{edge.name}": edge.label for edge in graph.edges
    }
    for event in events:
        # The transition's own label ("verificar correo") next to the recorded action name.
        event.label = actions.get(event.action) or (
            str(_("creación")) if event.to_state and not event.from_state else ""
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


def instance_svg(history: InstanceHistory) -> str:
    definition = history.definition
    graph = fsm_graph(definition.model, definition.field)
    return render_svg(
        graph,
        title=f"{definition.title} #{history.obj.pk}",
        initial=definition.initial,
        taken=history.path,
        current=history.current,
    )


# --- Access -----------------------------------------------------------------------------------


def can_view_diagrams(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and has_role(user, DIAGRAM_ROLES)


def _require_viewer(user: Any) -> None:
    if not can_view_diagrams(user):
        raise PermissionDenied


def _svg_or_message(render_fn: Any, *args: Any) -> tuple[str, str]:
    try:
        return mark_safe(render_fn(*args)), ""  # noqa: S308 - SVG built from code-defined labels
    except DiagramUnavailable:
        return "", str(UNAVAILABLE_MESSAGE)


# --- Pages ------------------------------------------------------------------------------------


@login_required
def diagram_index_view(request: HttpRequest) -> HttpResponse:
    _require_viewer(request.user)
    return render(request, "diagrams/index.html", {"diagrams": diagram_list()})


@login_required
def diagram_detail_view(request: HttpRequest, slug: str) -> HttpResponse:
    _require_viewer(request.user)
    definition = diagram_get(slug)
    svg, unavailable = _svg_or_message(definition_svg, definition)
    graph = fsm_graph(definition.model, definition.field)
    labels = dict(graph.states)
    return render(
        request,
        "diagrams/detail.html",
        {
            "definition": definition,
            "svg": svg,
            "unavailable": unavailable,
            "states": graph.states,
            "edges": [
                {"source": labels[e.source], "target": labels[e.target], "label": e.label}
                for e in graph.edges
            ],
        },
    )


@login_required
def diagram_svg_view(request: HttpRequest, slug: str) -> HttpResponse:
    """The definition drawing as a standalone ``image/svg+xml`` file."""
    _require_viewer(request.user)
    definition = diagram_get(slug)
    try:
        svg = definition_svg(definition)
    except DiagramUnavailable:
        return HttpResponse(str(UNAVAILABLE_MESSAGE), status=503, content_type="text/plain")
    return HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")


@login_required
def diagram_instance_view(request: HttpRequest, slug: str, object_id: str) -> HttpResponse:
    _require_viewer(request.user)
    history = instance_history(diagram_get(slug), object_id)
    svg, unavailable = _svg_or_message(instance_svg, history)
    return render(
        request,
        "diagrams/instance.html",
        {"history": history, "svg": svg, "unavailable": unavailable},
    )


app_name = "diagrams"
urlpatterns = [
    path("", diagram_index_view, name="index"),
    path("<slug:slug>/", diagram_detail_view, name="detail"),
    path("<slug:slug>/diagrama.svg", diagram_svg_view, name="svg"),
    path("<slug:slug>/<str:object_id>/", diagram_instance_view, name="instance"),
]


# --- API --------------------------------------------------------------------------------------


class _EdgeSerializer(serializers.Serializer):
    source = serializers.CharField()
    target = serializers.CharField()
    name = serializers.CharField()
    label = serializers.CharField()


class _StateSerializer(serializers.Serializer):
    value = serializers.CharField()
    label = serializers.CharField()


class DiagramOutputSerializer(serializers.Serializer):
    slug = serializers.CharField()
    title = serializers.CharField()
    states = _StateSerializer(many=True)
    transitions = _EdgeSerializer(many=True)
    svg = serializers.CharField(allow_blank=True, help_text="SVG; vacío si Graphviz no está.")
    unavailable = serializers.CharField(allow_blank=True)


class _EventSerializer(serializers.Serializer):
    seq = serializers.IntegerField()
    occurred_at = serializers.DateTimeField()
    actor_label = serializers.CharField()
    action = serializers.CharField()
    from_state = serializers.CharField()
    to_state = serializers.CharField()
    hash = serializers.CharField()


class InstanceOutputSerializer(serializers.Serializer):
    slug = serializers.CharField()
    object_id = serializers.CharField()
    current_state = serializers.CharField()
    events = _EventSerializer(many=True)
    svg = serializers.CharField(allow_blank=True)
    unavailable = serializers.CharField(allow_blank=True)


def _definition_payload(definition: DiagramDefinition) -> dict[str, Any]:
    graph = fsm_graph(definition.model, definition.field)
    try:
        svg, unavailable = definition_svg(definition), ""
    except DiagramUnavailable:
        svg, unavailable = "", str(UNAVAILABLE_MESSAGE)
    return {
        "slug": definition.slug,
        "title": str(definition.title),
        "states": [{"value": v, "label": label} for v, label in graph.states],
        "transitions": [e.__dict__ for e in graph.edges],
        "svg": svg,
        "unavailable": unavailable,
    }


class DiagramDetailApi(APIView):
    """A lifecycle's states, transitions and SVG drawing."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=DiagramOutputSerializer, operation_id="diagram_detail")
    def get(self, request: Any, slug: str, **kwargs: Any) -> Response:
        _require_viewer(request.user)
        data = _definition_payload(diagram_get(slug))
        return Response(DiagramOutputSerializer(data).data)


class DiagramInstanceApi(APIView):
    """One record's audit history and its path drawn on the lifecycle."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=InstanceOutputSerializer, operation_id="diagram_instance")
    def get(self, request: Any, slug: str, object_id: str, **kwargs: Any) -> Response:
        _require_viewer(request.user)
        history = instance_history(diagram_get(slug), object_id)
        try:
            svg, unavailable = instance_svg(history), ""
        except DiagramUnavailable:
            svg, unavailable = "", str(UNAVAILABLE_MESSAGE)
        data = {
            "slug": history.definition.slug,
            "object_id": str(history.obj.pk),
            "current_state": history.current,
            "events": history.events,
            "svg": svg,
            "unavailable": unavailable,
        }
        return Response(InstanceOutputSerializer(data).data)


api_urlpatterns = [
    path("diagrams/<slug:slug>/", DiagramDetailApi.as_view(), name="diagram-detail"),
    path(
        "diagrams/<slug:slug>/<str:object_id>/",
        DiagramInstanceApi.as_view(),
        name="diagram-instance",
    ),
]
