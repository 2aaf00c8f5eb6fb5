"""The requester's API: catalogue, own tickets (cursor pagination, status filter), opening a
ticket (JSON or multipart), field-level refusals, replies, cancel, rating and throttling."""

import json

import pytest
from django.core.cache import cache
from django.urls import reverse
from rest_framework.fields import DateTimeField
from rest_framework.test import APIClient

from core.audit.models import AuditEvent
from helpdesk.choices import Channel, EntryKind, FieldType, Priority, TicketStatus
from helpdesk.models import Attachment, SatisfactionRating, ServiceField, Ticket, TicketEntry
from helpdesk.services import ticket_cancel
from tests.helpdesk.conftest import make_queue, make_service, open_ticket
from tests.helpdesk.portal.conftest import pdf

pytestmark = pytest.mark.django_db

TICKETS = reverse("v1:helpdesk-tickets")
SERVICES = reverse("v1:helpdesk-services")


def detail(ticket) -> str:
    return reverse("v1:helpdesk-ticket-detail", args=[ticket.number])


def action(name: str, ticket) -> str:
    return reverse(f"v1:helpdesk-ticket-{name}", args=[ticket.number])


@pytest.fixture
def api(requester) -> APIClient:
    client = APIClient()
    client.force_authenticate(requester)
    return client


def api_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def state() -> tuple[int, int, int, int, int]:
    return (
        Ticket.objects.count(),
        TicketEntry.objects.count(),
        Attachment.objects.count(),
        SatisfactionRating.objects.count(),
        AuditEvent.objects.count(),
    )


# --- Catalogue ---------------------------------------------------------------------------------


def test_the_catalogue_is_public_with_fields_and_expected_times(service):
    ServiceField.objects.create(
        service=service,
        key="motivo",
        label="Motivo",
        field_type=FieldType.CHOICE,
        choices=[["a", "Opción A"], "b"],
        required=False,
        order=2,
    )

    response = APIClient().get(SERVICES)

    assert response.status_code == 200
    assert response.json() == [
        {
            "code": "consulta",
            "name": "Servicio consulta",
            "description": "",
            "area": "Cola pruebas",
            "expectations": {
                "first_response": "respuesta en 2 horas hábiles",
                "resolution": "solución en 1 día hábil",
                "first_response_business_hours": 2.0,
                "resolution_business_hours": 9.0,
            },
            "workflow_key": "",
            "form_fields": [
                {
                    "key": "detalle",
                    "label": "Detalle",
                    "field_type": "text",
                    "required": True,
                    "help_text": "",
                    "choices": [],
                },
                {
                    "key": "motivo",
                    "label": "Motivo",
                    "field_type": "choice",
                    "required": False,
                    "help_text": "",
                    "choices": [["a", "Opción A"], ["b", "b"]],
                },
            ],
            "can_request": None,
        }
    ]


def test_the_catalogue_says_what_a_signed_in_person_may_request(make_user, service, sla_policy):
    make_service(
        service.queue, sla_policy, code="licencia", any_citizen=False, allowed_roles=["teacher"]
    )

    response = api_for(make_user(role="citizen")).get(SERVICES, {"q": "licencia"})

    assert [(s["code"], s["can_request"]) for s in response.json()] == [("licencia", False)]


@pytest.mark.parametrize("extra", [0, 6])
def test_the_catalogue_runs_a_fixed_number_of_queries(
    extra, service, sla_policy, django_assert_num_queries
):
    queue = make_queue("otra")
    for n in range(extra):
        make_service(queue, sla_policy, code=f"extra-{n}")
    # 3 queries whatever the size: the services (queue and policy joined), the policies'
    # per-priority targets and the services' form fields (two prefetches). Anonymous.
    with django_assert_num_queries(3):
        response = APIClient().get(SERVICES)
    assert len(response.json()) == 1 + extra


# --- Listing -------------------------------------------------------------------------------------


def test_lists_only_own_tickets_newest_first(clock, api, requester, make_user, service):
    first = open_ticket(requester, service)
    clock.advance(minutes=1)
    second = open_ticket(requester, service)
    open_ticket(make_user(role="citizen"), service)

    response = api.get(TICKETS)

    assert response.status_code == 200
    body = response.json()
    assert [t["number"] for t in body["results"]] == [second.number, first.number]
    row = body["results"][0]
    assert row["status"] == "new"
    assert row["status_label"] == "Nuevo"
    assert row["service"] == {"code": "consulta", "name": "Servicio consulta"}
    assert row["next_deadline"]["kind"] == "first_response"
    assert row["next_deadline"]["label"] == "Primera respuesta a más tardar"
    assert "assignee" not in row
    assert body["next"] is None


def test_filters_by_status(api, requester, service):
    active = open_ticket(requester, service)
    cancelled = open_ticket(requester, service)
    ticket_cancel(actor=requester, ticket=cancelled)

    only_cancelled = api.get(TICKETS, {"status": "cancelled"}).json()["results"]
    both = api.get(f"{TICKETS}?status=new&status=cancelled").json()["results"]
    bad = api.get(TICKETS, {"status": "borrado"})

    assert [t["number"] for t in only_cancelled] == [cancelled.number]
    assert {t["number"] for t in both} == {active.number, cancelled.number}
    assert bad.status_code == 400
    assert list(bad.json()) == ["status"]


def test_pages_with_a_cursor(clock, api, requester, service):
    tickets = []
    for _n in range(3):
        tickets.append(open_ticket(requester, service))
        clock.advance(minutes=1)

    first = api.get(TICKETS, {"page_size": 2}).json()
    second = api.get(first["next"]).json()

    assert [t["number"] for t in first["results"]] == [tickets[2].number, tickets[1].number]
    assert [t["number"] for t in second["results"]] == [tickets[0].number]
    assert second["next"] is None


@pytest.mark.parametrize("count", [1, 7])
def test_the_list_runs_a_fixed_number_of_queries(
    count, api, requester, service, django_assert_num_queries
):
    for _n in range(count):
        open_ticket(requester, service)
    # 1 query whatever the size: the page of tickets with service, queue, assignee and
    # requester joined (the client is authenticated in memory; cursor pagination needs no
    # COUNT).
    with django_assert_num_queries(1):
        response = api.get(TICKETS)
    assert len(response.json()["results"]) == count


# --- Creating -----------------------------------------------------------------------------------


def test_opens_a_ticket_from_json(api, requester, service):
    response = api.post(
        TICKETS,
        {
            "service": "consulta",
            "data": {"detalle": "No me llega el correo"},
            "subject": "Correo de verificación",
            "description": "Lo pedí tres veces.",
        },
        format="json",
    )

    assert response.status_code == 201
    ticket = Ticket.objects.get()
    assert response.json()["number"] == ticket.number
    assert (ticket.requester, ticket.service, ticket.channel) == (requester, service, Channel.API)
    assert ticket.subject == "Correo de verificación"
    assert ticket.form_data == {"detalle": "No me llega el correo"}
    assert [e["body"] for e in response.json()["entries"]] == ["Lo pedí tres veces."]
    assert response.json()["form_data"] == {"detalle": "No me llega el correo"}


def test_opens_a_ticket_with_files_from_multipart(api, service):
    ServiceField.objects.create(
        service=service, key="constancia", label="Constancia", field_type=FieldType.FILE, order=2
    )

    response = api.post(
        TICKETS,
        {
            "service": "consulta",
            "data": json.dumps({"detalle": "Adjunto documentos"}),
            "constancia": pdf("constancia.pdf"),
            "attachments": [pdf("dui.pdf"), pdf("partida.pdf")],
        },
        format="multipart",
    )

    assert response.status_code == 201
    ticket = Ticket.objects.get()
    constancia = Attachment.objects.get(original_name="constancia.pdf")
    assert ticket.form_data == {
        "detalle": "Adjunto documentos",
        "constancia": {"attachment_id": constancia.pk, "name": "constancia.pdf"},
    }
    names = [a["name"] for a in response.json()["entries"][0]["attachments"]]
    assert sorted(names) == ["constancia.pdf", "dui.pdf", "partida.pdf"]
    url = response.json()["entries"][0]["attachments"][0]["download_url"]
    assert url.startswith("http://testserver/adjuntos/")


@pytest.mark.parametrize(
    "extra",
    [
        {"status": "resolved"},
        {"assignee": 1},
        {"queue": "otra"},
        {"priority": Priority.URGENT},
        {"resolution_due_at": "2030-01-01T00:00:00Z"},
        {"first_response_due_at": "2030-01-01T00:00:00Z"},
        {"requester": 99},
    ],
)
def test_a_requester_cannot_set_what_the_help_desk_decides(api, technician, service, extra):
    make_queue("otra")
    before = state()

    response = api.post(
        TICKETS, {"service": "consulta", "data": {"detalle": "x"}, **extra}, format="json"
    )

    assert response.status_code == 400
    key = next(iter(extra))
    assert response.json() == {key: ["Este dato no puede enviarse al solicitar un trámite."]}
    assert state() == before


def test_bad_answers_are_refused_by_field_and_create_nothing(api, service):
    before = state()

    response = api.post(TICKETS, {"service": "consulta", "data": {}}, format="json")

    assert response.status_code == 400
    assert response.json() == {"detalle": ["Este campo es requerido."]}
    assert state() == before


def test_an_unknown_or_inactive_service_is_refused(api, service):
    service.is_active = False
    service.save(update_fields=["is_active"])
    before = state()

    for code in ("consulta", "no-existe"):
        response = api.post(TICKETS, {"service": code, "data": {}}, format="json")
        assert response.status_code == 400
        assert response.json() == {"service": ["No existe un trámite disponible con ese código."]}
    assert state() == before


def test_data_must_be_an_object(api, service):
    response = api.post(TICKETS, {"service": "consulta", "data": ["x"]}, format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["data"]


def test_a_person_the_service_does_not_admit_gets_403(make_user, queue, sla_policy):
    make_service(queue, sla_policy, code="licencia", any_citizen=False, allowed_roles=["teacher"])
    client = api_for(make_user(role="citizen"))
    tickets_before = Ticket.objects.count()

    response = client.post(
        TICKETS, {"service": "licencia", "data": {"detalle": "x"}}, format="json"
    )

    assert response.status_code == 403
    assert Ticket.objects.count() == tickets_before


def test_anonymous_callers_cannot_list_or_create(service):
    client = APIClient()
    assert client.get(TICKETS).status_code == 401
    assert client.post(TICKETS, {"service": "consulta"}, format="json").status_code == 401
    assert Ticket.objects.count() == 0


def test_creation_is_throttled(settings, api, service):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "ticket_create": "2/hour",
        },
    }
    cache.clear()
    payload = {"service": "consulta", "data": {"detalle": "x"}}

    statuses = [api.post(TICKETS, payload, format="json").status_code for _n in range(3)]

    assert statuses == [201, 201, 429]
    assert Ticket.objects.count() == 2
    # Reading is not counted against the creation budget
    assert api.get(TICKETS).status_code == 200
    cache.clear()


# --- One ticket ---------------------------------------------------------------------------------


def test_detail_shows_the_public_conversation_only(api, worked_ticket):
    response = api.get(detail(worked_ticket))

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == TicketStatus.IN_PROGRESS
    assert [e["body"] for e in body["entries"]] == [
        "Necesito ayuda con mi cuenta.",
        "Estamos revisando su cuenta.",
    ]
    assert {e["kind"] for e in body["entries"]} == {EntryKind.REPLY}
    assert [e["by_requester"] for e in body["entries"]] == [True, False]
    assert "NOTA-INTERNA" not in json.dumps(body)
    assert "padron-interno" not in json.dumps(body)
    assert body["rating"] is None
    assert body["process"] is None


def test_another_persons_ticket_answers_404_everywhere(make_user, technician, worked_ticket):
    people = (make_user(role="citizen"), technician)
    before = state()
    for person in people:
        client = api_for(person)
        responses = [
            client.get(detail(worked_ticket)),
            client.post(action("replies", worked_ticket), {"body": "x"}, format="json"),
            client.post(action("cancel", worked_ticket), {}, format="json"),
            client.post(action("rating", worked_ticket), {"rating": 5}, format="json"),
        ]
        assert [r.status_code for r in responses] == [404, 404, 404, 404]
        assert "Estamos revisando" not in json.dumps([r.json() for r in responses])
    worked_ticket.refresh_from_db()
    assert worked_ticket.status == TicketStatus.IN_PROGRESS
    assert state() == before


def test_requester_replies_with_a_file(api, requester, worked_ticket):
    response = api.post(
        action("replies", worked_ticket),
        {"body": "Adjunto constancia", "attachments": [pdf()]},
        format="multipart",
    )

    assert response.status_code == 201
    entry = TicketEntry.objects.get(pk=response.json()["id"])
    assert (entry.author, entry.body, entry.channel) == (requester, "Adjunto constancia", "api")
    assert response.json()["attachments"][0]["name"] == "constancia.pdf"


def test_a_late_reply_to_a_resolved_ticket_answers_409_with_the_reason(clock, api, resolved_ticket):
    clock.advance(days=8)
    before = state()

    response = api.post(action("replies", resolved_ticket), {"body": "¿Y?"}, format="json")

    assert response.status_code == 409
    assert response.json()["code"] == "reopen_window_passed"
    assert state() == before


def test_requester_cancels(api, ticket):
    response = api.post(action("cancel", ticket), {"reason": "Ya no lo necesito"}, format="json")

    ticket.refresh_from_db()
    assert response.status_code == 200
    assert response.json()["status"] == "cancelled"
    assert ticket.status == TicketStatus.CANCELLED


def test_requester_rates_after_resolution_only(api, worked_ticket, technician):
    early = api.post(action("rating", worked_ticket), {"rating": 5}, format="json")
    assert early.status_code == 409
    assert early.json()["detail"] == "Podrá calificar la atención cuando el caso esté resuelto."

    from helpdesk.services import ticket_resolve

    ticket_resolve(actor=technician, ticket=worked_ticket)
    out_of_range = api.post(action("rating", worked_ticket), {"rating": 6}, format="json")
    response = api.post(
        action("rating", worked_ticket), {"rating": 5, "comment": "Excelente"}, format="json"
    )

    assert out_of_range.status_code == 400
    assert out_of_range.json() == {"rating": ["Califique con un número del 1 al 5."]}
    assert response.status_code == 201
    assert response.json()["rating"] == 5
    assert api.get(detail(worked_ticket)).json()["rating"]["comment"] == "Excelente"


@pytest.mark.parametrize("replies", [0, 4])
def test_detail_runs_a_fixed_number_of_queries(
    replies, api, technician, ticket, django_assert_num_queries
):
    from helpdesk.services import ticket_reply

    for n in range(replies):
        ticket_reply(actor=technician, ticket=ticket, body=f"Respuesta {n}", files=[pdf()])
    # 5 queries whatever the conversation's length: the user's grants (staff of a queue?),
    # the ticket (service, queue, assignee, requester joined), its rating, the entries
    # (authors and ticket joined) and their attachments (one prefetch).
    with django_assert_num_queries(5):
        response = api.get(detail(ticket))
    assert len(response.json()["entries"]) == 1 + replies


def test_detail_shows_the_linked_workflow(api, ticket):
    from helpdesk.services import ticket_link_process
    from tests.workflowapp.flows import ReviewFlow

    process = ReviewFlow.start.run(title="Revisión")
    ticket_link_process(ticket=ticket, process=process)

    body = api.get(detail(ticket)).json()

    assert body["process"] == {
        "id": process.pk,
        "flow": "Revisión de prueba",
        "status": "NEW",
        "status_label": "En curso",
        "created": DateTimeField().to_representation(process.created),
        "finished": None,
    }
