"""Ticket search: the staff list's scope, exact ticket numbers, the SQLite fallback and
PostgreSQL full-text search (ranking, stemming, accents, its GIN indexes)."""

import pytest
from django.contrib.postgres.search import SearchQuery
from django.db import ProgrammingError, connection

from core.accounts.models import User
from helpdesk.models import Ticket, TicketEntry
from helpdesk.search import (
    SearchTooBroadError,
    search_time_limit,
    ticket_number_in,
    ticket_search,
)
from helpdesk.search_documents import SEARCH_CONFIG
from helpdesk.services import ticket_add_note, ticket_claim, ticket_reply
from tests.factories import DepartmentFactory
from tests.helpdesk.conftest import make_queue, make_service, make_team, open_ticket
from tests.helpdesk.search.conftest import PLAN_QUERIES

pytestmark = pytest.mark.django_db


def fresh(user) -> User:
    return User.objects.get(pk=user.pk)


def numbers(tickets) -> list[str]:
    return [t.number for t in tickets]


@pytest.fixture
def tickets(clock, requester, service, technician):
    """Three tickets of the technician's queue, with words in different places."""
    password = open_ticket(
        requester,
        service,
        subject="Olvidé mi contraseña",
        detalle="No recuerdo la clave del portal",
        description="Necesito entrar para ver las notas.",
    )
    title = open_ticket(
        requester,
        service,
        subject="Reposición de título",
        detalle="Se me perdió el título de bachiller",
        description="Lo necesito para un trabajo.",
    )
    grades = open_ticket(
        requester,
        service,
        subject="Notas incompletas",
        detalle="Faltan las notas de matemática",
        description="En el portal aparecen vacías desde ayer.",
    )
    return {"password": password, "title": title, "grades": grades}


# --- Both databases ------------------------------------------------------------------------------


def test_a_ticket_number_finds_exactly_that_ticket_in_any_letter_case(tickets, technician):
    # Given a ticket that mentions another one's number in its conversation
    target = tickets["title"]
    ticket_reply(
        actor=technician,
        ticket=tickets["grades"],
        body=f"Ver también el caso {target.number}.",
    )

    found = ticket_search(actor=fresh(technician), q=f"  {target.number.lower()} ")

    assert numbers(found) == [target.number]


def test_a_number_outside_the_scope_falls_back_to_text_search(
    clock, tickets, technician, make_user, requester, sla_policy
):
    # Given a ticket of a queue the technician does not serve, mentioned in one they do
    elsewhere = open_ticket(requester, make_service(make_queue("otra"), sla_policy, code="otro"))
    ticket_reply(
        actor=technician,
        ticket=tickets["grades"],
        body=f"El solicitante abrió también el caso {elsewhere.number}.",
    )

    found = ticket_search(actor=fresh(technician), q=elsewhere.number)

    assert numbers(found) == [tickets["grades"].number]


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        pytest.param("contraseña", ["password"], id="subject"),
        pytest.param("bachiller", ["title"], id="form-answer"),
        pytest.param("vacías", ["grades"], id="description"),
        pytest.param("notas portal", ["grades", "password"], id="every-word"),
        pytest.param("nada parecido", [], id="no-match"),
    ],
)
def test_words_are_found_in_subject_form_answers_and_conversation(tickets, technician, q, expected):
    found = ticket_search(actor=fresh(technician), q=q)

    assert sorted(numbers(found)) == sorted(tickets[name].number for name in expected)


def test_phrases_and_exclusions(tickets, technician):
    actor = fresh(technician)

    assert numbers(ticket_search(actor=actor, q="notas -matemática")) == [
        tickets["password"].number
    ]
    assert numbers(ticket_search(actor=actor, q='"clave del portal"')) == [
        tickets["password"].number
    ]
    assert list(ticket_search(actor=actor, q='"notas de física"')) == []
    assert list(ticket_search(actor=actor, q="-notas")) == []  # nothing asked for


def test_a_later_public_reply_is_searched(tickets, technician):
    ticket_claim(actor=technician, ticket=tickets["title"])
    ticket_reply(actor=technician, ticket=tickets["title"], body="Enviamos la resolución.")

    assert numbers(ticket_search(actor=fresh(technician), q="resolución")) == [
        tickets["title"].number
    ]


def test_internal_notes_are_never_searched(tickets, technician):
    ticket_add_note(actor=technician, ticket=tickets["title"], body="Solicitante conflictivo")

    assert list(ticket_search(actor=fresh(technician), q="conflictivo")) == []


def test_another_departments_tickets_are_never_found(clock, make_user, requester, sla_policy):
    # Given two departments with a queue each, and the same words in a ticket of each
    mine, theirs = DepartmentFactory(code="11"), DepartmentFactory(code="12")
    my_queue = make_queue("depto-11", department=mine)
    their_queue = make_queue("depto-12", department=theirs)
    own = open_ticket(
        requester,
        make_service(my_queue, sla_policy, code="s11"),
        subject="Título extraviado",
    )
    foreign = open_ticket(
        requester,
        make_service(their_queue, sla_policy, code="s12"),
        subject="Título extraviado",
    )
    technician = make_user(role="technician", scope_kind="department", target=mine)
    make_team(my_queue, technician)
    supervisor = make_user(role="supervisor", scope_kind="department", target=mine)

    # Then neither a technician nor a supervisor of the first department finds the other's
    for actor in (technician, supervisor):
        assert numbers(ticket_search(actor=fresh(actor), q="extraviado")) == [own.number]
        assert list(ticket_search(actor=fresh(actor), q=foreign.number)) == []


def test_people_without_a_staff_role_find_nothing(tickets, requester):
    assert list(ticket_search(actor=fresh(requester), q="contraseña")) == []
    assert list(ticket_search(actor=fresh(requester), q=tickets["password"].number)) == []


def test_an_empty_query_finds_nothing(tickets, technician):
    assert list(ticket_search(actor=fresh(technician), q="   ")) == []


@pytest.mark.parametrize("rows", [1, 5])
def test_a_search_is_one_query(
    clock, django_assert_num_queries, make_user, service, technician, rows
):
    for index in range(rows):
        open_ticket(make_user(role="citizen"), service, description=f"Consulta de cuenta {index}")
    actor = fresh(technician)

    # 3 queries (4 on PostgreSQL, which first reads how common the words are): the actor's
    # grants (once per request), the ids of the queues they serve
    # (selectors.served_queue_ids), then the search itself, with service, queue and people
    # joined (an exact number is settled inside the same statement).
    with django_assert_num_queries(3 + PLAN_QUERIES):
        found = [
            (t.number, t.queue.name, t.requester.person.full_name)
            for t in ticket_search(actor=actor, q="cuenta")
        ]

    assert len(found) == rows


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("MA-2026-000123", "MA-2026-000123"),
        ("ma-2026-123", "MA-2026-000123"),
        ("MA-2026-000123-1", None),
        ("MA 2026 000123", None),
        ("XX-2026-000123", None),
    ],
)
def test_ticket_numbers_are_recognised(q, expected):
    assert ticket_number_in(q) == expected


# --- The fallback (what SQLite uses; forced here so it runs on every database) ---------------


@pytest.fixture
def fallback(monkeypatch):
    monkeypatch.setattr("helpdesk.search._uses_full_text", lambda: False)


def test_the_fallback_ignores_case_and_reads_accented_form_answers(fallback, tickets, technician):
    actor = fresh(technician)

    assert numbers(ticket_search(actor=actor, q="CLAVE")) == [tickets["password"].number]
    # JSON stores "á" escaped on SQLite; the fallback looks for both spellings
    assert numbers(ticket_search(actor=actor, q="matemática")) == [tickets["grades"].number]
    assert numbers(ticket_search(actor=actor, q='"clave del portal" -notas')) == []


def test_the_fallback_puts_subject_matches_first(fallback, tickets, technician):
    found = ticket_search(actor=fresh(technician), q="notas")

    assert numbers(found)[0] == tickets["grades"].number
    assert sorted(numbers(found)) == sorted([tickets["grades"].number, tickets["password"].number])


# --- PostgreSQL full text ------------------------------------------------------------------------


@pytest.mark.postgres
def test_full_text_ranks_subject_above_form_answers_above_conversation(
    clock, requester, service, technician
):
    conversation = open_ticket(
        requester, service, subject="Consulta", description="Es sobre mi credencial."
    )
    form = open_ticket(requester, service, subject="Otra consulta", detalle="Mi credencial")
    subject = open_ticket(requester, service, subject="Credencial bloqueada")

    found = ticket_search(actor=fresh(technician), q="credencial")

    assert numbers(found) == [subject.number, form.number, conversation.number]


@pytest.mark.postgres
def test_full_text_stems_and_folds_accents(clock, requester, service, technician):
    # The test database runs as a superuser, so migration 0003 installed ``unaccent``.
    accented = open_ticket(requester, service, subject="Crédencial vencida", description="")
    plural = open_ticket(
        requester, service, subject="Problema", detalle="Mis cuentas", description=""
    )
    actor = fresh(technician)

    assert numbers(ticket_search(actor=actor, q="credencial")) == [accented.number]
    assert numbers(ticket_search(actor=actor, q="CREDENCIALES")) == [accented.number]
    assert numbers(ticket_search(actor=actor, q="cuenta")) == [plural.number]


@pytest.mark.postgres
def test_full_text_matches_through_the_gin_indexes_of_the_stored_documents(tickets):
    # What each arm of a search's UNION matches on. (Within a small scope the planner may
    # rather walk the queue's index; at 1 M tickets docs/performance.md shows both GIN indexes
    # used.)
    query = SearchQuery("contraseña", config=SEARCH_CONFIG)
    plans = []
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        for queryset in (
            Ticket.objects.filter(search_document=query).values("pk"),
            TicketEntry.objects.filter(search_document=query).values("ticket_id"),
        ):
            sql, params = queryset.query.sql_with_params()
            cursor.execute("EXPLAIN " + sql, params)
            plans.append("\n".join(row[0] for row in cursor.fetchall()))

    assert "ticket_document_idx" in plans[0]
    assert "ticketentry_document_idx" in plans[1]
    assert Ticket.objects.filter(search_document=query).count() == 1


@pytest.mark.postgres
def test_notes_have_no_stored_document(technician, tickets):
    ticket_claim(actor=technician, ticket=tickets["password"])
    note = ticket_add_note(actor=technician, ticket=tickets["password"], body="Clave temporal")
    reply = ticket_reply(actor=technician, ticket=tickets["password"], body="Clave restablecida")

    documents = dict(
        TicketEntry.objects.filter(pk__in=[note.pk, reply.pk]).values_list("pk", "search_document")
    )

    assert documents[note.pk] is None
    assert documents[reply.pk]


# --- The time limit (PostgreSQL) -------------------------------------------------------------


@pytest.mark.postgres
def test_a_search_past_the_time_limit_is_refused_as_too_broad(tickets, technician, settings):
    settings.HELPDESK_SEARCH_TIMEOUT_MS = 1
    slow = ticket_search(actor=fresh(technician), q="contraseña").extra(
        where=["pg_sleep(0.05) IS NOT NULL"]
    )

    with pytest.raises(SearchTooBroadError), search_time_limit():
        list(slow)

    # The connection is usable afterwards (the limit lived in the search's own transaction).
    assert numbers(ticket_search(actor=fresh(technician), q="contraseña")) == [
        tickets["password"].number
    ]


@pytest.mark.postgres
def test_the_time_limit_lets_a_quick_search_through_and_other_errors_out(
    tickets, technician, settings
):
    settings.HELPDESK_SEARCH_TIMEOUT_MS = 5000
    with search_time_limit():
        found = numbers(ticket_search(actor=fresh(technician), q="contraseña"))
    assert found == [tickets["password"].number]

    with pytest.raises(ProgrammingError), search_time_limit():
        Ticket.objects.extra(where=["no_such_column = 1"]).count()
