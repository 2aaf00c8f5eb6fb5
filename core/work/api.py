"""The Bandeja API: the merged list with counts per queue, bulk claim, and bulk assignment by
supervisors. Thin: parse, call ``core.work``, serialize."""

from dataclasses import asdict
from typing import Any

from django.urls import path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from .access import can_use_workqueue, is_supervisor
from .bandeja import work_queue
from .bulk import work_queue_assign, work_queue_claim
from .items import MAX_LIMIT, ActionResult, ItemRef, WorkFilters
from .registry import assignable_people, work_priorities

TAGS = ["bandeja"]


class IsWorkQueueUser(BasePermission):
    message = _("Su cuenta no tiene un rol con bandeja de trabajo.")

    def has_permission(self, request: Request, view: object) -> bool:
        return can_use_workqueue(request.user)


class IsSupervisor(BasePermission):
    message = _("Solo los supervisores asignan elementos a otras personas.")

    def has_permission(self, request: Request, view: object) -> bool:
        return is_supervisor(request.user)


# --- Output ----------------------------------------------------------------------------------


class WorkItemSerializer(serializers.Serializer):
    kind = serializers.CharField(
        help_text=_("Tipo (fuente) del elemento; se envía en las acciones.")
    )
    id = serializers.CharField(help_text=_("Identificador dentro de su tipo (número de caso…)."))
    source = serializers.CharField(help_text=_("El tipo, en palabras."))
    title = serializers.CharField()
    subtitle = serializers.CharField()
    queue_key = serializers.CharField()
    queue_label = serializers.CharField()
    due_at = serializers.DateTimeField(allow_null=True)
    due_state = serializers.ChoiceField(
        choices=["", "overdue", "near_due"],
        help_text=_("«overdue»: vencido; «near_due»: por vencer; vacío: ninguno."),
    )
    status_label = serializers.CharField()
    priority = serializers.CharField(allow_blank=True)
    priority_label = serializers.CharField(allow_blank=True)
    url = serializers.CharField(help_text=_("La página donde se trabaja el elemento."))
    assigned_to_me = serializers.BooleanField()
    claimable = serializers.BooleanField()
    assignable = serializers.BooleanField()


class SectionSerializer(serializers.Serializer):
    total = serializers.IntegerField(help_text=_("Cuántos hay con estos filtros."))
    limit = serializers.IntegerField()
    has_more = serializers.BooleanField()
    items = WorkItemSerializer(many=True)


class QueueCountSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    assigned = serializers.IntegerField()
    available = serializers.IntegerField()
    total = serializers.IntegerField()


class KindSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()


class TechnicianSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    name = serializers.CharField(source="get_full_name")


class WorkQueueOutputSerializer(serializers.Serializer):
    assigned = SectionSerializer(help_text=_("Asignados a mí."))
    available = SectionSerializer(help_text=_("Disponibles en mis colas."))
    queues = QueueCountSerializer(many=True)
    kinds = KindSerializer(many=True)
    technicians = TechnicianSerializer(
        many=True, help_text=_("A quiénes puede asignar (solo supervisores; vacío si no).")
    )


class ActionResultSerializer(serializers.Serializer):
    kind = serializers.CharField()
    id = serializers.CharField()
    ok = serializers.BooleanField()
    code = serializers.CharField(
        help_text=_(
            "claimed/assigned si se hizo; si no, el motivo: already_claimed, already_yours, "
            "not_found, not_supported, forbidden, invalid_assignee, unknown_kind…"
        )
    )
    message = serializers.CharField()


class BulkResultSerializer(serializers.Serializer):
    succeeded = serializers.IntegerField()
    failed = serializers.IntegerField()
    results = ActionResultSerializer(many=True)


# --- Input -------------------------------------------------------------------------------------


class WorkQueueFilterSerializer(serializers.Serializer):
    queue = serializers.CharField(required=False, allow_blank=True, max_length=120)
    kind = serializers.CharField(required=False, allow_blank=True, max_length=40)
    priority = serializers.ChoiceField(choices=[], required=False, allow_blank=True)
    overdue = serializers.BooleanField(required=False, default=False)
    q = serializers.CharField(required=False, allow_blank=True, max_length=100)
    limit = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_LIMIT,
        help_text=_("Elementos por sección (50 si no se indica)."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The priorities the registered sources' items carry (the help desk's, today).
        self.fields["priority"].choices = work_priorities()


class ItemRefSerializer(serializers.Serializer):
    kind = serializers.CharField(max_length=40)
    id = serializers.CharField(max_length=80)


class ClaimInputSerializer(serializers.Serializer):
    items = ItemRefSerializer(many=True, allow_empty=False, max_length=MAX_LIMIT)


class AssignInputSerializer(ClaimInputSerializer):
    assignee = serializers.IntegerField(help_text=_("Id del técnico (ver «technicians»)."))


def _bulk_response(results: list[ActionResult]) -> Response:
    succeeded = sum(result.ok for result in results)
    payload = {
        "succeeded": succeeded,
        "failed": len(results) - succeeded,
        "results": [asdict(result) for result in results],
    }
    return Response(BulkResultSerializer(payload).data)


def _refs(data: dict[str, Any]) -> list[ItemRef]:
    return [ItemRef(kind=item["kind"], id=item["id"]) for item in data["items"]]


_FORBIDDEN = OpenApiResponse(description="Sin un rol que tenga bandeja de trabajo.")


class WorkQueueApi(APIView):
    permission_classes = [IsAuthenticated, IsWorkQueueUser]

    @extend_schema(
        operation_id="workqueue_list",
        summary="Mi bandeja",
        description=(
            "Lo asignado al usuario y lo que puede tomar, de todas las fuentes de trabajo de sus "
            "roles (casos, tareas de procesos, revisiones…), del plazo más próximo al más lejano "
            "(los que no tienen plazo al final), con cuántos hay por cola. Cada sección trae a lo "
            "sumo «limit» elementos. Para quien tenga un rol con trabajo: técnicos, supervisores, "
            "directores, docentes y funcionarios departamentales y del ministerio."
        ),
        parameters=[WorkQueueFilterSerializer],
        responses={200: WorkQueueOutputSerializer, 403: _FORBIDDEN},
        tags=TAGS,
    )
    def get(self, request: Request) -> Response:
        params = WorkQueueFilterSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        filters = WorkFilters(
            queue=data.get("queue", ""),
            kind=data.get("kind", ""),
            priority=data.get("priority", ""),
            overdue_only=data["overdue"],
            text=data.get("q", ""),
        )
        bandeja = work_queue(actor=request.user, filters=filters, limit=data.get("limit"))
        technicians = (
            list(assignable_people(actor=request.user)) if is_supervisor(request.user) else []
        )
        payload = {
            "assigned": bandeja.assigned,
            "available": bandeja.available,
            "queues": bandeja.queues,
            "kinds": [{"key": key, "label": label} for key, label in bandeja.kinds],
            "technicians": technicians,
        }
        return Response(WorkQueueOutputSerializer(payload).data)


class WorkQueueClaimApi(APIView):
    permission_classes = [IsAuthenticated, IsWorkQueueUser]

    @extend_schema(
        operation_id="workqueue_claim",
        summary="Tomar varios elementos",
        description=(
            "Toma cada elemento por separado y responde, por elemento, si se tomó o por qué no "
            "(por ejemplo, otra persona lo tomó antes). Siempre 200 si la petición es válida."
        ),
        request=ClaimInputSerializer,
        responses={
            200: BulkResultSerializer,
            400: OpenApiResponse(description="Datos no válidos."),
            403: _FORBIDDEN,
        },
        tags=TAGS,
    )
    def post(self, request: Request) -> Response:
        body = ClaimInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        results = work_queue_claim(
            actor=request.user, items=_refs(body.validated_data), request=request._request
        )
        return _bulk_response(results)


class WorkQueueAssignApi(APIView):
    permission_classes = [IsAuthenticated, IsWorkQueueUser, IsSupervisor]

    @extend_schema(
        operation_id="workqueue_assign",
        summary="Asignar varios elementos a un técnico",
        description=(
            "Solo supervisores. Asigna cada elemento al técnico indicado, por separado, y "
            "responde por elemento si se asignó o por qué no."
        ),
        request=AssignInputSerializer,
        responses={
            200: BulkResultSerializer,
            400: OpenApiResponse(description="Datos no válidos o técnico que no puede recibirlos."),
            403: OpenApiResponse(description="No es supervisor de la mesa de ayuda."),
        },
        tags=TAGS,
    )
    def post(self, request: Request) -> Response:
        body = AssignInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        assignee = (
            assignable_people(actor=request.user).filter(pk=body.validated_data["assignee"]).first()
        )
        if assignee is None:
            raise serializers.ValidationError(
                {"assignee": [_("Esa persona no es técnico de las colas que usted supervisa.")]}
            )
        results = work_queue_assign(
            actor=request.user,
            items=_refs(body.validated_data),
            assignee=assignee,
            request=request._request,
        )
        return _bulk_response(results)


urlpatterns = [
    path("bandeja/", WorkQueueApi.as_view(), name="work-bandeja"),
    path("bandeja/claim/", WorkQueueClaimApi.as_view(), name="work-bandeja-claim"),
    path("bandeja/assign/", WorkQueueAssignApi.as_view(), name="work-bandeja-assign"),
]
