"""Staff API of the help desk (/api/v1/mesa/…): technicians and supervisors list the tickets of
the queues they serve, read one with its internal notes, and act on it.

One API class per operation, each with its own input and output serializers (HackSoft style):
parse → call one service → serialize. Tickets outside the caller's queues answer 404 (the
requester of a ticket included: their surface is the portal API); a service's
``PermissionDenied`` answers 403, ``Conflict`` 409 with the reason, ``ValidationError`` 400
(``core.api.exception_handler``).
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.generics import ListAPIView
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.accounts.models import User
from core.api import CursorPagination
from helpdesk import services
from helpdesk.api.rows import Row, RowRenderer, iso_datetime
from helpdesk.api.serializers import TicketDetailSerializer, TicketEntrySerializer, TicketSerializer
from helpdesk.choices import Channel, LinkKind, Priority, TicketStatus
from helpdesk.display import TicketUrl
from helpdesk.models import Queue, Ticket
from helpdesk.permissions import is_helpdesk_staff
from helpdesk.selectors import TicketListNames, ticket_entries_for, ticket_list_names
from helpdesk.staff_selectors import (
    ACTION_NAMES,
    STATUS_FILTER_ACTIVE,
    STATUS_FILTER_ALL,
    staff_ticket_actions,
    ticket_find_for_staff,
    ticket_get_for_staff,
    ticket_list_for_staff_filtered,
    ticket_sla_clocks,
)

TAGS = ["mesa de ayuda: personal"]

_RESPONSES_ACTION_ERRORS = {
    400: OpenApiResponse(description="Datos no válidos (mensajes en español por campo)."),
    403: OpenApiResponse(description="La persona no puede realizar esta acción en el caso."),
    404: OpenApiResponse(description="El caso no existe o no es de una cola que usted atiende."),
    409: OpenApiResponse(description="La acción no es posible en el estado actual del caso."),
}


# --- Output serializers ---------------------------------------------------------------------------


class PersonRefSerializer(serializers.Serializer):
    """A person by id and name (never their DUI)."""

    id = serializers.IntegerField()
    name = serializers.CharField()


class QueueRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Queue
        fields = ["code", "name"]
        read_only_fields = fields


def _person(user: User | None) -> dict[str, Any] | None:
    if user is None:
        return None
    return {"id": user.pk, "name": user.person.full_name}


class StaffTicketSerializer(TicketSerializer):
    """A ticket as staff see it in a list: the requester's fields plus queue, assignee,
    requester's name, SLA flags and links to the staff page and this API.

    Lists hand it named rows of ``ROW_FIELDS`` with the people's names and merge targets in
    the context (``helpdesk.selectors.ticket_list_names``); a single ticket goes through the
    fields. What does not change between rows is computed once per serializer: the two URL
    templates (here) and the status and priority labels (``TicketSerializer._labels``).
    """

    ROW_FIELDS = (
        *TicketSerializer.ROW_FIELDS,
        "queue__code",
        "requester_id",
        "assignee_id",
        "escalated_at",
        "merged_into_id",
    )

    status_label = serializers.SerializerMethodField()
    priority_label = serializers.SerializerMethodField()
    queue = QueueRefSerializer(read_only=True)
    assignee = serializers.SerializerMethodField()
    requester_name = serializers.CharField(source="requester.person.full_name", read_only=True)
    merged_into = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()
    api_url = serializers.SerializerMethodField()

    class Meta(TicketSerializer.Meta):
        fields = [
            *TicketSerializer.Meta.fields,
            "queue",
            "assignee",
            "requester_name",
            "first_response_breached",
            "resolution_breached",
            "escalated_at",
            "merged_into",
            "url",
            "api_url",
        ]
        read_only_fields = fields

    def _per_request(self) -> dict[str, Any]:
        # Built on first use, inside the request (script prefix and language are set).
        cached = getattr(self, "_staff_row_cache", None)
        if cached is None:
            cached = {
                "url": TicketUrl("helpdesk:staff_ticket"),
                "api_url": TicketUrl("v1:helpdesk-staff-ticket-detail"),
            }
            self._staff_row_cache = cached
        return cached

    @extend_schema_field(OpenApiTypes.STR)
    def get_status_label(self, obj: Ticket) -> str:
        labels = self._labels()[0]
        return labels[obj.status] if obj.status in labels else str(obj.get_status_display())

    @extend_schema_field(OpenApiTypes.STR)
    def get_priority_label(self, obj: Ticket) -> str:
        labels = self._labels()[1]
        return labels[obj.priority] if obj.priority in labels else str(obj.get_priority_display())

    @extend_schema_field(PersonRefSerializer(allow_null=True))
    def get_assignee(self, obj: Ticket) -> dict[str, Any] | None:
        return _person(obj.assignee if obj.assignee_id else None)

    @extend_schema_field(OpenApiTypes.STR)
    def get_merged_into(self, obj: Ticket) -> str | None:
        return obj.merged_into.number if obj.merged_into_id else None

    @extend_schema_field(OpenApiTypes.STR)
    def get_url(self, obj: Ticket) -> str:
        return self._per_request()["url"](obj.number)

    @extend_schema_field(OpenApiTypes.STR)
    def get_api_url(self, obj: Ticket) -> str:
        return self._per_request()["api_url"](obj.number)

    def row_renderer(self) -> RowRenderer:
        requester_item = super().row_renderer()
        cached = self._per_request()
        url, api_url = cached["url"], cached["api_url"]
        names: TicketListNames = self.context["names"]
        people, numbers = names.people, names.ticket_numbers
        tz = timezone.get_current_timezone()

        def render(row: Row) -> dict[str, Any]:
            item = requester_item(row)
            assignee = row.assignee_id
            item.update(
                {
                    "queue": {"code": row.queue__code, "name": row.queue__name},
                    "assignee": (
                        None if assignee is None else {"id": assignee, "name": people[assignee]}
                    ),
                    "requester_name": people[row.requester_id],
                    "first_response_breached": row.first_response_breached,
                    "resolution_breached": row.resolution_breached,
                    "escalated_at": iso_datetime(row.escalated_at, tz),
                    "merged_into": (
                        None if row.merged_into_id is None else numbers[row.merged_into_id]
                    ),
                    "url": url(row.number),
                    "api_url": api_url(row.number),
                }
            )
            return item

        return render


class TicketRefSerializer(serializers.Serializer):
    number = serializers.CharField()
    subject = serializers.CharField()
    # Plain strings (the values of ``status`` in tickets): a second enum of the same values
    # would make the schema's enum names ambiguous.
    status = serializers.CharField(help_text="Estado del caso (los mismos valores de «status»).")


class SlaClockSerializer(serializers.Serializer):
    kind = serializers.CharField(help_text="«first_response» o «resolution».")
    label = serializers.CharField()
    due_at = serializers.DateTimeField(allow_null=True)
    done_at = serializers.DateTimeField(allow_null=True)
    state = serializers.ChoiceField(
        choices=["met", "missed", "running", "paused", "stopped"],
        help_text="met/missed: cumplido a tiempo o tarde (o vencido); running; paused: en "
        "espera del solicitante; stopped: el caso terminó sin cumplirlo.",
    )
    remaining_seconds = serializers.IntegerField(
        allow_null=True, help_text="Tiempo hábil hasta el vencimiento (negativo si ya venció)."
    )
    remaining_text = serializers.CharField()
    warning = serializers.BooleanField()
    breached = serializers.BooleanField()


def _refs(tickets: Any) -> list[dict[str, Any]]:
    return [{"number": t.number, "subject": t.subject, "status": t.status} for t in tickets]


class StaffTicketDetailSerializer(StaffTicketSerializer, TicketDetailSerializer):
    """One ticket for staff: everything in the list, the form answers, links, the whole
    conversation including internal notes (passed by the view as ``entries``), the SLA clocks
    and the actions the caller may take now (passed as ``actions``)."""

    parent = serializers.SerializerMethodField()
    children = serializers.SerializerMethodField()
    related = serializers.SerializerMethodField()
    merged_tickets = serializers.SerializerMethodField()
    sla = serializers.SerializerMethodField()
    actions = serializers.SerializerMethodField()

    class Meta(StaffTicketSerializer.Meta):
        fields = [
            *StaffTicketSerializer.Meta.fields,
            "form_data",
            "process",
            "rating",
            "parent",
            "children",
            "related",
            "merged_tickets",
            "sla",
            "actions",
            "entries",
        ]
        read_only_fields = fields

    @extend_schema_field(TicketRefSerializer(allow_null=True))
    def get_parent(self, obj: Ticket) -> dict[str, Any] | None:
        # A parent outside the caller's queues is not shown (ticket_get_for_staff scopes it).
        if not (obj.parent_id and getattr(obj, "parent_in_scope", False)):
            return None
        return _refs([obj.parent])[0]

    @extend_schema_field(TicketRefSerializer(many=True))
    def get_children(self, obj: Ticket) -> list[dict[str, Any]]:
        return _refs(obj.children.all())

    @extend_schema_field(TicketRefSerializer(many=True))
    def get_related(self, obj: Ticket) -> list[dict[str, Any]]:
        return _refs(obj.related.all())

    @extend_schema_field(TicketRefSerializer(many=True))
    def get_merged_tickets(self, obj: Ticket) -> list[dict[str, Any]]:
        return _refs(obj.merged_tickets.all())

    @extend_schema_field(SlaClockSerializer(many=True))
    def get_sla(self, obj: Ticket) -> list[dict[str, Any]]:
        return [
            {
                "kind": clock.kind,
                "label": clock.label,
                "due_at": clock.due_at,
                "done_at": clock.done_at,
                "state": clock.state,
                "remaining_seconds": (
                    int(clock.remaining.total_seconds()) if clock.remaining is not None else None
                ),
                "remaining_text": clock.remaining_text,
                "warning": clock.warning,
                "breached": clock.breached,
            }
            for clock in ticket_sla_clocks(obj)
        ]

    @extend_schema_field(
        serializers.ListField(child=serializers.ChoiceField(choices=list(ACTION_NAMES)))
    )
    def get_actions(self, obj: Ticket) -> list[str]:
        actions = self.context.get("actions")
        if actions is None:
            return []
        return [name for name in ACTION_NAMES if name in actions]


# --- The list ------------------------------------------------------------------------------------


class StaffTicketFilterSerializer(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=[STATUS_FILTER_ACTIVE, STATUS_FILTER_ALL, *TicketStatus.values],
        required=False,
        default=STATUS_FILTER_ACTIVE,
        help_text="«active» (por defecto: los que aún requieren atención), «all» o un estado.",
    )
    queue = serializers.SlugField(
        required=False, allow_blank=True, default="", help_text="Código de la cola."
    )
    assignee = serializers.RegexField(
        r"^(me|none|[1-9][0-9]{0,17})$",
        required=False,
        allow_blank=True,
        default="",
        help_text="«me» (asignados a mí), «none» (sin asignar) o el id de un técnico.",
    )
    priority = serializers.ChoiceField(
        choices=Priority.values, required=False, allow_blank=True, default=""
    )
    breached = serializers.BooleanField(
        required=False,
        allow_null=True,
        default=None,
        help_text="true: con algún SLA vencido; false: sin ninguno vencido.",
    )
    ordering = serializers.ChoiceField(
        choices=["due", "-due"],
        required=False,
        default="due",
        help_text="Por vencimiento de la resolución: «due» el más urgente primero, «-due» al "
        "revés.",
    )


class StaffTicketPagination(CursorPagination):
    """Cursor paging on the resolution deadline (then id): no COUNT, stable while tickets move.

    Every ticket gets its deadlines when it is created, so the cursor field is never empty.
    """

    ordering = ("resolution_due_at", "id")
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200

    def get_ordering(self, request: Request, queryset: QuerySet, view: Any) -> tuple[str, ...]:
        return getattr(view, "cursor_ordering", self.ordering)


class IsHelpdeskStaff(BasePermission):
    """Lists of staff cases: 403 for anyone but technicians and supervisors, as the staff pages
    answer."""

    message = gettext_lazy(
        "Solo técnicos y supervisores de la mesa de ayuda consultan estos casos."
    )

    def has_permission(self, request: Request, view: object) -> bool:
        return is_helpdesk_staff(request.user)


class StaffTicketListApi(ListAPIView):
    permission_classes = [IsAuthenticated, IsHelpdeskStaff]
    serializer_class = StaffTicketSerializer
    pagination_class = StaffTicketPagination
    filter_backends: list = []

    def get_queryset(self) -> QuerySet[Ticket]:
        filters = StaffTicketFilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        data = filters.validated_data
        if data["ordering"] == "-due":
            self.cursor_ordering = ("-resolution_due_at", "-id")
        return ticket_list_for_staff_filtered(
            actor=self.request.user,
            status=data["status"],
            queue_code=data["queue"],
            assignee=data["assignee"],
            priority=data["priority"],
            breached=data["breached"],
        ).values_list(*StaffTicketSerializer.ROW_FIELDS, named=True)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        context = {**self.get_serializer_context(), "names": ticket_list_names(page)}
        return self.get_paginated_response(
            StaffTicketSerializer(page, many=True, context=context).data
        )

    @extend_schema(
        tags=TAGS,
        operation_id="helpdesk_staff_ticket_list",
        summary="Casos de mis colas",
        description=(
            "Los casos de las colas que la persona atiende (técnico de un equipo de la cola con "
            "un rol que la cubre, o supervisor con ámbito sobre ella), ordenados por vencimiento "
            "de la resolución y paginados por cursor. Quien no es técnico ni supervisor "
            "recibe 403."
        ),
        parameters=[StaffTicketFilterSerializer],
        responses={
            200: StaffTicketSerializer(many=True),
            403: OpenApiResponse(description="No es técnico ni supervisor de la mesa de ayuda."),
        },
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)


# --- One ticket ----------------------------------------------------------------------------------


def _ticket_response(request: Request, ticket: Ticket, code: int = status.HTTP_200_OK) -> Response:
    return Response(StaffTicketSerializer(ticket, context={"request": request}).data, status=code)


def _entry_response(request: Request, entry: Any) -> Response:
    return Response(
        TicketEntrySerializer(entry, context={"request": request}).data,
        status=status.HTTP_201_CREATED,
    )


def _input(serializer_class: type[serializers.Serializer], request: Request) -> dict[str, Any]:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class StaffTicketDetailApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        operation_id="helpdesk_staff_ticket_detail",
        summary="Un caso, con notas internas",
        responses={
            200: StaffTicketDetailSerializer,
            404: _RESPONSES_ACTION_ERRORS[404],
        },
    )
    def get(self, request: Request, number: str) -> Response:
        ticket = ticket_get_for_staff(actor=request.user, number=number, detail=True)
        context = {
            "request": request,
            "entries": ticket_entries_for(actor=request.user, ticket=ticket),
            "actions": staff_ticket_actions(actor=request.user, ticket=ticket),
        }
        return Response(StaffTicketDetailSerializer(ticket, context=context).data)


# --- Actions -------------------------------------------------------------------------------------


def _schema(operation: str, summary: str, request: Any = None, response: Any = None) -> Any:
    return extend_schema(
        tags=TAGS,
        operation_id=f"helpdesk_staff_ticket_{operation}",
        summary=summary,
        request=request,
        responses={200: response or StaffTicketSerializer, **_RESPONSES_ACTION_ERRORS},
    )


class StaffTicketClaimApi(APIView):
    permission_classes = [IsAuthenticated]

    @_schema("claim", "Tomar el caso")
    def post(self, request: Request, number: str) -> Response:
        ticket = ticket_get_for_staff(actor=request.user, number=number)
        services.ticket_claim(actor=request.user, ticket=ticket, request=request._request)
        return _ticket_response(request, ticket)


class StaffTicketReleaseApi(APIView):
    permission_classes = [IsAuthenticated]

    @_schema("release", "Devolver el caso a la cola")
    def post(self, request: Request, number: str) -> Response:
        ticket = ticket_get_for_staff(actor=request.user, number=number)
        services.ticket_release(actor=request.user, ticket=ticket, request=request._request)
        return _ticket_response(request, ticket)


class StaffAssignInputSerializer(serializers.Serializer):
    assignee = serializers.IntegerField(
        min_value=1, help_text="Id del técnico que atiende la cola del caso."
    )


class StaffTicketAssignApi(APIView):
    permission_classes = [IsAuthenticated]

    @_schema("assign", "Asignar el caso (supervisión)", StaffAssignInputSerializer)
    def post(self, request: Request, number: str) -> Response:
        ticket = ticket_get_for_staff(actor=request.user, number=number)
        data = _input(StaffAssignInputSerializer, request)
        assignee = User.objects.filter(pk=data["assignee"]).first()
        if assignee is None:
            raise ValidationError({"assignee": _("Esa persona no atiende la cola del caso.")})
        services.ticket_assign(
            actor=request.user, ticket=ticket, assignee=assignee, request=request._request
        )
        return _ticket_response(request, ticket)


class StaffRouteInputSerializer(serializers.Serializer):
    queue = serializers.SlugField(help_text="Código de la cola de destino.")
    note = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="Nota interna opcional."
    )


class StaffTicketRouteApi(APIView):
    permission_classes = [IsAuthenticated]

    @_schema("route", "Derivar el caso a otra cola", StaffRouteInputSerializer)
    def post(self, request: Request, number: str) -> Response:
        ticket = ticket_get_for_staff(actor=request.user, number=number)
        data = _input(StaffRouteInputSerializer, request)
        queue = Queue.objects.filter(code=data["queue"]).first()
        if queue is None:
            raise ValidationError({"queue": _("No existe una cola con ese código.")})
        services.ticket_route(
            actor=request.user,
            ticket=ticket,
            queue=queue,
            note=data["note"],
            request=request._request,
        )
        return _ticket_response(request, ticket)


class StaffPriorityInputSerializer(serializers.Serializer):
    priority = serializers.ChoiceField(choices=Priority.choices)


class StaffTicketPriorityApi(APIView):
    permission_classes = [IsAuthenticated]

    @_schema("priority", "Cambiar la prioridad", StaffPriorityInputSerializer)
    def post(self, request: Request, number: str) -> Response:
        ticket = ticket_get_for_staff(actor=request.user, number=number)
        data = _input(StaffPriorityInputSerializer, request)
        services.ticket_set_priority(
            actor=request.user, ticket=ticket, priority=data["priority"], request=request._request
        )
        return _ticket_response(request, ticket)


class StaffMessageInputSerializer(serializers.Serializer):
    body = serializers.CharField(trim_whitespace=True)
    files = serializers.ListField(
        child=serializers.FileField(),
        required=False,
        default=list,
        help_text="Archivos adjuntos (multipart/form-data).",
    )


class StaffReplyInputSerializer(StaffMessageInputSerializer):
    """A public reply: the requester reads it and is notified."""


class StaffNoteInputSerializer(StaffMessageInputSerializer):
    """An internal note: staff only."""


def _entry_schema(operation: str, summary: str, request: Any) -> Any:
    return extend_schema(
        tags=TAGS,
        operation_id=f"helpdesk_staff_ticket_{operation}",
        summary=summary,
        request={"application/json": request, "multipart/form-data": request},
        responses={201: TicketEntrySerializer, **_RESPONSES_ACTION_ERRORS},
    )


class StaffTicketReplyApi(APIView):
    permission_classes = [IsAuthenticated]

    @_entry_schema("reply", "Responder al solicitante", StaffReplyInputSerializer)
    def post(self, request: Request, number: str) -> Response:
        ticket = ticket_get_for_staff(actor=request.user, number=number)
        data = _input(StaffReplyInputSerializer, request)
        entry = services.ticket_reply(
            actor=request.user,
            ticket=ticket,
            body=data["body"],
            files=data["files"],
            channel=Channel.API,
            request=request._request,
        )
        return _entry_response(request, entry)


class StaffTicketNoteApi(APIView):
    permission_classes = [IsAuthenticated]

    @_entry_schema("note", "Agregar una nota interna", StaffNoteInputSerializer)
    def post(self, request: Request, number: str) -> Response:
        ticket = ticket_get_for_staff(actor=request.user, number=number)
        data = _input(StaffNoteInputSerializer, request)
        entry = services.ticket_add_note(
            actor=request.user,
            ticket=ticket,
            body=data["body"],
            files=data["files"],
            request=request._request,
        )
        return _entry_response(request, entry)


class StaffWaitingInputSerializer(serializers.Serializer):
    message = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text="Lo que se pide al solicitante (respuesta pública).",
    )


class StaffTicketWaitingApi(APIView):
    permission_classes = [IsAuthenticated]

    @_schema("waiting", "Esperar al solicitante", StaffWaitingInputSerializer)
    def post(self, request: Request, number: str) -> Response:
        ticket = ticket_get_for_staff(actor=request.user, number=number)
        data = _input(StaffWaitingInputSerializer, request)
        services.ticket_set_waiting(
            actor=request.user, ticket=ticket, message=data["message"], request=request._request
        )
        return _ticket_response(request, ticket)


class StaffResolveInputSerializer(serializers.Serializer):
    message = serializers.CharField(help_text="Mensaje de resolución para el solicitante.")


class StaffTicketResolveApi(APIView):
    permission_classes = [IsAuthenticated]

    @_schema("resolve", "Resolver el caso", StaffResolveInputSerializer)
    def post(self, request: Request, number: str) -> Response:
        ticket = ticket_get_for_staff(actor=request.user, number=number)
        data = _input(StaffResolveInputSerializer, request)
        services.ticket_resolve(
            actor=request.user, ticket=ticket, message=data["message"], request=request._request
        )
        return _ticket_response(request, ticket)


class StaffTicketCloseApi(APIView):
    permission_classes = [IsAuthenticated]

    @_schema("close", "Cerrar el caso resuelto")
    def post(self, request: Request, number: str) -> Response:
        ticket = ticket_get_for_staff(actor=request.user, number=number)
        services.ticket_close(actor=request.user, ticket=ticket, request=request._request)
        return _ticket_response(request, ticket)


class StaffReopenInputSerializer(serializers.Serializer):
    message = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="Nota interna opcional."
    )


class StaffTicketReopenApi(APIView):
    permission_classes = [IsAuthenticated]

    @_schema("reopen", "Reabrir el caso", StaffReopenInputSerializer)
    def post(self, request: Request, number: str) -> Response:
        ticket = ticket_get_for_staff(actor=request.user, number=number)
        data = _input(StaffReopenInputSerializer, request)
        services.ticket_reopen(
            actor=request.user, ticket=ticket, message=data["message"], request=request._request
        )
        return _ticket_response(request, ticket)


def _other_ticket(request: Request, number: str, field_name: str) -> Ticket:
    other = ticket_find_for_staff(actor=request.user, number=number)
    if other is None:
        raise ValidationError(
            {field_name: _("No hay un caso con ese número en las colas que usted atiende.")}
        )
    return other


class StaffMergeInputSerializer(serializers.Serializer):
    into = serializers.CharField(
        max_length=24, help_text="Número del caso que sigue (este queda «fusionado» en él)."
    )


class StaffTicketMergeApi(APIView):
    permission_classes = [IsAuthenticated]

    @_schema("merge", "Fusionar este caso en otro", StaffMergeInputSerializer)
    def post(self, request: Request, number: str) -> Response:
        ticket = ticket_get_for_staff(actor=request.user, number=number)
        data = _input(StaffMergeInputSerializer, request)
        into = _other_ticket(request, data["into"], "into")
        services.ticket_merge(
            actor=request.user, ticket=ticket, into=into, request=request._request
        )
        return _ticket_response(request, ticket)


class StaffLinkInputSerializer(serializers.Serializer):
    other = serializers.CharField(max_length=24, help_text="Número del otro caso.")
    kind = serializers.ChoiceField(
        choices=LinkKind.choices,
        help_text="related: relacionados; parent: el otro es el principal de este; child: el "
        "otro deriva de este.",
    )


class StaffTicketLinkApi(APIView):
    permission_classes = [IsAuthenticated]

    @_schema("link", "Vincular con otro caso", StaffLinkInputSerializer)
    def post(self, request: Request, number: str) -> Response:
        ticket = ticket_get_for_staff(actor=request.user, number=number)
        data = _input(StaffLinkInputSerializer, request)
        other = _other_ticket(request, data["other"], "other")
        services.ticket_link(
            actor=request.user,
            ticket=ticket,
            other=other,
            kind=data["kind"],
            request=request._request,
        )
        return _ticket_response(request, ticket)


_PREFIX = "mesa/tickets/<str:number>/"

urlpatterns = [
    path("mesa/tickets/", StaffTicketListApi.as_view(), name="helpdesk-staff-ticket-list"),
    path(_PREFIX, StaffTicketDetailApi.as_view(), name="helpdesk-staff-ticket-detail"),
    path(f"{_PREFIX}claim/", StaffTicketClaimApi.as_view(), name="helpdesk-staff-ticket-claim"),
    path(
        f"{_PREFIX}release/", StaffTicketReleaseApi.as_view(), name="helpdesk-staff-ticket-release"
    ),
    path(f"{_PREFIX}assign/", StaffTicketAssignApi.as_view(), name="helpdesk-staff-ticket-assign"),
    path(f"{_PREFIX}route/", StaffTicketRouteApi.as_view(), name="helpdesk-staff-ticket-route"),
    path(
        f"{_PREFIX}priority/",
        StaffTicketPriorityApi.as_view(),
        name="helpdesk-staff-ticket-priority",
    ),
    path(f"{_PREFIX}replies/", StaffTicketReplyApi.as_view(), name="helpdesk-staff-ticket-reply"),
    path(f"{_PREFIX}notes/", StaffTicketNoteApi.as_view(), name="helpdesk-staff-ticket-note"),
    path(
        f"{_PREFIX}waiting/", StaffTicketWaitingApi.as_view(), name="helpdesk-staff-ticket-waiting"
    ),
    path(
        f"{_PREFIX}resolve/", StaffTicketResolveApi.as_view(), name="helpdesk-staff-ticket-resolve"
    ),
    path(f"{_PREFIX}close/", StaffTicketCloseApi.as_view(), name="helpdesk-staff-ticket-close"),
    path(f"{_PREFIX}reopen/", StaffTicketReopenApi.as_view(), name="helpdesk-staff-ticket-reopen"),
    path(f"{_PREFIX}merge/", StaffTicketMergeApi.as_view(), name="helpdesk-staff-ticket-merge"),
    path(f"{_PREFIX}links/", StaffTicketLinkApi.as_view(), name="helpdesk-staff-ticket-link"),
]
