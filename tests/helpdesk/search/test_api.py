"""The staff search API (GET /api/v1/mesa/busqueda/): the required query, the scope (only the
queues one serves; nothing for citizens; never internal notes), filters, limit/offset pages, the
rows' shape, a fixed query count and its place in the OpenAPI schema."""

import pytest
import yaml
from django.urls import reverse

from helpdesk.services import ticket_add_note, ticket_claim, ticket_merge, ticket_reply
from tests.helpdesk.conftest import make_team, open_ticket
from tests.helpdesk.search.conftest import PLAN_QUERIES, TIME_LIMIT_QUERIES
from tests.helpdesk.staff.conftest import api_client

pytestmark = pytest.mark.django_db

URL = "/api/v1/mesa/busqueda/"


def numbers(response) -> list[str]:
    return [row["number"] for row in response.json()["results"]]


def test_the_url_is_named():
    assert reverse("v1:helpdesk-staff-ticket-search") == URL


# --- The query -----------------------------------------------------------------------------------


def test_anonymous_callers_get_401(cases):
    response = api_client(None).get(URL, {"q": "contraseña"})

    assert response.status_code == 401
    assert cases["first"].number not in response.content.decode()


@pytest.mark.parametrize("params", [{}, {"q": ""}, {"q": "   "}], ids=["missing", "empty", "blank"])
def test_a_missing_or_blank_query_is_a_400_in_spanish(technician, cases, params):
    response = api_client(technician).get(URL, params)

    assert response.status_code == 400
    assert response.json() == {"q": ["Escriba qué buscar (parámetro «q»)."]}


@pytest.mark.parametrize("params", [{"status": "perdido"}, {"queue": "no es un código"}])
def test_bad_filters_are_a_400(technician, cases, params):
    response = api_client(technician).get(URL, {"q": "contraseña", **params})

    assert response.status_code == 400
    assert set(response.json()) == set(params)


# --- Scope ---------------------------------------------------------------------------------------


def test_results_come_only_from_the_queues_one_serves(make_user, technician, other_queue, cases):
    # Given a technician of each queue
    other_technician = make_user(role="technician")
    make_team(other_queue, other_technician)

    mine = api_client(technician).get(URL, {"q": "contraseña"})
    theirs = api_client(other_technician).get(URL, {"q": "contraseña"})

    assert mine.status_code == 200
    assert sorted(numbers(mine)) == sorted([cases["first"].number, cases["second"].number])
    assert mine.json()["count"] == 2
    assert numbers(theirs) == [cases["foreign"].number]
    # A number from the other queue finds nothing (it is not mentioned in one's own tickets).
    assert numbers(api_client(technician).get(URL, {"q": cases["foreign"].number})) == []


@pytest.mark.parametrize("role", ["citizen", "director", "auditor"])
def test_people_without_a_staff_role_are_refused_like_on_the_page(make_user, cases, role):
    response = api_client(make_user(role=role)).get(URL, {"q": "contraseña"})

    assert response.status_code == 403
    assert "results" not in response.json()


def test_the_requester_of_the_tickets_is_refused_too(requester, cases):
    client = api_client(requester)

    assert client.get(URL, {"q": "contraseña"}).status_code == 403
    assert client.get(URL, {"q": cases["first"].number}).status_code == 403


def test_internal_notes_are_never_matched(technician, cases):
    ticket_claim(actor=technician, ticket=cases["first"])
    ticket_add_note(actor=technician, ticket=cases["first"], body="Solicitante conflictivo")
    ticket_reply(actor=technician, ticket=cases["first"], body="Le enviamos instrucciones.")
    client = api_client(technician)

    assert numbers(client.get(URL, {"q": "conflictivo"})) == []
    # The same ticket's public reply is searched.
    assert numbers(client.get(URL, {"q": "instrucciones"})) == [cases["first"].number]


# --- What it finds -------------------------------------------------------------------------------


def test_a_ticket_number_finds_that_ticket_alone(technician, cases):
    target = cases["second"]
    ticket_reply(actor=technician, ticket=cases["first"], body=f"Relacionado con {target.number}.")

    response = api_client(technician).get(URL, {"q": target.number.lower()})

    assert numbers(response) == [target.number]


def test_a_row_is_the_staff_list_row(technician, requester, cases):
    ticket = cases["first"]
    ticket_claim(actor=technician, ticket=ticket)

    response = api_client(technician).get(URL, {"q": ticket.number})

    row = response.json()["results"][0]
    assert row["number"] == ticket.number
    assert row["subject"] == "Olvidé mi contraseña"
    assert row["status"] == "open"
    assert row["status_label"] == "Abierto"
    assert row["queue"] == {"code": "pruebas", "name": "Cola pruebas"}
    assert row["service"] == {"code": "consulta", "name": "Servicio consulta"}
    assert row["assignee"] == {"id": technician.pk, "name": technician.person.full_name}
    assert row["requester_name"] == requester.person.full_name
    assert row["merged_into"] is None
    assert row["url"] == f"/mesa/casos/{ticket.number}/"
    assert row["api_url"] == f"/api/v1/mesa/tickets/{ticket.number}/"
    # Never the requester's DUI.
    assert requester.dui not in response.content.decode()


def test_status_filter_defaults_to_all(technician, cases):
    ticket_claim(actor=technician, ticket=cases["second"])
    ticket_merge(actor=technician, ticket=cases["second"], into=cases["first"])
    client = api_client(technician)
    both = sorted([cases["first"].number, cases["second"].number])

    assert sorted(numbers(client.get(URL, {"q": "contraseña"}))) == both
    assert sorted(numbers(client.get(URL, {"q": "contraseña", "status": "all"}))) == both
    assert numbers(client.get(URL, {"q": "contraseña", "status": "active"})) == [
        cases["first"].number
    ]
    merged = client.get(URL, {"q": "contraseña", "status": "merged"}).json()["results"]
    assert [row["number"] for row in merged] == [cases["second"].number]
    assert merged[0]["merged_into"] == cases["first"].number


def test_queue_filter(supervisor, technician, queue, cases):
    # A supervisor with a national grant serves both queues; the technician only the first.
    client = api_client(supervisor)

    assert sorted(numbers(client.get(URL, {"q": "contraseña", "queue": queue.code}))) == sorted(
        [cases["first"].number, cases["second"].number]
    )
    assert numbers(client.get(URL, {"q": "contraseña", "queue": "otra"})) == [
        cases["foreign"].number
    ]
    # A queue one does not serve, or that does not exist, holds nothing for them.
    assert numbers(api_client(technician).get(URL, {"q": "contraseña", "queue": "otra"})) == []
    assert numbers(client.get(URL, {"q": "contraseña", "queue": "ninguna"})) == []


# --- Pages ---------------------------------------------------------------------------------------


@pytest.fixture
def five(clock, requester, service):
    """Five tickets of the same rank, oldest first."""
    tickets = []
    for n in range(5):
        tickets.append(open_ticket(requester, service, subject=f"Certificado {n}"))
        clock.advance(minutes=1)
    return tickets


def test_limit_and_offset(technician, five):
    client = api_client(technician)
    newest_first = [t.number for t in reversed(five)]

    first = client.get(URL, {"q": "certificado", "limit": 2}).json()
    second = client.get(first["next"]).json()
    third = client.get(second["next"]).json()

    assert first["count"] == 5
    assert [first["results"], second["results"], third["results"]] == [
        client.get(URL, {"q": "certificado", "limit": 2, "offset": offset}).json()["results"]
        for offset in (0, 2, 4)
    ]
    pages = [[row["number"] for row in page["results"]] for page in (first, second, third)]
    assert pages == [newest_first[0:2], newest_first[2:4], newest_first[4:]]
    assert "offset=2" in first["next"]
    assert first["previous"] is None
    assert third["next"] is None


def test_the_limit_is_capped(monkeypatch, technician, five):
    monkeypatch.setattr("helpdesk.api.search.TicketSearchPagination.max_limit", 3)

    response = api_client(technician).get(URL, {"q": "certificado", "limit": 1000})

    assert len(response.json()["results"]) == 3


def test_page_size_defaults(technician, five):
    from helpdesk.api.search import TicketSearchPagination

    response = api_client(technician).get(URL, {"q": "certificado"})

    assert len(response.json()["results"]) == 5
    assert (TicketSearchPagination.default_limit, TicketSearchPagination.max_limit) == (25, 100)


# --- Query count ---------------------------------------------------------------------------------


@pytest.mark.parametrize("rows", [2, 8])
def test_the_api_runs_a_fixed_number_of_queries(
    clock, django_assert_num_queries, make_user, technician, service, rows
):
    for n in range(rows):
        ticket = open_ticket(make_user(role="citizen"), service, subject=f"Constancia {n}")
        if n % 2:
            ticket_claim(actor=technician, ticket=ticket)
    client = api_client(technician)

    # 4 queries whatever the number of rows: the caller's role grants (loaded once per request
    # for the scope), the ids of the queues they serve, the COUNT (limit/offset paging), then
    # the page with service, queue, requester and assignee (with their people) joined. The
    # merge-target prefetch runs no query: no ticket of the page is merged. On PostgreSQL the
    # time limit adds 3: savepoint, set_config(statement_timeout), release.
    with django_assert_num_queries(4 + TIME_LIMIT_QUERIES + PLAN_QUERIES):
        response = client.get(URL, {"q": "constancia"})

    results = response.json()["results"]
    assert len(results) == rows
    assert sum(row["assignee"] is None for row in results) == rows - rows // 2


@pytest.mark.parametrize("rows", [1, 4])
def test_a_queue_filter_adds_one_query(
    clock, django_assert_num_queries, make_user, technician, queue, service, rows
):
    for n in range(rows):
        open_ticket(make_user(role="citizen"), service, subject=f"Constancia {n}")
    client = api_client(technician)

    # 5: as without the filter, plus the queue looked up by code among those one serves.
    with django_assert_num_queries(5 + TIME_LIMIT_QUERIES + PLAN_QUERIES):
        response = client.get(URL, {"q": "constancia", "queue": queue.code})

    assert len(response.json()["results"]) == rows


# --- Schema --------------------------------------------------------------------------------------


def test_the_search_is_in_the_openapi_schema(client):
    response = client.get("/api/schema/")

    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    operation = schema["paths"]["/api/v1/mesa/busqueda/"]["get"]
    parameters = {p["name"]: p for p in operation["parameters"]}
    assert set(parameters) == {"q", "status", "queue", "limit", "offset"}
    assert parameters["q"]["required"] is True
    # Its offset page (with a count) does not replace the staff list's cursor page: drf-
    # spectacular would give both the same component name.
    components = schema["components"]["schemas"]
    search_page = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    assert search_page == "#/components/schemas/PaginatedStaffTicketSearchList"
    assert "count" in components["PaginatedStaffTicketSearchList"]["properties"]
    list_page = schema["paths"]["/api/v1/mesa/tickets/"]["get"]["responses"]["200"]
    list_ref = list_page["content"]["application/json"]["schema"]["$ref"]
    assert "count" not in components[list_ref.rsplit("/", 1)[1]]["properties"]


@pytest.mark.postgres
def test_a_search_that_runs_too_long_is_a_400_asking_to_narrow_it(technician, cases, slow_search):
    response = api_client(technician).get(URL, {"q": "contraseña"})

    assert response.status_code == 400
    assert "La búsqueda abarca demasiados casos" in response.json()["q"][0]
