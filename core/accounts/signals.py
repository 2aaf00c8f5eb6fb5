"""Authentication events into the audit chain (docs/security.md §5.4, ASVS 16.3.1).

Successful logins, logouts, failed logins and axes lockouts become ``auth.*`` events on the
user's chain when the DUI belongs to an account, otherwise on the shared ``auth:unknown`` chain.
Payloads carry only the masked DUI: never the full DUI, never the password. A successful login
also clears that account's own DUI+IP failure count (see ``services.login_failures_reset``).
"""

from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from core.audit.services import audit_record

from .backends import credential_dui
from .dui import mask_dui
from .models import User
from .services import login_failures_reset

UNKNOWN_CHAIN = "auth:unknown"
UNKNOWN_OBJECT_TYPE = "auth"


def channel_of(request: HttpRequest | None) -> str:
    """Which pathway a login came through: ``api``, ``admin`` or ``web``."""
    path = getattr(request, "path_info", "") or ""
    if path.startswith("/api/"):
        return "api"
    if path.startswith("/admin/"):
        return "admin"
    return "web"


def _record_attempt(
    *, action: str, request: HttpRequest | None, raw_dui: str, extra: dict[str, Any]
) -> None:
    canonical = credential_dui({"dui": raw_dui})
    user = User.objects.filter(dui=canonical).first() if canonical else None
    payload = {"dui": mask_dui(canonical or raw_dui), "channel": channel_of(request), **extra}
    if user is not None:
        audit_record(action=action, obj=user, request=request, payload=payload)
    else:
        audit_record(
            action=action,
            chain_key=UNKNOWN_CHAIN,
            object_type=UNKNOWN_OBJECT_TYPE,
            request=request,
            payload=payload,
        )


@receiver(user_logged_in, dispatch_uid="accounts.audit_login")
def audit_login(sender: type, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    login_failures_reset(request=request, user=user)
    audit_record(
        action="auth.login",
        obj=user,
        actor=user,
        request=request,
        payload={"channel": channel_of(request)},
    )


@receiver(user_logged_out, dispatch_uid="accounts.audit_logout")
def audit_logout(
    sender: type, request: HttpRequest | None, user: User | None, **kwargs: Any
) -> None:
    if user is None or not user.is_authenticated:
        return
    audit_record(
        action="auth.logout",
        obj=user,
        actor=user,
        request=request,
        payload={"channel": channel_of(request)},
    )


@receiver(user_login_failed, dispatch_uid="accounts.audit_login_failed")
def audit_login_failed(
    sender: str, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    # A refusal by axes (or the failure that triggered the lockout) is recorded once, as
    # ``auth.locked_out``, by ``audit_locked_out``: axes' own receiver runs first and flags it.
    if request is not None and getattr(request, "axes_locked_out", False):
        return
    raw = str(credentials.get("dui") or credentials.get("username") or "")
    _record_attempt(action="auth.login_failed", request=request, raw_dui=raw, extra={})


@receiver(user_locked_out, dispatch_uid="accounts.audit_locked_out")
def audit_locked_out(
    sender: str,
    request: HttpRequest | None,
    username: str | None,
    ip_address: str | None,
    **kwargs: Any,
) -> None:
    # ``username`` is what ``backends.axes_username`` returned: the canonical DUI or raw input.
    _record_attempt(
        action="auth.locked_out",
        request=request,
        raw_dui=username or "",
        extra={"failures": getattr(request, "axes_failures_since_start", None)},
    )
