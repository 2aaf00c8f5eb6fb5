"""Frequent words (PostgreSQL): only the newest matches are ranked, the count is capped and the
page and the API say so; rare words keep the exact, fully ranked search."""

import pytest
from django.urls import reverse

from core.accounts.models import User
from helpdesk import search as search_module
from helpdesk.search import _term_estimates, ticket_search_results
from tests.helpdesk.conftest import open_ticket
from tests.helpdesk.staff.conftest import api_client

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

URL = reverse("helpdesk:search")
API = reverse("v1:helpdesk-staff-ticket-search")


@pytest.fixture
def many(clock, requester, service, elsewhere):
    """Six tickets of the technician's queue about a password (the newest last), two of them
    also about a certificate, and one of another queue."""
    tickets = []
    for index in range(6):
        subject = "Contraseña y certificado" if index in (1, 4) else f"Contraseña {index}"
        tickets.append(open_ticket(requester, service, subject=subject, detalle="Clave"))
        clock.advance(minutes=5)
    open_ticket(requester, elsewhere, subject="Contraseña ajena", detalle="Clave")
    return tickets


@pytest.fixture
def everything_frequent(monkeypatch):
    """Every word counts as frequent; 3 matches ranked at most, among the 4 newest tickets."""
    monkeypatch.setattr(search_module, "FREQUENT_MATCHES", -1)
    monkeypatch.setattr(search_module, "RECENT_WINDOW", 3)
    monkeypatch.setattr(search_module, "RECENT_SCAN", 4)


def fresh(user) -> User:
    return User.objects.get(pk=user.pk)


def test_the_statistics_tell_stop_words_from_words(db):
    estimates = _term_estimates(["contraseña", "de la", "certificado de notas"])
    assert [lexemes for lexemes, _documents in estimates] == [1, 0, 2]
    # Fresh tables have no statistics: nothing counts as frequent.
    assert all(documents == 0 for _lexemes, documents in estimates)


def test_rare_words_rank_every_match_exactly(many, technician):
    results = ticket_search_results(actor=fresh(technician), q="contraseña")
    assert results.recent_window is None
    assert len(list(results.tickets)) == 6


def test_frequent_words_rank_only_the_newest_matches(many, technician, everything_frequent):
    results = ticket_search_results(actor=fresh(technician), q="contraseña")
    found = list(results.tickets)
    assert results.recent_window == 3
    assert results.recent_scan == 4
    # The three newest of the queue's tickets (the other queue's never), the subject's match
    # ranking them all alike, so newest first.
    assert [t.number for t in found] == [t.number for t in reversed(many[3:])]


def test_two_frequent_words_must_both_match(many, technician, everything_frequent):
    found = list(ticket_search_results(actor=fresh(technician), q="contraseña certificado").tickets)
    # Only the newest four tickets are walked: ticket 1 is older than that.
    assert [t.number for t in found] == [many[4].number]


def test_an_excluded_frequent_word_drops_its_tickets(many, technician, everything_frequent):
    found = list(
        ticket_search_results(actor=fresh(technician), q="contraseña -certificado").tickets
    )
    assert [t.number for t in found] == [many[5].number, many[3].number, many[2].number]


def test_the_page_says_the_count_is_capped(client, many, technician, everything_frequent):
    client.force_login(technician)
    html = client.get(URL, {"q": "contraseña"}).content.decode()
    assert "Más de 3 resultados" in html
    assert "entre los 4 casos más recientes de sus colas" in html


def test_the_page_counts_exactly_when_the_window_is_not_full(
    client, many, technician, everything_frequent
):
    client.force_login(technician)
    html = client.get(URL, {"q": "certificado"}).content.decode()
    assert "1 resultado" in html
    assert "Más de" not in html
    assert "casos más recientes" in html


def test_the_api_says_the_count_is_capped(many, technician, everything_frequent):
    body = api_client(technician).get(API, {"q": "contraseña"}).json()
    assert (body["count"], body["count_is_exact"], body["recent_window"]) == (3, False, 3)
    rare = api_client(technician).get(API, {"q": "certificado"}).json()
    assert (rare["count"], rare["count_is_exact"]) == (1, True)


def test_an_exact_number_still_wins(many, technician, everything_frequent):
    found = list(ticket_search_results(actor=fresh(technician), q=many[0].number).tickets)
    assert [t.number for t in found] == [many[0].number]


@pytest.fixture
def common_but_indexed(monkeypatch):
    """A word the statistics put in 50 documents: below "frequent" (it drives through the
    indexes) but above the 3 matches ranked at most."""
    monkeypatch.setattr(search_module, "FREQUENT_MATCHES", 1_000)
    monkeypatch.setattr(search_module, "RECENT_WINDOW", 3)
    monkeypatch.setattr(
        search_module, "_term_estimates", lambda texts: [(1, 50.0) for _text in texts]
    )


def test_a_common_indexed_word_ranks_its_newest_matches(many, technician, common_but_indexed):
    results = ticket_search_results(actor=fresh(technician), q="contraseña")
    found = list(results.tickets)
    assert (results.recent_window, results.recent_scan) == (3, None)
    # Every match is a candidate (no walk bound): the three newest of the queue's six.
    assert [t.number for t in found] == [t.number for t in reversed(many[3:])]


def test_the_page_says_only_the_newest_were_ranked(client, many, technician, common_but_indexed):
    client.force_login(technician)
    html = client.get(URL, {"q": "contraseña"}).content.decode()
    assert "Más de 3 resultados" in html
    assert "se ordenan por pertinencia las 3 coincidencias más recientes" in html
