"""Scoped reads: who sees which tickets, 404 outside the scope, and fixed query counts."""

import pytest
from django.http import Http404

from core.accounts.models import User
from helpdesk.choices import TicketStatus
from helpdesk.models import CannedResponse, Queue, Ticket
from helpdesk.selectors import (
    _served_ids_query,
    canned_response_list_for,
    queue_counts_for_staff,
    queue_list_for_staff,
    served_queue_ids,
    served_queue_q,
    service_get_for,
    service_list_for,
    ticket_entries_for,
    ticket_get_for,
    ticket_list_for_requester,
    ticket_list_for_staff,
    ticket_list_names,
)
from helpdesk.services import ticket_add_note, ticket_claim, ticket_merge, ticket_reply
from helpdesk.staff_selectors import ticket_get_for_staff
from tests.helpdesk.conftest import make_queue, make_service, make_team, open_ticket


def fresh(user) -> User:
    """The user as a new request would load it (no cached grants)."""
    return User.objects.get(pk=user.pk)


@pytest.fixture
def department_queue(db, department):
    return make_queue("depto", department=department)


@pytest.fixture
def department_technician(make_user, department, department_queue):
    user = make_user(role="technician", scope_kind="department", target=department)
    make_team(department_queue, user)
    return user


# --- Who sees what -------------------------------------------------------------------------------


def test_requesters_see_only_their_own_tickets(clock, make_user, requester, service):
    mine = [open_ticket(requester, service) for _ in range(2)]
    open_ticket(make_user(role="citizen"), service)

    assert list(ticket_list_for_requester(actor=requester)) == mine[::-1]  # newest first


def test_staff_lists_cover_served_queues_in_scope(
    clock,
    make_user,
    requester,
    service,
    technician,
    sla_policy,
    department_queue,
    department_technician,
):
    national_ticket = open_ticket(requester, service)
    department_ticket = open_ticket(requester, make_service(department_queue, sla_policy, "d"))
    unserved = open_ticket(requester, make_service(make_queue("otra"), sla_policy, "o"))

    # A national technician sees the queue their team serves, not the others.
    assert list(ticket_list_for_staff(actor=fresh(technician))) == [national_ticket]
    # A department technician sees their department's queue.
    assert list(ticket_list_for_staff(actor=fresh(department_technician))) == [department_ticket]
    # A national supervisor sees every queue; a citizen nothing.
    assert set(ticket_list_for_staff(actor=make_user(role="supervisor"))) == {
        national_ticket,
        department_ticket,
        unserved,
    }
    assert list(ticket_list_for_staff(actor=requester)) == []


def test_a_department_technician_who_is_also_a_national_supervisor_sees_every_queue(
    clock, make_user, requester, service, sla_policy, department, department_queue
):
    """The national supervisor grant ("everything", an empty Q) is not narrowed by the
    technician grant's department: ``Q(x) | Q()`` alone would be just ``Q(x)``."""
    from core.accounts.services import role_grant

    national_ticket = open_ticket(requester, service)
    department_ticket = open_ticket(requester, make_service(department_queue, sla_policy, "d"))
    both = make_user(role="technician", scope_kind="department", target=department)
    make_team(department_queue, both)
    role_grant(user=both, role="supervisor", scope_kind="national", target=None)

    assert set(ticket_list_for_staff(actor=fresh(both))) == {national_ticket, department_ticket}
    assert set(served_queue_ids(fresh(both))) >= {national_ticket.queue_id, department_queue.pk}
    # The staff ticket page's read (queues by id) reaches the national ticket too.
    assert ticket_get_for_staff(actor=fresh(both), number=national_ticket.number, detail=True)


# Grants of one actor (role, scope kind, which target), and the queues they serve. The team
# serves the national queue and both departments' first queues; each department has a second
# queue no team serves. A national supervisor serves every queue there is.
SERVED_CASES = [
    ([("technician", "national", None)], {"nacional", "a1", "b1"}),
    ([("technician", "department", "a")], {"a1"}),
    ([("technician", "department", "b")], {"b1"}),
    ([("technician", "department", "a"), ("technician", "department", "b")], {"a1", "b1"}),
    ([("technician", "department", "a"), ("supervisor", "department", "b")], {"a1", "b1", "b2"}),
    (
        [("technician", "national", None), ("supervisor", "department", "b")],
        {"nacional", "a1", "b1", "b2"},
    ),
    (
        [("technician", "department", "a"), ("supervisor", "national", None)],
        "every queue",
    ),
    ([("supervisor", "department", "a"), ("supervisor", "department", "a")], {"a1", "a2"}),
    ([("technician", "school", "school"), ("technician", "department", "b")], {"b1"}),
    ([("technician", "school", "school")], set()),
    ([("citizen", "national", None)], set()),
]


@pytest.mark.parametrize(("grants", "served"), SERVED_CASES)
def test_served_queue_ids_follow_every_kind_of_grant(make_user, grants, served):
    """The staff pages' served queues (a query compiled once per shape of grants, run with the
    grants' targets) are those the grants reach, and the same as ``served_queue_q`` selects."""
    from core.accounts.services import role_grant
    from tests.factories import DepartmentFactory, SchoolFactory

    departments = {"a": DepartmentFactory(code="91"), "b": DepartmentFactory(code="92")}
    queues = {"nacional": make_queue("nacional")}
    for key, department in departments.items():
        queues[f"{key}1"] = make_queue(f"{key}1", department=department)
        queues[f"{key}2"] = make_queue(f"{key}2", department=department)
    targets = {**departments, "school": SchoolFactory(), None: None}
    actor = make_user()
    make_team(queues["nacional"], actor).queues.add(queues["a1"], queues["b1"])
    for role, kind, target in grants:
        role_grant(user=actor, role=role, scope_kind=kind, target=targets[target])

    if served == "every queue":
        expected = sorted(Queue.objects.values_list("pk", flat=True))
    else:
        expected = sorted(queues[code].pk for code in served)
    assert served_queue_ids(fresh(actor)) == expected
    condition = served_queue_q(fresh(actor))
    selected = [] if condition is None else Queue.objects.filter(condition).order_by("pk")
    assert [queue.pk for queue in selected] == expected


def test_served_queue_ids_are_compiled_once_per_shape_of_grants(
    make_user, department, department_queue, queue, django_assert_num_queries
):
    """Two technicians of different departments share the compiled query (one per shape) and
    each gets their own department's queue: the targets are the query's parameters."""
    from tests.factories import DepartmentFactory

    other = make_queue("otro", department=DepartmentFactory(code="93"))
    first = make_user(role="technician", scope_kind="department", target=department)
    second = make_user(role="technician", scope_kind="department", target=other.department)
    make_team(department_queue, first, second).queues.add(other, queue)
    _served_ids_query.cache_clear()

    assert served_queue_ids(fresh(first)) == [department_queue.pk]
    second = fresh(second)
    with django_assert_num_queries(2):  # the grants in force, the queues
        assert served_queue_ids(second) == [other.pk]
    assert _served_ids_query.cache_info().currsize == 1


def test_department_technician_in_a_national_team_does_not_see_national_tickets(
    clock, make_user, requester, service, queue, department
):
    outsider = make_user(role="technician", scope_kind="department", target=department)
    make_team(queue, outsider)
    open_ticket(requester, service)
    assert list(ticket_list_for_staff(actor=outsider)) == []
    assert list(queue_list_for_staff(actor=outsider)) == []


def test_department_supervisor_sees_only_their_department(
    clock, make_user, requester, service, sla_policy, department, department_queue
):
    department_ticket = open_ticket(requester, make_service(department_queue, sla_policy, "d"))
    open_ticket(requester, service)
    boss = make_user(role="supervisor", scope_kind="department", target=department)
    assert list(ticket_list_for_staff(actor=boss)) == [department_ticket]


def test_staff_list_filters(clock, make_user, requester, service, queue, technician):
    colleague = make_user(role="technician")
    make_team(queue, colleague)
    mine, theirs, free = (open_ticket(requester, service) for _ in range(3))
    ticket_claim(actor=technician, ticket=mine)
    ticket_claim(actor=colleague, ticket=theirs)

    assert list(ticket_list_for_staff(actor=technician, assigned_to=technician)) == [mine]
    assert list(ticket_list_for_staff(actor=technician, unassigned=True)) == [free]
    assert list(ticket_list_for_staff(actor=technician, statuses=(TicketStatus.NEW,))) == [free]


def test_staff_list_is_ordered_by_resolution_deadline(clock, requester, service, technician):
    first = open_ticket(requester, service)
    clock.advance(minutes=10)
    second = open_ticket(requester, service)
    assert list(ticket_list_for_staff(actor=technician)) == [first, second]


def test_ticket_get_for_answers_404_outside_the_scope(
    clock, make_user, requester, service, technician, department_technician
):
    ticket = open_ticket(requester, service)

    assert ticket_get_for(actor=requester, number=ticket.number) == ticket
    assert ticket_get_for(actor=technician, number=ticket.number) == ticket
    for outsider in (make_user(role="citizen"), department_technician, make_user(role="auditor")):
        with pytest.raises(Http404):
            ticket_get_for(actor=outsider, number=ticket.number)
    with pytest.raises(Http404):
        ticket_get_for(actor=requester, number="MA-1999-000001")


def test_entries_for_strangers_are_404(clock, make_user, requester, service):
    ticket = open_ticket(requester, service)
    with pytest.raises(Http404):
        ticket_entries_for(actor=make_user(role="technician"), ticket=ticket)


def test_catalogue_lists_what_the_actor_may_request(clock, make_user, queue, sla_policy):
    open_to_all = make_service(queue, sla_policy, code="abierto")
    teachers_only = make_service(
        queue, sla_policy, code="docentes", any_citizen=False, allowed_roles=["teacher"]
    )
    make_service(queue, sla_policy, code="inactivo", is_active=False)
    citizen, teacher = make_user(role="citizen"), make_user(role="teacher")

    citizen_codes = [s.code for s in service_list_for(actor=citizen)]
    teacher_codes = [s.code for s in service_list_for(actor=teacher)]

    assert open_to_all.code in citizen_codes
    assert teachers_only.code not in citizen_codes
    assert {open_to_all.code, teachers_only.code} <= set(teacher_codes)
    assert "inactivo" not in teacher_codes
    assert service_get_for(actor=teacher, code="docentes") == teachers_only
    with pytest.raises(Http404):
        service_get_for(actor=citizen, code="docentes")


def test_shipped_catalogue_is_visible_to_a_citizen(clock, citizen):
    codes = {s.code for s in service_list_for(actor=citizen)}
    assert "registro-de-cuenta" in codes
    assert "permiso-o-licencia-docente" not in codes  # teachers and directors only


def test_queue_counts(clock, make_user, requester, service, queue, technician):
    tickets = [open_ticket(requester, service) for _ in range(3)]
    ticket_claim(actor=technician, ticket=tickets[0])
    (row,) = queue_counts_for_staff(actor=technician)
    assert (row["queue"], row["active"], row["unassigned"], row["breached"]) == (queue, 3, 2, 0)


def test_canned_responses_of_served_queues(clock, make_user, queue, technician):
    general = CannedResponse.objects.create(title="Saludo", body="Buenos días.")
    specific = CannedResponse.objects.create(title="Cuenta", body="…", queue=queue)
    CannedResponse.objects.create(title="Otra", body="…", queue=make_queue("otra"))
    assert set(canned_response_list_for(actor=technician, queue=queue)) == {general, specific}
    assert list(canned_response_list_for(actor=make_user(role="technician"), queue=queue)) == []


# --- Query counts --------------------------------------------------------------------------------


@pytest.mark.parametrize("rows", [2, 7])
def test_staff_list_query_count_is_fixed(
    clock, django_assert_num_queries, make_user, service, technician, rows
):
    for _ in range(rows):
        ticket = open_ticket(make_user(role="citizen"), service)
        ticket_claim(actor=technician, ticket=ticket)
    actor = fresh(technician)

    # 4 queries whatever the length: the actor's role grants (once per request), the ids of
    # the queues they serve, the ticket rows with service and queue columns (filtered by those
    # ids), then the names of their requesters and assignees.
    with django_assert_num_queries(4):
        page = list(
            ticket_list_for_staff(actor=actor).values_list(
                "number",
                "service__name",
                "queue__name",
                "requester_id",
                "assignee_id",
                "merged_into_id",
                named=True,
            )
        )
        names = ticket_list_names(page)
        listed = [
            (
                row.number,
                row.service__name,
                row.queue__name,
                names.people[row.assignee_id],
                names.people[row.requester_id],
            )
            for row in page
        ]
    assert len(listed) == rows
    assert {assignee for _n, _s, _q, assignee, _r in listed} == {technician.person.full_name}


def test_list_names_gives_people_and_merge_targets(clock, make_user, service, technician):
    citizen = make_user(role="citizen")
    first = open_ticket(citizen, service)
    duplicate = open_ticket(citizen, service)
    other = open_ticket(make_user(role="citizen"), service)
    ticket_claim(actor=technician, ticket=first)
    ticket_merge(actor=technician, ticket=duplicate, into=first)
    rows = list(
        Ticket.objects.filter(pk__in=[first.pk, duplicate.pk, other.pk]).values_list(
            "requester_id", "assignee_id", "merged_into_id", named=True
        )
    )

    names = ticket_list_names(rows)

    assert names.people == {
        citizen.pk: citizen.person.full_name,
        other.requester_id: other.requester.person.full_name,
        technician.pk: technician.person.full_name,
    }
    assert names.ticket_numbers == {first.pk: first.number}


def test_list_names_of_no_rows_runs_no_query(db, django_assert_num_queries):
    with django_assert_num_queries(0):
        names = ticket_list_names([])
    assert names.people == {}
    assert names.ticket_numbers == {}


@pytest.mark.parametrize("rows", [1, 6])
def test_requester_list_query_count_is_fixed(
    clock, django_assert_num_queries, requester, service, technician, rows
):
    for _ in range(rows):
        ticket_claim(actor=technician, ticket=open_ticket(requester, service))
    actor = fresh(requester)

    # 1 query: the requester's tickets with service, queue, assignee and people joined.
    with django_assert_num_queries(1):
        listed = [
            (t.number, t.service.name, t.queue.name, t.assignee.person.full_name)
            for t in ticket_list_for_requester(actor=actor)
        ]
    assert len(listed) == rows


@pytest.mark.parametrize("replies", [1, 5])
def test_conversation_query_count_is_fixed(
    clock, django_assert_num_queries, requester, service, technician, replies
):
    ticket = open_ticket(requester, service)
    for number in range(replies):
        ticket_reply(actor=technician, ticket=ticket, body=f"Respuesta {number}")
        ticket_add_note(actor=technician, ticket=ticket, body=f"Nota {number}")
    actor = fresh(technician)
    ticket = ticket_get_for(actor=actor, number=ticket.number)

    # 3 queries: the actor's team membership (are they staff of this queue? their grants are
    # already loaded by ticket_get_for, as in a view), the entries with authors and people,
    # then all attachments of those entries at once.
    with django_assert_num_queries(3):
        entries = [
            (e.body, e.author.person.full_name, [a.original_name for a in e.attachments.all()])
            for e in ticket_entries_for(actor=actor, ticket=ticket)
        ]
    assert len(entries) == 1 + 2 * replies


@pytest.mark.parametrize("queues", [1, 4])
def test_queue_counts_query_count_is_fixed(
    clock, django_assert_num_queries, requester, sla_policy, technician, queues
):
    for index in range(queues):
        extra = make_queue(f"extra-{index}")
        make_team(extra, technician)
        open_ticket(requester, make_service(extra, sla_policy, code=f"s-{index}"))
    actor = fresh(technician)

    # 2 queries: the actor's grants, then every served queue with its three counts aggregated.
    with django_assert_num_queries(2):
        rows = [
            (r["queue"].name, r["active"], r["unassigned"])
            for r in queue_counts_for_staff(actor=actor)
        ]
    assert len(rows) == queues + 1  # plus the fixture's queue, served by the same technician
    assert sum(active for _name, active, _free in rows) == queues
