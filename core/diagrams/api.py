"""API (``/api/v1/diagrams/…``): a lifecycle's states, transitions and DOT text; one record's
audit history and its path. Same audience as the pages."""

from __future__ import annotations

from typing import Any

from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from .access import require_viewer
from .figures import definition_diagram, definition_graph
from .history import instance_diagram, instance_history
from .registry import diagram_get, lifecycle_get

DOT_HELP = "Grafo en lenguaje DOT de Graphviz (lo dibuja cualquier visor de Graphviz)."


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
    dot = serializers.CharField(help_text=DOT_HELP)


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
    dot = serializers.CharField(help_text=DOT_HELP)


class DiagramDetailApi(APIView):
    """A lifecycle's states and transitions (or a flow's nodes and edges) and DOT text."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=DiagramOutputSerializer, operation_id="diagram_detail")
    def get(self, request: Any, slug: str, **kwargs: Any) -> Response:
        require_viewer(request.user)
        definition = diagram_get(slug)
        graph = definition_graph(definition)
        data = {
            "slug": definition.slug,
            "title": str(definition.title),
            "states": [{"value": v, "label": label} for v, label in graph.states],
            "transitions": [e.__dict__ for e in graph.edges],
            "dot": definition_diagram(definition).dot,
        }
        return Response(DiagramOutputSerializer(data).data)


class DiagramInstanceApi(APIView):
    """One record's audit history and its path drawn on the lifecycle."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=InstanceOutputSerializer, operation_id="diagram_instance")
    def get(self, request: Any, slug: str, object_id: str, **kwargs: Any) -> Response:
        require_viewer(request.user)
        history = instance_history(lifecycle_get(slug), object_id, viewer=request.user)
        data = {
            "slug": history.definition.slug,
            "object_id": str(history.obj.pk),
            "current_state": history.current,
            "events": history.events,
            "dot": instance_diagram(history).dot,
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
