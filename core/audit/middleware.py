"""Record every request refused with ``PermissionDenied`` (HTTP 403) in the audit trail."""

from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from .services import audit_denied


class DeniedAccessMiddleware:
    """Audits ``PermissionDenied`` raised by views (the API audits its own, in core/api.py).

    Only 403s: a 404 is an ordinary answer (also the answer for objects outside the actor's
    scope) and recording each one would fill the trail with noise.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> None:
        if isinstance(exception, PermissionDenied):
            audit_denied(request, reason=str(exception))
