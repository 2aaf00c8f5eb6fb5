"""The staff search page (mesa/buscar/): who may open it, what it finds (only in the queues one
serves), its filters and pages, its fixed query count, and the links to it (navigation, Bandeja)."""

import re

import pytest
from django.urls import reverse

from helpdesk.services import ticket_add_note, ticket_claim, ticket_merge
from tests.helpdesk.conftest import open_ticket
from tests.helpdesk.search.conftest import PLAN_QUERIES, TIME_LIMIT_QUERIES

pytestmark = pytest.mark.django_db

URL = "/mesa/buscar/"


def found(response) -> list[str]:
    """The ticket numbers of the results, in order (``None`` when no search ran)."""
    page = response.context["page"]
    return None if page is None else [ticket.number for ticket in page]


def nav_of(html: str) -> str:
    return re.search(r'<nav id="navegacion-principal".*?</nav>', html, re.S).group(0)


# --- Access --------------------------------------------------------------------------------------


def test_the_url_is_named():
    assert reverse("helpdesk:search") == URL


def test_anonymous_visitors_are_sent_to_login(client):
    response = client.get(URL)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('accounts:login')}?next={URL}"


@pytest.mark.parametrize("role", ["citizen", "director", "auditor"])
def test_people_without_a_staff_role_are_refused(client, make_user, cases, role):
    client.force_login(make_user(role=role))

    response = client.get(URL, {"q": cases["first"].number})

    assert response.status_code == 403
    assert cases["first"].number not in response.content.decode()


def test_the_requester_of_a_ticket_is_refused_too(client, requester, cases):
    client.force_login(requester)

    response = client.get(URL, {"q": "contraseña"})

    assert response.status_code == 403
    for ticket in cases.values():
        assert ticket.number not in response.content.decode()


# --- The form ------------------------------------------------------------------------------------


@pytest.mark.parametrize("q", [None, "", "   "])
def test_without_a_query_only_the_form_shows_and_nothing_is_searched(
    client, monkeypatch, technician, cases, q
):
    def no_search(**kwargs):
        raise AssertionError("an empty query must not run a search")

    monkeypatch.setattr("helpdesk.views.search.ticket_search_results", no_search)
    client.force_login(technician)

    response = client.get(URL, {} if q is None else {"q": q})

    html = response.content.decode()
    assert response.status_code == 200
    assert response.templates[0].name == "helpdesk/search/results.html"
    assert found(response) is None
    assert '<label for="id_q">Buscar casos:</label>' in html
    assert 'type="search" name="q"' in html
    hint = re.search(r'<span class="helptext" id="id_q_helptext">(.*?)</span>', html).group(1)
    assert re.search(r"MA-\d{4}-000123", hint)
    assert "&quot;una frase entre comillas&quot;" in hint
    assert "-palabra" in hint
    assert "resultado" not in html
    assert cases["first"].number not in html


def test_the_queue_select_offers_only_the_queues_one_serves(client, technician, queue, cases):
    client.force_login(technician)

    response = client.get(URL)

    choices = response.context["form"].fields["cola"].choices
    assert choices == [("", "Todas mis colas"), (queue.code, queue.name)]
    assert 'value="otra"' not in response.content.decode()


def test_the_page_has_no_inline_scripts_or_styles(client, technician, cases):
    client.force_login(technician)

    html = client.get(URL, {"q": "contraseña"}).content.decode()

    assert "<script>" not in html
    assert re.findall(r"<script(?![^>]*\bsrc=)", html) == []
    assert " style=" not in html


# --- Results -------------------------------------------------------------------------------------


def test_results_come_only_from_the_queues_one_serves(client, technician, cases):
    ticket_claim(actor=technician, ticket=cases["second"])
    client.force_login(technician)

    response = client.get(URL, {"q": "contraseña"})

    html = response.content.decode()
    assert response.status_code == 200
    assert sorted(found(response)) == sorted([cases["first"].number, cases["second"].number])
    assert cases["foreign"].number not in html
    assert '<h2 id="titulo-resultados">2 resultados</h2>' in html
    # Each row: the number linking to the staff page, subject, service, queue, status,
    # assignee (or «Sin asignar») and creation date.
    first = cases["first"]
    staff_url = reverse("helpdesk:staff_ticket", kwargs={"number": first.number})
    assert f'<a class="ticket-number" href="{staff_url}">{first.number}</a>' in html
    assert "Olvidé mi contraseña" in html
    assert f'<td data-label="Servicio">{first.service.name}</td>' in html
    assert f'<td data-label="Cola">{first.queue.name}</td>' in html
    assert '<span class="badge badge-info">Nuevo</span>' in html
    assert '<span class="badge badge-info">Abierto</span>' in html
    assert '<span class="muted">Sin asignar</span>' in html
    assert f'<td data-label="Asignado a">{technician.person.full_name}</td>' in html
    assert re.search(r'<td data-label="Creado"><time datetime="[^"]+">', html)


def test_a_ticket_number_lists_that_ticket_alone(client, technician, cases):
    client.force_login(technician)
    target = cases["second"]

    response = client.get(URL, {"q": target.number.lower()})

    assert response.status_code == 200  # listed, not redirected
    assert found(response) == [target.number]
    assert '<h2 id="titulo-resultados">1 resultado</h2>' in response.content.decode()


def test_a_number_from_a_queue_one_does_not_serve_finds_nothing(client, technician, cases):
    client.force_login(technician)

    response = client.get(URL, {"q": cases["foreign"].number})

    assert found(response) == []
    assert cases["foreign"].number in response.content.decode()  # only echoed in the message


def test_internal_notes_are_not_searched(client, technician, cases):
    ticket_add_note(actor=technician, ticket=cases["first"], body="Solicitante conflictivo")
    client.force_login(technician)

    response = client.get(URL, {"q": "conflictivo"})

    assert found(response) == []


def test_no_results_shows_a_clear_message(client, technician, cases):
    client.force_login(technician)

    response = client.get(URL, {"q": "inexistente"})

    html = response.content.decode()
    assert found(response) == []
    assert '<h2 id="titulo-resultados">0 resultados</h2>' in html
    assert "Ningún caso de sus colas coincide con «inexistente»." in html
    assert "<table" not in html


def test_status_filter(client, technician, cases):
    ticket_claim(actor=technician, ticket=cases["second"])
    ticket_merge(actor=technician, ticket=cases["second"], into=cases["first"])
    client.force_login(technician)
    both = sorted([cases["first"].number, cases["second"].number])

    assert sorted(found(client.get(URL, {"q": "contraseña"}))) == both
    assert sorted(found(client.get(URL, {"q": "contraseña", "estado": "todos"}))) == both
    assert found(client.get(URL, {"q": "contraseña", "estado": "activos"})) == [
        cases["first"].number
    ]
    assert found(client.get(URL, {"q": "contraseña", "estado": "merged"})) == [
        cases["second"].number
    ]


def test_queue_filter(client, supervisor, queue, cases):
    # A supervisor with a national grant serves both queues.
    client.force_login(supervisor)

    everywhere = found(client.get(URL, {"q": "contraseña"}))
    in_queue = found(client.get(URL, {"q": "contraseña", "cola": queue.code}))
    in_other = found(client.get(URL, {"q": "contraseña", "cola": "otra"}))

    assert sorted(everywhere) == sorted(t.number for t in cases.values())
    assert sorted(in_queue) == sorted([cases["first"].number, cases["second"].number])
    assert in_other == [cases["foreign"].number]


@pytest.mark.parametrize("params", [{"cola": "otra"}, {"estado": "perdido"}])
def test_a_tampered_filter_shows_an_error_and_searches_nothing(client, technician, cases, params):
    client.force_login(technician)

    response = client.get(URL, {"q": "contraseña", **params})

    html = response.content.decode()
    assert response.status_code == 200
    assert found(response) is None
    assert response.context["form"].errors.keys() == params.keys()
    assert "form-field--error" in html
    assert cases["foreign"].number not in html


def test_results_are_paginated(client, monkeypatch, clock, technician, requester, service):
    monkeypatch.setattr("helpdesk.views.search.PAGE_SIZE", 2)
    tickets = []
    for n in range(3):
        tickets.append(open_ticket(requester, service, subject=f"Certificado {n}"))
        clock.advance(minutes=1)
    client.force_login(technician)

    first = client.get(URL, {"q": "certificado"})
    second = client.get(URL, {"q": "certificado", "page": 2})
    beyond = client.get(URL, {"q": "certificado", "page": 99})

    # Equal rank: newest first.
    assert found(first) == [tickets[2].number, tickets[1].number]
    assert found(second) == [tickets[0].number]
    assert found(beyond) == found(second)
    html = first.content.decode()
    assert '<h2 id="titulo-resultados">3 resultados</h2>' in html
    assert '<a href="?q=certificado&amp;page=2" rel="next">Siguiente</a>' in html
    assert "Página 1 de 2" in html
    assert '<a href="?q=certificado&amp;page=1" rel="prev">Anterior</a>' in (
        second.content.decode()
    )


# --- Query count ---------------------------------------------------------------------------------


@pytest.mark.parametrize("rows", [2, 8])
def test_the_page_runs_a_fixed_number_of_queries(
    client, clock, django_assert_num_queries, make_user, technician, service, rows
):
    for n in range(rows):
        ticket = open_ticket(make_user(role="citizen"), service, subject=f"Constancia {n}")
        if n % 2:
            ticket_claim(actor=technician, ticket=ticket)
    client.force_login(technician)

    # 10 queries whatever the number of rows: 1 user (the session comes from the cache),
    # 1 role grants (cached on the
    # user for the rest of the request), 1 the queues for the select; the search: 1 ids of the
    # served queues, 1 COUNT (Paginator), 1 the page with service, queue, requester and
    # assignee (with their people) joined; 1 the unread-notifications count in the header;
    # then the session-timeout middleware saves the session: savepoint, UPDATE, release. On
    # PostgreSQL the search's time limit adds 3: savepoint, set_config, release.
    with django_assert_num_queries(10 + TIME_LIMIT_QUERIES + PLAN_QUERIES):
        response = client.get(URL, {"q": "constancia"})

    assert len(found(response)) == rows
    assert response.content.decode().count("Sin asignar") == rows - rows // 2


# --- Links to the page ---------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["technician", "supervisor"])
def test_staff_see_the_search_link_in_the_navigation(client, make_user, role):
    client.force_login(make_user(role=role))

    nav = nav_of(client.get("/").content.decode())

    assert f'<li><a href="{URL}">Buscar casos</a></li>' in nav


def test_the_search_link_is_marked_current_on_the_search_page(client, technician):
    client.force_login(technician)

    nav = nav_of(client.get(URL).content.decode())

    assert f'<a href="{URL}" aria-current="page">Buscar casos</a>' in nav


@pytest.mark.parametrize("role", ["citizen", "director", "auditor", None])
def test_others_do_not_see_the_search_link(client, make_user, role):
    page = reverse("accounts:login")  # the home page sends anonymous visitors here
    if role is not None:
        client.force_login(make_user(role=role))
        page = "/"

    nav = nav_of(client.get(page).content.decode())

    assert URL not in nav
    assert "Buscar casos" not in nav


def test_the_bandeja_links_its_search_text_to_the_search_page(client, technician):
    client.force_login(technician)

    html = client.get("/bandeja/", {"q": "contraseña"}).content.decode()

    assert re.search(
        r'<a href="/mesa/buscar/\?q=contrase%C3%B1a">Buscar «contraseña» en todos', html
    )


@pytest.mark.parametrize("role", ["director", "teacher", "ministry_officer"])
def test_roles_with_a_bandeja_but_no_tickets_cannot_search_tickets(client, make_user, cases, role):
    client.force_login(make_user(role=role))

    response = client.get(URL, {"q": cases["first"].number})

    assert response.status_code == 403
    assert cases["first"].number not in response.content.decode()


# --- Too broad (PostgreSQL) ----------------------------------------------------------------------


@pytest.mark.postgres
def test_a_search_that_runs_too_long_asks_to_narrow_it(client, technician, cases, slow_search):
    client.force_login(technician)

    response = client.get(URL, {"q": "contraseña"})

    assert response.status_code == 200
    html = response.content.decode()
    assert "La búsqueda abarca demasiados casos" in html
    assert 'role="alert"' in html
    assert response.context["page"] is None
    # The page still works afterwards in the same session.
    assert client.get(URL).status_code == 200
