"""Accounts API: token login by DUI (for the family app), token logout, and "who am I"."""

from django.contrib.auth import authenticate
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from knox.auth import TokenAuthentication
from rest_framework import status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api_schema import ErrorSerializer
from core.throttling import LiveScopedRateThrottle

from .forms import INVALID_LOGIN_MESSAGE, code_error_message
from .models import User
from .selectors import role_grant_list_active, user_profile_get
from .serializers import (
    MeSerializer,
    TokenObtainInputSerializer,
    TokenObtainOutputSerializer,
)
from .services import api_token_create, api_token_revoke
from .twofactor import has_second_factor, verify_second_factor
from .twostep import second_factor_failed, second_factor_passed


class TokenObtainApi(APIView):
    """Exchange a DUI and password for an expiring API token."""

    authentication_classes: list = []  # credentials are in the body; no session, no CSRF
    permission_classes = [AllowAny]
    throttle_classes = [LiveScopedRateThrottle]
    throttle_scope = "login"

    @extend_schema(
        operation_id="auth_token_create",
        summary="Obtener un token de acceso",
        description=(
            "Autentica con DUI y contraseña. Un DUI desconocido y una contraseña incorrecta "
            "reciben la misma respuesta 400. Una cuenta con verificación en dos pasos debe "
            "enviar también «otp»; sin él responde 400 con el código «otp_required», con uno "
            "incorrecto 400 «otp_invalid». Tras varios intentos fallidos desde una IP, o para "
            "un DUI desde una IP, responde 429 durante el periodo de espera."
        ),
        tags=["auth"],
        auth=[],
        request=TokenObtainInputSerializer,
        responses={
            200: TokenObtainOutputSerializer,
            400: OpenApiResponse(ErrorSerializer, description="DUI o contraseña incorrectos."),
            429: OpenApiResponse(ErrorSerializer, description="Bloqueo temporal o límite."),
        },
    )
    def post(self, request: Request) -> Response:
        data = TokenObtainInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        # The Django request, so django-axes counts this attempt like a web login.
        user = authenticate(
            request=request._request,
            dui=data.validated_data["dui"],
            password=data.validated_data["password"],
        )
        if user is None:
            return Response(
                {"detail": str(INVALID_LOGIN_MESSAGE), "code": "invalid_login"},
                status=status.HTTP_400_BAD_REQUEST,
            )
        if has_second_factor(user):
            # The token is a login too: no bypass of the second factor (docs/security.md §1.7).
            refusal = self._second_factor(request, user, data.validated_data.get("otp") or "")
            if refusal is not None:
                return refusal
        instance, token = api_token_create(user=user, request=request._request)
        output = TokenObtainOutputSerializer({"token": token, "expiry": instance.expiry})
        return Response(output.data)

    def _second_factor(self, request: Request, user: User, code: str) -> Response | None:
        if not code:
            return Response(
                {
                    "detail": _(
                        "Su cuenta tiene verificación en dos pasos: envíe también el código de "
                        "su aplicación de autenticación en «otp»."
                    ),
                    "code": "otp_required",
                },
                status=status.HTTP_400_BAD_REQUEST,
            )
        check = verify_second_factor(user, code)
        if check.ok:
            second_factor_passed(request._request, user, method=check.method, channel="api")
            return None
        second_factor_failed(request._request, user, check=check, channel="api")
        if check.wait_until is not None:
            return Response(
                {"detail": code_error_message(check), "code": "otp_throttled"},
                status=status.HTTP_429_TOO_MANY_REQUESTS,
                headers={"Retry-After": str(check.wait_seconds)},
            )
        return Response(
            {"detail": code_error_message(check), "code": "otp_invalid"},
            status=status.HTTP_400_BAD_REQUEST,
        )


class TokenLogoutApi(APIView):
    """Revoke the token this request is authenticated with."""

    authentication_classes = [TokenAuthentication]
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="auth_token_revoke",
        summary="Revocar el token actual",
        tags=["auth"],
        request=None,
        responses={204: OpenApiResponse(description="Token revocado.")},
    )
    def post(self, request: Request) -> Response:
        api_token_revoke(token=request.auth, request=request._request)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeApi(APIView):
    """The signed-in person and the roles they hold today, with their scopes."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="me_retrieve",
        summary="Mis datos y roles vigentes",
        tags=["auth"],
        responses={200: MeSerializer},
    )
    def get(self, request: Request) -> Response:
        account = user_profile_get(actor=request.user)
        payload = {
            "id": account.pk,
            "person": account.person,
            "roles": role_grant_list_active(actor=account),
        }
        return Response(MeSerializer(payload).data)
