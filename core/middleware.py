"""Middleware that turns domain errors raised by HTML views into their HTTP answers.

The API has the same mapping in ``core/api.py`` (DRF handles its own exceptions before any
middleware sees them).
"""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from core.exceptions import Conflict


class DomainErrorMiddleware:
    """``core.exceptions.Conflict`` → 409 page that tells the user why (``templates/409.html``).

    ``PermissionDenied`` needs nothing here: Django already answers it with 403.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, Conflict):
            return render(
                request,
                "409.html",
                {"reason": exception.reason, "code": exception.code},
                status=409,
            )
        return None
