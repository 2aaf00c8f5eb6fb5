"""The staff API: the list of the queues one serves (filters, cursor paging, fixed query count),
one ticket with its internal notes, and the actions' answers beyond the role matrix (409 with the
reason, 400 in Spanish, nothing changed)."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.audit.models import AuditEvent
from helpdesk.choices import TicketStatus
from helpdesk.models import Ticket, TicketEntry
from helpdesk.selectors import ticket_entries_for
from helpdesk.services import (
    ticket_add_note,
    ticket_cancel,
    ticket_claim,
    ticket_link,
    ticket_merge,
    ticket_reply,
    ticket_resolve,
    ticket_set_priority,
    ticket_sla_sweep,
)
from tests.helpdesk.conftest import make_service, open_ticket
from tests.helpdesk.staff.conftest import api_client, fresh, snapshot

pytestmark = pytest.mark.django_db

LIST = reverse("v1:helpdesk-staff-ticket-list")
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def detail_url(ticket: Ticket) -> str:
    return reverse("v1:helpdesk-staff-ticket-detail", kwargs={"number": ticket.number})


def action_url(ticket: Ticket, action: str) -> str:
    return reverse(f"v1:helpdesk-staff-ticket-{action}", kwargs={"number": ticket.number})


def numbers(response) -> list[str]:
    return [row["number"] for row in response.json()["results"]]


# --- The list ------------------------------------------------------------------------------------


def test_anonymous_callers_get_401():
    assert api_client(None).get(LIST).status_code == 401


def test_the_list_holds_the_tickets_of_served_queues_by_due_time(clock, world, sla_policy):
    first = world.open()
    clock.advance(hours=1)
    second = world.open()
    elsewhere = open_ticket(world.requester, make_service(world.other_queue, sla_policy, "otro"))

    response = api_client(world.technician).get(LIST)

    assert response.status_code == 200
    assert numbers(response) == [first.number, second.number]
    assert elsewhere.number not in numbers(response)
    row = response.json()["results"][0]
    assert row["queue"] == {"code": "depto", "name": "Cola depto"}
    assert row["assignee"] is None
    assert row["requester_name"] == world.requester.person.full_name
    assert row["status"] == "new"
    assert row["url"] == f"/mesa/casos/{first.number}/"
    assert row["api_url"] == f"/api/v1/mesa/tickets/{first.number}/"
    # Never the requester's DUI.
    assert world.requester.dui not in response.content.decode()


def test_a_requester_is_refused_like_on_the_pages(clock, world):
    world.open()
    denials = AuditEvent.objects.filter(action="access.denied").count()

    response = api_client(world.requester).get(LIST)

    assert response.status_code == 403
    assert "results" not in response.json()
    # The refusal is audited, as every 403 is.
    assert AuditEvent.objects.filter(action="access.denied").count() == denials + 1


def test_supervisors_see_their_department_queue(clock, world):
    ticket = world.open()

    assert numbers(api_client(world.supervisor).get(LIST)) == [ticket.number]
    assert numbers(api_client(world.supervisor_other_department).get(LIST)) == []
    assert numbers(api_client(world.technician_other_department).get(LIST)) == []


def test_filters(clock, world, sla_policy):
    mine = world.open()
    ticket_claim(actor=world.technician, ticket=mine)
    unassigned = world.open()
    ticket_set_priority(actor=world.technician, ticket=unassigned, priority="urgent")
    by_supervisor = world.open()
    ticket_claim(actor=world.supervisor, ticket=by_supervisor)
    client = api_client(world.technician)

    assert numbers(client.get(LIST, {"assignee": "me"})) == [mine.number]
    assert numbers(client.get(LIST, {"assignee": "none"})) == [unassigned.number]
    assert numbers(client.get(LIST, {"assignee": world.supervisor.pk})) == [by_supervisor.number]
    assert numbers(client.get(LIST, {"priority": "urgent"})) == [unassigned.number]
    assert numbers(client.get(LIST, {"status": "open"})) == [mine.number, by_supervisor.number]
    assert numbers(client.get(LIST, {"queue": "depto"})) == [
        mine.number,
        unassigned.number,
        by_supervisor.number,
    ]
    assert numbers(client.get(LIST, {"queue": "otra"})) == []
    assert numbers(client.get(LIST, {"ordering": "-due"})) == [
        by_supervisor.number,
        unassigned.number,
        mine.number,
    ]


def test_status_filter_defaults_to_active_and_takes_all(clock, world):
    active = world.open()
    merged = world.open()
    ticket_claim(actor=world.technician, ticket=merged)
    ticket_merge(actor=world.technician, ticket=merged, into=active)
    client = api_client(world.technician)

    assert numbers(client.get(LIST)) == [active.number]
    assert numbers(client.get(LIST, {"status": "all"})) == [active.number, merged.number]
    merged_row = client.get(LIST, {"status": "merged"}).json()["results"][0]
    assert merged_row["merged_into"] == active.number


def test_breached_filter(clock, world):
    late = world.open()
    clock.advance(hours=1)
    on_time = world.open()
    # 2 business hours for a first response: at 11:30 the first ticket (9:00) is late.
    clock.advance(hours=1, minutes=30)
    ticket_sla_sweep()
    client = api_client(world.technician)

    assert numbers(client.get(LIST, {"breached": "true"})) == [late.number]
    assert numbers(client.get(LIST, {"breached": "false"})) == [on_time.number]


@pytest.mark.parametrize(
    "params",
    [{"status": "perdido"}, {"assignee": "alguien"}, {"priority": "maxima"}, {"ordering": "id"}],
)
def test_bad_filters_are_a_400(clock, world, params):
    response = api_client(world.technician).get(LIST, params)

    assert response.status_code == 400
    assert set(response.json()) == set(params)


def test_the_list_pages_with_a_cursor(clock, world):
    tickets = []
    for _ in range(5):
        tickets.append(world.open())
        clock.advance(minutes=10)
    client = api_client(world.technician)

    first = client.get(LIST, {"page_size": 2}).json()
    second = client.get(first["next"]).json()
    third = client.get(second["next"]).json()

    pages = [[r["number"] for r in page["results"]] for page in (first, second, third)]
    assert pages == [[t.number for t in tickets[i : i + 2]] for i in (0, 2, 4)]
    assert third["next"] is None
    assert "cursor=" in first["next"]


@pytest.mark.parametrize("count", [2, 12])
def test_the_list_runs_a_fixed_number_of_queries(clock, world, count, django_assert_num_queries):
    for index in range(count):
        ticket = world.open()
        if index % 2:
            ticket_claim(actor=world.technician, ticket=ticket)
    client = api_client(world.technician)

    # 4 queries whatever the number of rows: the caller's role grants (loaded once per request
    # for the scope), the ids of the queues they serve, the page of ticket rows with service and
    # queue joined (cursor paging needs no COUNT), then the names of the page's requesters and
    # assignees (one query). Merge targets cost a query only when the page has a merged ticket.
    with django_assert_num_queries(4):
        response = client.get(LIST)

    assert len(response.json()["results"]) == count


# --- One ticket ----------------------------------------------------------------------------------


def test_the_detail_shows_internal_notes_links_sla_and_actions(clock, world):
    ticket = world.open()
    other = world.open(detalle="Otro")
    ticket_claim(actor=world.technician, ticket=ticket)
    ticket_add_note(actor=world.technician, ticket=ticket, body="Ver expediente anterior.")
    ticket_reply(actor=world.technician, ticket=ticket, body="Le ayudamos enseguida.")
    ticket_link(actor=world.technician, ticket=ticket, other=other, kind="related")
    clock.advance(minutes=30)

    response = api_client(world.technician).get(detail_url(ticket))

    assert response.status_code == 200
    body = response.json()
    assert body["number"] == ticket.number
    assert body["status"] == "in_progress"
    assert body["assignee"] == {
        "id": world.technician.pk,
        "name": world.technician.person.full_name,
    }
    assert [(e["kind"], e["body"]) for e in body["entries"]] == [
        ("reply", "Necesito ayuda con mi cuenta."),
        ("note", "Ver expediente anterior."),
        ("reply", "Le ayudamos enseguida."),
    ]
    assert body["related"] == [{"number": other.number, "subject": other.subject, "status": "new"}]
    assert body["parent"] is None
    assert body["children"] == []
    assert body["form_data"] == {"detalle": "No puedo ingresar"}
    first_response, resolution = body["sla"]
    assert first_response["state"] == "met"
    assert resolution["state"] == "running"
    # 9 business hours to resolve from 9:00; it is 9:30 now.
    assert resolution["remaining_seconds"] == int(timedelta(hours=8, minutes=30).total_seconds())
    assert resolution["remaining_text"] == "quedan 8 h 30 min hábiles"
    assert body["actions"] == [
        "release",
        "route",
        "priority",
        "reply",
        "note",
        "waiting",
        "resolve",
        "merge",
        "link",
    ]
    assert world.requester.dui not in response.content.decode()


@pytest.mark.parametrize(
    "role", ["requester", "technician_other_queue", "technician_other_department"]
)
def test_the_detail_is_404_outside_the_staff_scope(clock, world, role):
    ticket = world.open()

    response = api_client(getattr(world, role)).get(detail_url(ticket))

    assert response.status_code == 404


@pytest.mark.parametrize("notes", [1, 6])
def test_the_detail_runs_a_fixed_number_of_queries(clock, world, notes, django_assert_num_queries):
    ticket = world.open()
    ticket_claim(actor=world.technician, ticket=ticket)
    for n in range(notes):
        ticket_add_note(
            actor=world.technician,
            ticket=ticket,
            body=f"Nota {n}",
            files=[SimpleUploadedFile(f"nota{n}.pdf", PDF)],
        )
    client = api_client(world.technician)

    # 8 queries whatever the length of the conversation:
    #  1 the caller's grants;  1 the ids of the queues they serve;  1 the ticket with its
    #  service and queue joined;  2 more reads: the requester and assignee with their people
    #  (by primary key) and the children, related and merged tickets with the parent and merge
    #  target (one UNION ALL);  2 the conversation and its attachments;  1 the satisfaction
    #  rating. No team lookup "does this technician serve the queue?": the ticket was read
    #  through the served queues, which answers it (helpdesk.permissions.remember_queue_staff).
    with django_assert_num_queries(8):
        response = client.get(detail_url(ticket))

    assert len(response.json()["entries"]) == notes + 1


# --- Actions: answers beyond the matrix ---------------------------------------------------------


def test_a_second_claim_is_a_409_with_the_reason_and_changes_nothing(clock, world):
    ticket = world.open()
    ticket_claim(actor=world.supervisor, ticket=ticket)
    before = snapshot(ticket)

    response = api_client(world.technician).post(action_url(ticket, "claim"))

    assert response.status_code == 409
    assert response.json() == {
        "detail": "Otra persona tomó este caso antes que usted.",
        "code": "already_claimed",
    }
    assert snapshot(ticket) == before


def test_closing_a_ticket_that_is_not_resolved_is_a_409(clock, world):
    ticket = world.open()
    before = snapshot(ticket)

    response = api_client(world.technician).post(action_url(ticket, "close"))

    assert response.status_code == 409
    assert response.json() == {
        "detail": "La acción «Cerrar» no es posible en el estado «Nuevo».",
        "code": "transition_not_allowed",
    }
    assert snapshot(ticket) == before


def test_a_resolution_needs_a_message(clock, world):
    ticket = world.open()
    ticket_claim(actor=world.technician, ticket=ticket)
    before = snapshot(ticket)

    response = api_client(world.technician).post(action_url(ticket, "resolve"), {}, format="json")

    assert response.status_code == 400
    assert list(response.json()) == ["message"]
    assert snapshot(ticket) == before


def test_assigning_someone_who_does_not_serve_the_queue_is_a_400(clock, world):
    ticket = world.open()
    before = snapshot(ticket)
    client = api_client(world.supervisor)

    outsider = client.post(
        action_url(ticket, "assign"), {"assignee": world.technician_other_queue.pk}, format="json"
    )
    nobody = client.post(action_url(ticket, "assign"), {"assignee": 999999}, format="json")

    assert outsider.status_code == 400
    assert outsider.json() == {"assignee": ["Esa persona no atiende la cola «Cola depto»."]}
    assert nobody.status_code == 400
    assert nobody.json() == {"assignee": ["Esa persona no atiende la cola del caso."]}
    assert snapshot(ticket) == before


def test_routing_to_an_unknown_queue_is_a_400(clock, world):
    ticket = world.open()
    before = snapshot(ticket)

    response = api_client(world.technician).post(
        action_url(ticket, "route"), {"queue": "no-existe"}, format="json"
    )

    assert response.status_code == 400
    assert response.json() == {"queue": ["No existe una cola con ese código."]}
    assert snapshot(ticket) == before


def test_routing_moves_the_ticket_out_of_the_technicians_reach(clock, world):
    ticket = world.open()
    client = api_client(world.technician)

    response = client.post(
        action_url(ticket, "route"), {"queue": "otra", "note": "Es de otra área"}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["queue"] == {"code": "otra", "name": "Cola otra"}
    assert client.get(detail_url(ticket)).status_code == 404
    assert api_client(world.technician_other_queue).get(detail_url(ticket)).status_code == 200


def test_merging_into_a_ticket_out_of_scope_is_a_400(clock, world, sla_policy):
    ticket = world.open()
    elsewhere = open_ticket(world.requester, make_service(world.other_queue, sla_policy, "otro"))
    before = snapshot(ticket)

    for into in (elsewhere.number, "MA-1999-000001"):
        response = api_client(world.technician).post(
            action_url(ticket, "merge"), {"into": into}, format="json"
        )
        assert response.status_code == 400
        assert response.json() == {
            "into": ["No hay un caso con ese número en las colas que usted atiende."]
        }
    assert snapshot(ticket) == before


def test_merging_tickets_of_different_requesters_is_a_409(clock, world, make_user):
    ticket = world.open()
    someone_else = open_ticket(make_user(role="citizen"), world.service)
    before = snapshot(ticket)

    response = api_client(world.technician).post(
        action_url(ticket, "merge"), {"into": someone_else.number.lower()}, format="json"
    )

    assert response.status_code == 409
    assert response.json()["code"] == "merge_other_requester"
    assert snapshot(ticket) == before


def test_a_link_cycle_is_a_409(clock, world):
    parent = world.open()
    child = world.open()
    ticket_link(actor=world.technician, ticket=child, other=parent, kind="parent")
    before = snapshot(parent)

    response = api_client(world.technician).post(
        action_url(parent, "link"), {"other": child.number, "kind": "parent"}, format="json"
    )

    assert response.status_code == 409
    assert response.json()["code"] == "link_cycle"
    assert snapshot(parent) == before


def test_a_reply_with_a_file_returns_the_new_entry(clock, world):
    ticket = world.open()
    ticket_claim(actor=world.technician, ticket=ticket)
    upload = SimpleUploadedFile("constancia.pdf", PDF, content_type="application/pdf")

    response = api_client(world.technician).post(
        action_url(ticket, "reply"),
        {"body": "Adjunto la constancia.", "files": [upload]},
        format="multipart",
    )

    assert response.status_code == 201
    body = response.json()
    assert body["kind"] == "reply"
    assert body["body"] == "Adjunto la constancia."
    assert [a["name"] for a in body["attachments"]] == ["constancia.pdf"]
    entry = TicketEntry.objects.get(pk=body["id"])
    assert entry.channel == "api"
    assert Ticket.objects.get(pk=ticket.pk).status == TicketStatus.IN_PROGRESS


def test_a_bad_file_is_a_400_and_nothing_is_written(clock, world):
    ticket = world.open()
    before = snapshot(ticket)
    upload = SimpleUploadedFile("virus.pdf", b"MZ\x90\x00 not a pdf")

    response = api_client(world.technician).post(
        action_url(ticket, "note"), {"body": "Ver adjunto", "files": [upload]}, format="multipart"
    )

    assert response.status_code == 400
    assert list(response.json()) == ["files"]
    assert snapshot(ticket) == before


def test_the_note_is_internal_and_the_requester_never_reads_it(clock, world):
    ticket = world.open()

    response = api_client(world.technician).post(
        action_url(ticket, "note"), {"body": "Solo para el equipo"}, format="json"
    )

    assert response.status_code == 201
    assert response.json()["kind"] == "note"
    seen = ticket_entries_for(actor=fresh(world.requester), ticket=ticket)
    assert "Solo para el equipo" not in [e.body for e in seen]


@pytest.mark.parametrize("ordering", ["due", "-due"])
@pytest.mark.parametrize("count", [2, 12])
def test_the_list_over_every_status_runs_a_fixed_number_of_queries(
    clock, world, count, ordering, django_assert_num_queries
):
    """Closed and cancelled tickets too (``status=all``), in each offered order: the same 4
    queries as the active list, whatever the number of rows."""
    for index in range(count):
        ticket = world.open()
        if index % 3 == 1:
            ticket_cancel(actor=ticket.requester, ticket=ticket)
        elif index % 3 == 2:
            ticket_claim(actor=world.technician, ticket=ticket)
            ticket_resolve(actor=world.technician, ticket=ticket, message="Listo.")
    client = api_client(world.technician)

    with django_assert_num_queries(4):
        response = client.get(LIST, {"status": "all", "ordering": ordering})

    rows = response.json()["results"]
    assert len(rows) == count
    expected = {("new", "cancelled", "resolved")[index % 3] for index in range(count)}
    assert {row["status"] for row in rows} == expected
    dues = [row["resolution_due_at"] for row in rows]
    assert dues == sorted(dues, reverse=ordering == "-due")
