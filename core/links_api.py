"""API pieces of the one-time emailed links (core/links.py), shared by every process that
sends one: the input of a link, its refusal and the plain detail answer."""

from rest_framework import serializers, status
from rest_framework.response import Response

from core.links import LinkError


class LinkInputSerializer(serializers.Serializer):
    public_id = serializers.UUIDField()
    token = serializers.CharField(max_length=200, trim_whitespace=False)


class DetailSerializer(serializers.Serializer):
    detail = serializers.CharField()


class LinkErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()
    code = serializers.ChoiceField(choices=["invalid", "expired", "used"])


def link_error_response(error: LinkError) -> Response:
    return Response(
        {"detail": error.message, "code": error.code}, status=status.HTTP_400_BAD_REQUEST
    )
