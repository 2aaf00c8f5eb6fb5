"""The staff page's on-demand action forms: each action with input (and the internal note) is a
collapsed section whose form a GET on the action's URL answers when it is opened — an htmx
fragment, or a page of its own without JavaScript. The GET answers 404 where the POST does and
for actions not available now; a POST that fails shows the page with that form open."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from helpdesk.services import ticket_claim, ticket_close, ticket_resolve
from tests.helpdesk.staff.conftest import snapshot
from tests.helpdesk.staff.test_pages import action_url, logged_in, page_url

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


def sections(html: str) -> dict[str, str]:
    """The page's collapsible action sections: id -> their opening tag."""
    return {
        match.group(1): match.group(0)
        for match in re.finditer(r'<details class="card staff-action" id="([^"]+)"[^>]*>', html)
    }


# --- The page ----------------------------------------------------------------------------------


def test_the_page_renders_sections_that_fetch_their_form_when_opened(clock, client, world):
    ticket = world.open()

    html = logged_in(client, world.supervisor).get(page_url(ticket)).content.decode()

    found = sections(html)
    assert set(found) == {
        "nota",
        "asignar",
        "derivar",
        "prioridad",
        "resolver",
        "fusionar",
        "vincular",
    }
    for slug, tag in found.items():
        url = f"/mesa/casos/{ticket.number}/{slug}/"
        assert " open" not in tag
        assert f'hx-get="{url}"' in tag
        assert 'hx-trigger="toggle once"' in tag
        # Without JavaScript the section links to the form's own page.
        assert f'<a href="{url}">Abrir el formulario</a>' in html
    # No form of those actions is built on the page: not their fields, not their choices.
    assert 'name="queue"' not in html
    assert 'name="assignee"' not in html
    assert 'name="nota-body"' not in html
    assert world.technician.person.full_name not in html
    # The reply form and the quick buttons stay on the page.
    assert 'name="respuesta-body"' in html
    assert f'action="{action_url(ticket, "claim")}"' in html


# --- GET: the form alone -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("action", "field"),
    [
        ("route", 'name="queue"'),
        ("priority", 'name="priority"'),
        ("note", 'name="nota-body"'),
        ("resolve", 'name="resolucion-message"'),
        ("merge", 'name="into"'),
        ("link", 'name="other"'),
    ],
)
def test_htmx_gets_the_form_fragment(clock, client, world, action, field):
    ticket = world.open()
    before = snapshot(ticket)

    response = logged_in(client, world.technician).get(action_url(ticket, action), headers=HTMX)

    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html
    assert f'<form method="post" action="{action_url(ticket, action)}"' in html
    assert field in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert "HX-Request" in response["Vary"]
    assert snapshot(ticket) == before


def test_the_note_fragment_accepts_files(clock, client, world):
    ticket = world.open()

    response = logged_in(client, world.technician).get(action_url(ticket, "note"), headers=HTMX)

    assert 'enctype="multipart/form-data"' in response.content.decode()


def test_the_assignment_fragment_lists_the_queues_technicians_by_name(clock, client, world):
    ticket = world.open()

    response = logged_in(client, world.supervisor).get(action_url(ticket, "assign"), headers=HTMX)

    html = response.content.decode()
    assert response.status_code == 200
    assert world.technician.person.full_name in html
    assert world.technician_other_queue.person.full_name not in html
    assert world.technician.dui not in html


def test_without_htmx_the_form_has_a_page_of_its_own(clock, client, world):
    ticket = world.open()

    response = logged_in(client, world.technician).get(action_url(ticket, "route"))

    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" in html
    assert "Derivar a otra cola" in html
    assert f"{ticket.number} · {ticket.subject}" in html
    assert f'href="{page_url(ticket)}"' in html
    # Only that action's form: no reply box, no other action.
    assert re.findall(r'<form method="post" action="([^"]+)"', html) == [
        action_url(ticket, "route")
    ]
    assert "HX-Request" in response["Vary"]


def test_the_forms_page_posts_like_the_section(clock, client, world):
    ticket = world.open()
    logged_in(client, world.technician)
    client.get(action_url(ticket, "priority"))

    response = client.post(action_url(ticket, "priority"), {"priority": "high"})

    assert response.status_code == 302
    assert response["Location"] == page_url(ticket)
    ticket.refresh_from_db()
    assert ticket.priority == "high"


# --- GET: 404 where the POST is, and for actions not available now ------------------------------


@pytest.mark.parametrize("who", ["technician_other_queue", "technician_other_department"])
@pytest.mark.parametrize("htmx", [True, False])
def test_a_ticket_outside_the_actors_queues_is_404(clock, client, world, who, htmx):
    ticket = world.open()
    before = snapshot(ticket)
    logged_in(client, getattr(world, who))

    got = client.get(action_url(ticket, "route"), headers=HTMX if htmx else {})
    posted = client.post(action_url(ticket, "route"), {"queue": world.other_queue.pk})

    assert (got.status_code, posted.status_code) == (404, 404)
    assert snapshot(ticket) == before


def test_the_requester_gets_404(clock, client, world):
    ticket = world.open()
    before = snapshot(ticket)

    response = logged_in(client, world.requester).get(action_url(ticket, "note"), headers=HTMX)

    assert response.status_code == 404
    assert snapshot(ticket) == before


def test_an_action_not_available_now_is_404(clock, client, world):
    ticket = world.open()
    ticket_claim(actor=world.technician, ticket=ticket)
    ticket_resolve(actor=world.technician, ticket=ticket, message="Listo.")
    before = snapshot(ticket)
    logged_in(client, world.technician)

    # Assigning is for supervisors; a resolved ticket is neither routed, reprioritised, resolved
    # again nor merged.
    for action in ("assign", "route", "priority", "waiting", "resolve", "merge"):
        response = client.get(action_url(ticket, action), headers=HTMX)
        assert (action, response.status_code) == (action, 404)
    # What is available answers.
    for action in ("reopen", "note", "link"):
        assert client.get(action_url(ticket, action), headers=HTMX).status_code == 200
    assert snapshot(ticket) == before


def test_a_closed_ticket_cannot_be_reopened(clock, client, world):
    ticket = world.open()
    ticket_claim(actor=world.technician, ticket=ticket)
    ticket_resolve(actor=world.technician, ticket=ticket, message="Listo.")
    ticket_close(actor=world.technician, ticket=ticket)

    response = logged_in(client, world.technician).get(action_url(ticket, "reopen"))

    assert response.status_code == 404


@pytest.mark.parametrize("action", ["claim", "release", "close", "reply"])
def test_actions_without_a_section_still_need_a_post(clock, client, world, action):
    ticket = world.open()

    response = logged_in(client, world.technician).get(action_url(ticket, action))

    assert response.status_code == 405


def test_anonymous_visitors_are_sent_to_log_in(clock, client, world):
    ticket = world.open()

    response = client.get(action_url(ticket, "route"), headers=HTMX)

    assert response.status_code == 302
    assert "/cuentas/ingresar/" in response["Location"]


# --- A POST that fails ---------------------------------------------------------------------------


def test_a_failed_post_shows_the_page_with_that_form_open(clock, client, world):
    ticket = world.open()
    before = snapshot(ticket)

    response = logged_in(client, world.technician).post(
        action_url(ticket, "merge"), {"into": "NO-EXISTE-1"}
    )

    assert response.status_code == 400
    html = response.content.decode()
    found = sections(html)
    # That section is open with the form, what was typed and the error; the others stay closed.
    assert " open" in found["fusionar"]
    assert "hx-get" not in found["fusionar"]
    assert f'<form method="post" action="{action_url(ticket, "merge")}"' in html
    assert 'value="NO-EXISTE-1"' in html
    assert "No hay un caso con ese número en las colas que usted atiende." in html
    assert "Revise los datos del formulario." in html
    for slug in ("derivar", "prioridad", "resolver", "vincular", "nota"):
        assert " open" not in found[slug]
        assert "hx-get" in found[slug]
    assert snapshot(ticket) == before


def test_a_failed_note_keeps_the_text_typed(clock, client, world):
    ticket = world.open()
    before = snapshot(ticket)
    not_a_pdf = SimpleUploadedFile("x.pdf", b"MZ\x90")

    response = logged_in(client, world.technician).post(
        action_url(ticket, "note"),
        {"nota-body": "Revisado con el director; falta el acta.", "nota-files": [not_a_pdf]},
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert " open" in sections(html)["nota"]
    assert "Revisado con el director; falta el acta.</textarea>" in html
    assert snapshot(ticket) == before


def test_a_failed_reply_stays_in_the_reply_box(clock, client, world):
    ticket = world.open()

    response = logged_in(client, world.technician).post(
        action_url(ticket, "reply"), {"respuesta-body": ""}
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert "Este campo es requerido." in html
    assert all(" open" not in tag for tag in sections(html).values())


# --- Cost ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("claimed", [False, True])
def test_a_fragment_runs_a_fixed_number_of_queries(
    clock, client, world, claimed, django_assert_num_queries
):
    ticket = world.open()
    if claimed:
        ticket_claim(actor=world.technician, ticket=ticket)
    logged_in(client, world.supervisor)

    # 9, assigned or not: 1 the user (the session comes from the cache);  1 the grants;
    #  1 the served queues' ids;  1 the ticket with its service and queue;  1 the requester
    #  and the assignee with their people (three reads that plan faster than their join:
    #  helpdesk.staff_selectors._ticket_for_staff);  1 the queue's technicians for the
    #  choice;  3 the session saved with its new "last activity".
    with django_assert_num_queries(9):
        response = client.get(action_url(ticket, "assign"), headers=HTMX)

    assert response.status_code == 200
