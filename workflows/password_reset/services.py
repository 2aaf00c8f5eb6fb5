"""Every write of password reset: request a link, use it, expire stale requests, and the staff
decisions on access-recovery cases (accounts without a usable email).

No enumeration (docs/security.md §1.3, ASVS 6.3.8): ``password_reset_request`` returns nothing; the
caller answers the same whether the DUI or email matched an account, matched one without a
usable email (a staff case is opened) or matched nothing (nothing is written, nothing is sent).
"""

import logging
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from kombu.exceptions import OperationalError

from core.accounts.dui import normalize_dui
from core.accounts.models import User
from core.accounts.services import person_update, user_password_change
from core.audit.services import DetachedRequest, audit_record
from core.exceptions import Conflict
from core.links import LinkError, link_state, link_target, token_new
from core.workflow import transition
from notifications.services import notify
from workflows.accounts_review.choices import ReviewKind
from workflows.accounts_review.services import review_case_open

from .choices import PENDING_STATES, ResetStatus
from .conf import reset_link_ttl
from .models import PasswordResetRequest

S = ResetStatus
logger = logging.getLogger(__name__)


def reset_path(reset: PasswordResetRequest, raw_token: str) -> str:
    return reverse("password_reset:complete", args=[reset.public_id, raw_token])


def _accounts_for(identifier: str) -> list[User]:
    """Active accounts matching a DUI (with or without hyphen) or an email address."""
    value = (identifier or "").strip()
    queryset = User.objects.select_related("person").filter(is_active=True).order_by("pk")
    try:
        return list(queryset.filter(dui=normalize_dui(value)))
    except ValidationError:
        pass
    if "@" in value:
        return list(queryset.filter(person__email=value.lower()))
    return []


def _link_hook(reset: PasswordResetRequest, raw_token: str, *, by_staff: bool = False) -> Any:
    ttl = reset_link_ttl()

    def hook(obj: PasswordResetRequest) -> None:
        notify(
            recipient=obj.user.person,
            user=obj.user,
            template="password_reset_link",
            context={"expires_minutes": int(ttl.total_seconds() // 60), "by_staff": by_staff},
            # Email only: the link carries the token, which must not sit in an in-app inbox,
            # nor in the outbox once sent.
            channels=("email",),
            link=reset_path(obj, raw_token),
            sensitive=True,
        )

    return hook


def _request_for(
    user: User, *, raw_token: str, token_hash: str, request: HttpRequest | None
) -> PasswordResetRequest | None:
    if PasswordResetRequest.objects.filter(user=user, status=S.ACCESS_REVIEW).exists():
        # A technician already has this account's recovery case: nothing new to do.
        audit_record(action="password_reset.repeat_while_in_review", obj=user, request=request)
        return None
    for stale in PasswordResetRequest.objects.filter(user=user, status__in=PENDING_STATES).order_by(
        "pk"
    ):
        transition(
            actor=None, obj=stale, name="expire", request=request, payload={"reason": "superseded"}
        )
    reset = PasswordResetRequest.objects.create(user=user)
    audit_record(
        action="passwordresetrequest.requested", obj=reset, request=request, to_state=reset.status
    )
    if user.person.has_usable_email:
        transition(
            actor=None,
            obj=reset,
            name="send_link",
            request=request,
            token_hash=token_hash,
            expires_at=timezone.now() + reset_link_ttl(),
            in_transaction=[_link_hook(reset, raw_token)],
        )
        return reset

    def open_case(obj: PasswordResetRequest) -> None:
        review_case_open(
            kind=ReviewKind.ACCESS_RECOVERY,
            subject_name=user.person.full_name,
            person=user.person,
            reset_request=obj,
            request=request,
        )

    transition(
        actor=None,
        obj=reset,
        name="open_access_review",
        request=request,
        payload={"reason": "no_email" if not user.person.email else "email_bounced"},
        in_transaction=[open_case],
    )
    return reset


def password_reset_request_accept(*, identifier: str, request: HttpRequest | None = None) -> None:
    """Accept a reset request from the pages or the API: hand it to the task queue, unread.

    The request does the same work whatever ``identifier`` is (no lookup, no write: one message
    to the broker), so neither the answer nor its timing says whether an account matched
    (docs/security.md §1.3, ASVS 6.3.8); the worker does the lookup and writes the email to the
    outbox. Nothing is written here, so there is no commit to wait for. In the embedded mode (no
    broker) the task runs inline; if the broker is unreachable it runs inline too and the failure
    is logged: a lost reset link is worse than a slower answer while the broker is down.
    """
    from .tasks import password_reset_request_task

    args = (identifier, DetachedRequest.client_ip_of(request))
    try:
        # The identifier (a DUI or an address) is not shown in task listings or monitoring.
        password_reset_request_task.apply_async(args=args, argsrepr="('…', '…')")
    except OperationalError:
        logger.warning("password reset: broker unreachable, running the request inline")
        password_reset_request_task.apply(args=args)


@transaction.atomic
def password_reset_request(*, identifier: str, request: HttpRequest | None = None) -> None:
    """Start a reset for the account(s) matching ``identifier`` (a DUI or an email address).

    An address shared by several accounts gets one link per account.
    """
    # Drawn whatever happens next, so an unknown identifier costs the same token work.
    raw_token, token_hash = token_new()
    for index, user in enumerate(_accounts_for(identifier)):
        if index:
            raw_token, token_hash = token_new()
        _request_for(user, raw_token=raw_token, token_hash=token_hash, request=request)


def reset_from_link(public_id: Any, raw_token: str) -> PasswordResetRequest:
    """The request a link points at, or ``LinkError("invalid")`` (reads only)."""
    requests = PasswordResetRequest.objects.select_related("user__person")
    return link_target(requests, public_id, raw_token)


def reset_link_state(reset: PasswordResetRequest, *, now: datetime | None = None) -> str:
    return link_state(reset, pending=S.EMAIL_SENT, expired=S.EXPIRED, now=now)


def reset_link_check(
    *, public_id: Any, token: str, request: HttpRequest | None = None
) -> PasswordResetRequest:
    """The usable request behind a link, or ``LinkError``; a stale one is expired on the way."""
    reset = reset_from_link(public_id, token)
    state = reset_link_state(reset)
    if state == "expired" and reset.status != S.EXPIRED:
        transition(
            actor=None,
            obj=reset,
            name="expire",
            request=request,
            payload={"reason": "link_expired"},
        )
    if state != "ok":
        raise LinkError(state)
    return reset


def password_reset_complete(
    *, public_id: Any, token: str, new_password: str, request: HttpRequest | None = None
) -> User:
    """Use a reset link: set the (already validated) password, end every session and API token
    of the account, and tell the owner by email. Raises ``LinkError``."""
    reset = reset_link_check(public_id=public_id, token=token, request=request)
    try:
        return _complete(reset, new_password=new_password, request=request)
    except Conflict as exc:
        if exc.code == "transition_not_allowed":  # the same link used twice at once
            raise LinkError("used") from exc
        raise


@transaction.atomic
def _complete(
    reset: PasswordResetRequest, *, new_password: str, request: HttpRequest | None
) -> User:
    transition(actor=None, obj=reset, name="complete", request=request, at=timezone.now())
    user = reset.user
    # Revokes the API tokens and changes the session auth hash, so every web session opened
    # with the old password stops validating on its next request.
    user_password_change(user=user, new_password=new_password, request=request)
    notify(
        recipient=user.person,
        user=user,
        template="password_changed",
        context={
            "changed_at": timezone.now(),
            "reset_path": reverse("password_reset:request"),
        },
        channels=("email", "in_app"),
        idempotency_key=f"password_changed:{reset.public_id}",
    )
    return user


def password_reset_expire_stale(*, now: datetime | None = None) -> int:
    """Expire every reset link past its time (the periodic task). Safe to run twice."""
    now = now or timezone.now()
    stale_ids = list(
        PasswordResetRequest.objects.filter(
            status=S.EMAIL_SENT, token_expires_at__lte=now
        ).values_list("pk", flat=True)
    )
    expired = 0
    for reset in PasswordResetRequest.objects.filter(pk__in=stale_ids).order_by("pk"):
        try:
            transition(actor=None, obj=reset, name="expire", payload={"reason": "link_expired"})
        except Conflict:
            continue
        expired += 1
    return expired


# --- staff decisions on access-recovery cases (registered as the review handler) -------------


def reset_recovery_approve(
    *,
    actor: User,
    case: Any,
    reason: str,
    new_email: str = "",
    request: HttpRequest | None = None,
    role: str = "",
    scope: str = "",
    **_data: Any,
) -> PasswordResetRequest:
    """The technician verified the person (by phone, at a desk…) and records a new email for
    them; a reset link goes to that address."""
    new_email = (new_email or "").strip().lower()
    try:
        validate_email(new_email)
    except ValidationError as exc:
        raise ValidationError(
            {"new_email": _("Escriba un correo electrónico válido para la persona.")},
            code="invalid_email",
        ) from exc
    reset = case.reset_request
    person_update(person=reset.user.person, actor=actor, email=new_email)
    raw_token, token_hash = token_new()
    transition(
        actor=actor,
        obj=reset,
        name="approve_access",
        request=request,
        role=role,
        scope=scope,
        payload={"reason": reason, "email_changed": True},
        token_hash=token_hash,
        expires_at=timezone.now() + reset_link_ttl(),
        reason=reason,
        in_transaction=[_link_hook(reset, raw_token, by_staff=True)],
    )
    return reset


def reset_recovery_reject(
    *,
    actor: User,
    case: Any,
    reason: str,
    request: HttpRequest | None = None,
    role: str = "",
    scope: str = "",
) -> PasswordResetRequest:
    reset = case.reset_request

    def tell(obj: PasswordResetRequest) -> None:
        # The email row is written as "skipped" (no usable address); the in-app message waits
        # in the person's inbox.
        notify(
            recipient=obj.user.person,
            user=obj.user,
            template="password_recovery_rejected",
            context={"reason": reason},
            channels=("email", "in_app"),
        )

    transition(
        actor=actor,
        obj=reset,
        name="reject_access",
        request=request,
        role=role,
        scope=scope,
        payload={"reason": reason},
        reason=reason,
        in_transaction=[tell],
    )
    return reset
