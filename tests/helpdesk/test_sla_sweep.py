"""The SLA sweep with time travel: warnings at 80 %, breaches, one escalation, auto-close, and
idempotence (a second run does nothing new).

A ticket opened on Monday 9:00 under the test policy (2 h first response, 9 h resolution):
first response warned at 10:36 and due at 11:00; resolution warned at 16:12, due Tuesday 9:00.
"""

import pytest

from core.audit.models import AuditEvent
from helpdesk.choices import AssignmentMode, Priority, TicketStatus
from helpdesk.models import Ticket
from helpdesk.services import (
    ticket_claim,
    ticket_reply,
    ticket_resolve,
    ticket_set_waiting,
    ticket_sla_sweep,
)
from helpdesk.tasks import sla_sweep
from notifications.models import OutboxMessage
from tests.helpdesk.conftest import make_queue, make_service, make_team, open_ticket


def state(ticket: Ticket) -> dict:
    return dict(
        Ticket.objects.filter(pk=ticket.pk).values(
            "status",
            "priority",
            "queue__code",
            "assignee",
            "first_response_warned",
            "first_response_breached",
            "resolution_warned",
            "resolution_breached",
            "escalated_at",
        )[0]
    )


def counts() -> tuple[int, int]:
    return AuditEvent.objects.count(), OutboxMessage.objects.count()


@pytest.fixture
def level2(db):
    return make_queue("segundo-nivel")


@pytest.fixture
def watched_queue(level2):
    return make_queue("vigilada", escalation_queue=level2)


@pytest.fixture
def ticket(clock, requester, watched_queue, sla_policy, technician):
    make_team(watched_queue, technician)
    return open_ticket(requester, make_service(watched_queue, sla_policy))


def test_nothing_happens_before_the_warning_time(clock, ticket):
    clock.set(clock.at(0, 10, 35))
    before = counts()
    report = ticket_sla_sweep()
    assert report.as_dict() == {"warned": 0, "breached": 0, "escalated": 0, "closed": 0}
    assert counts() == before


def test_warning_at_80_percent_of_the_first_response_target(clock, ticket, technician):
    clock.set(clock.at(0, 10, 36))

    report = ticket_sla_sweep()

    assert report.warned == [ticket.number]
    assert state(ticket)["first_response_warned"] is True
    assert state(ticket)["first_response_breached"] is False
    event = AuditEvent.objects.get(action="ticket.sla_warning")
    assert (event.actor_id, event.role, event.payload["target"]) == (
        None,
        "system",
        "first_response",
    )
    # Unassigned: the technicians serving the queue are warned.
    (email,) = OutboxMessage.objects.filter(
        recipient=technician.person, template="ticket_sla_warning", channel="email"
    )
    assert "primera respuesta" in email.subject
    assert "11:00" in email.body_text


def test_warning_goes_to_the_assignee_only(clock, make_user, ticket, technician, watched_queue):
    colleague = make_user(role="technician")
    make_team(watched_queue, colleague)
    ticket_claim(actor=technician, ticket=ticket)
    clock.set(clock.at(0, 10, 40))

    ticket_sla_sweep()

    warned = OutboxMessage.objects.filter(template="ticket_sla_warning", channel="email")
    assert [m.recipient_id for m in warned] == [technician.person.pk]


def test_running_the_sweep_twice_does_nothing_new(clock, ticket):
    clock.set(clock.at(0, 10, 40))
    ticket_sla_sweep()
    after_first = (counts(), state(ticket))

    clock.advance(minutes=5)
    report = ticket_sla_sweep()

    assert report.as_dict() == {"warned": 0, "breached": 0, "escalated": 0, "closed": 0}
    assert (counts(), state(ticket)) == after_first


def test_breach_escalates_once(clock, make_user, ticket, technician, level2, department):
    national = make_user(role="supervisor")
    elsewhere = make_user(role="supervisor", scope_kind="department", target=department)
    ticket_claim(actor=technician, ticket=ticket)
    clock.set(clock.at(0, 11, 0))

    report = ticket_sla_sweep()

    assert report.breached == [ticket.number]
    assert report.escalated == [ticket.number]
    assert report.warned == []  # the breach supersedes the warning
    current = state(ticket)
    assert current["first_response_breached"] is True
    assert current["first_response_warned"] is True
    assert current["priority"] == Priority.HIGH
    assert current["queue__code"] == "segundo-nivel"
    assert current["assignee"] is None  # level 2 takes it from its own queue
    assert current["escalated_at"] == clock.now
    escalated = AuditEvent.objects.get(action="ticket.escalated")
    assert escalated.payload["priority"] == ["normal", "high"]
    assert escalated.payload["queue"] == ["vigilada", "segundo-nivel"]
    assert escalated.scope == "national"
    breached = OutboxMessage.objects.filter(template="ticket_sla_breached", channel="email")
    assert [m.recipient_id for m in breached] == [national.person.pk]
    assert elsewhere.person.pk not in [m.recipient_id for m in breached]

    # Later the resolution deadline passes too: recorded, but no second escalation.
    before_outbox = OutboxMessage.objects.filter(template="ticket_sla_breached").count()
    clock.set(clock.at(1, 9, 0))
    report = ticket_sla_sweep()
    assert report.breached == [ticket.number]
    assert report.escalated == []
    assert state(ticket)["resolution_breached"] is True
    assert state(ticket)["priority"] == Priority.HIGH
    assert AuditEvent.objects.filter(action="ticket.escalated").count() == 1
    assert OutboxMessage.objects.filter(template="ticket_sla_breached").count() == before_outbox


def test_escalation_without_an_escalation_queue_keeps_queue_and_assignee(
    clock, requester, sla_policy, technician
):
    queue = make_queue("sola")
    make_team(queue, technician)
    ticket = open_ticket(requester, make_service(queue, sla_policy, code="sola"))
    ticket_claim(actor=technician, ticket=ticket)
    clock.set(clock.at(0, 11, 0))

    ticket_sla_sweep()

    assert (state(ticket)["queue__code"], state(ticket)["assignee"]) == ("sola", technician.pk)
    assert state(ticket)["priority"] == Priority.HIGH


def test_escalated_tickets_are_assigned_by_the_escalation_queue(
    clock, make_user, requester, sla_policy
):
    level2 = make_queue("nivel-2", mode=AssignmentMode.ROUND_ROBIN)
    expert = make_user(role="technician")
    make_team(level2, expert)
    queue = make_queue("nivel-1", escalation_queue=level2)
    ticket = open_ticket(requester, make_service(queue, sla_policy, code="n1"))
    clock.set(clock.at(0, 11, 0))

    ticket_sla_sweep()

    assert state(ticket)["assignee"] == expert.pk
    assert state(ticket)["status"] == TicketStatus.OPEN


def test_urgent_stays_urgent(clock, requester, watched_queue, sla_policy):
    service = make_service(watched_queue, sla_policy, code="urgente", default_priority="urgent")
    ticket = open_ticket(requester, service)
    clock.set(clock.at(0, 11, 0))
    ticket_sla_sweep()
    assert state(ticket)["priority"] == Priority.URGENT


def test_a_timely_first_response_stops_that_clock(clock, ticket, technician):
    clock.set(clock.at(0, 10, 0))
    ticket_reply(actor=technician, ticket=ticket, body="Le atiendo.")
    clock.set(clock.at(0, 12, 0))

    report = ticket_sla_sweep()

    assert report.breached == []
    assert state(ticket)["first_response_breached"] is False


def test_resolution_warning_then_breach(clock, ticket, technician):
    ticket_reply(actor=technician, ticket=ticket, body="Le atiendo.")
    clock.set(clock.at(0, 16, 12))
    assert ticket_sla_sweep().warned == [ticket.number]
    assert AuditEvent.objects.get(action="ticket.sla_warning").payload["target"] == "resolution"
    clock.set(clock.at(1, 9, 0))
    assert ticket_sla_sweep().breached == [ticket.number]
    assert state(ticket)["resolution_breached"] is True


def test_waiting_on_the_requester_stops_the_resolution_clock(clock, requester, ticket, technician):
    ticket_set_waiting(actor=technician, ticket=ticket, message="¿Su NIE?")
    clock.set(clock.at(3, 9, 0))  # days later, still waiting

    report = ticket_sla_sweep()

    assert report.breached == report.warned == []
    assert state(ticket)["resolution_breached"] is False

    # The requester answers on Thursday 9:00; the deadline moved by the 27 business hours waited.
    ticket_reply(actor=requester, ticket=ticket, body="10000001")
    assert ticket.resolution_due_at == clock.at(4, 9, 0)
    clock.set(clock.at(4, 8, 59))
    assert ticket_sla_sweep().breached == []
    clock.set(clock.at(4, 9, 0))
    assert ticket_sla_sweep().breached == [ticket.number]


def test_resolved_tickets_close_after_the_reopen_window(clock, requester, ticket, technician):
    ticket_resolve(actor=technician, ticket=ticket, message="Listo.")
    clock.advance(days=6, hours=23)
    assert ticket_sla_sweep().closed == []

    clock.advance(hours=1)
    report = ticket_sla_sweep()

    assert report.closed == [ticket.number]
    assert state(ticket)["status"] == TicketStatus.CLOSED
    close = AuditEvent.objects.get(action="ticket.close")
    assert (close.actor_id, close.role) == (None, "system")
    assert OutboxMessage.objects.filter(
        recipient=requester.person, template="ticket_status_changed", subject__contains="Cerrado"
    ).exists()
    assert ticket_sla_sweep().closed == []


def test_auto_close_can_be_switched_off(clock, settings, ticket, technician):
    settings.HELPDESK_AUTO_CLOSE_RESOLVED = False
    ticket_resolve(actor=technician, ticket=ticket, message="Listo.")
    clock.advance(days=30)
    ticket_sla_sweep()
    assert state(ticket)["status"] == TicketStatus.RESOLVED


def test_the_celery_task_runs_the_sweep(clock, ticket):
    clock.set(clock.at(0, 10, 40))
    assert sla_sweep.apply().get() == {"warned": 1, "breached": 0, "escalated": 0, "closed": 0}
    assert sla_sweep.apply().get() == {"warned": 0, "breached": 0, "escalated": 0, "closed": 0}
