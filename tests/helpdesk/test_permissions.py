"""Role by action matrix for ticket services (docs/security.md §3.2: anonymous, wrong role, right
role in the wrong scope, right role in the right scope). A denial changes nothing."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied

from core.audit.models import AuditEvent
from helpdesk.models import Team, Ticket, TicketEntry
from helpdesk.permissions import forget_team_membership, serves_queue
from helpdesk.services import (
    ticket_add_note,
    ticket_assign,
    ticket_cancel,
    ticket_claim,
    ticket_reply,
    ticket_resolve,
    ticket_set_waiting,
)
from tests.helpdesk.conftest import make_queue, make_team, open_ticket

ACTIONS = {
    "claim": lambda actor, ticket, ctx: ticket_claim(actor=actor, ticket=ticket),
    "reply": lambda actor, ticket, ctx: ticket_reply(actor=actor, ticket=ticket, body="Hola"),
    "note": lambda actor, ticket, ctx: ticket_add_note(actor=actor, ticket=ticket, body="Nota"),
    "wait": lambda actor, ticket, ctx: ticket_set_waiting(actor=actor, ticket=ticket, message="?"),
    "resolve": lambda actor, ticket, ctx: ticket_resolve(actor=actor, ticket=ticket, message="Ok"),
    "cancel": lambda actor, ticket, ctx: ticket_cancel(actor=actor, ticket=ticket),
    "assign": lambda actor, ticket, ctx: ticket_assign(
        actor=actor, ticket=ticket, assignee=ctx["technician"]
    ),
}

# Who may do what on a ticket of a national queue. Everyone else is refused everything.
ALLOWED = {
    "requester": {"reply", "cancel"},
    "team_technician": {"claim", "reply", "note", "wait", "resolve"},
    "national_supervisor": {"claim", "reply", "note", "wait", "resolve", "assign"},
}
ACTORS = [
    "anonymous",
    "other_citizen",
    "auditor",
    "requester",
    "team_technician",
    "technician_without_team",
    "department_technician_in_team",
    "national_supervisor",
    "department_supervisor",
]


def make_actor(name, *, make_user, requester, technician, queue, department):
    if name == "anonymous":
        return AnonymousUser()
    if name == "requester":
        return requester
    if name == "team_technician":
        return technician
    if name == "other_citizen":
        return make_user(role="citizen")
    if name == "auditor":
        return make_user(role="auditor")
    if name == "technician_without_team":
        return make_user(role="technician")
    if name == "department_technician_in_team":
        user = make_user(role="technician", scope_kind="department", target=department)
        make_team(queue, user)
        return user
    if name == "national_supervisor":
        return make_user(role="supervisor")
    return make_user(role="supervisor", scope_kind="department", target=department)


def db_state(ticket: Ticket) -> tuple:
    fresh = Ticket.objects.get(pk=ticket.pk)
    return (
        fresh.status,
        fresh.assignee_id,
        fresh.updated_at,
        TicketEntry.objects.count(),
        AuditEvent.objects.count(),
    )


@pytest.mark.parametrize("action", list(ACTIONS))
@pytest.mark.parametrize("actor_name", ACTORS)
def test_role_action_matrix(
    clock, make_user, requester, service, technician, queue, department, actor_name, action
):
    actor = make_actor(
        actor_name,
        make_user=make_user,
        requester=requester,
        technician=technician,
        queue=queue,
        department=department,
    )
    ticket = open_ticket(requester, service)
    before = db_state(ticket)
    run = ACTIONS[action]

    if action in ALLOWED.get(actor_name, set()):
        run(actor, ticket, {"technician": technician})
        assert db_state(ticket) != before
    else:
        with pytest.raises(PermissionDenied):
            run(actor, ticket, {"technician": technician})
        assert db_state(ticket) == before


# --- The per-request cache of "does this technician serve the queue?" ---------------------------


def test_serves_queue_looks_the_team_up_once_per_user_object_and_queue(
    make_user, queue, technician, django_assert_num_queries
):
    other = make_queue(code="otra-cola")
    actor = type(technician).objects.get(pk=technician.pk)

    # 3 queries: the grants (cached by core.accounts.scopes), one team lookup per queue; the
    # repeated questions are answered from the cache on the user object.
    with django_assert_num_queries(3):
        answers = [serves_queue(actor, q) for q in (queue, queue, other, other, queue)]

    assert answers == [True, True, False, False, True]

    # After the team stops serving the queue, the same object keeps its answer until the cache
    # is forgotten (it lives for one request); a fresh lookup sees the change.
    Team.objects.filter(members=actor).update(is_active=False)
    assert serves_queue(actor, queue) is True
    forget_team_membership(actor)
    assert serves_queue(actor, queue) is False
