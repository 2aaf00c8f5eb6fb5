"""Rate limit on opening tickets, shared by the API and the request page.

The scope ``ticket_create`` takes its rate from ``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]``
(``SIGES_THROTTLE_TICKET_CREATE``), read on every request so tests and operators can change it.
Both doors count against the same budget (same cache key: scope + user id). Throttling limits
abuse; it is not the security control.
"""

from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from rest_framework.settings import api_settings
from rest_framework.throttling import ScopedRateThrottle

TICKET_CREATE = "ticket_create"


class LiveScopedRateThrottle(ScopedRateThrottle):
    """DRF's scoped throttle with the rate read per request (DRF caches it at import)."""

    def get_rate(self) -> str | None:
        try:
            return api_settings.DEFAULT_THROTTLE_RATES[self.scope]
        except KeyError as exc:
            raise ImproperlyConfigured(f"No throttle rate set for scope {self.scope!r}") from exc


class _PageView:
    throttle_scope = TICKET_CREATE


def page_throttle_wait(request: HttpRequest, scope: str) -> float | None:
    """Count one page request against ``scope``: ``None`` if allowed, else seconds to wait."""
    view: Any = _PageView()
    view.throttle_scope = scope
    throttle = LiveScopedRateThrottle()
    if throttle.allow_request(request, view):
        return None
    return throttle.wait() or 60.0


def throttled_response(request: HttpRequest, wait: float) -> HttpResponse:
    response = render(request, "429.html", {"wait_minutes": max(1, round(wait / 60))}, status=429)
    response["Retry-After"] = str(int(wait) + 1)
    return response
