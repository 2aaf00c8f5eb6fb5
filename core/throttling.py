"""Rate limits shared by the API and the HTML pages: one implementation for every app.

A *scope* names a budget; its rate comes from ``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]`` and
is read per request (DRF reads rates once at import), so tests and operators can change it
without a restart. The API uses ``LiveScopedRateThrottle`` (DRF's ``ScopedRateThrottle``); pages
use ``throttle_page`` or ``page_throttle_wait`` with the same cache keys (scope + user id, or
the client address when signed out), so a client has one budget per scope whichever door it
uses. Throttling limits abuse; it is not the security control.

Every throttle here is an ``AtomicRateThrottle``: DRF reads the client's list of request times
from the cache and writes it back, so two requests at once both read the same list and both
pass at the limit, and each request pickles up to a whole period of times (600 for the
per-user API rate). Here the check and the record are one atomic step, on Redis one round trip
(``core.cache.RedisCache.throttle_log``).
"""

import threading
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from rest_framework.settings import api_settings
from rest_framework.throttling import (
    AnonRateThrottle,
    ScopedRateThrottle,
    SimpleRateThrottle,
    UserRateThrottle,
)


def _live_rate(scope: str) -> str | None:
    try:
        return api_settings.DEFAULT_THROTTLE_RATES[scope]
    except KeyError as exc:
        raise ImproperlyConfigured(f"No throttle rate set for scope {scope!r}") from exc


class AtomicRateThrottle(SimpleRateThrottle):
    """DRF's rate limit (a sliding log of the allowed requests' times, the oldest dropping out
    after the rate's period) checked and recorded atomically.

    On Redis (production's cache) the whole check is one server-side script, one round trip
    (``core.cache.RedisCache.throttle_log``): of many requests at the limit at once, exactly the
    budget passes, and nothing is pickled. Other caches run DRF's own check under a lock,
    atomic within the process (the embedded mode has one). Refused requests are not recorded,
    as in DRF, so a client that waits the ``Retry-After`` it was given gets through.

    DRF's throttles are mixed in first (``class X(ScopedRateThrottle, AtomicRateThrottle)``):
    they say whose budget it is and which rate; this class counts."""

    _lock = threading.Lock()
    _logged = False  # the check ran on the cache's server (throttle_log)
    _oldest: float | None = None

    def allow_request(self, request: Any, view: Any) -> bool:
        if self.rate is None:
            return True
        log = getattr(self.cache, "throttle_log", None)
        if log is None:
            with self._lock:
                return super().allow_request(request, view)
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        self.now = self.timer()
        allowed, self._oldest = log(self.key, self.now, self.duration, self.num_requests)
        self._logged = True
        return allowed

    def wait(self) -> float | None:
        """Seconds until the oldest allowed request leaves the period (a place frees up; a
        whole period when none was allowed, as with a rate of 0)."""
        if not self._logged:
            return super().wait()
        if self._oldest is None:
            return float(self.duration)
        return max(0.0, self.duration - (self.now - self._oldest))


class AnonThrottle(AnonRateThrottle, AtomicRateThrottle):
    """DRF's ``AnonRateThrottle`` (scope ``anon``: signed-out clients by address), atomic."""


class UserThrottle(UserRateThrottle, AtomicRateThrottle):
    """DRF's ``UserRateThrottle`` (scope ``user``: by user, or by address signed out), atomic."""


class LiveScopedRateThrottle(ScopedRateThrottle, AtomicRateThrottle):
    """DRF's scoped throttle, atomic, with the rate read per request."""

    def get_rate(self) -> str | None:
        return _live_rate(self.scope)


class _PageThrottle(AtomicRateThrottle):
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
    """The Spanish 429 page, with ``Retry-After``."""
    response = render(request, "429.html", {"wait_minutes": max(1, round(wait / 60))}, status=429)
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
