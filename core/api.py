"""API plumbing shared by every app: the exception handler that maps domain errors, the cursor
pagination that refuses forged cursors, and the JSON parser with a nesting limit."""

import codecs
from typing import Any

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, pagination, parsers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils import json
from rest_framework.views import exception_handler as drf_exception_handler

from core.audit.services import audit_denied
from core.exceptions import Conflict


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, Conflict):
        return Response({"detail": exc.reason, "code": exc.code}, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
        return Response(detail, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, PermissionDenied | exceptions.PermissionDenied) and context.get("request"):
        # Denied access is audited (docs/security.md); 401s for missing credentials are not.
        audit_denied(context["request"], reason=str(exc))
    return drf_exception_handler(exc, context)


class CursorPagination(pagination.CursorPagination):
    """DRF's cursor pagination, with the cursor's position checked against the ordering field.

    A cursor is base64 the client can rewrite: DRF checks its offset and direction but passes the
    position (``p=``) straight into ``filter(<field>__gt=position)``, so ``p=abc`` on an integer
    or date field raised a database error (500). A position the field cannot read is the same
    "invalid cursor" 404 DRF gives for an unreadable cursor. Every API cursor pages through this.
    """

    invalid_cursor_message = _("Cursor inválido.")

    def paginate_queryset(
        self, queryset: QuerySet, request: Request, view: Any = None
    ) -> list[Any] | None:
        self._model = queryset.model
        return super().paginate_queryset(queryset, request, view)

    def decode_cursor(self, request: Request) -> pagination.Cursor | None:
        cursor = super().decode_cursor(request)
        if cursor is None or cursor.position is None:
            return cursor
        field_name = self.ordering[0].lstrip("-")
        try:
            field = self._model._meta.get_field(field_name)
        except FieldDoesNotExist:  # an annotation: nothing to check it against
            return cursor
        try:
            field.to_python(cursor.position)
        except DjangoValidationError as exc:
            raise exceptions.NotFound(self.invalid_cursor_message) from exc
        return cursor


def json_depth_exceeds(data: Any, limit: int) -> bool:
    """Whether ``data`` (parsed JSON) nests lists and objects more than ``limit`` levels deep.

    Iterative, so a deep document cannot exhaust the interpreter's stack while being measured."""
    stack = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict):
            children = value.values()
        elif isinstance(value, list):
            children = value
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser with a nesting limit (``SIGES_API_JSON_MAX_DEPTH``, default 32).

    No SIGES request body nests more than a few levels. Python's parser gives up around 1,000
    levels with ``RecursionError`` (not a ``ValueError``, so DRF let it through as a 500), and a
    document just under that would still exhaust the stack in validation or serialisation. Both
    are refused as a parse error (400) before any view sees them.
    """

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        parser_context = parser_context or {}
        encoding = parser_context.get("encoding", settings.DEFAULT_CHARSET)
        limit = settings.SIGES_API_JSON_MAX_DEPTH
        try:
            decoded_stream = codecs.getreader(encoding)(stream)
            parse_constant = json.strict_constant if self.strict else None
            data = json.load(decoded_stream, parse_constant=parse_constant)
        except RecursionError as exc:
            raise exceptions.ParseError(_("El JSON está anidado a demasiada profundidad.")) from exc
        except ValueError as exc:
            raise exceptions.ParseError(
                _("El JSON no es válido: %(error)s") % {"error": exc}
            ) from exc
        if json_depth_exceeds(data, limit):
            raise exceptions.ParseError(
                _("El JSON está anidado a más de %(limit)d niveles.") % {"limit": limit}
            )
        return data
