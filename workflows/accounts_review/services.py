"""Writes on account review cases: opening one (called by the registration and password-reset
workflows) and deciding one (called by the staff page and the API).

Deciding a case also moves the workflow record it belongs to. The workflows register what that
means for their kind of case (``register_review_handler``, from their ``AppConfig.ready``), so
this package stays below them in the layers and never imports them.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.accounts.models import Person, User
from core.audit.services import audit_record
from core.calendar import add_business_time
from core.workflow import transition

from .choices import ReviewKind
from .conf import review_due_after
from .models import ReviewCase
from .permissions import reviewer_grant


@dataclass(frozen=True)
class ReviewHandler:
    """What approving or rejecting a case of one kind does to its workflow record.

    Both callables run inside the decision's transaction after the case itself moved, with
    ``actor``, ``case``, ``reason``, ``request``, ``role``, ``scope`` and (approve only) the
    decision's extra ``data``; raising rolls the whole decision back.
    """

    approve: Callable[..., Any]
    reject: Callable[..., Any]


_HANDLERS: dict[str, ReviewHandler] = {}


def register_review_handler(kind: str, handler: ReviewHandler) -> None:
    _HANDLERS[kind] = handler


@transaction.atomic
def review_case_open(
    *,
    kind: str,
    subject_name: str,
    person: Person | None = None,
    registration: models.Model | None = None,
    reset_request: models.Model | None = None,
    request: HttpRequest | None = None,
) -> ReviewCase:
    """Open a case in the "Cuentas y accesos" queue (national scope: see permissions.py)."""
    now = timezone.now()
    case = ReviewCase.objects.create(
        kind=kind,
        subject_name=subject_name[:210],
        person=person,
        registration=registration,
        reset_request=reset_request,
        due_at=add_business_time(now, review_due_after()),
    )
    audit_record(
        action="reviewcase.opened",
        obj=case,
        request=request,
        to_state=case.status,
        payload={"kind": kind, "queue": case.queue_code},
    )
    return case


def _grant_labels(actor: User, case: ReviewCase) -> tuple[str, str]:
    grant = reviewer_grant(actor, department_id=case.department_id)
    if grant is None:
        return "", ""
    return grant.role, grant.scope_label


@transaction.atomic
def review_case_approve(
    *,
    actor: User,
    case: ReviewCase,
    reason: str = "",
    request: HttpRequest | None = None,
    **data: Any,
) -> ReviewCase:
    """Approve ``case`` (permission 403, state 409 via ``core.workflow.transition``) and apply
    the approval to its workflow record, all or nothing."""
    reason = (reason or "").strip()
    role, scope = _grant_labels(actor, case)
    transition(
        actor=actor,
        obj=case,
        name="approve",
        request=request,
        role=role,
        scope=scope,
        payload={"reason": reason},
        at=timezone.now(),
        reason=reason,
    )
    _HANDLERS[case.kind].approve(
        actor=actor, case=case, reason=reason, request=request, role=role, scope=scope, **data
    )
    return case


@transaction.atomic
def review_case_reject(
    *, actor: User, case: ReviewCase, reason: str, request: HttpRequest | None = None
) -> ReviewCase:
    """Reject ``case`` with a required reason, and its workflow record with it."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            {"reason": _("Indique el motivo del rechazo.")}, code="reason_required"
        )
    role, scope = _grant_labels(actor, case)
    transition(
        actor=actor,
        obj=case,
        name="reject",
        request=request,
        role=role,
        scope=scope,
        payload={"reason": reason},
        at=timezone.now(),
        reason=reason,
    )
    _HANDLERS[case.kind].reject(
        actor=actor, case=case, reason=reason, request=request, role=role, scope=scope
    )
    return case


__all__ = [
    "ReviewHandler",
    "ReviewKind",
    "register_review_handler",
    "review_case_approve",
    "review_case_open",
    "review_case_reject",
]
