"""The diagram pages (``/diagramas/…``): every registered lifecycle and flow, one of them, its DOT
text, and one record's path on its lifecycle. For staff who audit or work workflows
(``access.DIAGRAM_ROLES``)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .access import diagram_csp, require_viewer
from .figures import definition_diagram
from .history import instance_diagram, instance_history
from .registry import diagram_get, diagram_list, lifecycle_get


@login_required
def diagram_index_view(request: HttpRequest) -> HttpResponse:
    require_viewer(request.user)
    return render(request, "diagrams/index.html", {"diagrams": diagram_list()})


@diagram_csp
@login_required
def diagram_detail_view(request: HttpRequest, slug: str) -> HttpResponse:
    require_viewer(request.user)
    definition = diagram_get(slug)
    return render(
        request,
        "diagrams/detail.html",
        {"definition": definition, "diagram": definition_diagram(definition)},
    )


@login_required
def diagram_dot_view(request: HttpRequest, slug: str) -> HttpResponse:
    """The definition as a Graphviz DOT file (``dot -Tsvg`` or any Graphviz viewer draws it)."""
    require_viewer(request.user)
    definition = diagram_get(slug)
    response = HttpResponse(
        definition_diagram(definition).dot, content_type="text/vnd.graphviz; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{definition.slug}.gv"'
    return response


@diagram_csp
@login_required
def diagram_instance_view(request: HttpRequest, slug: str, object_id: str) -> HttpResponse:
    require_viewer(request.user)
    history = instance_history(lifecycle_get(slug), object_id, viewer=request.user)
    return render(
        request,
        "diagrams/instance.html",
        {"history": history, "diagram": instance_diagram(history)},
    )
