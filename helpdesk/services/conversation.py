"""The conversation of a ticket: replies from staff and requester (also by email, idempotently) and
internal notes."""

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from core.accounts.models import User
from core.exceptions import Conflict
from core.precompiled import atomic_write_behind
from core.uploads import CheckedUpload

from ..choices import FINAL_STATUSES, Channel, EntryKind
from ..conf import helpdesk_settings
from ..models import Ticket, TicketEntry
from ..permissions import is_requester, is_ticket_staff
from .common import (
    S,
    _add_entry,
    _audit,
    _check_files,
    _clean_body,
    _fire,
    _lock,
    _not_active,
    _notify,
    _sync,
)

# --- Conversation -------------------------------------------------------------------------------


def _add_reply(
    *,
    ticket: Ticket,
    actor: User,
    body: str,
    files: Sequence[tuple[Any, CheckedUpload]],
    channel: str,
    message_id: str,
    at: datetime,
    request: Any,
) -> TicketEntry:
    """A public reply (by staff or the requester) and its audit event."""
    entry = _add_entry(
        ticket=ticket,
        kind=EntryKind.REPLY,
        author=actor,
        body=body,
        files=files,
        channel=channel,
        message_id=message_id,
        at=at,
    )
    _audit(
        action="ticket.replied",
        ticket=ticket,
        actor=actor,
        request=request,
        payload={"entry_id": entry.pk, "attachments": len(files)},
    )
    return entry


def _stamp_first_response(
    ticket: Ticket, *, actor: User, at: datetime, request: Any, save: bool = True
) -> list[str]:
    """Stamp the first response on ``ticket`` (locked) and record it; the fields it changed
    (none when the ticket had one), saved unless ``save=False`` (the caller saves them)."""
    if ticket.first_responded_at is not None:
        return []
    ticket.first_responded_at = at
    fields = ["first_responded_at"]
    if ticket.first_response_due_at is not None and at > ticket.first_response_due_at:
        ticket.first_response_breached = True
        fields.append("first_response_breached")
    if save:
        ticket.save(update_fields=[*fields, "updated_at"])
    _audit(
        action="ticket.first_response",
        ticket=ticket,
        actor=actor,
        request=request,
        payload={"late": ticket.first_response_breached},
    )
    return fields


def _staff_public_message(
    *,
    actor: User,
    ticket: Ticket,
    body: str,
    files: Sequence[tuple[Any, CheckedUpload]],
    channel: str,
    message_id: str,
    request: Any,
) -> TicketEntry:
    """A public message by staff: the first one stamps the first response and starts work."""
    now = timezone.now()
    entry = _add_reply(
        ticket=ticket,
        actor=actor,
        body=body,
        files=files,
        channel=channel,
        message_id=message_id,
        at=now,
        request=request,
    )
    starts = ticket.status in (S.NEW, S.OPEN, S.REOPENED)
    # When work starts with this message, the stamp is saved in the transition's UPDATE.
    stamped = _stamp_first_response(ticket, actor=actor, at=now, request=request, save=not starts)
    if starts:
        _fire(
            actor=actor,
            ticket=ticket,
            name="start",
            request=request,
            locked=True,
            save_fields=stamped,
        )
    return entry


def _existing_entry(message_id: str, ticket: Ticket) -> TicketEntry | None:
    """The entry an email with ``message_id`` already added to ``ticket`` (a redelivery)."""
    if not message_id:
        return None
    existing = TicketEntry.objects.filter(message_id=message_id).first()
    if existing is not None and existing.ticket_id != ticket.pk:
        raise Conflict(
            _("Ese mensaje ya se registró en otro caso."), code="message_already_recorded"
        )
    return existing


@atomic_write_behind
def ticket_reply(
    *,
    actor: User,
    ticket: Ticket,
    body: str,
    files: Iterable[Any] = (),
    channel: str = Channel.WEB,
    message_id: str = "",
    request: HttpRequest | None = None,
) -> TicketEntry:
    """A public message on the ticket, by its requester or by staff.

    - Staff: the first one stamps ``first_responded_at``; a new/open/reopened ticket moves to
      in progress. The requester is notified.
    - Requester: on a ticket waiting on them it moves back to in progress; on a resolved ticket
      within the reopen window it reopens; later, the reply is refused (409) with a suggestion to
      open a new ticket. The assignee is notified.

    ``message_id`` (inbound email) makes the call idempotent: the same email is added once.
    """
    body = _clean_body(body)
    checked = _check_files(files)
    # Staff replies notify the requester; the join costs a requester's reply next to nothing.
    locked = _lock(ticket, requester_notice=True)
    as_requester = is_requester(actor, locked)
    if not (as_requester or is_ticket_staff(actor, locked)):
        raise PermissionDenied
    existing = _existing_entry(message_id, locked)
    if existing is not None:
        return existing
    if as_requester:
        entry = _requester_reply(
            actor=actor,
            ticket=locked,
            body=body,
            files=checked,
            channel=channel,
            message_id=message_id,
            request=request,
        )
    else:
        if locked.status in FINAL_STATUSES:
            raise _not_active(locked)
        entry = _staff_public_message(
            actor=actor,
            ticket=locked,
            body=body,
            files=checked,
            channel=channel,
            message_id=message_id,
            request=request,
        )
        _notify(user=locked.requester, template="ticket_reply", ticket=locked, message=body)
    _sync(ticket, locked)
    return entry


def _requester_reply(
    *,
    actor: User,
    ticket: Ticket,
    body: str,
    files: Sequence[tuple[Any, CheckedUpload]],
    channel: str,
    message_id: str,
    request: Any,
) -> TicketEntry:
    now = timezone.now()
    if ticket.status in FINAL_STATUSES:
        raise Conflict(
            _("El caso %(number)s está «%(status)s». Si necesita más ayuda, abra un nuevo caso.")
            % {"number": ticket.number, "status": S(ticket.status).label},
            code="ticket_final",
        )
    if ticket.status == S.RESOLVED:
        window: timedelta = helpdesk_settings.REOPEN_WINDOW
        if ticket.resolved_at is None or now > ticket.resolved_at + window:
            raise Conflict(
                _(
                    "El caso %(number)s se resolvió hace más de %(days)d días y ya no puede "
                    "reabrirse. Abra un nuevo caso y mencione el número %(number)s."
                )
                % {"number": ticket.number, "days": window.days},
                code="reopen_window_passed",
            )
        _fire(actor=actor, ticket=ticket, name="reopen", request=request, at=now, locked=True)
    elif ticket.status == S.WAITING_ON_REQUESTER:
        _fire(actor=actor, ticket=ticket, name="resume", request=request, at=now, locked=True)
    entry = _add_reply(
        ticket=ticket,
        actor=actor,
        body=body,
        files=files,
        channel=channel,
        message_id=message_id,
        at=now,
        request=request,
    )
    _notify(user=ticket.assignee, template="ticket_requester_replied", ticket=ticket, message=body)
    return entry


@atomic_write_behind
def ticket_add_note(
    *,
    actor: User,
    ticket: Ticket,
    body: str,
    files: Iterable[Any] = (),
    request: HttpRequest | None = None,
) -> TicketEntry:
    """An internal note, visible to staff only. Allowed in any state (records stay complete)."""
    body = _clean_body(body)
    checked = _check_files(files)
    locked = _lock(ticket)
    if not is_ticket_staff(actor, locked):
        raise PermissionDenied
    entry = _add_entry(ticket=locked, kind=EntryKind.NOTE, author=actor, body=body, files=checked)
    _audit(
        action="ticket.note_added",
        ticket=locked,
        actor=actor,
        request=request,
        payload={"entry_id": entry.pk, "attachments": len(checked)},
    )
    _sync(ticket, locked)
    return entry
