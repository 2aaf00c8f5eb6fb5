"""The Bandeja page (bandeja/) and its bulk actions (the task page: tests/core/processes)."""

import re

import pytest
from django.urls import reverse
from viewflow.workflow.models import Task

from helpdesk.models import Ticket
from helpdesk.services import ticket_claim
from tests.helpdesk.conftest import make_team, open_ticket

from .conftest import open_identity_review, start_review

pytestmark = pytest.mark.django_db

URL = "/bandeja/"
ACTION_URL = "/bandeja/acciones/"


def assignee_of(ticket: Ticket) -> int | None:
    return Ticket.objects.filter(pk=ticket.pk).values_list("assignee_id", flat=True).get()


def owner_and_status(task: Task) -> tuple[int | None, str]:
    return Task.objects.filter(pk=task.pk).values_list("owner_id", "status").get()


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


@pytest.fixture
def work(clock, requester, service):
    tickets = [open_ticket(requester, service, description=f"Solicitud {n}") for n in range(2)]
    return {"tickets": tickets, "task": start_review(), "case": open_identity_review()}


# --- Access --------------------------------------------------------------------------------------


def test_the_urls_are_named():
    assert reverse("work:bandeja") == URL
    assert reverse("work:bandeja_action") == ACTION_URL
    assert reverse("helpdesk:workqueue") == "/mesa/bandeja/"


def test_anonymous_visitors_are_sent_to_login(client):
    response = client.get(URL)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('accounts:login')}?next={URL}"


@pytest.mark.parametrize("role", ["citizen", "guardian", "auditor", "administrator"])
def test_people_without_a_role_that_can_have_work_are_refused(client, make_user, role):
    client.force_login(make_user(role=role))

    assert client.get(URL).status_code == 403


@pytest.mark.parametrize(
    "role", ["director", "teacher", "departmental_officer", "ministry_officer"]
)
def test_every_role_that_can_have_work_has_a_bandeja(client, make_user, work, role):
    # Given someone whose role can have work but who serves no help-desk queue
    client.force_login(make_user(role=role))

    # When they open the Bandeja
    response = client.get(URL)

    # Then it opens, with none of the help desk's tickets or reviews, nor its filters
    html = response.content.decode()
    assert response.status_code == 200
    assert response.context["bandeja"].assigned.total == 0
    assert response.context["bandeja"].available.total == 0
    # (school staff also have the academics kind "attendance not taken today" and the family
    # kinds; a departmental officer also approves school liquidations: that source's kind is
    # offered)
    school_staff = (
        [
            ("asistencia", "Asistencia"),
            ("family_message", "Mensaje de familia"),
            ("absence_permission", "Permiso de inasistencia"),
        ]
        if role in ("director", "teacher")
        else []
    )
    school_finances = [("liquidation", "Liquidación")] if role == "departmental_officer" else []
    assert response.context["bandeja"].kinds == [("task", "Tarea"), *school_staff, *school_finances]
    assert "prioridad" not in response.context["form"].fields
    assert work["tickets"][0].number not in html
    assert "No hay elementos disponibles en sus colas con estos filtros." in html


def main_of(html: str) -> str:
    return html[html.index("<main") : html.index("</main>")]


def test_the_bandeja_has_one_search_box_and_offers_the_wider_ticket_search(
    client, technician, work
):
    client.force_login(technician)

    # When a technician searches their Bandeja
    html = main_of(client.get(URL, {"q": "consulta"}).content.decode())

    # Then there is one search box (the filters'), and a link runs the same words on every
    # ticket of their queues, closed ones included
    assert len(re.findall(r'<input type="search"|name="q"', html)) == 1
    assert (
        '<a href="/mesa/buscar/?q=consulta">'
        "Buscar «consulta» en todos los casos, también los cerrados</a>"
    ) in html


def test_no_wider_search_without_text_nor_for_people_without_tickets(client, make_user, work):
    client.force_login(make_user(role="technician"))
    assert "/mesa/buscar/" not in main_of(client.get(URL).content.decode())

    client.force_login(make_user(role="director"))
    assert "/mesa/buscar/" not in main_of(client.get(URL, {"q": "consulta"}).content.decode())


def test_the_page_lists_both_sections_with_links_badges_and_chips(clock, client, technician, work):
    first, second = work["tickets"]
    ticket_claim(actor=technician, ticket=first)
    clock.set(clock.at(0, 10, 30))  # 30 min before the first responses are due
    client.force_login(technician)

    response = client.get(URL)

    html = response.content.decode()
    assert response.status_code == 200
    assert response.templates[0].name == "work/bandeja.html"
    assert '<h2 id="seccion-asignados">Asignados a mí <span class="badge">1</span></h2>' in html
    assert (
        '<h2 id="seccion-disponibles">Disponibles en mis colas <span class="badge">3</span></h2>'
        in html
    )
    assert f'<a href="/mesa/casos/{first.number}/">Servicio consulta</a>' in html
    assert f'<a href="/procesos/tareas/{work["task"].pk}/">Revisión de prueba n.º' in html
    assert f'<a href="/cuentas-y-accesos/{work["case"].pk}/">Revisión de identidad' in html
    assert html.count('<span class="badge badge-warning">Por vencer</span>') == 2
    assert "Sin plazo" in html
    # Chips: assigned / available per queue, and an "all queues" chip that is current
    assert re.search(r'aria-current="true">Todas las colas</a>', html)
    assert re.search(r"Cola pruebas\s*<span class=\"badge\"[^>]*>1 / 1</span>", html)
    assert re.search(r"Revisión de prueba\s*<span class=\"badge\"[^>]*>0 / 1</span>", html)
    # what the two numbers mean is said on the page (a tooltip never shows on a phone)
    assert "En cada cola: asignados a usted / disponibles." in html
    assert '<span class="visually-hidden">1 asignados a usted, 1 disponibles</span>' in html
    # Only what the technician may claim gets a checkbox (not their own ticket, not the review)
    assert re.findall(r'name="item" value="([^"]+)"', html) == [
        f"ticket:{second.number}",
        f"task:{work['task'].pk}",
    ]
    assert 'name="tecnico"' not in html  # assigning is for supervisors


def test_a_supervisor_gets_the_assign_controls(client, supervisor, technician, work):
    client.force_login(supervisor)

    html = client.get(URL).content.decode()

    assert '<select name="tecnico" id="tecnico">' in html
    assert f'<option value="{technician.pk}">{technician.get_full_name()}</option>' in html
    assert 'name="accion" value="asignar"' in html


def test_filters_are_plain_get_parameters(client, technician, work):
    client.force_login(technician)

    response = client.get(URL, {"tipo": "task"})

    html = response.content.decode()
    assert f'value="task:{work["task"].pk}"' in html
    assert "ticket:" not in html
    assert response.context["filters"].kind == "task"
    assert '<option value="task" selected>Tarea</option>' in html


def test_htmx_gets_only_the_filters_and_results(client, technician, work):
    client.force_login(technician)

    response = client.get(URL, {"cola": "pruebas"}, headers={"HX-Request": "true"})

    html = response.content.decode()
    assert response.status_code == 200
    assert response.templates[0].name == "work/_bandeja.html"
    assert "<html" not in html
    assert html.count('name="item"') == 2  # the two tickets of that queue


def test_a_tampered_filter_is_ignored(client, technician, work):
    client.force_login(technician)

    response = client.get(URL, {"prioridad": "altisima", "tipo": "nada"})

    assert response.status_code == 200
    assert response.context["filters"].priority == ""
    assert response.context["filters"].kind == ""
    assert response.context["bandeja"].available.total == 4


def test_a_search_for_a_number_that_is_not_plain_digits_answers_the_page(client, technician, work):
    # "²" is a digit to str.isdigit() but int("²") failed: the Bandeja answered 500.
    client.force_login(technician)

    response = client.get(URL, {"q": "²"})

    assert response.status_code == 200
    assert response.context["bandeja"].available.total == 0


def test_see_more_shows_the_whole_section(client, settings, technician, work):
    settings.SIGES_BANDEJA_PAGE_SIZE = 2
    client.force_login(technician)

    html = client.get(URL, {"cola": ""}).content.decode()
    assert html.count('name="item"') == 2
    assert '<a href="?cola=&amp;ver=disponibles">Ver más (se muestran 2 de 4)</a>' in html

    expanded = client.get(URL, {"ver": "disponibles"}).content.decode()
    assert "Ver más" not in expanded
    assert expanded.count('name="item"') == 3  # two tickets and the task; the review has none


# --- Bulk actions --------------------------------------------------------------------------------


def test_bulk_claim_reports_what_was_taken_and_what_someone_else_had(
    client, make_user, queue, technician, work
):
    first, second = work["tickets"]
    colleague = make_user(role="technician")
    make_team(queue, colleague)
    ticket_claim(actor=colleague, ticket=second)
    client.force_login(technician)

    response = client.post(
        ACTION_URL,
        {
            "accion": "tomar",
            "item": [
                f"ticket:{first.number}",
                f"ticket:{second.number}",
                f"task:{work['task'].pk}",
            ],
            "filtros": "cola=pruebas&q=&evil=1",
        },
    )

    assert response.status_code == 302
    assert response["Location"] == f"{URL}?cola=pruebas"
    assert assignee_of(first) == technician.pk
    assert assignee_of(second) == colleague.pk
    assert owner_and_status(work["task"]) == (technician.pk, "ASSIGNED")
    page = client.get(response["Location"])
    assert messages_of(page) == [
        f"Tomó 2 elementos: Caso {first.number}, Tarea {work['task'].pk}.",
        f"Caso {second.number}: Otra persona tomó este caso antes que usted.",
    ]


def test_bulk_claim_without_a_selection_says_so(client, technician, work):
    client.force_login(technician)

    response = client.post(ACTION_URL, {"accion": "tomar"}, follow=True)

    assert messages_of(response) == ["Seleccione al menos un elemento."]
    assert [assignee_of(ticket) for ticket in work["tickets"]] == [None, None]


def test_an_unknown_action_changes_nothing(client, technician, work):
    client.force_login(technician)
    first = work["tickets"][0]

    response = client.post(ACTION_URL, {"accion": "borrar", "item": [f"ticket:{first.number}"]})

    assert response.status_code == 302
    assert assignee_of(first) is None


def test_a_technician_cannot_bulk_assign(client, make_user, technician, work):
    first = work["tickets"][0]
    client.force_login(technician)

    response = client.post(
        ACTION_URL,
        {"accion": "asignar", "tecnico": technician.pk, "item": [f"ticket:{first.number}"]},
    )

    assert response.status_code == 403
    assert assignee_of(first) is None


def test_a_supervisor_bulk_assigns_to_a_technician(client, supervisor, technician, work):
    first, second = work["tickets"]
    client.force_login(supervisor)

    response = client.post(
        ACTION_URL,
        {
            "accion": "asignar",
            "tecnico": str(technician.pk),
            "item": [f"ticket:{first.number}", f"ticket:{second.number}"],
        },
        follow=True,
    )

    assert [assignee_of(first), assignee_of(second)] == [technician.pk, technician.pk]
    assert messages_of(response) == [
        f"Asignó 2 elementos a {technician.get_full_name()}: "
        f"Caso {first.number}, Caso {second.number}."
    ]


def test_a_supervisor_must_choose_a_technician_they_may_assign_to(
    client, make_user, supervisor, work
):
    first = work["tickets"][0]
    stranger = make_user(role="technician")  # in no team of the supervisor's queues
    client.force_login(supervisor)

    # "²" and "١٢" are digits to str.isdigit() but not ids ("²" made int() fail: a 500).
    for chosen in ("", "abc", "²", "١٢", str(stranger.pk)):
        response = client.post(
            ACTION_URL,
            {"accion": "asignar", "tecnico": chosen, "item": [f"ticket:{first.number}"]},
            follow=True,
        )
        assert messages_of(response) == ["Elija a qué técnico asignar los elementos."]
    assert assignee_of(first) is None


def test_the_old_path_redirects_to_the_bandeja_with_its_filters(tech_client):
    response = tech_client.get("/mesa/bandeja/?q=Solicitud&tipo=ticket")

    assert response.status_code == 302
    assert response["Location"] == f"{URL}?q=Solicitud&tipo=ticket"
