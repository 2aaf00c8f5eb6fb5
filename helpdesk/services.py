"""Every write of the help desk. Keyword-only, typed, atomic and audited.

Status changes go through ``core.workflow.transition`` (permission → 403, impossible step →
409 with the reason, row lock, audit event). Other changes (assignment, links, ratings) lock the
ticket row themselves and write their own audit event. Notifications are outbox rows written
in the same transaction (``notifications.services.notify``).

Every service takes the ticket the caller holds, works on a freshly locked copy, and copies
the committed values back into the caller's instance before returning it.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import F
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.accounts.choices import Role, ScopeKind
from core.accounts.models import User
from core.accounts.scopes import has_role
from core.audit.services import audit_record
from core.calendar import add_business_time
from core.exceptions import Conflict
from core.uploads import CheckedUpload, check_uploads
from core.workflow import transition
from notifications.services import notify

from .choices import (
    ACTIVE_STATUSES,
    FINAL_STATUSES,
    AssignmentMode,
    Channel,
    EntryKind,
    LinkKind,
    Priority,
    SlaTarget,
    TicketStatus,
)
from .conf import helpdesk_settings, upload_limits
from .forms import clean_service_data
from .models import (
    Attachment,
    Queue,
    SatisfactionRating,
    Service,
    TechnicianStatus,
    Ticket,
    TicketCounter,
    TicketEntry,
)
from .permissions import (
    can_request_service,
    is_requester,
    is_ticket_staff,
    serves_queue,
    supervises_queue,
)
from .selectors import queue_supervisors, queue_technicians, technician_loads
from .signals import ticket_created

S = TicketStatus

# --- Small helpers ------------------------------------------------------------------------------


def _lock(ticket: Ticket) -> Ticket:
    if ticket.pk is None:
        raise ValueError("the ticket must be saved")
    return Ticket.objects.select_for_update().get(pk=ticket.pk)


def _lock_pair(first: Ticket, second: Ticket) -> tuple[Ticket, Ticket]:
    """Lock two tickets in id order (no deadlock between two merges in opposite directions)."""
    rows = {
        t.pk: t
        for t in Ticket.objects.select_for_update()
        .filter(pk__in=[first.pk, second.pk])
        .order_by("pk")
    }
    return rows[first.pk], rows[second.pk]


def _sync(target: models.Model, source: models.Model) -> None:
    """Copy ``source``'s field values into ``target`` (the caller's instance).

    Values go straight into ``__dict__``: the protected status field refuses assignment.
    """
    if target is source:
        return
    for model_field in source._meta.concrete_fields:
        value = source.__dict__.get(model_field.attname)
        changed = target.__dict__.get(model_field.attname) != value
        if model_field.is_relation and changed and model_field.is_cached(target):
            model_field.delete_cached_value(target)
        target.__dict__[model_field.attname] = value


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
    entry = TicketEntry.objects.create(
        ticket=ticket,
        kind=kind,
        author=author,
        body=body,
        channel=channel,
        message_id=message_id,
        created_at=at or timezone.now(),
    )
    _store_attachments(entry=entry, files=files, actor=author)
    return entry


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
    **kwargs: Any,
) -> Ticket:
    return transition(
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


# --- Numbers and SLA --------------------------------------------------------------------------


def _next_number(now: datetime) -> str:
    """``MA-2026-000123``: the counter row of the year is incremented under its row lock, so
    concurrent creations get distinct, gapless numbers (a rolled back creation leaves a gap)."""
    year = timezone.localtime(now).year
    TicketCounter.objects.get_or_create(year=year)
    TicketCounter.objects.filter(year=year).update(last_value=F("last_value") + 1)
    value = TicketCounter.objects.filter(year=year).values_list("last_value", flat=True).get()
    digits = helpdesk_settings.TICKET_NUMBER_DIGITS
    return f"{helpdesk_settings.TICKET_PREFIX}-{year}-{value:0{digits}d}"


@dataclass(frozen=True)
class SlaDeadlines:
    first_response_due_at: datetime
    first_response_warn_at: datetime
    resolution_due_at: datetime
    resolution_warn_at: datetime


def sla_deadlines(*, service: Service, priority: str, start: datetime) -> SlaDeadlines:
    """Deadlines and warning moments for a ticket opened at ``start``, in business time."""
    first_response, resolution = service.sla_policy.targets_for(priority)
    ratio = helpdesk_settings.SLA_WARN_RATIO
    return SlaDeadlines(
        first_response_due_at=add_business_time(start, first_response),
        first_response_warn_at=add_business_time(start, first_response * ratio),
        resolution_due_at=add_business_time(start, resolution),
        resolution_warn_at=add_business_time(start, resolution * ratio),
    )


# --- Assignment -----------------------------------------------------------------------------------


def _pick_round_robin(queue: Queue) -> User | None:
    candidates = list(queue_technicians(queue))
    if not candidates:
        return None
    pointer = queue.last_assigned_id
    chosen = next((user for user in candidates if pointer is None or user.pk > pointer), None)
    return chosen or candidates[0]


def _pick_least_loaded(queue: Queue) -> User | None:
    return technician_loads(queue).first()


def _auto_assign(ticket: Ticket, *, request: HttpRequest | None = None) -> User | None:
    """Assign ``ticket`` (locked, unassigned) by its queue's mode; ``None`` if nobody can take it.

    The queue row is locked first so that concurrent assignments in one queue see each other's
    pointer and load.
    """
    queue = Queue.objects.select_for_update().get(pk=ticket.queue_id)
    if queue.assignment_mode == AssignmentMode.ROUND_ROBIN:
        chosen = _pick_round_robin(queue)
    elif queue.assignment_mode == AssignmentMode.LEAST_LOADED:
        chosen = _pick_least_loaded(queue)
    else:
        return None
    if chosen is None:
        return None
    if queue.assignment_mode == AssignmentMode.ROUND_ROBIN:
        queue.last_assigned = chosen
        queue.save(update_fields=["last_assigned"])
    ticket.assignee = chosen
    ticket.save(update_fields=["assignee", "updated_at"])
    _audit(
        action="ticket.auto_assigned",
        ticket=ticket,
        actor=None,
        request=request,
        payload={"assignee_id": chosen.pk, "mode": queue.assignment_mode, "queue": queue.code},
    )
    if ticket.status == S.NEW:
        _fire(actor=None, ticket=ticket, name="accept", request=request)
    _notify(user=chosen, template="ticket_assigned", ticket=ticket)
    return chosen


# --- Creating tickets ---------------------------------------------------------------------------


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
    """
    if not can_request_service(requester, service):
        raise PermissionDenied
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
    ticket = Ticket.objects.create(
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
            for key, upload, info in form_files:
                (stored,) = _store_attachments(entry=entry, files=[(upload, info)], actor=requester)
                form_data[key] = {"attachment_id": stored.pk, "name": stored.original_name}
            ticket.form_data = form_data
            ticket.save(update_fields=["form_data"])
    audit_record(
        action="ticket.created",
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
    _notify(user=requester, template="ticket_created", ticket=ticket, key="created")
    if ticket.queue.assignment_mode != AssignmentMode.MANUAL:
        _auto_assign(ticket, request=request)
    ticket_created.send(sender=Ticket, ticket=ticket)
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


# --- Claiming and assigning ---------------------------------------------------------------------


@transaction.atomic
def ticket_claim(*, actor: User, ticket: Ticket, request: HttpRequest | None = None) -> Ticket:
    """``actor`` takes an unassigned ticket of a queue they serve. Exactly one of many
    concurrent claims wins: the row lock makes the others see the new assignee and get 409."""
    locked = _lock(ticket)
    if not is_ticket_staff(actor, locked):
        raise PermissionDenied
    if locked.status not in ACTIVE_STATUSES:
        raise _not_active(locked)
    if locked.assignee_id == actor.pk:
        raise Conflict(_("Usted ya tiene asignado este caso."), code="already_yours")
    if locked.assignee_id is not None:
        raise Conflict(_("Otra persona tomó este caso antes que usted."), code="already_claimed")
    locked.assignee = actor
    locked.save(update_fields=["assignee", "updated_at"])
    _audit(
        action="ticket.claimed",
        ticket=locked,
        actor=actor,
        request=request,
        payload={"assignee_id": actor.pk},
    )
    if locked.status == S.NEW:
        _fire(actor=actor, ticket=locked, name="accept", request=request)
    _sync(ticket, locked)
    return ticket


@transaction.atomic
def ticket_release(*, actor: User, ticket: Ticket, request: HttpRequest | None = None) -> Ticket:
    """The assignee (or a supervisor of the queue) gives the ticket back to its queue."""
    locked = _lock(ticket)
    mine = locked.assignee_id == actor.pk and is_ticket_staff(actor, locked)
    if not (mine or supervises_queue(actor, locked.queue)):
        raise PermissionDenied
    if locked.status not in ACTIVE_STATUSES:
        raise _not_active(locked)
    if locked.assignee_id is None:
        raise Conflict(_("El caso no está asignado a nadie."), code="not_assigned")
    previous = locked.assignee_id
    locked.assignee = None
    locked.save(update_fields=["assignee", "updated_at"])
    _audit(
        action="ticket.released",
        ticket=locked,
        actor=actor,
        request=request,
        payload={"previous_assignee_id": previous},
    )
    _sync(ticket, locked)
    return ticket


@transaction.atomic
def ticket_assign(
    *, actor: User, ticket: Ticket, assignee: User, request: HttpRequest | None = None
) -> Ticket:
    """A supervisor (re)assigns a ticket of a queue in their scope to a technician serving it."""
    locked = _lock(ticket)
    if not supervises_queue(actor, locked.queue):
        raise PermissionDenied
    if locked.status not in ACTIVE_STATUSES:
        raise _not_active(locked)
    if not serves_queue(assignee, locked.queue):
        raise ValidationError(
            {
                "assignee": _("Esa persona no atiende la cola «%(queue)s».")
                % {"queue": locked.queue.name}
            }
        )
    if locked.assignee_id == assignee.pk:
        raise Conflict(_("El caso ya está asignado a esa persona."), code="already_assigned")
    previous = locked.assignee_id
    locked.assignee = assignee
    locked.save(update_fields=["assignee", "updated_at"])
    _audit(
        action="ticket.assigned",
        ticket=locked,
        actor=actor,
        request=request,
        payload={"previous_assignee_id": previous, "assignee_id": assignee.pk},
    )
    if locked.status == S.NEW:
        _fire(actor=actor, ticket=locked, name="accept", request=request)
    _notify(user=assignee, template="ticket_assigned", ticket=locked)
    _sync(ticket, locked)
    return ticket


@transaction.atomic
def ticket_route(
    *,
    actor: User,
    ticket: Ticket,
    queue: Queue,
    note: str = "",
    request: HttpRequest | None = None,
) -> Ticket:
    """Send a ticket to the queue of the area that owns the matter (level 1 routes; it does
    not edit module records). The assignee is cleared and the new queue's assignment runs."""
    locked = _lock(ticket)
    if not is_ticket_staff(actor, locked):
        raise PermissionDenied
    if locked.status not in ACTIVE_STATUSES:
        raise _not_active(locked)
    if not queue.is_active:
        raise ValidationError({"queue": _("La cola de destino no está activa.")})
    if queue.pk == locked.queue_id:
        raise Conflict(_("El caso ya está en esa cola."), code="same_queue")
    note = _clean_body(note, required=False, field_name="note")
    role = _actor_role(actor, locked)
    previous_queue = locked.queue
    locked.queue = queue
    locked.assignee = None
    locked.save(update_fields=["queue", "assignee", "updated_at"])
    if note:
        _add_entry(ticket=locked, kind=EntryKind.NOTE, author=actor, body=note)
    audit_record(
        action="ticket.routed",
        obj=locked,
        actor=actor,
        role=role,
        scope=_scope_label(previous_queue),
        request=request,
        payload={
            "number": locked.number,
            "from_queue": previous_queue.code,
            "to_queue": queue.code,
        },
    )
    if queue.assignment_mode != AssignmentMode.MANUAL:
        _auto_assign(locked, request=request)
    _sync(ticket, locked)
    return ticket


@transaction.atomic
def ticket_set_priority(
    *, actor: User, ticket: Ticket, priority: str, request: HttpRequest | None = None
) -> Ticket:
    """Staff change a ticket's priority. SLA deadlines are kept (they were promised at
    creation); the priority orders the work."""
    if priority not in Priority.values:
        raise ValidationError({"priority": _("Prioridad no válida.")})
    locked = _lock(ticket)
    if not is_ticket_staff(actor, locked):
        raise PermissionDenied
    if locked.status not in ACTIVE_STATUSES:
        raise _not_active(locked)
    if locked.priority == priority:
        return ticket
    previous = locked.priority
    locked.priority = priority
    locked.save(update_fields=["priority", "updated_at"])
    _audit(
        action="ticket.priority_changed",
        ticket=locked,
        actor=actor,
        request=request,
        payload={"from": previous, "to": priority},
    )
    _sync(ticket, locked)
    return ticket


@transaction.atomic
def technician_set_availability(
    *, actor: User, technician: User, available: bool, request: HttpRequest | None = None
) -> TechnicianStatus:
    """A technician marks themselves (un)available for automatic assignment; supervisors may
    do it for others."""
    own = actor.pk == technician.pk and has_role(actor, [Role.TECHNICIAN])
    if not (own or has_role(actor, [Role.SUPERVISOR])):
        raise PermissionDenied
    status, _created = TechnicianStatus.objects.select_for_update().get_or_create(user=technician)
    if status.available != available:
        previous = status.available
        status.available = available
        status.save(update_fields=["available", "updated_at"])
        audit_record(
            action="helpdesk.availability_changed",
            obj=technician,
            actor=actor,
            request=request,
            payload={
                "available": available,
                "before": {"available": previous},
                "after": {"available": available},
            },
        )
    return status


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


def _stamp_first_response(ticket: Ticket, *, actor: User, at: datetime, request: Any) -> None:
    if ticket.first_responded_at is not None:
        return
    ticket.first_responded_at = at
    fields = ["first_responded_at", "updated_at"]
    if ticket.first_response_due_at is not None and at > ticket.first_response_due_at:
        ticket.first_response_breached = True
        fields.append("first_response_breached")
    ticket.save(update_fields=fields)
    _audit(
        action="ticket.first_response",
        ticket=ticket,
        actor=actor,
        request=request,
        payload={"late": ticket.first_response_breached},
    )


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
    _stamp_first_response(ticket, actor=actor, at=now, request=request)
    if ticket.status in (S.NEW, S.OPEN, S.REOPENED):
        _fire(actor=actor, ticket=ticket, name="start", request=request)
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


@transaction.atomic
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
    locked = _lock(ticket)
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
        _fire(actor=actor, ticket=ticket, name="reopen", request=request, at=now)
    elif ticket.status == S.WAITING_ON_REQUESTER:
        _fire(actor=actor, ticket=ticket, name="resume", request=request, at=now)
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


@transaction.atomic
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
    locked = _lock(ticket)
    if not is_ticket_staff(actor, locked):
        raise PermissionDenied
    if message or checked:
        if locked.status in FINAL_STATUSES:
            raise _not_active(locked)
        _staff_public_message(
            actor=actor,
            ticket=locked,
            body=message,
            files=checked,
            channel=Channel.WEB,
            message_id="",
            request=request,
        )
    _fire(actor=actor, ticket=locked, name=name, request=request, at=timezone.now())
    return locked, message


@transaction.atomic
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


@transaction.atomic
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


@transaction.atomic
def ticket_reopen(
    *, actor: User, ticket: Ticket, message: str = "", request: HttpRequest | None = None
) -> Ticket:
    """Reopen a resolved ticket: staff at any time (``message`` becomes an internal note); the
    requester within the reopen window, saying why (a public message, as ``ticket_reply``)."""
    message = _clean_body(message, required=False, field_name="message")
    locked = _lock(ticket)
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
        _fire(actor=actor, ticket=locked, name="reopen", request=request, at=timezone.now())
        if message:
            _add_entry(ticket=locked, kind=EntryKind.NOTE, author=actor, body=message)
        _notify(user=locked.requester, template="ticket_status_changed", ticket=locked)
    else:
        raise PermissionDenied
    _sync(ticket, locked)
    return ticket


@transaction.atomic
def ticket_close(
    *, actor: User | None, ticket: Ticket, request: HttpRequest | None = None
) -> Ticket:
    """Close a resolved ticket: its requester (confirming), staff, or the system (``None``,
    the sweep, once the reopen window has passed)."""
    locked = _lock(ticket)
    if actor is not None and not (is_requester(actor, locked) or is_ticket_staff(actor, locked)):
        raise PermissionDenied
    _fire(actor=actor, ticket=locked, name="close", request=request, at=timezone.now())
    if actor is None or actor.pk != locked.requester_id:
        _notify(user=locked.requester, template="ticket_status_changed", ticket=locked)
    _sync(ticket, locked)
    return ticket


@transaction.atomic
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
    _fire(actor=actor, ticket=locked, name="cancel", request=request, at=timezone.now())
    _notify(
        user=locked.assignee,
        template="ticket_status_changed",
        ticket=locked,
        for_staff=True,
        message=reason,
    )
    _sync(ticket, locked)
    return ticket


@transaction.atomic
def ticket_merge(
    *, actor: User, ticket: Ticket, into: Ticket, request: HttpRequest | None = None
) -> Ticket:
    """Merge the duplicate ``ticket`` into ``into``: the duplicate ends ``merged``, its
    conversation shows in the target's (``selectors.ticket_entries_for``), and the requester is
    told where to follow it. Only tickets of the same requester merge (a conversation is never
    shown to someone else); link others as related instead."""
    if ticket.pk == into.pk:
        raise Conflict(_("Un caso no puede fusionarse consigo mismo."), code="merge_self")
    duplicate, target = _lock_pair(ticket, into)
    if not (is_ticket_staff(actor, duplicate) and is_ticket_staff(actor, target)):
        raise PermissionDenied
    if duplicate.requester_id != target.requester_id:
        raise Conflict(
            _("Solo se fusionan casos del mismo solicitante; vincúlelos como relacionados."),
            code="merge_other_requester",
        )
    if target.status in FINAL_STATUSES:
        raise Conflict(
            _("El caso %(number)s está «%(status)s» y no puede recibir otro caso.")
            % {"number": target.number, "status": S(target.status).label},
            code="merge_target_final",
        )
    _fire(
        actor=actor,
        ticket=duplicate,
        name="merge",
        request=request,
        payload={"into": target.number},
        into=target,
        at=timezone.now(),
    )
    _add_entry(
        ticket=target,
        kind=EntryKind.NOTE,
        author=actor,
        body=_("Se fusionó el caso %(number)s en este caso.") % {"number": duplicate.number},
    )
    _audit(
        action="ticket.merge_received",
        ticket=target,
        actor=actor,
        request=request,
        payload={"from": duplicate.number},
    )
    _notify(
        user=duplicate.requester,
        template="ticket_merged",
        ticket=duplicate,
        target_number=target.number,
        link=ticket_link_path(target),  # the conversation continues there
    )
    _sync(ticket, duplicate)
    _sync(into, target)
    return ticket


def _ancestors(ticket: Ticket) -> set[int]:
    seen: set[int] = set()
    parent_id = ticket.parent_id
    while parent_id is not None and parent_id not in seen:
        seen.add(parent_id)
        parent_id = Ticket.objects.filter(pk=parent_id).values_list("parent_id", flat=True).first()
    return seen


@transaction.atomic
def ticket_link(
    *,
    actor: User,
    ticket: Ticket,
    other: Ticket,
    kind: str,
    request: HttpRequest | None = None,
) -> Ticket:
    """Link two tickets: ``related`` (both ways), ``parent`` (``other`` becomes the parent of
    ``ticket``) or ``child`` (``other`` becomes a child of ``ticket``). Staff of both only."""
    if kind not in LinkKind.values:
        raise ValidationError({"kind": _("Tipo de vínculo no válido.")})
    if ticket.pk == other.pk:
        raise Conflict(_("Un caso no puede vincularse consigo mismo."), code="link_self")
    first, second = _lock_pair(ticket, other)
    if not (is_ticket_staff(actor, first) and is_ticket_staff(actor, second)):
        raise PermissionDenied
    if kind == LinkKind.RELATED:
        first.related.add(second)
    else:
        child, parent = (first, second) if kind == LinkKind.PARENT else (second, first)
        if child.pk in _ancestors(parent) or child.pk == parent.pk:
            raise Conflict(
                _("El vínculo formaría un ciclo: %(number)s ya depende de este caso.")
                % {"number": parent.number},
                code="link_cycle",
            )
        child.parent = parent
        child.save(update_fields=["parent", "updated_at"])
    _audit(
        action="ticket.linked",
        ticket=first,
        actor=actor,
        request=request,
        payload={"kind": kind, "other": second.number},
    )
    _sync(ticket, first)
    _sync(other, second)
    return ticket


@transaction.atomic
def ticket_rate(
    *,
    actor: User,
    ticket: Ticket,
    rating: int,
    comment: str = "",
    request: HttpRequest | None = None,
) -> SatisfactionRating:
    """The requester rates a resolved (or closed) ticket once, from 1 to 5."""
    if isinstance(rating, bool) or not isinstance(rating, int) or not 1 <= rating <= 5:
        raise ValidationError({"rating": _("Califique con un número del 1 al 5.")})
    comment = _clean_body(comment, required=False, field_name="comment")
    locked = _lock(ticket)
    if not is_requester(actor, locked):
        raise PermissionDenied
    if locked.status not in (S.RESOLVED, S.CLOSED):
        raise Conflict(
            _("Podrá calificar la atención cuando el caso esté resuelto."), code="not_resolved"
        )
    if SatisfactionRating.objects.filter(ticket=locked).exists():
        raise Conflict(_("Este caso ya fue calificado."), code="already_rated")
    try:
        with transaction.atomic():
            rated = SatisfactionRating.objects.create(
                ticket=locked, rating=rating, comment=comment, rated_by=actor
            )
    except IntegrityError as exc:
        raise Conflict(_("Este caso ya fue calificado."), code="already_rated") from exc
    _audit(
        action="ticket.rated",
        ticket=locked,
        actor=actor,
        request=request,
        payload={"rating": rating},
    )
    return rated


# --- SLA sweep ------------------------------------------------------------------------------------


@dataclass
class SlaSweepReport:
    warned: list[str] = field(default_factory=list)
    breached: list[str] = field(default_factory=list)
    escalated: list[str] = field(default_factory=list)
    closed: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, int]:
        return {
            "warned": len(self.warned),
            "breached": len(self.breached),
            "escalated": len(self.escalated),
            "closed": len(self.closed),
        }


_SLA_FIELDS = {
    SlaTarget.FIRST_RESPONSE: (
        "first_response_warn_at",
        "first_response_due_at",
        "first_response_warned",
        "first_response_breached",
    ),
    SlaTarget.RESOLUTION: (
        "resolution_warn_at",
        "resolution_due_at",
        "resolution_warned",
        "resolution_breached",
    ),
}


def _watched(target: str) -> models.QuerySet[Ticket]:
    """Tickets whose ``target`` clock is running."""
    tickets = Ticket.objects.filter(status__in=ACTIVE_STATUSES)
    if target == SlaTarget.FIRST_RESPONSE:
        return tickets.filter(first_responded_at__isnull=True)
    if helpdesk_settings.SLA_PAUSE_WHILE_WAITING:
        return tickets.exclude(status=S.WAITING_ON_REQUESTER)
    return tickets


def _due(target: str, moment_field: str, flag_field: str, now: datetime) -> list[int]:
    batch = helpdesk_settings.SLA_SWEEP_BATCH
    return list(
        _watched(target)
        .filter(**{flag_field: False, f"{moment_field}__lte": now})
        .order_by(moment_field, "pk")
        .values_list("pk", flat=True)[:batch]
    )


def _still_due(
    target: str, pk: int, moment_field: str, flag_field: str, now: datetime
) -> Ticket | None:
    """Lock the ticket and return it if the condition still holds (a parallel sweep or a reply
    may have changed it since the list was read)."""
    return (
        _watched(target)
        .select_for_update()
        .filter(pk=pk, **{flag_field: False, f"{moment_field}__lte": now})
        .first()
    )


def _sla_warn(target: str, pk: int, now: datetime, report: SlaSweepReport) -> None:
    warn_field, due_field, warned_field, _breached_field = _SLA_FIELDS[target]
    with transaction.atomic():
        ticket = _still_due(target, pk, warn_field, warned_field, now)
        if ticket is None:
            return
        setattr(ticket, warned_field, True)
        ticket.save(update_fields=[warned_field, "updated_at"])
        _audit(
            action="ticket.sla_warning",
            ticket=ticket,
            actor=None,
            payload={"target": target, "due_at": getattr(ticket, due_field)},
        )
        recipients = (
            [ticket.assignee]
            if ticket.assignee_id
            else list(queue_technicians(ticket.queue).select_related("person"))
        )
        for user in recipients:
            _notify(
                user=user,
                template="ticket_sla_warning",
                ticket=ticket,
                key=f"sla:{target}:warn",
                target=str(SlaTarget(target).label),
                due_at=getattr(ticket, due_field),
            )
    report.warned.append(ticket.number)


def _escalate(ticket: Ticket, now: datetime, report: SlaSweepReport) -> None:
    original_queue = ticket.queue
    previous_priority = ticket.priority
    ticket.escalated_at = now
    ticket.priority = Priority.raised(ticket.priority)
    fields = ["escalated_at", "priority", "updated_at"]
    destination = original_queue.escalation_queue
    moved = destination is not None and destination.is_active
    if moved:
        ticket.queue = destination
        ticket.assignee = None
        fields += ["queue", "assignee"]
    ticket.save(update_fields=fields)
    audit_record(
        action="ticket.escalated",
        obj=ticket,
        actor=None,
        role="system",
        scope=_scope_label(original_queue),
        payload={
            "number": ticket.number,
            "priority": [previous_priority, ticket.priority],
            "queue": [original_queue.code, ticket.queue.code],
        },
    )
    for supervisor in queue_supervisors(original_queue):
        _notify(
            user=supervisor,
            template="ticket_sla_breached",
            ticket=ticket,
            key="sla:escalated",
            original_queue=original_queue.name,
            moved=moved,
        )
    if moved and ticket.queue.assignment_mode != AssignmentMode.MANUAL:
        _auto_assign(ticket)
    report.escalated.append(ticket.number)


def _sla_breach(target: str, pk: int, now: datetime, report: SlaSweepReport) -> None:
    _warn_field, due_field, warned_field, breached_field = _SLA_FIELDS[target]
    with transaction.atomic():
        ticket = _still_due(target, pk, due_field, breached_field, now)
        if ticket is None:
            return
        setattr(ticket, breached_field, True)
        setattr(ticket, warned_field, True)  # a breach supersedes the warning
        ticket.save(update_fields=[breached_field, warned_field, "updated_at"])
        _audit(
            action="ticket.sla_breached",
            ticket=ticket,
            actor=None,
            payload={"target": target, "due_at": getattr(ticket, due_field)},
        )
        report.breached.append(ticket.number)
        if ticket.escalated_at is None:
            _escalate(ticket, now, report)


def _auto_close(pk: int, cutoff: datetime, report: SlaSweepReport) -> None:
    with transaction.atomic():
        ticket = (
            Ticket.objects.select_for_update()
            .filter(pk=pk, status=S.RESOLVED, resolved_at__lte=cutoff)
            .first()
        )
        if ticket is None:
            return
        ticket_close(actor=None, ticket=ticket)
    report.closed.append(ticket.number)


def ticket_sla_sweep(*, now: datetime | None = None) -> SlaSweepReport:
    """Warn at ``HELPDESK_SLA_WARN_RATIO`` of each target, record breaches and escalate once
    (priority one step up, the queue's escalation queue if it has one, supervisors notified),
    and close resolved tickets whose reopen window has passed.

    Each ticket is handled in its own transaction under its row lock and every step is guarded
    by a flag, so running the sweep twice (or two sweeps at once) does nothing new.
    """
    now = now or timezone.now()
    report = SlaSweepReport()
    for target, (warn_field, due_field, warned_field, breached_field) in _SLA_FIELDS.items():
        # Breaches first: a ticket found already past its deadline gets no warning.
        for pk in _due(target, due_field, breached_field, now):
            _sla_breach(target, pk, now, report)
        for pk in _due(target, warn_field, warned_field, now):
            _sla_warn(target, pk, now, report)
    if helpdesk_settings.AUTO_CLOSE_RESOLVED:
        cutoff = now - helpdesk_settings.REOPEN_WINDOW
        closable = (
            Ticket.objects.filter(status=S.RESOLVED, resolved_at__lte=cutoff)
            .order_by("resolved_at", "pk")
            .values_list("pk", flat=True)[: helpdesk_settings.SLA_SWEEP_BATCH]
        )
        for pk in list(closable):
            _auto_close(pk, cutoff, report)
    return report


__all__ = [
    "SlaDeadlines",
    "SlaSweepReport",
    "sla_deadlines",
    "technician_set_availability",
    "ticket_add_note",
    "ticket_assign",
    "ticket_cancel",
    "ticket_claim",
    "ticket_close",
    "ticket_create",
    "ticket_link",
    "ticket_link_process",
    "ticket_merge",
    "ticket_rate",
    "ticket_release",
    "ticket_reopen",
    "ticket_reply",
    "ticket_resolve",
    "ticket_route",
    "ticket_set_priority",
    "ticket_set_waiting",
    "ticket_sla_sweep",
]


# --- Email replies (appended by the inbound-email work) -------------------------------------------


def _reply_to(ticket: Ticket, user: User) -> str:
    """The signed ``caso+<token>@…`` address for the requester's emails (``helpdesk/inbound.py``);
    empty for staff and when ``SIGES_INBOUND_DOMAIN`` is not set."""
    from .inbound import reply_to_for  # inbound.py imports this module

    return reply_to_for(ticket, user)
