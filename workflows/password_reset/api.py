"""Password reset through the API (/api/v1/password-reset/…): the same services as the pages."""

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from core.accounts.passwords import validate_new_password
from core.links import VERIFICATION, LinkError
from core.links_api import (
    DetailSerializer,
    LinkErrorSerializer,
    LinkInputSerializer,
    link_error_response,
)
from core.throttling import LiveScopedRateThrottle

from .conf import PASSWORD_RESET
from .services import password_reset_complete, password_reset_request_accept, reset_link_check

REQUESTED_MESSAGE = _(
    "Si el DUI o el correo corresponde a una cuenta, enviaremos un enlace para cambiar la "
    "contraseña al correo registrado. El enlace vence en una hora."
)


class ResetRequestInputSerializer(serializers.Serializer):
    identifier = serializers.CharField(max_length=254, help_text="DUI o correo electrónico.")


class ResetCompleteInputSerializer(LinkInputSerializer):
    new_password = serializers.CharField(trim_whitespace=False, write_only=True)


class PasswordResetRequestApi(APIView):
    """Ask for a reset link. The answer is the same whether or not an account matched."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [LiveScopedRateThrottle]
    throttle_scope = PASSWORD_RESET

    @extend_schema(
        request=ResetRequestInputSerializer,
        responses={202: DetailSerializer},
        operation_id="password_reset_request",
    )
    def post(self, request: Any, *args: Any, **kwargs: Any) -> Response:
        serializer = ResetRequestInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        password_reset_request_accept(
            identifier=serializer.validated_data["identifier"], request=request._request
        )
        return Response({"detail": str(REQUESTED_MESSAGE)}, status=status.HTTP_202_ACCEPTED)


class PasswordResetCompleteApi(APIView):
    """Set the new password with the emailed link's ``public_id`` and ``token``."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [LiveScopedRateThrottle]
    throttle_scope = VERIFICATION

    @extend_schema(
        request=ResetCompleteInputSerializer,
        responses={200: DetailSerializer, 400: LinkErrorSerializer},
        operation_id="password_reset_complete",
    )
    def post(self, request: Any, *args: Any, **kwargs: Any) -> Response:
        serializer = ResetCompleteInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            reset = reset_link_check(
                public_id=data["public_id"], token=data["token"], request=request._request
            )
            validate_new_password(data["new_password"], user=reset.user)
            password_reset_complete(
                public_id=data["public_id"],
                token=data["token"],
                new_password=data["new_password"],
                request=request._request,
            )
        except LinkError as error:
            return link_error_response(error)
        except DjangoValidationError as exc:
            return Response({"new_password": exc.messages}, status=status.HTTP_400_BAD_REQUEST)
        detail = _("Su contraseña fue cambiada. Ingrese con la nueva contraseña.")
        return Response({"detail": str(detail)})
