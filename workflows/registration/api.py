"""Registration through the API (/api/v1/registration/…): the same services as the pages."""

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from core.links import VERIFICATION
from core.links_api import (
    DetailSerializer,
    LinkErrorSerializer,
    LinkInputSerializer,
    link_error_response,
)
from core.throttling import LiveScopedRateThrottle

from .choices import RegistrationStatus
from .conf import REGISTRATION
from .serializers import (
    RegistrationInputSerializer,
    TermsOutputSerializer,
    VerifyOutputSerializer,
)
from .services import LinkError, registration_submit, registration_verify, terms_accept

SUBMITTED_MESSAGE = _(
    "Si los datos son correctos, recibirá un correo con un enlace para confirmar su cuenta. "
    "El enlace vence en una hora."
)


class RegistrationCreateApi(APIView):
    """Ask for an account. The answer is the same whether or not the DUI already has one."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [LiveScopedRateThrottle]
    throttle_scope = REGISTRATION

    @extend_schema(
        request=RegistrationInputSerializer,
        responses={202: DetailSerializer},
        operation_id="registration_create",
    )
    def post(self, request: Any, *args: Any, **kwargs: Any) -> Response:
        serializer = RegistrationInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        registration_submit(**serializer.validated_data, request=request._request)
        return Response({"detail": str(SUBMITTED_MESSAGE)}, status=status.HTTP_202_ACCEPTED)


class RegistrationVerifyApi(APIView):
    """Use the emailed verification link (its ``public_id`` and ``token``)."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [LiveScopedRateThrottle]
    throttle_scope = VERIFICATION

    @extend_schema(
        request=LinkInputSerializer,
        responses={200: VerifyOutputSerializer, 400: LinkErrorSerializer},
        operation_id="registration_verify",
    )
    def post(self, request: Any, *args: Any, **kwargs: Any) -> Response:
        serializer = LinkInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            registration = registration_verify(
                **serializer.validated_data, request=request._request
            )
        except LinkError as error:
            return link_error_response(error)
        if registration.status == RegistrationStatus.ACTIVE:
            detail = _("Su correo fue confirmado y su cuenta está activa. Ya puede ingresar.")
        else:
            detail = _(
                "Su correo fue confirmado. Su solicitud necesita una revisión del personal; "
                "le avisaremos por correo."
            )
        return Response({"status": registration.status, "detail": str(detail)})


class TermsAcceptApi(APIView):
    """The first-login notice ("aviso de conformidad"): read whether it was accepted, accept it."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=TermsOutputSerializer, operation_id="terms_status")
    def get(self, request: Any, *args: Any, **kwargs: Any) -> Response:
        return Response({"terms_accepted_at": request.user.terms_accepted_at})

    @extend_schema(request=None, responses=TermsOutputSerializer, operation_id="terms_accept")
    def post(self, request: Any, *args: Any, **kwargs: Any) -> Response:
        user = terms_accept(user=request.user, request=request._request)
        return Response(TermsOutputSerializer({"terms_accepted_at": user.terms_accepted_at}).data)
