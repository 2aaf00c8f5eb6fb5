"""Opening tickets (number, SLA deadlines, first message, automatic assignment) and linking the
workflow process a ticket follows."""

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from core.accounts.models import User
from core.audit.services import audit_record
from core.exceptions import Conflict
from core.precompiled import PrecompiledInsert, write_behind
from core.uploads import check_uploads

from ..choices import AssignmentMode, Channel, EntryKind
from ..conf import helpdesk_settings, upload_limits
from ..forms import clean_service_data
from ..models import Service, Ticket, TicketCounter
from ..permissions import can_request_service
from ..service_pages import service_page_url
from ..signals import ticket_created
from .assignment import _auto_assign
from .common import (
    _add_entry,
    _audit,
    _check_files,
    _clean_body,
    _lock,
    _notify,
    _scope_label,
    _store_attachments,
    _sync,
    known_attachments,
)
from .deadlines import sla_deadlines


def _next_number(now: datetime) -> str:
    """``MA-2026-000123``: the counter row of the year is incremented under its row lock, so
    concurrent creations get distinct, gapless numbers (a rolled back creation leaves a gap).

    One statement (PostgreSQL and SQLite ≥ 3.35 both have ``ON CONFLICT … DO UPDATE …
    RETURNING``): the year's row is created on its first ticket, incremented otherwise, and the
    new value read back, all under the row lock the update takes.
    """
    year = timezone.localtime(now).year
    table = connection.ops.quote_name(TicketCounter._meta.db_table)
    with connection.cursor() as cursor:
        # Only the table name is interpolated, from the model's own metadata.
        cursor.execute(
            f"INSERT INTO {table} (year, last_value) VALUES (%s, 1) "  # noqa: S608
            f"ON CONFLICT (year) DO UPDATE SET last_value = {table}.last_value + 1 "
            "RETURNING last_value",
            [year],
        )
        (value,) = cursor.fetchone()
    digits = helpdesk_settings.TICKET_NUMBER_DIGITS
    return f"{helpdesk_settings.TICKET_PREFIX}-{year}-{value:0{digits}d}"


# --- Creating tickets ---------------------------------------------------------------------------

# A new ticket's INSERT, compiled once (core.precompiled): its search document, which the
# database generates, is not read back (nothing in the request shows it).
_insert_ticket = PrecompiledInsert(Ticket)


@transaction.atomic
def ticket_create(
    *,
    requester: User,
    service: Service,
    data: Mapping[str, Any],
    files: Mapping[str, Any] | None = None,
    description: str = "",
    subject: str = "",
    attachments: Iterable[Any] = (),
    channel: str = Channel.WEB,
    message_id: str = "",
    request: HttpRequest | None = None,
) -> Ticket:
    """Open a ticket for ``service``: validate its form, number it, set its SLA deadlines in
    business time, record the description as the first message, assign it automatically when
    the queue says so, and notify the requester (and the assignee).

    ``data``/``files`` are the service form's answers; ``attachments`` are extra files for the
    description. Raises ``PermissionDenied`` when the requester may not ask for this service and
    ``ValidationError`` (keyed by field) for bad answers; nothing is written then.

    The ticket, its first message, its audit event and its outbox rows are written in one
    transaction: all of them or none. The returned ticket carries ``opening_entries`` (the
    messages written with it, for a response that does not read them back).
    """
    if not can_request_service(requester, service):
        raise PermissionDenied
    if service_page_url(service.code) is not None:
        raise ValidationError(
            _("Este trámite se solicita en su propia página: %(url)s")
            % {"url": service_page_url(service.code)},
            code="service_has_own_page",
        )
    cleaned = clean_service_data(service=service, data=data, files=files)
    description = _clean_body(description, required=False, field_name="description")
    subject = " ".join((subject or "").split())
    if len(subject) > helpdesk_settings.MAX_SUBJECT_CHARS:
        raise ValidationError(
            {
                "subject": _("El asunto admite como máximo %(count)d caracteres.")
                % {"count": helpdesk_settings.MAX_SUBJECT_CHARS}
            }
        )
    extra_files = _check_files(attachments, "attachments")
    form_files = [
        (key, upload, info)
        for key, upload in cleaned.files.items()
        for info in check_uploads([upload], limits=upload_limits())
    ]

    now = timezone.now()
    priority = service.default_priority
    deadlines = sla_deadlines(service=service, priority=priority, start=now)
    ticket = _insert_ticket.insert(
        Ticket(
            number=_next_number(now),
            subject=subject or service.name,
            requester=requester,
            service=service,
            queue=service.queue,
            priority=priority,
            channel=channel,
            form_data=cleaned.values,
            created_at=now,
            first_response_due_at=deadlines.first_response_due_at,
            first_response_warn_at=deadlines.first_response_warn_at,
            resolution_due_at=deadlines.resolution_due_at,
            resolution_warn_at=deadlines.resolution_warn_at,
        )
    )
    opening_entries: list[Any] = []
    if description or extra_files or form_files:
        entry = _add_entry(
            ticket=ticket,
            kind=EntryKind.REPLY,
            author=requester,
            body=description,
            files=extra_files,
            channel=channel,
            message_id=message_id,
            at=now,
        )
        if form_files:
            form_data = dict(ticket.form_data)
            attachments = list(entry.attachments.all())
            for key, upload, info in form_files:
                (stored,) = _store_attachments(entry=entry, files=[(upload, info)], actor=requester)
                form_data[key] = {"attachment_id": stored.pk, "name": stored.original_name}
                attachments.append(stored)
            known_attachments(entry, attachments)
            ticket.form_data = form_data
            ticket.save(update_fields=["form_data"])
        opening_entries.append(entry)
    # The audit event and the outbox rows (the requester's, and the assignee's when the queue
    # assigns) are written together, in one statement (core.precompiled.write_behind).
    with write_behind():
        audit_record(
            action="ticket.created",
            # The ticket row was inserted by this transaction: its chain is empty and nobody else
            # can append to it before the commit.
            new_chain=True,
            obj=ticket,
            actor=requester,
            role="requester",
            scope=_scope_label(ticket.queue),
            request=request,
            to_state=ticket.status,
            payload={
                "number": ticket.number,
                "service": service.code,
                "queue": ticket.queue.code,
                "priority": priority,
                "channel": channel,
                # Which answers were given, not their values (they may be personal data).
                "fields": sorted(k for k, v in ticket.form_data.items() if v not in (None, "")),
            },
        )
        # No idempotency key: the ticket id is new, so no earlier row can carry the same key (and
        # looking for one would cost a query on every creation).
        _notify(user=requester, template="ticket_created", ticket=ticket)
        if ticket.queue.assignment_mode != AssignmentMode.MANUAL:
            _auto_assign(ticket, request=request)
    ticket_created.send(sender=Ticket, ticket=ticket)
    # What the caller may show without reading it back: a new ticket has no rating yet, and
    # its conversation is the description just written (with its files).
    Ticket.rating.related.set_cached_value(ticket, None)
    ticket.opening_entries = opening_entries
    return ticket


@transaction.atomic
def ticket_link_process(*, ticket: Ticket, process: Any) -> Ticket:
    """Record the workflow instance that a ticket follows (called by the workflows layer)."""
    locked = _lock(ticket)
    if locked.process_id is not None and locked.process_id != process.pk:
        raise Conflict(_("El caso ya sigue otro trámite."), code="ticket_has_process")
    locked.process = process
    locked.save(update_fields=["process", "updated_at"])
    _audit(
        action="ticket.process_linked",
        ticket=locked,
        actor=None,
        payload={"process_id": process.pk},
    )
    _sync(ticket, locked)
    return ticket
