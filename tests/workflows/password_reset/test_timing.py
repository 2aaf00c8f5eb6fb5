"""Password reset does the same work in the request whatever the identifier: the pages and the
API hand the identifier to the task queue unread; the worker does the lookup and the email."""

import socket
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from core.audit.models import AuditEvent
from notifications.models import OutboxMessage
from tests.factories import make_dui
from tests.notifications.conftest import celery_settings
from workflows.password_reset.models import PasswordResetRequest
from workflows.password_reset.tasks import password_reset_request_task

pytestmark = pytest.mark.django_db

PAGE = "/recuperar-acceso/"


@pytest.fixture
def account(make_user):
    return make_user(dui=make_dui(45_000_001), email="marta@example.sv")


def _identifiers(account) -> dict[str, str]:
    return {
        "known DUI": account.dui,
        "known email": "marta@example.sv",
        "unknown DUI": make_dui(45_999_999),
        "unknown email": "nadie@example.sv",
        "neither": "no es nada",
    }


def _work(send) -> tuple:
    """What one request did: its answer, its queries and what it handed to the queue (the
    broker is the only thing replaced: it would leave the machine)."""
    with (
        mock.patch.object(password_reset_request_task, "apply_async") as queued,
        CaptureQueriesContext(connection) as queries,
    ):
        response = send()
    (call,) = queued.call_args_list
    return (
        response.status_code,
        response.get("Location"),
        response.content if response.status_code != 302 else b"",
        tuple(query["sql"] for query in queries.captured_queries),
        len(call.kwargs["args"]),
        call.kwargs["argsrepr"],
    )


def test_the_page_does_the_same_work_for_known_and_unknown_identifiers(client, account):
    work = {
        name: _work(lambda value=value: client.post(PAGE, {"identifier": value}))
        for name, value in _identifiers(account).items()
    }

    # Then every request answered the same redirect, ran the same queries (none beyond the
    # session machinery) and queued one task, whose identifier is hidden from listings
    assert len(set(work.values())) == 1, work
    status, location, _body, _queries, arg_count, argsrepr = work["known DUI"]
    assert (status, location) == (302, "/recuperar-acceso/enviado/")
    assert (arg_count, argsrepr) == (2, "('…', '…')")
    # And nothing was written by any request: the worker writes
    assert PasswordResetRequest.objects.count() == 0
    assert OutboxMessage.objects.count() == 0


def test_the_api_does_the_same_work_for_known_and_unknown_identifiers(account):
    api = APIClient()
    url = reverse("v1:password-reset-request")
    work = {
        name: _work(lambda value=value: api.post(url, {"identifier": value}, format="json"))
        for name, value in _identifiers(account).items()
    }

    assert len(set(work.values())) == 1, work
    assert work["unknown DUI"][0] == 202
    assert work["unknown DUI"][3] == ()  # not one query
    assert PasswordResetRequest.objects.count() == 0


def test_the_task_looks_up_and_sends_for_a_known_account_only(account):
    # When the worker runs the queued requests
    password_reset_request_task(make_dui(45_999_999), "203.0.113.9")
    assert OutboxMessage.objects.count() == 0
    password_reset_request_task(account.dui, "203.0.113.9")

    # Then only the known account got a link, and the audit trail keeps the requester's address
    (message,) = OutboxMessage.objects.all()
    assert message.to_address == "marta@example.sv"
    requested = AuditEvent.objects.get(action="passwordresetrequest.requested")
    assert requested.ip_address == "203.0.113.9"


def test_with_the_broker_unreachable_the_request_runs_inline(client, account, caplog):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    broker_url = f"redis://127.0.0.1:{port}/0"

    with celery_settings(
        task_always_eager=False, broker_url=broker_url, broker_connection_max_retries=0
    ):
        response = client.post(PAGE, {"identifier": account.dui})

    assert response.status_code == 302
    assert OutboxMessage.objects.filter(to_address="marta@example.sv").count() == 1
    assert "broker unreachable" in caplog.text
