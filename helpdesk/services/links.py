"""Merging a duplicate into its ticket and linking tickets (related, parent, child)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from core.accounts.models import User
from core.exceptions import Conflict

from ..choices import FINAL_STATUSES, EntryKind, LinkKind
from ..models import Ticket
from ..permissions import is_ticket_staff
from .common import S, _add_entry, _audit, _fire, _lock_pair, _notify, _sync, ticket_link_path


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
