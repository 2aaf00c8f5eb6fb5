"""Fixtures shared by the search page and API tests."""

import pytest

from tests.helpdesk.conftest import make_queue, make_service, open_ticket


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
