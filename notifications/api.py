"""The inbox API for the web and the family app: the caller's own in-app messages only."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import serializers
from rest_framework.generics import ListAPIView
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import CursorPagination

from .conf import notifications_settings
from .models import OutboxMessage
from .selectors import inbox_get, inbox_list, inbox_unread_count
from .services import inbox_mark_all_read, inbox_mark_read


class InboxCursorPagination(CursorPagination):
    ordering = "-id"
    page_size_query_param = "page_size"
    max_page_size = 100

    def get_page_size(self, request: Request) -> int | None:
        self.page_size = notifications_settings.API_PAGE_SIZE
        return super().get_page_size(request)


class InboxMessageSerializer(serializers.ModelSerializer):
    title = serializers.CharField(source="subject", read_only=True)
    body = serializers.CharField(source="body_text", read_only=True)
    is_read = serializers.BooleanField(read_only=True)

    class Meta:
        model = OutboxMessage
        fields = ["id", "title", "body", "link", "is_read", "read_at", "created_at"]
        read_only_fields = fields


class InboxFilterSerializer(serializers.Serializer):
    unread = serializers.BooleanField(
        required=False, default=False, help_text=_("Solo los mensajes no leídos.")
    )


@extend_schema_view(
    get=extend_schema(
        tags=["notificaciones"],
        operation_id="notifications_list",
        summary="Mis notificaciones",
        parameters=[
            OpenApiParameter(
                "unread", OpenApiTypes.BOOL, description="Solo los mensajes no leídos."
            )
        ],
    )
)
class InboxListApi(ListAPIView):
    """The caller's in-app messages, newest first (cursor pagination)."""

    serializer_class = InboxMessageSerializer
    pagination_class = InboxCursorPagination
    permission_classes = [IsAuthenticated]
    filter_backends: list = []

    def get_queryset(self):
        filters = InboxFilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        return inbox_list(user=self.request.user, unread_only=filters.validated_data["unread"])


class InboxReadApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=["notificaciones"],
        operation_id="notifications_read",
        summary="Marcar una notificación como leída",
        request=None,
        responses={200: InboxMessageSerializer},
    )
    def post(self, request: Request, pk: int) -> Response:
        # Another person's id answers 404, exactly like an id that does not exist.
        message = inbox_get(user=request.user, message_id=pk)
        message = inbox_mark_read(user=request.user, message=message)
        return Response(InboxMessageSerializer(message).data)


class InboxReadAllApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=["notificaciones"],
        operation_id="notifications_read_all",
        summary="Marcar todas mis notificaciones como leídas",
        request=None,
        responses={
            200: inline_serializer("InboxReadAllResult", {"marked": serializers.IntegerField()})
        },
    )
    def post(self, request: Request) -> Response:
        return Response({"marked": inbox_mark_all_read(user=request.user)})


class InboxUnreadCountApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=["notificaciones"],
        operation_id="notifications_unread_count",
        summary="Cantidad de notificaciones sin leer",
        responses={
            200: inline_serializer("InboxUnreadCount", {"unread": serializers.IntegerField()})
        },
    )
    def get(self, request: Request) -> Response:
        return Response({"unread": inbox_unread_count(user=request.user)})
