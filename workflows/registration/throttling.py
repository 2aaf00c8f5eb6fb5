"""Rate limits for registration, password reset and link verification, shared by API and pages.

The API uses ``LiveScopedRateThrottle`` (DRF's ScopedRateThrottle, scopes ``registration``,
``password_reset``, ``verification``); the HTML views use ``throttle_page`` with the same rates
and the same cache keys, so a client has one budget per scope whichever door it uses. Rates come
from ``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]`` and are read per request (DRF reads them once
at import), so tests and operators can change them without a restart.

Throttling limits abuse; it is not the security control (the tokens and answers are).
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from rest_framework.settings import api_settings
from rest_framework.throttling import ScopedRateThrottle, SimpleRateThrottle

REGISTRATION = "registration"
PASSWORD_RESET = "password_reset"  # noqa: S105 - a throttle scope name
VERIFICATION = "verification"


def _live_rate(scope: str) -> str | None:
    try:
        return api_settings.DEFAULT_THROTTLE_RATES[scope]
    except KeyError as exc:
        raise ImproperlyConfigured(f"No throttle rate set for scope {scope!r}") from exc


class LiveScopedRateThrottle(ScopedRateThrottle):
    def get_rate(self) -> str | None:
        return _live_rate(self.scope)


class _PageThrottle(SimpleRateThrottle):
    """The HTML twin of ScopedRateThrottle: same cache key format, same identity."""

    def __init__(self, scope: str) -> None:
        self.scope = scope
        self.rate = _live_rate(scope)
        self.num_requests, self.duration = self.parse_rate(self.rate)

    def get_rate(self) -> str | None:
        return _live_rate(self.scope)

    def get_cache_key(self, request: Any, view: Any) -> str:
        user = getattr(request, "user", None)
        ident = user.pk if user is not None and user.is_authenticated else self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}


def page_throttle_wait(request: HttpRequest, scope: str) -> float | None:
    """Count one request against ``scope``; ``None`` if allowed, else seconds to wait."""
    throttle = _PageThrottle(scope)
    if throttle.allow_request(request, None):
        return None
    return throttle.wait() or 60.0


def throttled_response(request: HttpRequest, wait: float) -> HttpResponse:
    response = render(request, "429.html", {"wait_minutes": max(1, round(wait / 60))})
    response.status_code = 429
    response["Retry-After"] = str(int(wait) + 1)
    return response


def throttle_page(scope: str, *, methods: tuple[str, ...] = ("POST",)) -> Callable:
    """View decorator: requests with one of ``methods`` count against ``scope`` (429 beyond)."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method in methods:
                wait = page_throttle_wait(request, scope)
                if wait is not None:
                    return throttled_response(request, wait)
            return view(request, *args, **kwargs)

        return wrapper

    return decorate
