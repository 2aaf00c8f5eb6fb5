"""The staff ticket page (mesa/casos/<number>/): what it shows, which buttons it renders, what
each POST does, and that impossible actions posted anyway answer 409/403 and change nothing."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.audit.models import AuditEvent
from helpdesk.choices import TicketStatus
from helpdesk.models import CannedResponse, Ticket, TicketEntry
from helpdesk.services import (
    ticket_add_note,
    ticket_claim,
    ticket_link,
    ticket_merge,
    ticket_reply,
    ticket_resolve,
    ticket_route,
)
from tests.helpdesk.conftest import make_queue, make_service, open_ticket
from tests.helpdesk.staff.conftest import snapshot

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def page_url(ticket: Ticket) -> str:
    return reverse("helpdesk:staff_ticket", kwargs={"number": ticket.number})


def action_url(ticket: Ticket, action: str) -> str:
    return reverse(f"helpdesk:staff_ticket_{action}", kwargs={"number": ticket.number})


def logged_in(client, user):
    # A fresh session each time: the idle timeout runs on the test clock.
    client.logout()
    client.force_login(user)
    return client


def posts_to(html: str) -> set[str]:
    """The action names (URL slugs) the page offers: every POST form on it and every section
    whose form is fetched when it is opened."""
    prefix = "/mesa/casos/"
    return {
        action.rstrip("/").rsplit("/", 1)[1]
        for action in re.findall(r'<form method="post" action="([^"]+)"', html)
        + re.findall(r'<details class="card staff-action" id="[^"]+" hx-get="([^"]+)"', html)
        if action.startswith(prefix)
    }


# --- What the page shows -------------------------------------------------------------------------


def test_the_page_shows_the_ticket_to_the_technician(clock, client, world):
    ticket = world.open()
    ticket_claim(actor=world.technician, ticket=ticket)
    ticket_add_note(
        actor=world.technician,
        ticket=ticket,
        body="Revisar con recursos humanos.",
        files=[SimpleUploadedFile("oficio.pdf", PDF)],
    )
    clock.advance(minutes=45)

    response = logged_in(client, world.technician).get(page_url(ticket))

    assert response.status_code == 200
    html = response.content.decode()
    assert f"{ticket.number} · {ticket.subject}" in html
    assert "Abierto" in html
    assert "Normal" in html
    assert "Cola depto" in html
    assert "Usted" in html  # the assignee is the viewer
    assert world.requester.person.full_name in html
    assert world.requester.dui not in html
    assert world.requester.dui.replace("-", "") not in html
    # SLA: first response due at 11:00 (2 business hours from 9:00), 1 h 15 min left.
    assert "quedan 1 h 15 min hábiles" in html
    # The service's form answers with their labels.
    assert "Detalle" in html
    assert "No puedo ingresar" in html
    # The conversation includes the internal note, marked as such, with its file.
    assert "Necesito ayuda con mi cuenta." in html
    assert "Revisar con recursos humanos." in html
    assert "conversation__entry--note" in html
    assert "Nota interna" in html
    assert "oficio.pdf" in html


def test_breach_and_warning_badges(clock, client, world):
    ticket = world.open()
    clock.advance(hours=1, minutes=45)  # 80 % of the 2 h first-response target has passed

    warned = logged_in(client, world.technician).get(page_url(ticket)).content.decode()
    clock.advance(hours=1)
    breached = logged_in(client, world.technician).get(page_url(ticket)).content.decode()

    assert "Por vencer" in warned
    assert "Vencido" not in warned
    assert "Vencido" in breached
    assert "vencido hace 45 minutos hábiles" in breached


def test_links_show_parent_children_related_and_merged(clock, client, world):
    ticket = world.open()
    parent = world.open(detalle="Principal")
    child = world.open(detalle="Derivado")
    related = world.open(detalle="Relacionado")
    duplicate = world.open(detalle="Duplicado")
    ticket_link(actor=world.technician, ticket=ticket, other=parent, kind="parent")
    ticket_link(actor=world.technician, ticket=ticket, other=child, kind="child")
    ticket_link(actor=world.technician, ticket=ticket, other=related, kind="related")
    ticket_merge(actor=world.technician, ticket=duplicate, into=ticket)

    html = logged_in(client, world.technician).get(page_url(ticket)).content.decode()

    for other in (parent, child, related, duplicate):
        assert f'href="{page_url(other)}"' in html
    merged_page = client.get(page_url(duplicate)).content.decode()
    assert "Fusionado en" in merged_page
    assert f'href="{page_url(ticket)}"' in merged_page


@pytest.mark.parametrize(
    "role", ["requester", "technician_other_queue", "technician_other_department"]
)
def test_the_page_is_404_outside_the_staff_scope(clock, client, world, role):
    ticket = world.open()

    response = logged_in(client, getattr(world, role)).get(page_url(ticket))

    assert response.status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(clock, client, world):
    ticket = world.open()

    response = client.get(page_url(ticket))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


# --- Only the actions possible now are rendered --------------------------------------------------


def test_buttons_of_a_new_ticket_for_a_technician(clock, client, world):
    ticket = world.open()

    html = logged_in(client, world.technician).get(page_url(ticket)).content.decode()

    assert posts_to(html) == {
        "tomar",
        "derivar",
        "prioridad",
        "responder",
        "nota",
        "resolver",
        "fusionar",
        "vincular",
    }


def test_buttons_of_a_new_ticket_for_a_supervisor_include_assigning(clock, client, world):
    ticket = world.open()

    html = logged_in(client, world.supervisor).get(page_url(ticket)).content.decode()
    assert "asignar" in posts_to(html)
    html = client.get(action_url(ticket, "assign"), headers={"HX-Request": "true"})
    html = html.content.decode()

    # The choice lists the queue's technicians by name, never the DUI.
    assert world.technician.person.full_name in html
    assert world.technician_other_queue.person.full_name not in html
    assert world.technician.dui not in html


def test_buttons_of_a_ticket_someone_else_holds(clock, client, world):
    ticket = world.open()
    ticket_claim(actor=world.supervisor, ticket=ticket)

    html = logged_in(client, world.technician).get(page_url(ticket)).content.decode()

    assert "tomar" not in posts_to(html)
    assert "liberar" not in posts_to(html)
    assert "esperar" in posts_to(html)


def test_buttons_of_a_resolved_ticket(clock, client, world):
    ticket = world.open()
    ticket_claim(actor=world.technician, ticket=ticket)
    ticket_resolve(actor=world.technician, ticket=ticket, message="Listo.")

    html = logged_in(client, world.technician).get(page_url(ticket)).content.decode()

    assert posts_to(html) == {"responder", "nota", "cerrar", "reabrir", "vincular"}


def test_buttons_of_a_closed_ticket(clock, client, world):
    ticket = world.open()
    ticket_claim(actor=world.technician, ticket=ticket)
    ticket_resolve(actor=world.technician, ticket=ticket, message="Listo.")
    from helpdesk.services import ticket_close

    ticket_close(actor=world.technician, ticket=ticket)

    html = logged_in(client, world.technician).get(page_url(ticket)).content.decode()

    assert posts_to(html) == {"nota", "vincular"}


# --- Impossible actions posted anyway -----------------------------------------------------------


def test_claiming_a_held_ticket_is_a_409_page_and_changes_nothing(clock, client, world):
    ticket = world.open()
    ticket_claim(actor=world.supervisor, ticket=ticket)
    before = snapshot(ticket)

    response = logged_in(client, world.technician).post(action_url(ticket, "claim"))

    assert response.status_code == 409
    assert "Otra persona tomó este caso antes que usted." in response.content.decode()
    assert snapshot(ticket) == before


def test_closing_an_unresolved_ticket_is_a_409_page_and_changes_nothing(clock, client, world):
    ticket = world.open()
    before = snapshot(ticket)

    response = logged_in(client, world.technician).post(action_url(ticket, "close"))

    assert response.status_code == 409
    assert "no es posible en el estado «Nuevo»" in response.content.decode()
    assert snapshot(ticket) == before


def test_a_technician_posting_an_assignment_gets_403_and_nothing_changes(clock, client, world):
    ticket = world.open()
    before = snapshot(ticket)

    response = logged_in(client, world.technician).post(
        action_url(ticket, "assign"), {"assignee": world.technician.pk}
    )

    assert response.status_code == 403
    assert snapshot(ticket) == before


def test_posting_to_a_ticket_out_of_scope_is_a_404(clock, client, world):
    ticket = world.open()
    before = snapshot(ticket)

    response = logged_in(client, world.technician_other_queue).post(action_url(ticket, "claim"))

    assert response.status_code == 404
    assert snapshot(ticket) == before


def test_actions_need_a_post(clock, client, world):
    ticket = world.open()

    response = logged_in(client, world.technician).get(action_url(ticket, "claim"))

    assert response.status_code == 405


# --- Actions that work ---------------------------------------------------------------------------


def test_claiming_from_the_page(clock, client, world):
    ticket = world.open()

    response = logged_in(client, world.technician).post(action_url(ticket, "claim"), follow=True)

    assert response.redirect_chain == [(page_url(ticket), 302)]
    assert "Ahora el caso es suyo." in response.content.decode()
    saved = Ticket.objects.get(pk=ticket.pk)
    assert saved.assignee_id == world.technician.pk
    assert saved.status == TicketStatus.OPEN
    assert AuditEvent.objects.filter(action="ticket.claimed", actor=world.technician).count() == 1


def test_replying_with_a_file(clock, client, world):
    ticket = world.open()
    upload = SimpleUploadedFile("guia.pdf", PDF)

    response = logged_in(client, world.technician).post(
        action_url(ticket, "reply"),
        {"respuesta-body": "Siga los pasos de la guía adjunta.", "respuesta-files": [upload]},
    )

    assert response.status_code == 302
    entry = TicketEntry.objects.filter(ticket=ticket).latest("id")
    assert entry.kind == "reply"
    assert entry.body == "Siga los pasos de la guía adjunta."
    assert [a.original_name for a in entry.attachments.all()] == ["guia.pdf"]
    assert Ticket.objects.get(pk=ticket.pk).status == TicketStatus.IN_PROGRESS


def test_an_empty_resolution_message_shows_the_form_again_in_spanish(clock, client, world):
    ticket = world.open()
    ticket_claim(actor=world.technician, ticket=ticket)
    before = snapshot(ticket)

    response = logged_in(client, world.technician).post(
        action_url(ticket, "resolve"), {"resolucion-message": "   "}
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert "Este campo es requerido." in html
    assert "Revise los datos del formulario." in html
    assert snapshot(ticket) == before


def test_a_bad_file_is_reported_on_the_form(clock, client, world):
    ticket = world.open()
    before = snapshot(ticket)

    response = logged_in(client, world.technician).post(
        action_url(ticket, "note"),
        {"nota-body": "Ver adjunto", "nota-files": [SimpleUploadedFile("x.pdf", b"MZ\x90")]},
    )

    assert response.status_code == 400
    assert snapshot(ticket) == before


def test_routing_away_sends_the_technician_back_to_their_work(clock, client, world):
    ticket = world.open()

    response = logged_in(client, world.technician).post(
        action_url(ticket, "route"), {"queue": world.other_queue.pk, "note": "Otra área"}
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("work:bandeja")
    saved = Ticket.objects.get(pk=ticket.pk)
    assert saved.queue_id == world.other_queue.pk
    assert TicketEntry.objects.filter(ticket=ticket, kind="note", body="Otra área").exists()


def test_merging_goes_to_the_surviving_ticket(clock, client, world):
    duplicate = world.open()
    target = world.open()

    response = logged_in(client, world.technician).post(
        action_url(duplicate, "merge"), {"into": target.number}
    )

    assert response.status_code == 302
    assert response["Location"] == page_url(target)
    assert Ticket.objects.get(pk=duplicate.pk).merged_into_id == target.pk


def test_merging_into_an_unknown_number_is_a_form_error(clock, client, world, sla_policy):
    ticket = world.open()
    elsewhere = open_ticket(world.requester, make_service(world.other_queue, sla_policy, "otro"))
    before = snapshot(ticket)

    response = logged_in(client, world.technician).post(
        action_url(ticket, "merge"), {"into": elsewhere.number}
    )

    assert response.status_code == 400
    assert "No hay un caso con ese número en las colas que usted atiende." in (
        response.content.decode()
    )
    assert snapshot(ticket) == before


def test_supervisor_assigns_from_the_page(clock, client, world):
    ticket = world.open()

    response = logged_in(client, world.supervisor).post(
        action_url(ticket, "assign"), {"assignee": world.technician.pk}
    )

    assert response.status_code == 302
    assert Ticket.objects.get(pk=ticket.pk).assignee_id == world.technician.pk


# --- Canned responses ----------------------------------------------------------------------------


@pytest.fixture
def canned(world):
    return {
        "queue": CannedResponse.objects.create(
            title="Restablecer acceso",
            body="Le enviamos un enlace para restablecer su acceso.",
            queue=world.department_queue,
        ),
        "global": CannedResponse.objects.create(title="Saludo", body="Buenos días."),
        "other": CannedResponse.objects.create(
            title="De otra cola", body="No debería verse.", queue=world.other_queue
        ),
        "inactive": CannedResponse.objects.create(
            title="Vieja", body="Ya no se usa.", is_active=False
        ),
    }


def test_the_page_offers_the_canned_responses_of_the_queue(clock, client, world, canned):
    ticket = world.open()

    html = logged_in(client, world.technician).get(page_url(ticket)).content.decode()

    assert "Restablecer acceso" in html
    assert "Saludo" in html
    assert "De otra cola" not in html
    assert "Vieja" not in html
    assert (
        'hx-get="' + reverse("helpdesk:staff_ticket_canned", kwargs={"number": ticket.number})
        in html
    )


def test_htmx_fills_the_reply_box_with_a_canned_response(clock, client, world, canned):
    ticket = world.open()
    url = reverse("helpdesk:staff_ticket_canned", kwargs={"number": ticket.number})

    response = logged_in(client, world.technician).get(
        url, {"plantilla": canned["queue"].pk}, headers={"HX-Request": "true"}
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert html.strip().startswith('<div id="reply-body"')
    assert "Le enviamos un enlace para restablecer su acceso." in html
    assert 'name="respuesta-body"' in html


@pytest.mark.parametrize("which", ["other", "inactive"])
def test_canned_responses_of_other_queues_are_404(clock, client, world, canned, which):
    ticket = world.open()
    url = reverse("helpdesk:staff_ticket_canned", kwargs={"number": ticket.number})

    response = logged_in(client, world.technician).get(
        url, {"plantilla": canned[which].pk}, headers={"HX-Request": "true"}
    )

    assert response.status_code == 404


def test_without_javascript_the_page_fills_the_reply_box(clock, client, world, canned):
    ticket = world.open()
    url = reverse("helpdesk:staff_ticket_canned", kwargs={"number": ticket.number})
    logged_in(client, world.technician)

    redirected = client.get(url, {"plantilla": canned["global"].pk})
    page = client.get(redirected["Location"])

    assert redirected.status_code == 302
    assert redirected["Location"] == f"{page_url(ticket)}?plantilla={canned['global'].pk}#responder"
    assert "\nBuenos días.</textarea>" in page.content.decode()


# --- Cost --------------------------------------------------------------------------------------


@pytest.mark.parametrize("messages", [1, 8])
def test_the_page_runs_a_fixed_number_of_queries(
    clock, client, world, messages, django_assert_num_queries
):
    ticket = world.open()
    for n in range(messages):
        ticket_reply(actor=world.supervisor, ticket=ticket, body=f"Mensaje {n}")
        ticket_add_note(
            actor=world.supervisor,
            ticket=ticket,
            body=f"Nota {n}",
            files=[SimpleUploadedFile(f"n{n}.pdf", PDF)],
        )
    # Last, so the newest page of the history mentions queues by code and someone by id at
    # both sizes: a move to another queue of the department, then a claim.
    neighbour = make_queue("depto-vecina", department=world.department_queue.department)
    ticket_route(actor=world.supervisor, ticket=ticket, queue=neighbour)
    ticket_claim(actor=world.supervisor, ticket=ticket)
    logged_in(client, world.supervisor)

    # 18 whatever the length of the conversation and of the history (a supervisor: no team
    # lookups):
    #  1 the user (the session comes from the cache);  1 the grants;  1 the served queues'
    #  ids;  1 the ticket with its service and queue and 3 more reads: the form fields (from
    #  the catalogue cache, read here because nothing read inside the test's transaction is
    #  kept), the requester and assignee with their people (by primary key), and the children,
    #  related and merged tickets with the parent and merge target (one UNION ALL);  1 the
    #  canned responses (the queue is known to be served: the ticket was read through that
    #  scope);  2 the conversation and its attachments;  4 the history (helpdesk/timeline.py:
    #  the resolution scan, one page of events, the names of the people they mention by id,
    #  the names of the catalogue, from the same cache);  1 the layout's inbox badge;  3 the
    #  session saved with its new "last activity" (a savepoint, the UPDATE, the release). The
    #  other actions' forms (the assignment's technicians, the routing's queues) are not built:
    #  they are fetched when their section is opened.
    with django_assert_num_queries(18):
        response = client.get(page_url(ticket))

    assert response.status_code == 200
    assert response.content.decode().count("conversation__entry--note") == messages
