"""Accounts API: token login by DUI (for the family app), token logout, and "who am I"."""

from django.contrib.auth import authenticate
from drf_spectacular.utils import OpenApiResponse, extend_schema
from knox.auth import TokenAuthentication
from rest_framework import status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from core.api_schema import ErrorSerializer

from .forms import INVALID_LOGIN_MESSAGE
from .selectors import role_grant_list_active, user_profile_get
from .serializers import (
    MeSerializer,
    TokenObtainInputSerializer,
    TokenObtainOutputSerializer,
)
from .services import api_token_create, api_token_revoke


class TokenObtainApi(APIView):
    """Exchange a DUI and password for an expiring API token."""

    authentication_classes: list = []  # credentials are in the body; no session, no CSRF
    permission_classes = [AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "login"

    @extend_schema(
        operation_id="auth_token_create",
        summary="Obtener un token de acceso",
        description=(
            "Autentica con DUI y contraseña. Un DUI desconocido y una contraseña incorrecta "
            "reciben la misma respuesta 400. Tras varios intentos fallidos desde una IP, o para "
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
        instance, token = api_token_create(user=user, request=request._request)
        output = TokenObtainOutputSerializer({"token": token, "expiry": instance.expiry})
        return Response(output.data)


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
