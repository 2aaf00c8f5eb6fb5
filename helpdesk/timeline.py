"""A ticket's history for the staff page, read from its audit chain: every event (created,
claimed, released, routed, prioritised, resolved…) newest first, in pages, with Spanish labels
(``helpdesk/audit_labels.py``); and which public reply was sent as the resolution.

Callers have already checked that the actor may see the ticket (``ticket_get_for_staff``).
Costs: one query for a page of events, one for the names of the people they mention by id,
one for the resolution scan: the same for any length of history.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import QuerySet

from core.audit.display import EventView, describe_events
from core.audit.models import AuditEvent
from core.audit.services import chain_key_for
from core.precompiled import precompiled

from .models import Ticket, TicketEntry

TIMELINE_PAGE_SIZE = 15

# Payload keys the staff page already shows another way (the number is in the title, the
# message in the conversation) or that mean nothing to staff.
_HIDDEN_FIELDS = frozenset({"number", "entry_id", "changed_fields", "fields"})

# The events a staff "resolve with a message" writes, in order: the public reply, maybe the
# first-response mark (and the start of work), then the transition, whose payload names the
# message (``entry_id``). Events recorded before it did are matched by their order.
_RESOLUTION_STEPS = ("ticket.replied", "ticket.first_response", "ticket.resolve")


@dataclass
class TicketTimeline:
    rows: list[EventView]
    # ``seq`` to pass as ``?historial=`` for the next (older) page; None on the last page.
    older: int | None
    is_first_page: bool


# The staff ticket page reads these on every view: compiled once (core.precompiled).
def _page(events: QuerySet[AuditEvent]) -> QuerySet[AuditEvent]:
    # One more than a page: whether older events exist, without a COUNT.
    return events.order_by("-seq")[: TIMELINE_PAGE_SIZE + 1]


_NEWEST_EVENTS = precompiled(
    "helpdesk.timeline",
    lambda chain_key: _page(AuditEvent.objects.filter(chain_key=chain_key)),
    chain_key=str,
)
_EVENTS_BEFORE = precompiled(
    "helpdesk.timeline_before",
    lambda chain_key, before: _page(AuditEvent.objects.filter(chain_key=chain_key, seq__lt=before)),
    chain_key=str,
    before=int,
)
_RESOLUTION_EVENTS = precompiled(
    "helpdesk.resolution_steps",
    lambda chain_key: (
        AuditEvent.objects.filter(chain_key=chain_key, action__in=_RESOLUTION_STEPS)
        .order_by("seq")
        .values_list("seq", "action", "actor_id", "payload")
    ),
    chain_key=str,
)


def ticket_timeline(*, ticket: Ticket, before: int | None = None) -> TicketTimeline:
    """One page of the ticket's history, newest first; ``before`` is a ``seq`` cursor."""
    chain_key = chain_key_for(ticket)
    if before is None:
        page = _NEWEST_EVENTS.fetch(chain_key=chain_key)
    else:
        page = _EVENTS_BEFORE.fetch(chain_key=chain_key, before=before)
    has_more = len(page) > TIMELINE_PAGE_SIZE
    page = page[:TIMELINE_PAGE_SIZE]
    rows = describe_events(page)
    for row in rows:
        row.fields = [
            item
            for item in row.fields
            if item.key not in _HIDDEN_FIELDS
            and not (item.key == "attachments" and item.value == "0")
        ]
    return TicketTimeline(
        rows=rows,
        older=page[-1].seq if has_more else None,
        is_first_page=before is None,
    )


def resolution_entry_ids(*, ticket: Ticket) -> set[int]:
    """Ids of the public replies sent as a resolution: the message a "resolve" transition
    names, or (events recorded before it named it) a reply that the same person's "resolve"
    transition follows directly (only a first-response mark may come between)."""
    steps = _RESOLUTION_EVENTS.fetch(chain_key=chain_key_for(ticket))
    found: set[int] = set()
    reply: tuple[int, int | None, object] | None = None
    for seq, action, actor_id, payload in steps:
        if action == "ticket.replied":
            reply = (seq, actor_id, (payload or {}).get("entry_id"))
        elif action == "ticket.resolve":
            named = (payload or {}).get("entry_id")
            if isinstance(named, int):
                found.add(named)
            elif reply is not None and "entry_id" not in (payload or {}):
                reply_seq, reply_actor, entry_id = reply
                if reply_actor == actor_id and seq - reply_seq <= 2 and isinstance(entry_id, int):
                    found.add(entry_id)
            reply = None
    return found


def mark_resolutions(*, ticket: Ticket, entries: Iterable[TicketEntry]) -> list[TicketEntry]:
    """The entries as a list, each with ``is_resolution`` set (one query)."""
    resolutions = resolution_entry_ids(ticket=ticket)
    marked = list(entries)
    for entry in marked:
        entry.is_resolution = entry.pk in resolutions
    return marked
