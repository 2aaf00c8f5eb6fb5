"""Read-only API over the audit trail for auditors and administrators."""

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.generics import ListAPIView
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request

from core.api import CursorPagination

from .filters import AuditEventFilter
from .hashing import HASHED_FIELDS
from .models import AuditEvent
from .selectors import audit_event_list, can_read_audit


class IsAuditReader(BasePermission):
    message = _("Solo auditores y administradores pueden consultar la auditoría.")

    def has_permission(self, request: Request, view: object) -> bool:
        return can_read_audit(request.user)


class AuditEventOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = AuditEvent
        # Everything the hash covers (one list: core/audit/hashing.py), with the id and hash.
        fields = ["id", *HASHED_FIELDS, "hash"]
        read_only_fields = fields


class AuditEventPagination(CursorPagination):
    # Cursor paging on the primary key: stable while events are appended, no COUNT(*).
    ordering = "id"
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 500


class AuditEventListApi(ListAPIView):
    permission_classes = [IsAuthenticated, IsAuditReader]
    serializer_class = AuditEventOutputSerializer
    pagination_class = AuditEventPagination
    filterset_class = AuditEventFilter

    def get_queryset(self) -> QuerySet[AuditEvent]:
        return audit_event_list(actor=self.request.user)

    @extend_schema(
        summary="Eventos de auditoría",
        description=(
            "Todos los eventos de la bitácora, del más antiguo al más reciente, paginados por "
            "cursor. Solo para auditores y administradores."
        ),
        responses={
            200: AuditEventOutputSerializer(many=True),
            403: OpenApiResponse(description="El usuario no es auditor ni administrador."),
        },
        tags=["auditoría"],
    )
    def get(self, request: Request, *args: object, **kwargs: object):
        return super().get(request, *args, **kwargs)
