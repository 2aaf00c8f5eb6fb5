"""Ticket search API for staff (/api/v1/mesa/busqueda/): the tickets of the queues the caller
serves that match what they typed, best first (``helpdesk.search.ticket_search``).

Thin: parse the query parameters, call the search, page with limit/offset, serialize each ticket
as the staff list does. People without a staff role get an empty list, like the staff list.
"""

from typing import Any

from django.db.models import Prefetch, QuerySet
from django.urls import path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.generics import GenericAPIView
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from core.api_schema import AutoSchema
from helpdesk.api.staff import IsHelpdeskStaff, StaffTicketSerializer
from helpdesk.choices import ACTIVE_STATUSES, TicketStatus
from helpdesk.models import Ticket
from helpdesk.search import (
    MAX_QUERY_CHARS,
    SearchTooBroadError,
    search_time_limit,
    ticket_search_results,
)
from helpdesk.selectors import queue_list_for_staff
from helpdesk.staff_selectors import STATUS_FILTER_ACTIVE, STATUS_FILTER_ALL

TAGS = ["mesa de ayuda: personal"]


class TicketSearchInputSerializer(serializers.Serializer):
    q = serializers.CharField(
        max_length=MAX_QUERY_CHARS,
        help_text=_(
            "Número de caso (MA-2026-000123), palabras, «frase entre comillas» o -palabra para "
            "excluir."
        ),
        error_messages={
            "required": _("Escriba qué buscar (parámetro «q»)."),
            "blank": _("Escriba qué buscar (parámetro «q»)."),
            "max_length": _("La búsqueda admite hasta {max_length} caracteres."),
        },
    )
    status = serializers.ChoiceField(
        choices=[STATUS_FILTER_ALL, STATUS_FILTER_ACTIVE, *TicketStatus.values],
        required=False,
        default=STATUS_FILTER_ALL,
        help_text=_(
            "«all» (por defecto: también los casos cerrados), «active» (los que aún requieren "
            "atención) o un estado."
        ),
    )
    queue = serializers.SlugField(
        required=False,
        allow_blank=True,
        default="",
        help_text=_("Código de una cola que usted atiende."),
    )


def _statuses(status: str) -> tuple[str, ...] | None:
    if status == STATUS_FILTER_ALL:
        return None
    if status == STATUS_FILTER_ACTIVE:
        return ACTIVE_STATUSES
    return (status,)


class TicketSearchPagination(LimitOffsetPagination):
    """Limit/offset pages with ``count``, plus ``count_is_exact``: ``false`` when the words are
    so frequent that only the newest matches were ranked (``recent_window`` of them at most,
    ``count`` is then capped at it)."""

    default_limit = 25
    max_limit = 100
    recent_window: int | None = None

    def get_paginated_response(self, data: Any) -> Response:
        response = super().get_paginated_response(data)
        capped = self.recent_window is not None and self.count >= self.recent_window
        response.data["count_is_exact"] = not capped
        response.data["recent_window"] = self.recent_window
        return response

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        paginated = super().get_paginated_response_schema(schema)
        paginated["properties"]["count_is_exact"] = {
            "type": "boolean",
            "description": "false: palabras muy frecuentes; solo se ordenaron las coincidencias "
            "más recientes y «count» es un tope, no el total.",
        }
        paginated["properties"]["recent_window"] = {
            "type": "integer",
            "nullable": True,
            "description": "Cuántas coincidencias recientes se ordenaron como máximo "
            "(null: todas).",
        }
        return paginated


class _TicketSearchSchema(AutoSchema):
    """drf-spectacular names a page wrapper after its items only (``PaginatedStaffTicketList``)
    and keeps the first one registered: the staff list's cursor page and this offset page
    (with ``count``) would share one component. This one gets its own name."""

    def get_paginated_name(self, serializer_name: str) -> str:
        return f"Paginated{serializer_name}SearchList"


class TicketSearchApi(GenericAPIView):
    permission_classes = [IsAuthenticated, IsHelpdeskStaff]
    schema = _TicketSearchSchema()
    pagination_class = TicketSearchPagination
    serializer_class = StaffTicketSerializer
    filter_backends: list = []

    def _tickets(self, data: dict[str, Any]) -> QuerySet[Ticket]:
        queue = None
        if data["queue"]:
            queue = queue_list_for_staff(actor=self.request.user).filter(code=data["queue"]).first()
            if queue is None:  # not a queue the caller serves: nothing to find there
                return Ticket.objects.none()
        results = ticket_search_results(
            actor=self.request.user,
            q=data["q"],
            queue=queue,
            statuses=_statuses(data["status"]),
        )
        self.paginator.recent_window = results.recent_window
        return results.tickets.prefetch_related(
            # Only merged tickets have a target: a page without one runs no query for it.
            Prefetch("merged_into", queryset=Ticket.objects.only("pk", "number"))
        )

    @extend_schema(
        tags=TAGS,
        operation_id="helpdesk_staff_ticket_search",
        summary="Buscar casos en mis colas",
        description=(
            "Los casos de las colas que la persona atiende cuyo número, asunto, respuestas del "
            "formulario o conversación pública coinciden con «q», del más al menos pertinente. "
            "Un número de caso exacto devuelve solo ese caso; las notas internas nunca se "
            "buscan. Quien no es técnico ni supervisor recibe 403."
        ),
        parameters=[TicketSearchInputSerializer],
        responses={
            200: StaffTicketSerializer(many=True),
            400: OpenApiResponse(
                description="Falta «q», un parámetro no es válido, o la búsqueda es demasiado "
                "amplia y no terminó a tiempo (acótela)."
            ),
            403: OpenApiResponse(description="No es técnico ni supervisor de la mesa de ayuda."),
        },
    )
    def get(self, request: Request) -> Response:
        params = TicketSearchInputSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        try:
            with search_time_limit():  # the count and the page run inside the limit
                page = self.paginate_queryset(self._tickets(params.validated_data))
        except SearchTooBroadError as exc:
            raise ValidationError({"q": [str(exc)]}, code="search_too_broad") from exc
        # Ranked tickets (model instances) go through the serializer's fields.
        serializer = StaffTicketSerializer(page, many=True, context=self.get_serializer_context())
        return self.get_paginated_response(serializer.data)


urlpatterns = [
    path("mesa/busqueda/", TicketSearchApi.as_view(), name="helpdesk-staff-ticket-search"),
]
