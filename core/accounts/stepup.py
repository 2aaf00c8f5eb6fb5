"""Step-up re-authentication: a fresh proof of identity before a sensitive action
(docs/security.md §1.8, ASVS 7.5.3).

A signed-in person proves again who they are on the step-up page (``accounts:step_up``): their
password, and the code of their authenticator app when they have one (then a password alone
never passes). Holders of the roles in ``SIGES_STEP_UP_TOTP_ROLES`` (those who sign titles) must
have an app: without one the page sends them to enrol first. A pass is stored in the session
with the time and the account, audited as ``auth.step_up``, and counts for
``SIGES_STEP_UP_SECONDS`` (five minutes by default). A new login never counts as one.

Use::

    from core.accounts.stepup import step_up_required, StepUpRequiredMixin

    @step_up_required
    def sign(request, pk): ...

    class SignView(StepUpRequiredMixin, View): ...

    # or by hand, e.g. in a view that already loaded the object:
    if not is_recently_reauthenticated(request):
        return redirect(step_up_url(request.get_full_path()))

A process task asks for it with ``RoleTask(..., step_up=True)`` (``core.processes.nodes``).
A GET without a fresh pass is redirected to the page (``next`` = the page asked for); a POST is
refused with 403 and changes nothing (its body cannot be replayed after the detour).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from core.audit.services import audit_record

from .scopes import has_role

STEP_UP_SECONDS: int = getattr(settings, "SIGES_STEP_UP_SECONDS", 300)
SESSION_KEY = "siges_step_up"


def now() -> dt.datetime:
    """The clock of this module (tests move it forward)."""
    return timezone.now()


def _max_age_default() -> int:
    return int(getattr(settings, "SIGES_STEP_UP_SECONDS", STEP_UP_SECONDS))


def totp_roles() -> frozenset[str]:
    return frozenset(getattr(settings, "SIGES_STEP_UP_TOTP_ROLES", ()))


def requires_second_factor(user: Any) -> bool:
    """Whether ``user`` may pass the step-up only with an authenticator app (signing roles)."""
    roles = totp_roles()
    return bool(roles) and has_role(user, roles)


def mark_reauthenticated(request: HttpRequest, *, method: str = "password") -> None:
    """Record in the session that its user proved their identity just now (and audit it)."""
    user = request.user
    request.session[SESSION_KEY] = {"user": user.pk, "at": now().timestamp(), "method": method}
    audit_record(
        action="auth.step_up",
        obj=user,
        actor=user,
        request=request,
        payload={"method": method},
    )


def clear_reauthentication(request: HttpRequest) -> None:
    request.session.pop(SESSION_KEY, None)


def is_recently_reauthenticated(request: HttpRequest, max_age: int | None = None) -> bool:
    """Whether the session's user passed the step-up within ``max_age`` seconds (default
    ``SIGES_STEP_UP_SECONDS``)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    session = getattr(request, "session", None)
    mark = session.get(SESSION_KEY) if session is not None else None
    if not isinstance(mark, dict) or mark.get("user") != user.pk:
        return False
    try:
        at = float(mark["at"])
    except (KeyError, TypeError, ValueError):
        return False
    limit = _max_age_default() if max_age is None else max_age
    age = now().timestamp() - at
    return 0 <= age <= limit


def step_up_url(next_path: str) -> str:
    """The step-up page, returning to ``next_path`` (a path on this site) afterwards."""
    url = reverse("accounts:step_up")
    if next_path:
        url = f"{url}?{urlencode({'next': next_path})}"
    return url


def safe_next(request: HttpRequest, target: str) -> str:
    """``target`` if it is a path of this site, else the home page (no open redirect)."""
    if (
        target
        and target.startswith("/")
        and not target.startswith("//")
        and "\\" not in target
        and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return target
    return reverse(settings.LOGIN_REDIRECT_URL)


def step_up_response(request: HttpRequest) -> HttpResponse:
    """What a request without a fresh step-up gets: a redirect to the page for a GET, a 403
    for anything else (nothing is done)."""
    if request.method in ("GET", "HEAD"):
        return HttpResponseRedirect(step_up_url(request.get_full_path()))
    raise PermissionDenied(
        _("Esta acción requiere que confirme su identidad de nuevo. Recargue la página.")
    )


def step_up_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Decorator for function views: a fresh step-up first (anonymous users go to the login)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            from django.contrib.auth.views import redirect_to_login

            return redirect_to_login(request.get_full_path())
        if not is_recently_reauthenticated(request):
            return step_up_response(request)
        return view(request, *args, **kwargs)

    return wrapper


class StepUpRequiredMixin:
    """Mixin for class-based views (put it first): a fresh step-up before ``dispatch``."""

    step_up_max_age: int | None = None

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            from django.contrib.auth.views import redirect_to_login

            return redirect_to_login(request.get_full_path())
        if not is_recently_reauthenticated(request, self.step_up_max_age):
            return step_up_response(request)
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]
