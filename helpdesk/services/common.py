"""Helpers every help-desk service shares: row locks, attachments, entries, audit and notification
plumbing, and the Spanish reasons of a refusal."""

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.accounts.choices import Role, ScopeKind
from core.accounts.models import User
from core.audit.services import audit_record
from core.exceptions import Conflict
from core.precompiled import Precompiled, PrecompiledInsert, precompiled
from core.uploads import CheckedUpload, check_uploads
from core.workflow import sync_row, transition
from notifications.services import notify

from ..choices import Channel, Priority, TicketStatus
from ..conf import helpdesk_settings, upload_limits
from ..models import Attachment, Queue, Ticket, TicketEntry
from ..permissions import supervises_queue

S = TicketStatus

# --- Small helpers ------------------------------------------------------------------------------


# What a notice to the requester reads besides the queue (``_context``, ``_notify``).
_REQUESTER_NOTICE = ("service", "requester__person")


def _lock_query(*related: str) -> Precompiled:
    # Every transition starts here, so the lock's SQL is compiled once (core.precompiled).
    return precompiled(
        "helpdesk.ticket_lock:" + ",".join(related),
        lambda pk: (
            Ticket.objects.select_related(*related).select_for_update(of=("self",)).filter(pk=pk)
        ),
        pk=int,
    )


_LOCK = _lock_query("queue")
_LOCK_WITH_NOTICE = _lock_query("queue", *_REQUESTER_NOTICE)


def _lock(ticket: Ticket, *, requester_notice: bool = False) -> Ticket:
    """The ticket's row, locked for this transaction, with its queue (every permission check
    reads it); ``requester_notice=True`` also joins what a notice to the requester reads (the
    service and the requester with their person), for services that send one. Only the ticket
    row is locked."""
    if ticket.pk is None:
        raise ValueError("the ticket must be saved")
    return (_LOCK_WITH_NOTICE if requester_notice else _LOCK).get(pk=ticket.pk)


def _lock_pair(first: Ticket, second: Ticket) -> tuple[Ticket, Ticket]:
    """Lock two tickets in id order (no deadlock between two merges in opposite directions)."""
    rows = {
        t.pk: t
        for t in Ticket.objects.select_for_update()
        .filter(pk__in=[first.pk, second.pk])
        .order_by("pk")
    }
    return rows[first.pk], rows[second.pk]


# The caller's instance takes the locked row's values (core.workflow.sync_row).
_sync = sync_row


def _clean_body(body: str, *, required: bool = True, field_name: str = "body") -> str:
    text = (body or "").strip()
    if required and not text:
        raise ValidationError({field_name: _("Escriba un mensaje.")}, code="required")
    most = helpdesk_settings.MAX_BODY_CHARS
    if len(text) > most:
        raise ValidationError(
            {
                field_name: _("El mensaje admite como máximo %(count)d caracteres.")
                % {"count": most}
            },
            code="max_length",
        )
    return text


def _check_files(
    files: Iterable[Any], field_name: str = "files"
) -> list[tuple[Any, CheckedUpload]]:
    uploads = list(files or ())
    try:
        checked = check_uploads(uploads, limits=upload_limits())
    except ValidationError as exc:
        raise ValidationError({field_name: exc.messages}) from exc
    return list(zip(uploads, checked, strict=True))


def _store_attachments(
    *, entry: TicketEntry, files: Sequence[tuple[Any, CheckedUpload]], actor: User | None
) -> list[Attachment]:
    stored = []
    for upload, info in files:
        attachment = Attachment(
            entry=entry,
            original_name=info.name,
            size=info.size,
            content_type=info.content_type,
            sha256=info.sha256,
            uploaded_by=actor,
        )
        upload.seek(0)
        # The storage name comes from ``attachment_upload_to`` (random); the given name is unused.
        attachment.file.save(info.name, upload, save=False)
        attachment.save()
        stored.append(attachment)
    return stored


# A message's INSERT, compiled once (core.precompiled); its generated search document is not
# read back.
_insert_entry = PrecompiledInsert(TicketEntry)


def _add_entry(
    *,
    ticket: Ticket,
    kind: str,
    author: User | None,
    body: str,
    files: Sequence[tuple[Any, CheckedUpload]] = (),
    channel: str = Channel.WEB,
    message_id: str = "",
    at: datetime | None = None,
) -> TicketEntry:
    entry = _insert_entry.insert(
        TicketEntry(
            ticket=ticket,
            kind=kind,
            author=author,
            body=body,
            channel=channel,
            message_id=message_id,
            created_at=at or timezone.now(),
        )
    )
    stored = _store_attachments(entry=entry, files=files, actor=author)
    known_attachments(entry, stored)
    return entry


def known_attachments(entry: TicketEntry, attachments: list[Attachment]) -> None:
    """Remember ``attachments`` as ``entry.attachments.all()``, as ``prefetch_related`` would,
    for an entry written in this request: showing it needs no query."""
    rows = Attachment.objects.filter(entry=entry)
    rows._result_cache = attachments
    rows._prefetch_done = True
    entry._prefetched_objects_cache = {"attachments": rows}


def _scope_label(queue: Queue) -> str:
    if queue.department_id is None:
        return ScopeKind.NATIONAL.value
    return f"{ScopeKind.DEPARTMENT.value}:{queue.department_id}"


def _actor_role(actor: User | None, ticket: Ticket) -> str:
    """The role under which ``actor`` acts on ``ticket``, for the audit event."""
    if actor is None:
        return "system"
    if actor.pk == ticket.requester_id:
        return "requester"
    if supervises_queue(actor, ticket.queue):
        return Role.SUPERVISOR.value
    return Role.TECHNICIAN.value


def _audit(
    *,
    action: str,
    ticket: Ticket,
    actor: User | None,
    request: HttpRequest | None = None,
    payload: dict[str, Any] | None = None,
) -> None:
    audit_record(
        action=action,
        obj=ticket,
        actor=actor,
        role=_actor_role(actor, ticket),
        scope=_scope_label(ticket.queue),
        request=request,
        payload={"number": ticket.number, **(payload or {})},
    )


def _fire(
    *,
    actor: User | None,
    ticket: Ticket,
    name: str,
    request: HttpRequest | None = None,
    payload: dict[str, Any] | None = None,
    locked: bool = False,
    **kwargs: Any,
) -> Ticket:
    """Fire transition ``name`` on ``ticket``. ``locked=True``: ``ticket`` is the row the
    caller's ``_lock`` returned, changed only through this instance since, so ``transition``
    need not lock and read it again (``core.workflow.transition(locked_by_caller=True)``)."""
    return transition(
        locked_by_caller=locked,
        actor=actor,
        obj=ticket,
        name=name,
        request=request,
        role=_actor_role(actor, ticket),
        scope=_scope_label(ticket.queue),
        payload={"number": ticket.number, **(payload or {})},
        **kwargs,
    )


def ticket_link_path(ticket: Ticket) -> str:
    """The ticket's page, once the pages exist (``helpdesk:ticket_detail``); empty before."""
    try:
        return reverse("helpdesk:ticket_detail", kwargs={"number": ticket.number})
    except NoReverseMatch:
        return ""


def _context(ticket: Ticket, **extra: Any) -> dict[str, Any]:
    return {
        "ticket_number": ticket.number,
        "ticket_subject": ticket.subject,
        "service_name": ticket.service.name,
        "queue_name": ticket.queue.name,
        "status": ticket.status,
        "status_label": str(S(ticket.status).label),
        "priority_label": str(Priority(ticket.priority).label),
        **extra,
    }


def _notify(
    *,
    user: User | None,
    template: str,
    ticket: Ticket,
    key: str | None = None,
    link: str | None = None,
    **extra: Any,
) -> None:
    """Write the outbox rows for one person, in the current transaction.

    ``key`` makes the message idempotent; it matters where a step may run twice (the sweep).
    Notifications of a user's action need none: they commit or roll back with the action.
    """
    if user is None or not user.is_active:
        return
    notify(
        recipient=user.person,
        user=user,
        template=template,
        context=_context(ticket, **extra),
        idempotency_key=f"helpdesk:{ticket.pk}:{key}:{user.pk}" if key else None,
        link=ticket_link_path(ticket) if link is None else link,
        reply_to=_reply_to(ticket, user),
    )


def _not_active(ticket: Ticket) -> Conflict:
    return Conflict(
        _("El caso %(number)s está «%(status)s»; ya no admite esta acción.")
        % {"number": ticket.number, "status": S(ticket.status).label},
        code="ticket_not_active",
    )


def _reply_to(ticket: Ticket, user: User) -> str:
    """The signed ``caso+<token>@…`` address for the requester's emails (``helpdesk/inbound.py``);
    empty for staff and when ``SIGES_INBOUND_DOMAIN`` is not set."""
    from ..inbound import reply_to_for  # inbound.py imports this package

    return reply_to_for(ticket, user)
