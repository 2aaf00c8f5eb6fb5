"""The reads behind the staff surfaces: the SLA clocks in business time, the actions offered
in each state, and the lookups that hide tickets outside the actor's queues."""

from datetime import timedelta

import pytest
from django.http import Http404

from core.durations import CLOCK, business_duration
from helpdesk.services import (
    ticket_cancel,
    ticket_claim,
    ticket_reply,
    ticket_resolve,
    ticket_set_waiting,
)
from helpdesk.staff_selectors import (
    staff_ticket_actions,
    ticket_find_for_staff,
    ticket_get_for_staff,
    ticket_sla_clocks,
)
from tests.helpdesk.staff.conftest import fresh

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("delta", "text"),
    [
        (timedelta(minutes=1), "1 minuto"),
        (timedelta(minutes=45), "45 minutos"),
        (timedelta(hours=1), "1 hora"),
        (timedelta(hours=3), "3 horas"),
        (timedelta(hours=2, minutes=5, seconds=59), "2 h 5 min"),
        (-timedelta(hours=1, minutes=30), "1 h 30 min"),
    ],
)
def test_business_durations_read_in_spanish(delta, text):
    assert business_duration(delta, style=CLOCK) == text


def clocks(ticket):
    return {clock.kind: clock for clock in ticket_sla_clocks(ticket)}


def test_a_new_ticket_has_both_clocks_running(clock, world):
    ticket = world.open()
    clock.advance(minutes=30)

    found = clocks(ticket)

    assert found["first_response"].state == "running"
    assert found["first_response"].remaining == timedelta(hours=1, minutes=30)
    assert found["first_response"].warning is False
    assert found["resolution"].remaining == timedelta(hours=8, minutes=30)


def test_the_clock_counts_business_time_over_the_night(clock, world):
    ticket = world.open()  # Monday 9:00; resolution due Monday 18:00 in business time → Tuesday
    clock.set(clock.at(0, 20))  # Monday 20:00: closed since 16:30

    resolution = clocks(ticket)["resolution"]

    assert resolution.due_at == clock.at(1, 9)
    assert resolution.remaining == timedelta(hours=1, minutes=30)


def test_warning_then_breach(clock, world):
    ticket = world.open()

    clock.advance(hours=1, minutes=36)  # 80 % of 2 h is 1 h 36 min
    warned = clocks(ticket)["first_response"]
    clock.advance(minutes=30)
    late = clocks(ticket)["first_response"]

    assert (warned.state, warned.warning, warned.breached) == ("running", True, False)
    assert (late.state, late.warning, late.breached) == ("missed", False, True)
    assert late.remaining == -timedelta(minutes=6)
    assert late.remaining_text == "vencido hace 6 minutos hábiles"


def test_a_first_response_in_time_is_met_and_a_late_one_missed(clock, world):
    on_time = world.open()
    late = world.open()
    clock.advance(hours=1)
    ticket_reply(actor=world.technician, ticket=on_time, body="Hola")
    clock.advance(hours=2)
    ticket_reply(actor=world.technician, ticket=late, body="Hola")

    assert clocks(on_time)["first_response"].state == "met"
    assert clocks(late)["first_response"].state == "missed"
    assert clocks(late)["first_response"].done_at == clock.now


def test_waiting_pauses_the_resolution_clock(clock, world):
    ticket = world.open()
    ticket_claim(actor=world.technician, ticket=ticket)
    ticket_set_waiting(actor=world.technician, ticket=ticket, message="Envíe su constancia.")

    resolution = clocks(ticket)["resolution"]

    assert resolution.state == "paused"
    assert resolution.warning is False


def test_resolved_and_cancelled_tickets_stop_their_clocks(clock, world):
    resolved = world.open()
    cancelled = world.open()
    ticket_claim(actor=world.technician, ticket=resolved)
    clock.advance(hours=1)
    ticket_resolve(actor=world.technician, ticket=resolved, message="Listo.")
    ticket_cancel(actor=world.requester, ticket=cancelled)

    assert clocks(resolved)["resolution"].state == "met"
    assert clocks(resolved)["resolution"].done_at == clock.now
    assert clocks(cancelled)["resolution"].state == "stopped"
    assert clocks(cancelled)["first_response"].state == "stopped"


def allowed(actor, ticket) -> set[str]:
    return set(staff_ticket_actions(actor=fresh(actor), ticket=ticket).allowed)


def test_actions_follow_the_state_and_the_role(clock, world):
    ticket = world.open()
    staff_everywhere = {"route", "priority", "reply", "note", "resolve", "merge", "link"}

    assert allowed(world.technician, ticket) == staff_everywhere | {"claim"}
    assert allowed(world.supervisor, ticket) == staff_everywhere | {"claim", "assign"}
    assert allowed(world.requester, ticket) == set()
    assert allowed(world.technician_other_department, ticket) == set()

    ticket_claim(actor=world.technician, ticket=ticket)
    assert allowed(world.technician, ticket) == staff_everywhere | {"release", "waiting"}
    assert allowed(world.supervisor, ticket) == staff_everywhere | {
        "release",
        "waiting",
        "assign",
    }

    ticket_resolve(actor=world.technician, ticket=ticket, message="Listo.")
    assert allowed(world.technician, ticket) == {"reply", "note", "link", "close", "reopen"}


def test_templates_read_actions_as_attributes(clock, world):
    ticket = world.open()
    actions = staff_ticket_actions(actor=fresh(world.technician), ticket=ticket)

    assert actions.claim is True
    assert actions.assign is False
    assert actions.any is True
    with pytest.raises(AttributeError):
        _ = actions.fly


def test_lookups_hide_tickets_outside_the_staff_scope(clock, world):
    ticket = world.open()

    assert ticket_get_for_staff(actor=fresh(world.technician), number=ticket.number) == ticket
    assert ticket_find_for_staff(actor=fresh(world.supervisor), number=f" {ticket.number.lower()}")
    for outsider in (world.requester, world.technician_other_queue):
        with pytest.raises(Http404):
            ticket_get_for_staff(actor=fresh(outsider), number=ticket.number)
        assert ticket_find_for_staff(actor=fresh(outsider), number=ticket.number) is None
