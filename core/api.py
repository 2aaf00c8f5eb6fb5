"""API plumbing shared by every app: the exception handler that maps domain errors and gives
every error answer one body shape (``core.api_schema.ErrorSerializer``, docs/architecture.md):
``detail`` and ``code``, or for a 400 on submitted data each field's messages by field name; and the
cursor pagination that refuses forged cursors. The JSON parser with a nesting limit is in
``core/parsers.py`` (DRF imports it while loading its views, so it cannot live here)."""

from typing import Any

from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext_lazy as _
from django.views.defaults import page_not_found
from rest_framework import exceptions, pagination, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from core.audit.services import audit_denied
from core.exceptions import Conflict


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, Conflict):
        return Response({"detail": exc.reason, "code": exc.code}, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            return Response(exc.message_dict, status=status.HTTP_400_BAD_REQUEST)
        body = {"detail": " ".join(exc.messages), "code": getattr(exc, "code", None) or "invalid"}
        return Response(body, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, PermissionDenied | exceptions.PermissionDenied) and context.get("request"):
        # Denied access is audited (docs/security.md); 401s for missing credentials are not.
        audit_denied(context["request"], reason=str(exc))
    response = drf_exception_handler(exc, context)
    if response is not None:
        response.data = _error_body(response.data)
    return response


def _error_body(data: Any) -> Any:
    """DRF answers ``{"detail": message}`` (add its code) or, for a validation error raised
    without field names, a bare list of messages (give it the same ``detail``/``code`` shape)."""
    if isinstance(data, dict):
        detail = data.get("detail")
        if isinstance(detail, str) and "code" not in data:
            return {**data, "code": getattr(detail, "code", None) or "error"}
        return data
    if isinstance(data, list):
        messages = [str(message) for message in data]
        code = getattr(data[0], "code", None) if data else None
        return {"detail": " ".join(messages), "code": code or "invalid"}
    return data


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """``handler404``: a path under /api/ that matches no route (``/api/v1/notifications/x/read/``
    where an id is a number) answers the API's JSON error, not the HTML page."""
    if request.path_info.startswith("/api/"):
        body = {"detail": str(exceptions.NotFound.default_detail), "code": "not_found"}
        return JsonResponse(body, status=status.HTTP_404_NOT_FOUND)
    return page_not_found(request, exception)


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
