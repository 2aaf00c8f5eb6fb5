"""The Bandeja API: GET /api/v1/bandeja/, POST …/claim/ and …/assign/."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient
from viewflow.workflow.models import Task

from helpdesk.models import Ticket
from helpdesk.services import ticket_claim
from tests.helpdesk.conftest import make_team, open_ticket

from .conftest import open_identity_review, start_review

pytestmark = pytest.mark.django_db

URL = "/api/v1/bandeja/"
CLAIM_URL = "/api/v1/bandeja/claim/"
ASSIGN_URL = "/api/v1/bandeja/assign/"


def api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def assignee_of(ticket: Ticket) -> int | None:
    return Ticket.objects.filter(pk=ticket.pk).values_list("assignee_id", flat=True).get()


@pytest.fixture
def work(clock, requester, service):
    return {
        "ticket": open_ticket(requester, service),
        "task": start_review(),
        "case": open_identity_review(),
    }


def test_the_urls_are_named():
    assert reverse("v1:work-bandeja") == URL
    assert reverse("v1:work-bandeja-claim") == CLAIM_URL
    assert reverse("v1:work-bandeja-assign") == ASSIGN_URL


def test_anonymous_callers_are_unauthorized():
    assert api().get(URL).status_code == 401
    assert api().post(CLAIM_URL, {"items": []}, format="json").status_code == 401


@pytest.mark.parametrize("role", ["citizen", "guardian", "auditor"])
def test_people_without_a_role_that_can_have_work_are_forbidden(make_user, role):
    response = api(make_user(role=role)).get(URL)

    assert response.status_code == 403
    assert response.json() == {
        "detail": "Su cuenta no tiene un rol con bandeja de trabajo.",
        "code": "permission_denied",
    }


def test_a_teacher_gets_an_empty_bandeja_without_the_help_desk_kinds(make_user, work):
    response = api(make_user(role="teacher")).get(URL)

    assert response.status_code == 200
    body = response.json()
    assert body["assigned"]["total"] == 0
    assert body["available"]["total"] == 0
    # The help desk's kinds are left out; process tasks, the day's attendance (academics) and
    # what families wait for (modules/family) are the kinds a teacher can have.
    assert body["kinds"] == [
        {"key": "task", "label": "Tarea"},
        {"key": "asistencia", "label": "Asistencia"},
        {"key": "family_message", "label": "Mensaje de familia"},
        {"key": "absence_permission", "label": "Permiso de inasistencia"},
    ]
    assert body["technicians"] == []


def test_the_list_merges_items_with_counts(clock, technician, work):
    ticket, task, case = work["ticket"], work["task"], work["case"]

    response = api(technician).get(URL)

    assert response.status_code == 200
    body = response.json()
    assert body["assigned"] == {"total": 0, "limit": 50, "has_more": False, "items": []}
    assert body["available"]["total"] == 3
    assert body["available"]["has_more"] is False
    assert [(i["kind"], i["id"]) for i in body["available"]["items"]] == [
        ("ticket", ticket.number),
        ("account_review", str(case.pk)),
        ("task", str(task.pk)),
    ]
    assert body["available"]["items"][0] == {
        "kind": "ticket",
        "id": ticket.number,
        "source": "Caso",
        "title": "Servicio consulta",
        "subtitle": f"{ticket.number} · Servicio consulta · {ticket.requester}",
        "queue_key": "pruebas",
        "queue_label": "Cola pruebas",
        "due_at": ticket.first_response_due_at.isoformat().replace("+00:00", "Z"),
        "due_state": "near_due",
        "status_label": "Nuevo",
        "priority": "normal",
        "priority_label": "Normal",
        "url": f"/mesa/casos/{ticket.number}/",
        "assigned_to_me": False,
        "claimable": True,
        "assignable": True,
    }
    assert body["available"]["items"][2]["due_at"] is None
    assert body["queues"] == [
        {"key": "pruebas", "label": "Cola pruebas", "assigned": 0, "available": 1, "total": 1},
        {
            "key": "cuentas-y-accesos",
            "label": "Cuentas y accesos",
            "assigned": 0,
            "available": 1,
            "total": 1,
        },
        {
            "key": "flujo-workflowapp-review",
            "label": "Revisión de prueba",
            "assigned": 0,
            "available": 1,
            "total": 1,
        },
    ]
    assert body["kinds"][:2] == [
        {"key": "ticket", "label": "Caso"},
        {"key": "task", "label": "Tarea"},
    ]
    assert body["technicians"] == []


def test_filters_and_limit(technician, work):
    client = api(technician)

    by_kind = client.get(URL, {"kind": "task"}).json()
    assert [i["kind"] for i in by_kind["available"]["items"]] == ["task"]

    by_text = client.get(URL, {"q": work["ticket"].number}).json()
    assert [i["id"] for i in by_text["available"]["items"]] == [work["ticket"].number]

    overdue = client.get(URL, {"overdue": "true"}).json()
    assert overdue["available"]["total"] == 0

    limited = client.get(URL, {"limit": 1}).json()
    assert limited["available"]["limit"] == 1
    assert limited["available"]["has_more"] is True
    assert len(limited["available"]["items"]) == 1


@pytest.mark.parametrize("params", [{"limit": 0}, {"limit": 501}, {"priority": "altisima"}])
def test_bad_filters_are_a_400(technician, params):
    response = api(technician).get(URL, params)

    assert response.status_code == 400
    assert list(response.json()) == list(params)


def test_a_supervisor_gets_the_technicians_they_may_assign_to(supervisor, technician, work):
    body = api(supervisor).get(URL).json()

    assert body["technicians"] == [{"id": technician.pk, "name": technician.get_full_name()}]


# --- Claim -----------------------------------------------------------------------------------


def test_bulk_claim_answers_per_item(make_user, queue, requester, service, technician, work):
    colleague = make_user(role="technician")
    make_team(queue, colleague)
    taken = open_ticket(requester, service)
    ticket_claim(actor=colleague, ticket=taken)

    response = api(technician).post(
        CLAIM_URL,
        {
            "items": [
                {"kind": "ticket", "id": work["ticket"].number},
                {"kind": "ticket", "id": taken.number},
                {"kind": "task", "id": str(work["task"].pk)},
                {"kind": "task", "id": "abc"},
            ]
        },
        format="json",
    )

    assert response.status_code == 200
    assert response.json() == {
        "succeeded": 2,
        "failed": 2,
        "results": [
            {
                "kind": "ticket",
                "id": work["ticket"].number,
                "ok": True,
                "code": "claimed",
                "message": "Tomado.",
            },
            {
                "kind": "ticket",
                "id": taken.number,
                "ok": False,
                "code": "already_claimed",
                "message": "Otra persona tomó este caso antes que usted.",
            },
            {
                "kind": "task",
                "id": str(work["task"].pk),
                "ok": True,
                "code": "claimed",
                "message": "Tomada.",
            },
            {
                "kind": "task",
                "id": "abc",
                "ok": False,
                "code": "not_found",
                "message": "No existe o no está en sus colas.",
            },
        ],
    }
    assert assignee_of(work["ticket"]) == technician.pk
    assert assignee_of(taken) == colleague.pk
    assert Task.objects.get(pk=work["task"].pk).owner_id == technician.pk


@pytest.mark.parametrize(
    "payload",
    [{}, {"items": []}, {"items": [{"kind": "ticket"}]}, {"items": "ticket:1"}],
)
def test_a_malformed_claim_is_a_400_and_changes_nothing(technician, work, payload):
    response = api(technician).post(CLAIM_URL, payload, format="json")

    assert response.status_code == 400
    assert assignee_of(work["ticket"]) is None


def test_claim_is_for_staff_only(citizen, work):
    response = api(citizen).post(
        CLAIM_URL, {"items": [{"kind": "ticket", "id": work["ticket"].number}]}, format="json"
    )

    assert response.status_code == 403
    assert assignee_of(work["ticket"]) is None


# --- Assign ----------------------------------------------------------------------------------


def test_a_supervisor_assigns_through_the_api(supervisor, technician, work):
    response = api(supervisor).post(
        ASSIGN_URL,
        {
            "assignee": technician.pk,
            "items": [
                {"kind": "ticket", "id": work["ticket"].number},
                {"kind": "account_review", "id": str(work["case"].pk)},
            ],
        },
        format="json",
    )

    assert response.status_code == 200
    body = response.json()
    assert (body["succeeded"], body["failed"]) == (1, 1)
    assert [(r["ok"], r["code"]) for r in body["results"]] == [
        (True, "assigned"),
        (False, "not_supported"),
    ]
    assert assignee_of(work["ticket"]) == technician.pk


def test_a_technician_may_not_assign(technician, work):
    response = api(technician).post(
        ASSIGN_URL,
        {"assignee": technician.pk, "items": [{"kind": "ticket", "id": work["ticket"].number}]},
        format="json",
    )

    assert response.status_code == 403
    assert response.json() == {
        "detail": "Solo los supervisores asignan elementos a otras personas.",
        "code": "permission_denied",
    }
    assert assignee_of(work["ticket"]) is None


def test_assigning_to_someone_outside_the_supervised_teams_is_a_400(make_user, supervisor, work):
    stranger = make_user(role="technician")

    response = api(supervisor).post(
        ASSIGN_URL,
        {"assignee": stranger.pk, "items": [{"kind": "ticket", "id": work["ticket"].number}]},
        format="json",
    )

    assert response.status_code == 400
    assert response.json() == {
        "assignee": ["Esa persona no es técnico de las colas que usted supervisa."]
    }
    assert assignee_of(work["ticket"]) is None
