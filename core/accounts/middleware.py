"""Idle and absolute timeouts for web sessions (docs/security.md §2.2, ASVS 7.3.1, 7.3.2).

Two stamps live in the session: when the user logged in and when they were last active. A
session past either limit is flushed, audited and answered with a redirect to the login page
(a 401 JSON answer for the API, an ``HX-Redirect`` for htmx requests).

The activity stamp is refreshed only when it is at least ``SESSION_ACTIVITY_RESOLUTION``
seconds old, so a busy user's requests do not each write the session row; the idle limit is
then counted from a stamp up to that old, which can only shorten a session.
"""

from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages.storage import default_storage
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import resolve_url
from django.utils import timezone
from django.utils.translation import gettext as _

LOGIN_AT_KEY = "siges_login_at"
LAST_ACTIVITY_KEY = "siges_last_activity"


def session_mark_login(request: HttpRequest) -> None:
    """Stamp a freshly authenticated session (called by the login view; the middleware stamps
    sessions opened elsewhere, such as the admin login, on their way out)."""
    now = timezone.now().timestamp()
    request.session[LOGIN_AT_KEY] = now
    request.session[LAST_ACTIVITY_KEY] = now


def expiry_reason(session: object, now: float) -> str | None:
    """``"idle"`` or ``"absolute"`` when the session is past a limit, else ``None``."""
    login_at = session.get(LOGIN_AT_KEY)  # type: ignore[attr-defined]
    last_activity = session.get(LAST_ACTIVITY_KEY)  # type: ignore[attr-defined]
    if login_at is not None and now - float(login_at) > settings.SESSION_ABSOLUTE_TIMEOUT:
        return "absolute"
    if last_activity is not None and now - float(last_activity) > settings.SESSION_IDLE_TIMEOUT:
        return "idle"
    return None


def _expired_response(request: HttpRequest) -> HttpResponse:
    message = _("Su sesión expiró por seguridad. Ingrese de nuevo para continuar.")
    if request.path_info.startswith("/api/"):
        return JsonResponse({"detail": message, "code": "session_expired"}, status=401)
    login_url = resolve_url(settings.LOGIN_URL)
    if request.method == "GET":
        login_url = f"{login_url}?{urlencode({'next': request.get_full_path()})}"
    if request.headers.get("HX-Request") == "true":
        # htmx follows a 302 inside the XHR and would paste the login page into a fragment.
        response: HttpResponse = HttpResponse(status=204, headers={"HX-Redirect": login_url})
    else:
        response = HttpResponseRedirect(login_url)
    # MessageMiddleware runs after this one and never sees this request: store directly.
    storage = default_storage(request)
    storage.add(messages.WARNING, message)
    storage.update(response)
    return response


class SessionTimeoutMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = request.session
        if session.get(SESSION_KEY) is not None:
            now = timezone.now().timestamp()
            reason = expiry_reason(session, now)
            if reason is not None:
                return self._expire(request, reason)
            if session.get(LOGIN_AT_KEY) is None:
                session[LOGIN_AT_KEY] = now
            last_activity = session.get(LAST_ACTIVITY_KEY)
            if (
                last_activity is None
                or now - float(last_activity) >= settings.SESSION_ACTIVITY_RESOLUTION
            ):
                session[LAST_ACTIVITY_KEY] = now
        response = self.get_response(request)
        # A login during this request (e.g. the admin's) that did not stamp the session.
        if session.get(SESSION_KEY) is not None and session.get(LOGIN_AT_KEY) is None:
            session_mark_login(request)
        return response

    def _expire(self, request: HttpRequest, reason: str) -> HttpResponse:
        from .models import User
        from .services import session_expire

        user = User.objects.filter(pk=request.session.get(SESSION_KEY)).first()
        session_expire(request=request, user=user, reason=reason)
        request.user = AnonymousUser()
        return _expired_response(request)
