"""A claim writes the new assignee, and a first staff message the first-response stamp, in the
transition's own UPDATE (``core.workflow.transition(save_fields=…)``): when anything fails
after that UPDATE, nothing of the action stays — not the field the service set, not the audit
events, not the message (docs/security.md: all or nothing, ASVS 2.3.3)."""

import pytest

import core.workflow
from core.audit.models import AuditEvent
from helpdesk.choices import TicketStatus
from helpdesk.models import Ticket, TicketEntry
from helpdesk.services import ticket_claim, ticket_reply
from notifications.models import OutboxMessage
from tests.helpdesk.conftest import open_ticket

pytestmark = pytest.mark.django_db


def _fail_after_the_update(monkeypatch) -> None:
    """Make every transition fail after its UPDATE and its audit event (in its hooks)."""

    def fail(*_args, **_kwargs):
        raise RuntimeError("falla después del UPDATE")

    monkeypatch.setattr(core.workflow, "_run_hooks", fail)


def _state(ticket: Ticket) -> tuple:
    row = Ticket.objects.get(pk=ticket.pk)
    return (
        row.status,
        row.assignee_id,
        row.first_responded_at,
        AuditEvent.objects.filter(object_type="helpdesk.ticket", object_id=str(ticket.pk)).count(),
        TicketEntry.objects.filter(ticket=ticket).count(),
        OutboxMessage.objects.count(),
    )


def test_a_claim_that_fails_after_its_update_leaves_the_ticket_unclaimed(
    clock, monkeypatch, requester, service, technician
):
    ticket = open_ticket(requester, service)
    before = _state(ticket)
    _fail_after_the_update(monkeypatch)

    with pytest.raises(RuntimeError):
        ticket_claim(actor=technician, ticket=Ticket.objects.get(pk=ticket.pk))

    assert _state(ticket) == before
    assert before[:2] == (TicketStatus.NEW, None)


def test_a_first_answer_that_fails_after_its_update_leaves_no_stamp(
    clock, monkeypatch, requester, service, technician
):
    ticket = open_ticket(requester, service)
    ticket_claim(actor=technician, ticket=ticket)
    before = _state(ticket)
    _fail_after_the_update(monkeypatch)

    with pytest.raises(RuntimeError):
        ticket_reply(
            actor=technician, ticket=Ticket.objects.get(pk=ticket.pk), body="Ya lo reviso."
        )

    assert _state(ticket) == before
    assert before[0] == TicketStatus.OPEN
    assert before[2] is None
