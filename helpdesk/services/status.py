"""Status changes of a ticket through ``core.workflow.transition``: waiting on the requester,
resolve, reopen, close, cancel."""

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from core.accounts.models import User
from core.precompiled import atomic_write_behind

from ..choices import ACTIVE_STATUSES, FINAL_STATUSES, Channel, EntryKind
from ..conf import helpdesk_settings
from ..models import Ticket
from ..permissions import is_requester, is_ticket_staff
from .common import (
    S,
    _add_entry,
    _check_files,
    _clean_body,
    _fire,
    _lock,
    _not_active,
    _notify,
    _sync,
)
from .conversation import _requester_reply, _staff_public_message

# --- Status changes -----------------------------------------------------------------------------


def _staff_transition_with_message(
    *,
    actor: User,
    ticket: Ticket,
    name: str,
    message: str,
    files: Iterable[Any],
    request: Any,
) -> tuple[Ticket, str]:
    message = _clean_body(message, required=False, field_name="message")
    checked = _check_files(files)
    locked = _lock(ticket, requester_notice=True)
    if not is_ticket_staff(actor, locked):
        raise PermissionDenied
    # The history tells which message was sent with the change (the resolution), or none.
    payload: dict[str, Any] = {"entry_id": None}
    if message or checked:
        if locked.status in FINAL_STATUSES:
            raise _not_active(locked)
        entry = _staff_public_message(
            actor=actor,
            ticket=locked,
            body=message,
            files=checked,
            channel=Channel.WEB,
            message_id="",
            request=request,
        )
        payload["entry_id"] = entry.pk
    _fire(
        actor=actor,
        ticket=locked,
        name=name,
        request=request,
        payload=payload,
        at=timezone.now(),
        locked=True,
    )
    return locked, message


@atomic_write_behind
def ticket_set_waiting(
    *,
    actor: User,
    ticket: Ticket,
    message: str = "",
    files: Iterable[Any] = (),
    request: HttpRequest | None = None,
) -> Ticket:
    """Staff ask the requester for something (``message``) and wait; the resolution clock stops
    while waiting (``HELPDESK_SLA_PAUSE_WHILE_WAITING``)."""
    locked, message = _staff_transition_with_message(
        actor=actor,
        ticket=ticket,
        name="wait_on_requester",
        message=message,
        files=files,
        request=request,
    )
    _notify(user=locked.requester, template="ticket_status_changed", ticket=locked, message=message)
    _sync(ticket, locked)
    return ticket


@atomic_write_behind
def ticket_resolve(
    *,
    actor: User,
    ticket: Ticket,
    message: str = "",
    files: Iterable[Any] = (),
    request: HttpRequest | None = None,
) -> Ticket:
    """Staff resolve the ticket, optionally with a final public message."""
    locked, message = _staff_transition_with_message(
        actor=actor, ticket=ticket, name="resolve", message=message, files=files, request=request
    )
    _notify(
        user=locked.requester,
        template="ticket_status_changed",
        ticket=locked,
        message=message,
        reopen_days=helpdesk_settings.REOPEN_WINDOW.days,
    )
    _sync(ticket, locked)
    return ticket


@atomic_write_behind
def ticket_reopen(
    *, actor: User, ticket: Ticket, message: str = "", request: HttpRequest | None = None
) -> Ticket:
    """Reopen a resolved ticket: staff at any time (``message`` becomes an internal note); the
    requester within the reopen window, saying why (a public message, as ``ticket_reply``)."""
    message = _clean_body(message, required=False, field_name="message")
    locked = _lock(ticket, requester_notice=True)
    if is_requester(actor, locked):
        if locked.status != S.RESOLVED:
            raise _not_active(locked)
        if not message:
            raise ValidationError({"message": _("Cuéntenos por qué reabre el caso.")})
        _requester_reply(
            actor=actor,
            ticket=locked,
            body=message,
            files=(),
            channel=Channel.WEB,
            message_id="",
            request=request,
        )
    elif is_ticket_staff(actor, locked):
        _fire(
            actor=actor,
            ticket=locked,
            name="reopen",
            request=request,
            at=timezone.now(),
            locked=True,
        )
        if message:
            _add_entry(ticket=locked, kind=EntryKind.NOTE, author=actor, body=message)
        _notify(user=locked.requester, template="ticket_status_changed", ticket=locked)
    else:
        raise PermissionDenied
    _sync(ticket, locked)
    return ticket


@atomic_write_behind
def ticket_close(
    *, actor: User | None, ticket: Ticket, request: HttpRequest | None = None
) -> Ticket:
    """Close a resolved ticket: its requester (confirming), staff, or the system (``None``,
    the sweep, once the reopen window has passed)."""
    locked = _lock(ticket, requester_notice=True)
    if actor is not None and not (is_requester(actor, locked) or is_ticket_staff(actor, locked)):
        raise PermissionDenied
    _fire(actor=actor, ticket=locked, name="close", request=request, at=timezone.now(), locked=True)
    if actor is None or actor.pk != locked.requester_id:
        _notify(user=locked.requester, template="ticket_status_changed", ticket=locked)
    _sync(ticket, locked)
    return ticket


@atomic_write_behind
def ticket_cancel(
    *, actor: User, ticket: Ticket, reason: str = "", request: HttpRequest | None = None
) -> Ticket:
    """The requester withdraws a ticket that is not resolved yet."""
    reason = _clean_body(reason, required=False, field_name="reason")
    locked = _lock(ticket)
    if not is_requester(actor, locked):
        raise PermissionDenied
    if locked.status not in ACTIVE_STATUSES:
        raise _not_active(locked)
    if reason:
        _add_entry(ticket=locked, kind=EntryKind.REPLY, author=actor, body=reason)
    _fire(
        actor=actor, ticket=locked, name="cancel", request=request, at=timezone.now(), locked=True
    )
    _notify(
        user=locked.assignee,
        template="ticket_status_changed",
        ticket=locked,
        for_staff=True,
        message=reason,
    )
    _sync(ticket, locked)
    return ticket
