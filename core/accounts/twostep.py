"""The login's second step (docs/security.md §1.7): between a right password and a right code
the session holds only a *pending* login — the account, the backend that authenticated it,
where to go next, when the password passed and how many codes failed — and is not signed in.

A pending login lasts ``PENDING_LOGIN_SECONDS``; after ``PENDING_LOGIN_MAX_FAILURES`` wrong
codes it is dropped and the person starts again from the password (which django-axes counts).
Every refused code is audited as ``auth.otp_failed`` and throttled by django-otp.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from core.audit.services import audit_record

from .models import User
from .twofactor import CodeCheck

PENDING_KEY = "siges_pending_login"
PENDING_LOGIN_SECONDS = 300
PENDING_LOGIN_MAX_FAILURES = 5


def pending_login_start(request: HttpRequest, user: User, *, next_url: str) -> None:
    request.session.cycle_key()  # a new key for the half-authenticated session
    request.session[PENDING_KEY] = {
        "user": user.pk,
        "backend": getattr(user, "backend", ""),
        "next": next_url,
        "at": timezone.now().timestamp(),
        "failures": 0,
    }


def pending_login_get(request: HttpRequest) -> tuple[User, str, str] | None:
    """The account waiting for its code, its backend and the next page; ``None`` when there
    is none, it is too old, or the account can no longer log in."""
    pending = request.session.get(PENDING_KEY)
    if not isinstance(pending, dict):
        return None
    try:
        age = timezone.now().timestamp() - float(pending["at"])
        pk = int(pending["user"])
    except (KeyError, TypeError, ValueError):
        pending_login_clear(request)
        return None
    if not 0 <= age <= PENDING_LOGIN_SECONDS:
        pending_login_clear(request)
        return None
    user = User.objects.select_related("person").filter(pk=pk, is_active=True).first()
    if user is None:
        pending_login_clear(request)
        return None
    return user, str(pending.get("backend") or ""), str(pending.get("next") or "/")


def pending_login_count_failure(request: HttpRequest) -> bool:
    """Count a wrong code; ``True`` (and the pending login dropped) at the limit."""
    pending = request.session.get(PENDING_KEY)
    if not isinstance(pending, dict):
        return True
    failures = int(pending.get("failures") or 0) + 1
    if failures >= PENDING_LOGIN_MAX_FAILURES:
        pending_login_clear(request)
        return True
    request.session[PENDING_KEY] = {**pending, "failures": failures}
    return False


def pending_login_clear(request: HttpRequest) -> None:
    request.session.pop(PENDING_KEY, None)


def second_factor_passed(request: Any, user: User, *, method: str, channel: str) -> None:
    audit_record(
        action="auth.otp_verified",
        obj=user,
        actor=user,
        request=request,
        payload={"method": method, "channel": channel},
    )


def second_factor_failed(request: Any, user: User, *, check: CodeCheck, channel: str) -> None:
    audit_record(
        action="auth.otp_failed",
        obj=user,
        request=request,
        payload={
            "step": "login",
            "channel": channel,
            "reason": "throttled" if check.wait_until is not None else "code",
        },
    )
