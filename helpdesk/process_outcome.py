"""A ticket that follows a process (``Ticket.process``) is resolved when the process ends.

Called by the workflows layer from inside the step that ends the process, so the outcome
message, the resolution and the step commit or roll back together. The person who decided is
often not help-desk staff (an identity officer, a director): the message is theirs, the
resolution is the system's, and the audit events say both.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.accounts.models import User
from core.audit.services import audit_record
from core.exceptions import Conflict
from core.workflow import transition

from .choices import ACTIVE_STATUSES, Channel, EntryKind, TicketStatus
from .models import Ticket, TicketEntry


def _scope(ticket: Ticket) -> str:
    return (
        "national"
        if ticket.queue.department_id is None
        else f"department:{ticket.queue.department_id}"
    )


@transaction.atomic
def ticket_resolve_for_process(*, ticket: Ticket, author: User | None, message: str) -> Ticket:
    """Post ``message`` (the process's outcome, by ``author``) as a public reply on ``ticket``
    and resolve it. A ticket the requester already cancelled only gets the message. The
    requester is notified by the process (its own outcome message), not here. Returns the
    ticket as saved."""
    locked = Ticket.objects.select_for_update().select_related("queue").get(pk=ticket.pk)
    if locked.process_id is None:
        raise Conflict(_("El caso no sigue ningún trámite."), code="ticket_without_process")
    now = timezone.now()
    entry = TicketEntry.objects.create(
        ticket=locked,
        kind=EntryKind.REPLY,
        author=author,
        body=message,
        channel=Channel.WEB,
        created_at=now,
    )
    audit_record(
        action="ticket.replied",
        obj=locked,
        actor=author,
        role="process",
        scope=_scope(locked),
        payload={"number": locked.number, "entry_id": entry.pk, "process_id": locked.process_id},
    )
    if locked.first_responded_at is None:
        locked.first_responded_at = now
        locked.save(update_fields=["first_responded_at", "updated_at"])
    if locked.status in ACTIVE_STATUSES:
        common = {
            "actor": None,
            "obj": locked,
            "role": "system",
            "scope": _scope(locked),
            "payload": {"number": locked.number, "process_id": locked.process_id},
        }
        if locked.status == TicketStatus.NEW:
            transition(name="accept", **common)
        transition(name="resolve", at=now, **common)
    return locked


@transaction.atomic
def ticket_update_for_process(
    *, ticket: Ticket, author: User | None, message: str, key: str = ""
) -> Ticket:
    """Post ``message`` (news of the process the ticket follows, by ``author``, who may not be
    help-desk staff) as a public reply on ``ticket`` without resolving it, and tell the
    requester. Nothing is posted on a ticket that is no longer active. ``key`` makes it
    idempotent."""
    from .services.common import _notify

    locked = Ticket.objects.select_for_update().select_related("queue").get(pk=ticket.pk)
    if locked.process_id is None:
        raise Conflict(_("El caso no sigue ningún trámite."), code="ticket_without_process")
    if locked.status not in ACTIVE_STATUSES:
        return locked
    entry = TicketEntry.objects.create(
        ticket=locked,
        kind=EntryKind.REPLY,
        author=author,
        body=message,
        channel=Channel.WEB,
        created_at=timezone.now(),
    )
    audit_record(
        action="ticket.replied",
        obj=locked,
        actor=author,
        role="process",
        scope=_scope(locked),
        payload={"number": locked.number, "entry_id": entry.pk, "process_id": locked.process_id},
    )
    _notify(
        user=locked.requester,
        template="ticket_reply",
        ticket=locked,
        message=message,
        key=f"process-update:{key}" if key else None,
    )
    return locked
