"""The "Cuentas y accesos" cases through the API (/api/v1/account-reviews/…)."""

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.generics import ListAPIView
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from .models import ReviewCase
from .permissions import can_review_accounts
from .selectors import review_case_get, review_case_list
from .services import review_case_approve, review_case_reject


class ReviewCaseOutputSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    title = serializers.CharField(source="work_item_title", read_only=True)
    url = serializers.CharField(source="work_item_url", read_only=True)

    class Meta:
        model = ReviewCase
        fields = [
            "id",
            "kind",
            "kind_label",
            "status",
            "status_label",
            "queue_code",
            "title",
            "subject_name",
            "due_at",
            "created_at",
            "resolved_at",
            "resolution_reason",
            "url",
        ]
        read_only_fields = fields


class ApproveInputSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    new_email = serializers.EmailField(
        required=False,
        allow_blank=True,
        help_text="Obligatorio en recuperación de acceso: el nuevo correo de la persona.",
    )


class RejectInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class IsAccountReviewer(BasePermission):
    """The case list answers 403 to people who review no accounts, as the page does."""

    message = _("Solo quien revisa cuentas puede consultar estos casos.")

    def has_permission(self, request: Any, view: object) -> bool:
        return can_review_accounts(request.user)


class ReviewCaseListApi(ListAPIView):
    """Open cases the caller may work (technicians and supervisors, by scope)."""

    permission_classes = [IsAuthenticated, IsAccountReviewer]
    serializer_class = ReviewCaseOutputSerializer

    def get_queryset(self) -> Any:
        return review_case_list(actor=self.request.user)


class ReviewCaseDetailApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=ReviewCaseOutputSerializer)
    def get(self, request: Any, pk: int, *args: Any, **kwargs: Any) -> Response:
        case = review_case_get(actor=request.user, pk=pk)
        return Response(ReviewCaseOutputSerializer(case).data)


def _validation_response(exc: DjangoValidationError) -> Response:
    detail = exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
    return Response(detail, status=status.HTTP_400_BAD_REQUEST)


class ReviewCaseApproveApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=ApproveInputSerializer,
        responses=ReviewCaseOutputSerializer,
        operation_id="account_review_approve",
    )
    def post(self, request: Any, pk: int, *args: Any, **kwargs: Any) -> Response:
        case = review_case_get(actor=request.user, pk=pk)
        serializer = ApproveInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            review_case_approve(
                actor=request.user,
                case=case,
                reason=serializer.validated_data.get("reason", ""),
                new_email=serializer.validated_data.get("new_email", ""),
                request=request._request,
            )
        except DjangoValidationError as exc:
            return _validation_response(exc)
        return Response(ReviewCaseOutputSerializer(case).data)


class ReviewCaseRejectApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=RejectInputSerializer,
        responses=ReviewCaseOutputSerializer,
        operation_id="account_review_reject",
    )
    def post(self, request: Any, pk: int, *args: Any, **kwargs: Any) -> Response:
        case = review_case_get(actor=request.user, pk=pk)
        serializer = RejectInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            review_case_reject(
                actor=request.user,
                case=case,
                reason=serializer.validated_data["reason"],
                request=request._request,
            )
        except DjangoValidationError as exc:
            return _validation_response(exc)
        return Response(ReviewCaseOutputSerializer(case).data)
