"""The requester's help-desk API (/api/v1/tickets/…, /api/v1/services/): the same services as
the portal pages, for the family app and other clients.

A requester sees and acts on their own tickets only; any other number answers 404. What a
requester may send is listed field by field: status, assignee, queue, priority, SLA dates and
every other unknown key are refused (400) and nothing is created.
"""

from typing import Any

from django.http import Http404
from django.urls import path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import CursorPagination
from core.parsers import JSONParser
from core.throttling import LiveScopedRateThrottle
from helpdesk.choices import Channel, FieldType, TicketStatus
from helpdesk.conf import TICKET_CREATE
from helpdesk.display import service_expectations
from helpdesk.models import Service, ServiceField, Ticket, TicketEntry
from helpdesk.permissions import can_request_service, is_requester
from helpdesk.portal_selectors import catalogue_get_to_request, catalogue_list
from helpdesk.selectors import ticket_entries_for, ticket_get_for, ticket_list_for_requester
from helpdesk.services import ticket_cancel, ticket_create, ticket_rate, ticket_reply

from .serializers import (
    RatingSerializer,
    TicketDetailSerializer,
    TicketEntrySerializer,
    TicketSerializer,
    ticket_detail_data,
)

TAGS = ["trámites"]
PAGE_SIZE = 25

# --- Catalogue -------------------------------------------------------------------------------


class ServiceFieldOutputSerializer(serializers.ModelSerializer):
    choices = serializers.SerializerMethodField()

    class Meta:
        model = ServiceField
        fields = ["key", "label", "field_type", "required", "help_text", "choices"]
        read_only_fields = fields

    @extend_schema_field(
        serializers.ListField(
            child=serializers.ListField(child=serializers.CharField(), min_length=2, max_length=2),
            help_text="Opciones de una lista: pares [valor, etiqueta].",
        )
    )
    def get_choices(self, obj: ServiceField) -> list[list[str]]:
        return [[value, label] for value, label in obj.choice_pairs()]


class ServiceExpectationsSerializer(serializers.Serializer):
    first_response = serializers.CharField(help_text="Por ejemplo «respuesta en 1 día hábil».")
    resolution = serializers.CharField(help_text="Por ejemplo «solución en 5 días hábiles».")
    first_response_business_hours = serializers.FloatField()
    resolution_business_hours = serializers.FloatField()


class ServiceOutputSerializer(serializers.ModelSerializer):
    """A trámite of the catalogue, with its form and its expected times in business terms."""

    area = serializers.CharField(source="queue.name", read_only=True)
    expectations = serializers.SerializerMethodField()
    form_fields = ServiceFieldOutputSerializer(source="fields", many=True, read_only=True)
    can_request = serializers.SerializerMethodField(
        help_text="Si quien consulta puede solicitarlo; nulo sin sesión (hay que ingresar)."
    )

    class Meta:
        model = Service
        fields = [
            "code",
            "name",
            "description",
            "area",
            "expectations",
            "workflow_key",
            "form_fields",
            "can_request",
        ]
        read_only_fields = fields

    @extend_schema_field(ServiceExpectationsSerializer)
    def get_expectations(self, obj: Service) -> dict[str, Any]:
        expected = service_expectations(obj)
        return {
            "first_response": expected.first_response_text,
            "resolution": expected.resolution_text,
            "first_response_business_hours": expected.first_response.total_seconds() / 3600,
            "resolution_business_hours": expected.resolution.total_seconds() / 3600,
        }

    @extend_schema_field(serializers.BooleanField(allow_null=True))
    def get_can_request(self, obj: Service) -> bool | None:
        user = self.context["request"].user
        if not user.is_authenticated:
            return None
        return can_request_service(user, obj)


class ServiceListApi(APIView):
    """The public catalogue of trámites (no login needed to browse it)."""

    permission_classes = [AllowAny]

    @extend_schema(
        tags=TAGS,
        operation_id="services_list",
        summary="Catálogo de trámites",
        parameters=[
            OpenApiParameter(
                "q", OpenApiTypes.STR, description="Buscar por nombre, descripción o área."
            )
        ],
        responses={200: ServiceOutputSerializer(many=True)},
    )
    def get(self, request: Request) -> Response:
        search = request.query_params.get("q", "").strip()[:100]
        services = catalogue_list(search=search, with_fields=True)
        serializer = ServiceOutputSerializer(services, many=True, context={"request": request})
        return Response(serializer.data)


# --- Tickets -------------------------------------------------------------------------------------


class TicketCursorPagination(CursorPagination):
    ordering = ("-created_at", "-id")
    page_size = PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = 100


class TicketFilterSerializer(serializers.Serializer):
    status = serializers.MultipleChoiceField(choices=TicketStatus.choices, required=False)


class TicketCreateInputSerializer(serializers.Serializer):
    """What a requester sends to open a ticket. Anything else is refused (field level)."""

    service = serializers.SlugField(help_text="Código del trámite (ver GET /services/).")
    data = serializers.JSONField(
        required=False,
        default=dict,
        help_text=(
            "Respuestas al formulario del trámite, por clave de campo. Los campos de tipo "
            "archivo se envían como partes del formulario multipart con su clave."
        ),
    )
    subject = serializers.CharField(required=False, allow_blank=True, default="")
    description = serializers.CharField(required=False, allow_blank=True, default="")
    attachments = serializers.ListField(child=serializers.FileField(), required=False, default=list)

    def validate_service(self, value: str) -> Service:
        try:
            return catalogue_get_to_request(code=value)
        except Http404 as exc:
            raise serializers.ValidationError(
                _("No existe un trámite disponible con ese código.")
            ) from exc

    def validate_data(self, value: Any) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise serializers.ValidationError(
                _("Envíe un objeto con las respuestas del formulario, por clave de campo.")
            )
        return value

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        service: Service = attrs["service"]
        file_keys = {spec.key for spec in service.fields.all() if spec.field_type == FieldType.FILE}
        unknown = sorted(set(self.initial_data) - set(self.fields) - file_keys)
        if unknown:
            # Status, assignee, queue, priority, SLA… are set by the help desk, never by the
            # requester: refusing them (rather than ignoring them) tells the client at once.
            raise serializers.ValidationError(
                {
                    key: [_("Este dato no puede enviarse al solicitar un trámite.")]
                    for key in unknown
                }
            )
        return attrs


class TicketListCreateApi(GenericAPIView):
    """The requester's own tickets (newest first) and opening a new one."""

    permission_classes = [IsAuthenticated]
    pagination_class = TicketCursorPagination
    serializer_class = TicketSerializer
    parser_classes = [JSONParser, MultiPartParser]
    filter_backends: list = []
    throttle_scope = TICKET_CREATE

    def get_throttles(self) -> list[Any]:
        throttles = super().get_throttles()
        if self.request.method == "POST":
            throttles.append(LiveScopedRateThrottle())
        return throttles

    @extend_schema(
        tags=TAGS,
        operation_id="tickets_list",
        summary="Mis trámites",
        parameters=[
            OpenApiParameter(
                "status",
                OpenApiTypes.STR,
                many=True,
                enum=TicketStatus.values,
                description="Solo los casos en estos estados (se puede repetir).",
            )
        ],
        responses={200: TicketSerializer(many=True)},
    )
    def get(self, request: Request) -> Response:
        filters = TicketFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        statuses = filters.validated_data.get("status")
        tickets = ticket_list_for_requester(
            actor=request.user, statuses=tuple(statuses) if statuses else None
        ).values_list(*TicketSerializer.ROW_FIELDS, named=True)
        page = self.paginate_queryset(tickets)
        return self.get_paginated_response(TicketSerializer(page, many=True).data)

    @extend_schema(
        tags=TAGS,
        operation_id="tickets_create",
        summary="Solicitar un trámite",
        request=TicketCreateInputSerializer,
        responses={201: TicketDetailSerializer},
    )
    def post(self, request: Request) -> Response:
        serializer = TicketCreateInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        values = serializer.validated_data
        ticket = ticket_create(
            requester=request.user,
            service=values["service"],
            data=values["data"],
            files=request.FILES,
            subject=values["subject"],
            description=values["description"],
            attachments=values["attachments"],
            channel=Channel.API,
            request=request._request,
        )
        # A new ticket's conversation is what ``ticket_create`` just wrote, unless a process
        # started with it (it may add messages): then it is read back as for a GET.
        if ticket.process_id is None:
            data = ticket_detail_data(ticket, entries=ticket.opening_entries, request=request)
        else:
            data = _ticket_data(request, ticket)
        return Response(data, status=status.HTTP_201_CREATED)


def _own_ticket(request: Request, number: str) -> Ticket:
    """The caller's own ticket; another person's (or staff's view of it) answers 404."""
    ticket = ticket_get_for(actor=request.user, number=number)
    if not is_requester(request.user, ticket):
        raise Http404
    return ticket


def _ticket_data(
    request: Request, ticket: Ticket, entries: list[TicketEntry] | None = None
) -> dict[str, Any]:
    if entries is None:
        entries = ticket_entries_for(actor=request.user, ticket=ticket)
    context = {"request": request, "entries": entries}
    return TicketDetailSerializer(ticket, context=context).data


class TicketDetailApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        operation_id="tickets_retrieve",
        summary="Un trámite: datos, conversación pública y calificación",
        responses={200: TicketDetailSerializer},
    )
    def get(self, request: Request, number: str) -> Response:
        return Response(_ticket_data(request, _own_ticket(request, number)))


class ReplyInputSerializer(serializers.Serializer):
    body = serializers.CharField(allow_blank=True, trim_whitespace=False)
    attachments = serializers.ListField(child=serializers.FileField(), required=False, default=list)


class TicketReplyApi(APIView):
    """A message from the requester. On a resolved ticket it reopens it within the reopen
    window; later, or on a closed ticket, the answer is 409 with the reason."""

    permission_classes = [IsAuthenticated]
    parser_classes = [JSONParser, MultiPartParser]

    @extend_schema(
        tags=TAGS,
        operation_id="tickets_reply",
        summary="Responder en un trámite",
        request=ReplyInputSerializer,
        responses={201: TicketEntrySerializer},
    )
    def post(self, request: Request, number: str) -> Response:
        ticket = _own_ticket(request, number)
        serializer = ReplyInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        entry = ticket_reply(
            actor=request.user,
            ticket=ticket,
            body=serializer.validated_data["body"],
            files=serializer.validated_data["attachments"],
            channel=Channel.API,
            request=request._request,
        )
        data = TicketEntrySerializer(entry, context={"request": request}).data
        return Response(data, status=status.HTTP_201_CREATED)


class CancelInputSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class TicketCancelApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        operation_id="tickets_cancel",
        summary="Cancelar un trámite que aún no se ha resuelto",
        request=CancelInputSerializer,
        responses={200: TicketDetailSerializer},
    )
    def post(self, request: Request, number: str) -> Response:
        ticket = _own_ticket(request, number)
        serializer = CancelInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        ticket_cancel(
            actor=request.user,
            ticket=ticket,
            reason=serializer.validated_data["reason"],
            request=request._request,
        )
        return Response(_ticket_data(request, ticket))


class RatingInputSerializer(serializers.Serializer):
    rating = serializers.IntegerField(help_text="De 1 (muy insatisfecho) a 5 (muy satisfecho).")
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class TicketRatingApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        operation_id="tickets_rate",
        summary="Calificar la atención de un trámite resuelto",
        request=RatingInputSerializer,
        responses={201: RatingSerializer},
    )
    def post(self, request: Request, number: str) -> Response:
        ticket = _own_ticket(request, number)
        serializer = RatingInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        rating = ticket_rate(
            actor=request.user,
            ticket=ticket,
            rating=serializer.validated_data["rating"],
            comment=serializer.validated_data["comment"],
            request=request._request,
        )
        return Response(RatingSerializer(rating).data, status=status.HTTP_201_CREATED)


urlpatterns = [
    path("services/", ServiceListApi.as_view(), name="helpdesk-services"),
    path("tickets/", TicketListCreateApi.as_view(), name="helpdesk-tickets"),
    path("tickets/<str:number>/", TicketDetailApi.as_view(), name="helpdesk-ticket-detail"),
    path("tickets/<str:number>/replies/", TicketReplyApi.as_view(), name="helpdesk-ticket-replies"),
    path("tickets/<str:number>/cancel/", TicketCancelApi.as_view(), name="helpdesk-ticket-cancel"),
    path("tickets/<str:number>/rating/", TicketRatingApi.as_view(), name="helpdesk-ticket-rating"),
]
