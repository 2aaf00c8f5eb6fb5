"""Schemathesis over /api/schema/: every operation, called with data generated from the schema,
answers without a server error and exactly as the schema says (status code, content type,
headers, body), as an anonymous caller and as a technician signed in with an API token.

The run is bounded: ``SIGES_SCHEMATHESIS_EXAMPLES`` examples per operation and generation mode
(default 10) with a fixed seed, so CI is repeatable and spends about a minute of CPU. Raise the
number (and set ``SIGES_SCHEMATHESIS_SEED`` to vary the data) for a longer hunt, as
docs/platform.md says.

Two of schemathesis's checks are left out because they test a policy rather than the schema:
``positive_data_acceptance`` expects every schema-valid request to succeed, but a well-formed DUI
with a wrong check digit, a wrong password or an expired link is rightly refused with a 400; and
``negative_data_rejection`` expects every malformed optional parameter to be refused, while DRF
paginators ignore a malformed ``limit``, ``offset`` or ``page_size`` by design (with the check
on, those are its only findings).
"""

import os
from collections.abc import Callable, Iterator
from datetime import timedelta
from functools import partial
from typing import Any

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, seed, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import negative_data_rejection, positive_data_acceptance
from werkzeug.test import Client

from core.accounts.choices import Role
from helpdesk.models import SlaPolicy
from helpdesk.services import ticket_assign
from notifications.selectors import inbox_list
from tests.factories import DEFAULT_PASSWORD
from tests.helpdesk.conftest import make_queue, make_service, make_team, open_ticket

pytestmark = [pytest.mark.django_db, pytest.mark.schemathesis, pytest.mark.timeout(240)]

EXAMPLES = int(os.environ.get("SIGES_SCHEMATHESIS_EXAMPLES", "10"))
SEED = os.environ.get("SIGES_SCHEMATHESIS_SEED")
# The operations on one ticket that also run against a ticket that exists.
STAFF_ACTIONS = ["", "notes/", "replies/", "priority/", "claim/", "release/", "links/", "waiting/"]
OWN_ACTIONS = ["", "replies/", "rating/", "cancel/"]
EXCLUDED_CHECKS = [positive_data_acceptance, negative_data_rejection]


@pytest.fixture
def wsgi_app() -> Iterator[WSGIHandler]:
    """The project's WSGI application, called in-process inside the test's transaction.

    Django closes the database connection at the end of each request; inside a test that would
    close the test's own transaction, so (as Django's test client does) that hook is off here.
    """
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield WSGIHandler()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _settings() -> settings:
    return settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=SEED is None,
        suppress_health_check=list(HealthCheck),
    )


def _hypothesis_test(
    strategy: Any, *, headers: dict[str, str], on_call: Callable[[], None]
) -> Callable[[], None]:
    @given(case=strategy)
    @_settings()
    def call(case: schemathesis.Case) -> None:
        case.call_and_validate(headers=headers, excluded_checks=EXCLUDED_CHECKS)
        on_call()

    return call if SEED is None else seed(int(SEED))(call)


def _fuzz(
    app: WSGIHandler, *, headers: dict[str, str], path_parameters: dict[str, dict[str, Any]]
) -> tuple[list[str], set[str], set[str]]:
    """Run every operation in both generation modes. Returns one line per failure found, the
    operations of the schema and the operations actually called."""
    schema = schemathesis.openapi.from_wsgi("/api/schema/", app)
    failures: list[str] = []
    called: set[str] = set()
    # Token logout revokes the token the rest of the run signs in with: it goes last.
    operations = sorted(
        (result.ok() for result in schema.get_all_operations()),
        key=lambda operation: operation.path == "/api/v1/auth/logout/",
    )
    for operation in operations:
        label = f"{operation.method.upper()} {operation.path}"
        runs = [(GenerationMode.POSITIVE, None), (GenerationMode.NEGATIVE, None)]
        if operation.path in path_parameters:
            # Also against a record that exists, so its detail and its actions answer for real.
            runs.append((GenerationMode.POSITIVE, path_parameters[operation.path]))
        for mode, fixed in runs:
            strategy = operation.as_strategy(generation_mode=mode, path_parameters=fixed)
            call = _hypothesis_test(strategy, headers=headers, on_call=partial(called.add, label))
            try:
                call()
            except Unsatisfiable as failure:
                # In negative mode: nothing in this operation can be made invalid.
                if mode is GenerationMode.POSITIVE:
                    failures.append(f"{label} [{mode.value}]: {failure}")
            except (AssertionError, BaseExceptionGroup) as failure:
                failures.append(f"{label} [{mode.value}{' existing' if fixed else ''}]: {failure}")
    return failures, {f"{op.method.upper()} {op.path}" for op in operations}, called


def test_schemathesis_finds_nothing_as_an_anonymous_caller(wsgi_app):
    # Given no credentials at all.
    # When every operation is called with generated data.
    failures, operations, called = _fuzz(wsgi_app, headers={}, path_parameters={})

    # Then every operation was called, and no answer is a server error or differs from the schema.
    assert len(operations) > 40
    assert called == operations
    assert failures == [], "\n\n".join(failures)


def test_schemathesis_finds_nothing_as_a_technician(wsgi_app, make_user):
    # Given a technician of a queue with a ticket in it, one of their own and an inbox message,
    # signed in through the token API like the family app.
    queue = make_queue()
    # Without an email address on file, which the API must still describe (``/me/``).
    technician = make_user(role=Role.TECHNICIAN, email="")
    make_team(queue, technician)
    policy = SlaPolicy.objects.create(
        code="fuzz",
        name="Política",
        first_response_target=timedelta(hours=2),
        resolution_target=timedelta(hours=9),
    )
    service = make_service(queue, policy)
    ticket = open_ticket(make_user(role=Role.CITIZEN), service)
    # A supervisor's assignment writes the technician an in-app message.
    ticket_assign(actor=make_user(role=Role.SUPERVISOR), ticket=ticket, assignee=technician)
    # Through the same in-transaction app (Django's test client would switch the connection
    # closing back on when it finishes, and PostgreSQL would lose the test's transaction).
    login = Client(wsgi_app).post(
        "/api/v1/auth/token/", json={"dui": technician.dui, "password": DEFAULT_PASSWORD}
    )
    assert login.status_code == 200
    own = open_ticket(technician, service)
    message = inbox_list(user=technician).first()

    # When every operation is called with generated data and the token, the operations on one
    # record also with records that exist (the ticket in the queue, one the technician asked
    # for, the inbox message, a workflow diagram).
    existing = {
        f"/api/v1/mesa/tickets/{{number}}/{action}": {"number": ticket.number}
        for action in STAFF_ACTIONS
    }
    existing |= {
        f"/api/v1/tickets/{{number}}/{action}": {"number": own.number} for action in OWN_ACTIONS
    }
    existing["/api/v1/notifications/{id}/read/"] = {"id": message.pk}
    existing["/api/v1/diagrams/{slug}/"] = {"slug": "revision-de-cuentas"}
    failures, operations, called = _fuzz(
        wsgi_app,
        headers={"Authorization": f"Token {login.json['token']}"},
        path_parameters=existing,
    )

    # Then every operation was called, and no answer is a server error or differs from the schema.
    assert len(operations) > 40
    assert called == operations
    assert failures == [], "\n\n".join(failures)
