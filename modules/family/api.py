"""The family API (/api/v1/familia/…) for the mobile app and the school's side: conversations
with the school and absence permission requests. Same scopes as the pages (404 outside them,
409 once closed or decided), throttled like the rest of the API (the default user budget).

- ``familia/hijos/<id>/conversaciones/`` GET, POST: a child's conversations; open one.
- ``familia/conversaciones/`` GET: every conversation the caller reaches, as family or school.
- ``familia/conversaciones/<id>/mensajes/`` GET, POST: the thread; reply (either side).
- ``familia/conversaciones/<id>/cerrar/`` POST: close (either side).
- ``familia/hijos/<id>/permisos/`` GET, POST: a child's permission requests; ask for one.
- ``familia/permisos/`` GET, ``familia/permisos/<id>/`` GET: requests the caller reaches.
- ``familia/permisos/<id>/cancelar/`` POST (the guardian), ``…/decidir/`` POST (the school).
"""

from __future__ import annotations

from typing import Any

from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from modules.academics import family

from . import selectors, services
from .choices import ConversationStatus, PermissionStatus
from .models import BODY_MAX, COMMENT_MAX, REASON_MAX, SUBJECT_MAX

TAGS = ["familia"]
LIST_LIMIT = 100


class ConversationSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    student = serializers.IntegerField(source="student_id")
    student_name = serializers.CharField(source="student.person.full_name")
    school_name = serializers.CharField(source="school.name")
    subject = serializers.CharField()
    status = serializers.ChoiceField(choices=ConversationStatus.choices)
    waiting_for_school = serializers.SerializerMethodField()
    due_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()
    last_message_at = serializers.DateTimeField(allow_null=True)

    def get_waiting_for_school(self, obj: Any) -> bool:
        return obj.status == ConversationStatus.OPEN and obj.due_at is not None


class ConversationCreateSerializer(serializers.Serializer):
    subject = serializers.CharField(max_length=SUBJECT_MAX)
    body = serializers.CharField(max_length=BODY_MAX, help_text="Texto plano.")


class MessageSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    from_family = serializers.BooleanField()
    author_name = serializers.CharField(source="author.person.full_name")
    body = serializers.CharField()
    created_at = serializers.DateTimeField()


class MessageCreateSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=BODY_MAX, help_text="Texto plano.")


class PermissionSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    student = serializers.IntegerField(source="student_id")
    student_name = serializers.CharField(source="student.person.full_name")
    school_name = serializers.CharField(source="school.name")
    date_from = serializers.DateField()
    date_to = serializers.DateField()
    reason = serializers.CharField()
    status = serializers.ChoiceField(choices=PermissionStatus.choices)
    due_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()
    decided_at = serializers.DateTimeField(allow_null=True)
    comment = serializers.CharField(allow_blank=True)
    days_justified = serializers.IntegerField()
    has_document = serializers.SerializerMethodField()

    def get_has_document(self, obj: Any) -> bool:
        return bool(obj.document)


class PermissionCreateSerializer(serializers.Serializer):
    date_from = serializers.DateField()
    date_to = serializers.DateField()
    reason = serializers.CharField(max_length=REASON_MAX)
    document = serializers.FileField(
        required=False, help_text="Opcional (multipart): PDF, PNG o JPEG de hasta 5 MB."
    )


class DecisionSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=[("approve", "approve"), ("reject", "reject")])
    comment = serializers.CharField(
        max_length=COMMENT_MAX,
        required=False,
        allow_blank=True,
        help_text="Obligatorio al rechazar.",
    )


def _valid(serializer_class: type[serializers.Serializer], request: Request) -> dict[str, Any]:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class ChildConversationsApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        summary="Conversaciones con el centro sobre un hijo",
        responses=ConversationSerializer(many=True),
    )
    def get(self, request: Request, pk: int) -> Response:
        family.child_get(request.user, pk)  # 404 for anyone else's child
        rows = selectors.conversation_list_for_child(request.user, pk)
        return Response(ConversationSerializer(rows, many=True).data)

    @extend_schema(
        tags=TAGS,
        summary="Escribir al centro sobre un hijo (abre una conversación)",
        request=ConversationCreateSerializer,
        responses={201: ConversationSerializer},
    )
    def post(self, request: Request, pk: int) -> Response:
        data = _valid(ConversationCreateSerializer, request)
        conversation = services.conversation_open(
            actor=request.user, student_id=pk, request=request, **data
        )
        return Response(ConversationSerializer(conversation).data, status=status.HTTP_201_CREATED)


class ConversationListApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        summary="Conversaciones que el usuario alcanza (como familia o como centro)",
        responses=ConversationSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        rows = selectors.conversation_list_any(request.user)[:LIST_LIMIT]
        return Response(ConversationSerializer(rows, many=True).data)


class ConversationMessagesApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS, summary="Mensajes de una conversación", responses=MessageSerializer(many=True)
    )
    def get(self, request: Request, pk: int) -> Response:
        conversation, _is_family = selectors.conversation_get(request.user, pk)
        return Response(MessageSerializer(selectors.message_list(conversation), many=True).data)

    @extend_schema(
        tags=TAGS,
        summary="Responder en una conversación (familia o centro)",
        request=MessageCreateSerializer,
        responses={201: MessageSerializer},
    )
    def post(self, request: Request, pk: int) -> Response:
        conversation, _is_family = selectors.conversation_get(request.user, pk)
        data = _valid(MessageCreateSerializer, request)
        message = services.message_post(
            actor=request.user, conversation=conversation, body=data["body"], request=request
        )
        return Response(MessageSerializer(message).data, status=status.HTTP_201_CREATED)


class ConversationCloseApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS, summary="Cerrar una conversación", request=None, responses=ConversationSerializer
    )
    def post(self, request: Request, pk: int) -> Response:
        conversation, _is_family = selectors.conversation_get(request.user, pk)
        services.conversation_close(actor=request.user, conversation=conversation, request=request)
        return Response(ConversationSerializer(conversation).data)


class ChildPermissionsApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        summary="Permisos de inasistencia pedidos para un hijo",
        responses=PermissionSerializer(many=True),
    )
    def get(self, request: Request, pk: int) -> Response:
        family.child_get(request.user, pk)
        rows = selectors.permission_list_for_child(request.user, pk)
        return Response(PermissionSerializer(rows, many=True).data)

    @extend_schema(
        tags=TAGS,
        summary="Pedir un permiso de inasistencia para un hijo",
        request=PermissionCreateSerializer,
        responses={201: PermissionSerializer},
    )
    def post(self, request: Request, pk: int) -> Response:
        data = _valid(PermissionCreateSerializer, request)
        permission = services.permission_request(
            actor=request.user, student_id=pk, request=request, **data
        )
        return Response(PermissionSerializer(permission).data, status=status.HTTP_201_CREATED)


class PermissionListApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        summary="Permisos de inasistencia que el usuario alcanza (como familia o como centro)",
        responses=PermissionSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        rows = selectors.permission_list_any(request.user)[:LIST_LIMIT]
        return Response(PermissionSerializer(rows, many=True).data)


class PermissionDetailApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(tags=TAGS, summary="Un permiso de inasistencia", responses=PermissionSerializer)
    def get(self, request: Request, pk: int) -> Response:
        return Response(PermissionSerializer(selectors.permission_get(request.user, pk)).data)


class PermissionCancelApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        summary="Cancelar un permiso aún no decidido (la familia que lo pidió)",
        request=None,
        responses=PermissionSerializer,
    )
    def post(self, request: Request, pk: int) -> Response:
        permission = selectors.permission_get_family(request.user, pk)
        services.permission_cancel(actor=request.user, permission=permission, request=request)
        return Response(PermissionSerializer(permission).data)


class PermissionDecideApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        summary="Aprobar o rechazar un permiso (dirección o docente orientador)",
        request=DecisionSerializer,
        responses=PermissionSerializer,
    )
    def post(self, request: Request, pk: int) -> Response:
        permission = selectors.permission_get_staff(request.user, pk)
        data = _valid(DecisionSerializer, request)
        services.permission_decide(
            actor=request.user,
            permission=permission,
            approve=data["decision"] == "approve",
            comment=data.get("comment", ""),
            request=request,
        )
        return Response(PermissionSerializer(permission).data)


urlpatterns = [
    path(
        "familia/hijos/<int:pk>/conversaciones/",
        ChildConversationsApi.as_view(),
        name="family-child-conversations",
    ),
    path("familia/conversaciones/", ConversationListApi.as_view(), name="family-conversations"),
    path(
        "familia/conversaciones/<int:pk>/mensajes/",
        ConversationMessagesApi.as_view(),
        name="family-conversation-messages",
    ),
    path(
        "familia/conversaciones/<int:pk>/cerrar/",
        ConversationCloseApi.as_view(),
        name="family-conversation-close",
    ),
    path(
        "familia/hijos/<int:pk>/permisos/",
        ChildPermissionsApi.as_view(),
        name="family-child-permissions",
    ),
    path("familia/permisos/", PermissionListApi.as_view(), name="family-permissions"),
    path("familia/permisos/<int:pk>/", PermissionDetailApi.as_view(), name="family-permission"),
    path(
        "familia/permisos/<int:pk>/cancelar/",
        PermissionCancelApi.as_view(),
        name="family-permission-cancel",
    ),
    path(
        "familia/permisos/<int:pk>/decidir/",
        PermissionDecideApi.as_view(),
        name="family-permission-decide",
    ),
]
