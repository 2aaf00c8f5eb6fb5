"""API pieces of the one-time emailed links (core/links.py), shared by every process that
sends one: the input of a link, its refusal (and how the schema documents it) and the plain detail
answer."""

from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers, status
from rest_framework.response import Response

from core.api_schema import ErrorSerializer
from core.links import LinkError


class LinkInputSerializer(serializers.Serializer):
    public_id = serializers.UUIDField()
    token = serializers.CharField(max_length=200, trim_whitespace=False)


class DetailSerializer(serializers.Serializer):
    detail = serializers.CharField()


# A refused link answers the shared error body (core.api_schema); its codes are these three.
LINK_ERROR = OpenApiResponse(
    ErrorSerializer,
    description=(
        "Datos no válidos (mensajes por campo) o un enlace que no sirve: «code» es invalid, "
        "expired o used."
    ),
)


def link_error_response(error: LinkError) -> Response:
    return Response(
        {"detail": error.message, "code": error.code}, status=status.HTTP_400_BAD_REQUEST
    )
