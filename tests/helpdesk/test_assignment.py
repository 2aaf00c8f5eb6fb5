"""Assignment: automatic (round robin, least loaded), claim, release, supervisor reassignment,
routing to another queue, availability."""

from collections import Counter

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from core.audit.models import AuditEvent
from core.exceptions import Conflict
from helpdesk.choices import AssignmentMode, TicketStatus
from helpdesk.models import Queue, TechnicianStatus, Ticket
from helpdesk.services import (
    technician_set_availability,
    ticket_assign,
    ticket_claim,
    ticket_release,
    ticket_resolve,
    ticket_route,
)
from notifications.models import OutboxMessage
from tests.helpdesk.conftest import make_queue, make_service, make_team, open_ticket


def snapshot(ticket: Ticket) -> tuple:
    fresh = Ticket.objects.get(pk=ticket.pk)
    return (fresh.status, fresh.assignee_id, fresh.queue_id, fresh.updated_at)


@pytest.fixture
def rr_queue(db):
    return make_queue("rotacion", mode=AssignmentMode.ROUND_ROBIN)


@pytest.fixture
def technicians(make_user, rr_queue):
    people = [make_user(role="technician") for _ in range(3)]
    make_team(rr_queue, *people)
    return people


# --- Round robin ---------------------------------------------------------------------------------


def test_round_robin_spreads_100_tickets_evenly(
    clock, requester, rr_queue, sla_policy, technicians
):
    service = make_service(rr_queue, sla_policy)

    tickets = [open_ticket(requester, service) for _ in range(100)]

    counts = Counter(t.assignee_id for t in tickets)
    assert sorted(counts.values()) == [33, 33, 34]
    assert set(counts) == {t.pk for t in technicians}
    # Strict rotation in id order.
    assert [t.assignee_id for t in tickets[:6]] == [t.pk for t in technicians] * 2
    assert {t.status for t in tickets} == {TicketStatus.OPEN}
    assert Queue.objects.get(pk=rr_queue.pk).last_assigned_id == tickets[-1].assignee_id


def test_round_robin_skips_unavailable_technicians(
    clock, requester, rr_queue, sla_policy, technicians
):
    service = make_service(rr_queue, sla_policy)
    first, away, third = technicians
    technician_set_availability(actor=away, technician=away, available=False)

    tickets = [open_ticket(requester, service) for _ in range(10)]

    counts = Counter(t.assignee_id for t in tickets)
    assert counts == {first.pk: 5, third.pk: 5}


def test_round_robin_ignores_people_without_a_covering_grant_or_team(
    clock, make_user, requester, rr_queue, sla_policy, technicians, department
):
    service = make_service(rr_queue, sla_policy)
    # A department technician in the team cannot take a national queue's tickets...
    make_team(rr_queue, make_user(role="technician", scope_kind="department", target=department))
    # ...nor a national technician whose team is inactive, nor a citizen in a team.
    inactive = make_team(rr_queue, make_user(role="technician"))
    inactive.is_active = False
    inactive.save()
    make_team(rr_queue, make_user(role="citizen"))

    tickets = [open_ticket(requester, service) for _ in range(6)]

    assert {t.assignee_id for t in tickets} == {t.pk for t in technicians}


def test_automatic_assignment_is_audited_as_the_system_and_notifies(
    clock, requester, rr_queue, sla_policy, technicians
):
    ticket = open_ticket(requester, make_service(rr_queue, sla_policy))

    events = list(
        AuditEvent.objects.filter(object_id=str(ticket.pk), object_type="helpdesk.ticket")
        .order_by("seq")
        .values_list("action", "actor_id", "role", "from_state", "to_state")
    )
    assert events == [
        ("ticket.created", requester.pk, "requester", "", "new"),
        ("ticket.auto_assigned", None, "system", "", ""),
        ("ticket.accept", None, "system", "new", "open"),
    ]
    assert (
        OutboxMessage.objects.filter(
            recipient=technicians[0].person, template="ticket_assigned"
        ).count()
        == 2
    )  # email + in-app


def test_without_available_technicians_the_ticket_waits_in_the_queue(
    clock, requester, rr_queue, sla_policy, technicians
):
    for person in technicians:
        technician_set_availability(actor=person, technician=person, available=False)

    ticket = open_ticket(requester, make_service(rr_queue, sla_policy))

    assert (ticket.status, ticket.assignee) == (TicketStatus.NEW, None)


# --- Least loaded --------------------------------------------------------------------------------


def test_least_loaded_fills_the_emptiest_first(clock, make_user, requester, sla_policy):
    queue = make_queue("carga", mode=AssignmentMode.LEAST_LOADED)
    a, b, c = (make_user(role="technician") for _ in range(3))
    make_team(queue, a, b, c)
    manual = make_queue("manual")
    make_team(manual, a, b, c)
    manual_service = make_service(manual, sla_policy, code="manual")
    # Given loads a=2, b=0, c=1 (active tickets, in any queue), plus a resolved one for b
    for person in (a, a, c, b):
        ticket_claim(actor=person, ticket=open_ticket(requester, manual_service))
    last = Ticket.objects.filter(assignee=b).get()
    ticket_resolve(actor=b, ticket=last, message="Listo.")

    # When four tickets arrive in the least-loaded queue
    service = make_service(queue, sla_policy, code="carga")
    assignees = [open_ticket(requester, service).assignee for _ in range(4)]

    # Then b (0) gets one, b and c tie at 1 and b wins by id, c (1) next, then a (all at 2)
    assert assignees == [b, b, c, a]


def test_least_loaded_skips_unavailable(clock, make_user, requester, sla_policy):
    queue = make_queue("carga", mode=AssignmentMode.LEAST_LOADED)
    a, b = make_user(role="technician"), make_user(role="technician")
    make_team(queue, a, b)
    technician_set_availability(actor=a, technician=a, available=False)
    service = make_service(queue, sla_policy)

    assert {open_ticket(requester, service).assignee for _ in range(3)} == {b}


# --- Claim ---------------------------------------------------------------------------------------


def test_claim_takes_a_new_ticket(clock, requester, service, technician):
    ticket = open_ticket(requester, service)

    returned = ticket_claim(actor=technician, ticket=ticket)

    assert returned is ticket
    assert (ticket.status, ticket.assignee) == (TicketStatus.OPEN, technician)
    assert snapshot(ticket)[:2] == (TicketStatus.OPEN, technician.pk)
    assert AuditEvent.objects.filter(action="ticket.claimed", actor=technician).count() == 1


def test_second_claim_is_refused_and_changes_nothing(clock, make_user, requester, service, queue):
    first, second = make_user(role="technician"), make_user(role="technician")
    make_team(queue, first, second)
    ticket = open_ticket(requester, service)
    stale = Ticket.objects.get(pk=ticket.pk)  # what the second technician had on screen
    ticket_claim(actor=first, ticket=ticket)
    before = snapshot(ticket)

    with pytest.raises(Conflict) as excinfo:
        ticket_claim(actor=second, ticket=stale)

    assert excinfo.value.code == "already_claimed"
    assert excinfo.value.reason == "Otra persona tomó este caso antes que usted."
    assert snapshot(ticket) == before
    assert AuditEvent.objects.filter(action="ticket.claimed").count() == 1


def test_claiming_your_own_ticket_again_is_a_conflict(clock, requester, service, technician):
    ticket = open_ticket(requester, service)
    ticket_claim(actor=technician, ticket=ticket)
    with pytest.raises(Conflict) as excinfo:
        ticket_claim(actor=technician, ticket=ticket)
    assert excinfo.value.code == "already_yours"


@pytest.mark.parametrize(
    "who",
    ["outsider_technician", "department_technician", "requester", "citizen", "inactive_team"],
)
def test_only_technicians_serving_the_queue_in_scope_may_claim(
    clock, make_user, requester, service, queue, department, who
):
    ticket = open_ticket(requester, service)
    before = snapshot(ticket)
    if who == "outsider_technician":  # national, but no team serving this queue
        actor = make_user(role="technician")
    elif who == "department_technician":  # in the team, but a national queue needs national
        actor = make_user(role="technician", scope_kind="department", target=department)
        make_team(queue, actor)
    elif who == "requester":
        actor = requester
    elif who == "citizen":
        actor = make_user(role="citizen")
        make_team(queue, actor)
    else:
        actor = make_user(role="technician")
        team = make_team(queue, actor)
        team.is_active = False
        team.save()

    with pytest.raises(PermissionDenied):
        ticket_claim(actor=actor, ticket=ticket)

    assert snapshot(ticket) == before
    assert not AuditEvent.objects.filter(action="ticket.claimed").exists()


def test_department_technician_claims_in_their_department_queue(
    clock, make_user, requester, sla_policy, department
):
    queue = make_queue("depto", department=department)
    actor = make_user(role="technician", scope_kind="department", target=department)
    make_team(queue, actor)
    ticket = open_ticket(requester, make_service(queue, sla_policy))

    ticket_claim(actor=actor, ticket=ticket)

    assert ticket.assignee == actor


def test_a_closed_ticket_cannot_be_claimed(clock, requester, service, technician):
    ticket = open_ticket(requester, service)
    ticket_claim(actor=technician, ticket=ticket)
    ticket_resolve(actor=technician, ticket=ticket, message="Resuelto.")
    ticket_release_blocked = Ticket.objects.get(pk=ticket.pk)
    with pytest.raises(Conflict) as excinfo:
        ticket_claim(actor=technician, ticket=ticket_release_blocked)
    assert excinfo.value.code == "ticket_not_active"


# --- Release -------------------------------------------------------------------------------------


def test_assignee_releases_back_to_the_queue(clock, requester, service, technician):
    ticket = open_ticket(requester, service)
    ticket_claim(actor=technician, ticket=ticket)

    ticket_release(actor=technician, ticket=ticket)

    assert (ticket.status, ticket.assignee) == (TicketStatus.OPEN, None)
    assert AuditEvent.objects.get(action="ticket.released").payload["previous_assignee_id"] == (
        technician.pk
    )


def test_another_technician_cannot_release(clock, make_user, requester, service, queue, technician):
    colleague = make_user(role="technician")
    make_team(queue, colleague)
    ticket = open_ticket(requester, service)
    ticket_claim(actor=technician, ticket=ticket)
    before = snapshot(ticket)

    with pytest.raises(PermissionDenied):
        ticket_release(actor=colleague, ticket=ticket)
    assert snapshot(ticket) == before


def test_supervisor_releases_anyones_ticket(clock, requester, service, technician, supervisor):
    ticket = open_ticket(requester, service)
    ticket_claim(actor=technician, ticket=ticket)
    ticket_release(actor=supervisor, ticket=ticket)
    assert ticket.assignee is None


def test_releasing_an_unassigned_ticket_is_a_conflict(clock, requester, service, supervisor):
    with pytest.raises(Conflict):
        ticket_release(actor=supervisor, ticket=open_ticket(requester, service))


# --- Supervisor reassignment ---------------------------------------------------------------------


def test_supervisor_assigns_within_scope(clock, make_user, requester, service, queue, supervisor):
    a, b = make_user(role="technician"), make_user(role="technician")
    make_team(queue, a, b)
    ticket = open_ticket(requester, service)

    ticket_assign(actor=supervisor, ticket=ticket, assignee=a)
    assert (ticket.status, ticket.assignee) == (TicketStatus.OPEN, a)
    ticket_assign(actor=supervisor, ticket=ticket, assignee=b)
    assert ticket.assignee == b

    events = AuditEvent.objects.filter(action="ticket.assigned").order_by("seq")
    assert [(e.payload["previous_assignee_id"], e.payload["assignee_id"]) for e in events] == [
        (None, a.pk),
        (a.pk, b.pk),
    ]
    assert [e.role for e in events] == ["supervisor", "supervisor"]
    assert OutboxMessage.objects.filter(recipient=b.person, template="ticket_assigned").exists()


def test_department_supervisor_cannot_assign_outside_their_department(
    clock, make_user, requester, sla_policy, department
):
    other_department_queue = make_queue("otro-depto", department=None)
    tech = make_user(role="technician")
    make_team(other_department_queue, tech)
    ticket = open_ticket(requester, make_service(other_department_queue, sla_policy))
    boss = make_user(role="supervisor", scope_kind="department", target=department)
    before = snapshot(ticket)

    with pytest.raises(PermissionDenied):
        ticket_assign(actor=boss, ticket=ticket, assignee=tech)
    assert snapshot(ticket) == before


def test_technicians_cannot_reassign(clock, make_user, requester, service, queue, technician):
    colleague = make_user(role="technician")
    make_team(queue, colleague)
    ticket = open_ticket(requester, service)
    with pytest.raises(PermissionDenied):
        ticket_assign(actor=technician, ticket=ticket, assignee=colleague)
    assert Ticket.objects.get(pk=ticket.pk).assignee_id is None


def test_assignee_must_serve_the_queue(clock, make_user, requester, service, supervisor):
    stranger = make_user(role="technician")
    ticket = open_ticket(requester, service)
    with pytest.raises(ValidationError) as excinfo:
        ticket_assign(actor=supervisor, ticket=ticket, assignee=stranger)
    assert list(excinfo.value.message_dict) == ["assignee"]
    assert Ticket.objects.get(pk=ticket.pk).assignee_id is None


# --- Routing -------------------------------------------------------------------------------------


def test_routing_moves_the_ticket_and_runs_the_new_queues_assignment(
    clock, make_user, requester, service, technician, sla_policy
):
    owner_area = make_queue("rrhh-prueba", mode=AssignmentMode.ROUND_ROBIN)
    hr = make_user(role="technician")
    make_team(owner_area, hr)
    ticket = open_ticket(requester, service)
    ticket_claim(actor=technician, ticket=ticket)

    ticket_route(actor=technician, ticket=ticket, queue=owner_area, note="Es de RR. HH.")

    assert (ticket.queue, ticket.assignee) == (owner_area, hr)
    event = AuditEvent.objects.get(action="ticket.routed")
    assert event.payload["from_queue"] == "pruebas"
    assert event.payload["to_queue"] == "rrhh-prueba"
    assert ticket.entries.get(kind="note").body == "Es de RR. HH."


def test_routing_to_the_same_queue_is_a_conflict(clock, requester, service, technician, queue):
    with pytest.raises(Conflict):
        ticket_route(actor=technician, ticket=open_ticket(requester, service), queue=queue)


# --- Availability --------------------------------------------------------------------------------


def test_availability_is_set_by_oneself_or_a_supervisor(clock, make_user, technician, supervisor):
    other = make_user(role="technician")
    technician_set_availability(actor=technician, technician=technician, available=False)
    assert TechnicianStatus.objects.get(user=technician).available is False
    technician_set_availability(actor=supervisor, technician=technician, available=True)
    assert TechnicianStatus.objects.get(user=technician).available is True
    with pytest.raises(PermissionDenied):
        technician_set_availability(actor=other, technician=technician, available=False)
    assert TechnicianStatus.objects.get(user=technician).available is True
    assert AuditEvent.objects.filter(action="helpdesk.availability_changed").count() == 2
