"""Public title verification API: ``GET /api/v1/titulos/verificar/<code>/`` (no login,
rate-limited with the pages' ``title_verification`` budget). Answers the same minimal data as
the page; an unknown or malformed code is the ordinary 404 body."""

from django.http import Http404
from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.throttling import LiveScopedRateThrottle

from .choices import TitleStatus
from .selectors import title_verify

TAGS = ["títulos"]


class VerificationSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="El código como se imprime (grupos de cuatro).")
    status = serializers.ChoiceField(choices=TitleStatus.choices)
    status_label = serializers.CharField()
    student_name = serializers.CharField()
    title = serializers.CharField()
    school = serializers.CharField()
    year = serializers.IntegerField()
    issued_on = serializers.DateField()
    number = serializers.CharField()
    annulled_on = serializers.DateField(allow_null=True)
    replaced_by_number = serializers.CharField(allow_blank=True)


class TitleVerifyView(APIView):
    permission_classes = [AllowAny]
    throttle_classes = [LiveScopedRateThrottle]
    throttle_scope = "title_verification"

    @extend_schema(
        tags=TAGS,
        operation_id="titles_verify",
        summary="Verificar un título",
        description=(
            "Dice si el título con este código de verificación es válido, fue reemplazado o "
            "fue anulado, con datos mínimos (nunca el DUI ni el NIE)."
        ),
        responses={200: VerificationSerializer},
    )
    def get(self, request: Request, code: str) -> Response:
        found = title_verify(code)
        if found is None:
            raise Http404
        return Response(VerificationSerializer(found).data)


urlpatterns = [
    path("titulos/verificar/<str:code>/", TitleVerifyView.as_view(), name="titles-verify"),
]
