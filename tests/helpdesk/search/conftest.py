"""Fixtures shared by the search page and API tests."""

import dataclasses

import pytest
from django.db import connection

from helpdesk import search as search_module
from tests.helpdesk.conftest import make_queue, make_service, open_ticket

# The search's time limit on PostgreSQL: savepoint, set_config(statement_timeout), release.
TIME_LIMIT_QUERIES = 3 if connection.vendor == "postgresql" else 0
# The words' statistics (how common each is) that choose the plan, on PostgreSQL.
PLAN_QUERIES = 1 if connection.vendor == "postgresql" else 0


@pytest.fixture
def other_queue(db):
    return make_queue("otra")


@pytest.fixture
def elsewhere(sla_policy, other_queue):
    """A service of a queue the ``technician`` fixture does not serve."""
    return make_service(other_queue, sla_policy, code="otro")


@pytest.fixture
def cases(clock, requester, service, elsewhere):
    """Two tickets of the technician's queue and one of another queue, all about a password."""
    first = open_ticket(requester, service, subject="Olvidé mi contraseña", detalle="Clave")
    clock.advance(minutes=5)
    second = open_ticket(requester, service, subject="Cambio de contraseña", detalle="Clave")
    foreign = open_ticket(requester, elsewhere, subject="Contraseña bloqueada", detalle="Clave")
    return {"first": first, "second": second, "foreign": foreign}


@pytest.fixture
def slow_search(monkeypatch, settings):
    """Searches (page and API) that outlast a 1 ms time limit (each row waits 50 ms)."""
    settings.HELPDESK_SEARCH_TIMEOUT_MS = 1
    real = search_module.ticket_search_results

    def slow(**kwargs):
        results = real(**kwargs)
        slowed = results.tickets.extra(where=["pg_sleep(0.05) IS NOT NULL"])
        return dataclasses.replace(results, tickets=slowed)

    monkeypatch.setattr("helpdesk.views.search.ticket_search_results", slow)
    monkeypatch.setattr("helpdesk.api.search.ticket_search_results", slow)
