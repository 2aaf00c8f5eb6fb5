"""API plumbing shared by every app: the exception handler that maps domain errors."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions, status
from rest_framework.response import Response
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
