"""Every cell of the staff API's role-by-action matrix (``matrix.py``): the expected answer, and
for every denial, nothing changed: not the ticket, its conversation, its audit chain, the outbox,
nor the other ticket of a merge or link."""

import pytest
from django.urls import reverse

from core.audit.models import AuditEvent
from helpdesk.choices import TicketStatus
from helpdesk.services import ticket_claim, ticket_resolve
from tests.helpdesk.staff.conftest import api_client, snapshot
from tests.helpdesk.staff.matrix import ALLOWED, MATRIX, ROLES, cells

pytestmark = pytest.mark.django_db


def test_the_matrix_covers_every_staff_action_and_role():
    from helpdesk.api.staff import urlpatterns

    posted = {
        p.name.removeprefix("helpdesk-staff-ticket-")
        for p in urlpatterns
        if p.name not in ("helpdesk-staff-ticket-list", "helpdesk-staff-ticket-detail")
    }
    assert {row.action for row in MATRIX} == posted
    assert all(set(row.expected) == set(ROLES) for row in MATRIX)


def _given(world, state):
    ticket = world.open()
    if state in ("claimed", "resolved"):
        ticket_claim(actor=world.technician, ticket=ticket)
    if state == "resolved":
        ticket_resolve(actor=world.technician, ticket=ticket, message="Listo.")
    return ticket


@pytest.mark.parametrize(("row", "role"), cells(), ids=lambda v: getattr(v, "action", v))
def test_matrix_cell(clock, world, row, role):
    # Given the ticket in the row's state (and a second ticket of the same requester)
    ticket = _given(world, row.given)
    other = world.open(detalle="Otra vez lo mismo") if row.needs_other else None
    actor = None if role == "anonymous" else getattr(world, role)
    before = snapshot(ticket)
    other_before = snapshot(other) if other is not None else None
    url = reverse(f"v1:helpdesk-staff-ticket-{row.action}", kwargs={"number": ticket.number})

    # When the role posts the action
    response = api_client(actor).post(url, row.payload(world, other), format="json")

    # Then the answer is the matrix's
    assert response.status_code == row.expected[role], response.content
    after = snapshot(ticket)
    if row.expected[role] in ALLOWED:
        # An allowed action leaves a trace in the ticket's audit chain.
        assert after["audit_events"] > before["audit_events"]
    else:
        # A denial changes nothing at all.
        assert after == before
        if other is not None:
            assert snapshot(other) == other_before
        if row.expected[role] == 403:
            # ... except that the refusal itself is audited, in the actor's access chain.
            assert AuditEvent.objects.filter(
                action="access.denied", actor_id=actor.pk, payload__path=url
            ).exists()


def test_an_allowed_cell_really_does_the_action(clock, world):
    # The matrix checks codes; this pins one success down to its effect (assign by supervisor).
    ticket = _given(world, "new")

    response = api_client(world.supervisor).post(
        reverse("v1:helpdesk-staff-ticket-assign", kwargs={"number": ticket.number}),
        {"assignee": world.technician.pk},
        format="json",
    )

    assert response.status_code == 200
    assert response.json()["assignee"]["id"] == world.technician.pk
    ticket.refresh_from_db()
    assert ticket.assignee_id == world.technician.pk
    assert ticket.status == TicketStatus.OPEN
