"""Opening a ticket through the API: a fixed, small number of queries whatever the data size; the
answer built from what was written (no read back) equals the ticket's GET; and the ticket, its
first message, its audit event and its outbox rows commit together or not at all."""

from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse
from rest_framework.test import APIClient

from core.audit.models import AuditEvent
from helpdesk.choices import Priority
from helpdesk.models import SlaPriorityTarget, Ticket, TicketCounter, TicketEntry
from helpdesk.services import ticket_create
from helpdesk.services.deadlines import sla_deadlines
from helpdesk.signals import ticket_created
from notifications.models import OutboxMessage
from tests.helpdesk.conftest import make_queue, make_service, open_ticket
from tests.helpdesk.portal.conftest import pdf

pytestmark = pytest.mark.django_db

# The audit event and the outbox rows: one statement on PostgreSQL, two INSERTs elsewhere.
WRITTEN_TOGETHER = 1 if connection.vendor == "postgresql" else 2

TICKETS = reverse("v1:helpdesk-tickets")


@pytest.fixture
def api(requester) -> APIClient:
    client = APIClient()
    client.force_authenticate(requester)
    return client


@pytest.fixture
def fieldless(queue, sla_policy):
    service = make_service(queue, sla_policy, code="sin-campos")
    service.fields.all().delete()
    return service


def state() -> tuple[int, int, int, int]:
    return (
        Ticket.objects.count(),
        TicketEntry.objects.count(),
        AuditEvent.objects.filter(object_type="helpdesk.ticket").count(),
        OutboxMessage.objects.count(),
    )


def post(api, code: str, n: int = 0):
    return api.post(
        TICKETS,
        {
            "service": code,
            "data": {"detalle": "x"} if code == "consulta" else {},
            "subject": f"S{n}",
        }
        | {"description": "Necesito ayuda."},
        format="json",
    )


def _existing(requester, service, count: int) -> None:
    other = make_service(make_queue("otra"), service.sla_policy, code="otra")
    for _n in range(count):
        open_ticket(requester, other)


@pytest.mark.parametrize("existing", [0, 12])
def test_opening_a_fieldless_ticket_costs_a_fixed_number_of_queries(
    existing, api, requester, fieldless, django_assert_num_queries
):
    _existing(requester, fieldless, existing)
    before = state()
    # The service (queue and policy joined, the default priority's targets and "has fields"
    # annotated), the savepoint of the creation (BEGIN in production), the year's counter (one
    # upsert), the ticket, its first message, the audit event and the outbox rows (one
    # statement: core.precompiled.write_behind), the savepoint's release (COMMIT). A real
    # request adds the session and the user with their person (one query:
    # core.accounts.backends.DuiBackend.get_user) and, outside the test's transaction, finds
    # the service in the cache (test_catalogue_cache.py). Elsewhere than on PostgreSQL the
    # audit event and the outbox rows are two INSERTs.
    with django_assert_num_queries(WRITTEN_TOGETHER + 6):
        response = post(api, "sin-campos")
    assert response.status_code == 201
    assert state() == (before[0] + 1, before[1] + 1, before[2] + 1, before[3] + 2)


@pytest.mark.parametrize("existing", [0, 12])
def test_a_service_with_form_fields_adds_one_query(
    existing, api, requester, service, django_assert_num_queries
):
    _existing(requester, service, existing)
    # The form fields: one more (the same in a real request: the cached service carries them).
    with django_assert_num_queries(WRITTEN_TOGETHER + 7):
        response = post(api, "consulta")
    assert response.status_code == 201
    assert response.json()["form_data"] == {"detalle": "x"}


def test_the_answer_is_the_tickets_get(api, service, fieldless):
    for code in ("consulta", "sin-campos"):
        created = post(api, code)
        again = api.get(reverse("v1:helpdesk-ticket-detail", args=[created.json()["number"]]))
        assert created.status_code == 201
        assert created.json() == again.json()
        assert [e["body"] for e in created.json()["entries"]] == ["Necesito ayuda."]
        assert created.json()["rating"] is None


def test_the_answer_with_files_is_the_tickets_get(api, service):
    created = api.post(
        TICKETS,
        {
            "service": "consulta",
            "data": '{"detalle": "x"}',
            "description": "Adjunto.",
            "attachments": [pdf("dui.pdf")],
        },
        format="multipart",
    )
    again = api.get(reverse("v1:helpdesk-ticket-detail", args=[created.json()["number"]]))
    assert created.status_code == 201
    assert created.json() == again.json()
    assert [a["name"] for a in created.json()["entries"][0]["attachments"]] == ["dui.pdf"]


def test_numbers_continue_the_years_counter(clock, requester, fieldless):
    first = open_ticket(requester, fieldless)
    second = open_ticket(requester, fieldless)
    year = first.created_at.year
    assert TicketCounter.objects.get(year=year).last_value == 2
    assert first.number.endswith("-000001")
    assert second.number.endswith("-000002")


def test_the_annotated_targets_are_the_policys(api, requester, queue, sla_policy):
    """The targets read with the service equal those of the policy: the default priority's
    override when there is one, the policy's own otherwise."""
    SlaPriorityTarget.objects.create(
        policy=sla_policy,
        priority=Priority.HIGH,
        first_response_target=timedelta(hours=1),
        resolution_target=timedelta(hours=4),
    )
    for code, priority in (("alta", Priority.HIGH), ("normal", Priority.NORMAL)):
        service = make_service(queue, sla_policy, code=code, default_priority=priority)
        service.fields.all().delete()
        response = post(api, code)
        ticket = Ticket.objects.get(number=response.json()["number"])
        expected = sla_deadlines(service=service, priority=priority, start=ticket.created_at)
        assert ticket.first_response_due_at == expected.first_response_due_at
        assert ticket.resolution_due_at == expected.resolution_due_at
        assert ticket.resolution_warn_at == expected.resolution_warn_at


def _fail_after_writing(**kwargs):
    raise RuntimeError("falla después de escribir el caso")


def _assert_a_failure_leaves_nothing(requester, fieldless) -> None:
    before = state()
    counter_before = list(TicketCounter.objects.values_list("year", "last_value"))
    ticket_created.connect(_fail_after_writing, dispatch_uid="test-fail-after-writing")
    try:
        with pytest.raises(RuntimeError):
            # The receiver runs after the ticket, its message, its audit event and its outbox
            # rows are written, inside the creating transaction.
            ticket_create(requester=requester, service=fieldless, data={}, description="Hola.")
    finally:
        ticket_created.disconnect(dispatch_uid="test-fail-after-writing")
    assert state() == before
    assert list(TicketCounter.objects.values_list("year", "last_value")) == counter_before
    assert not AuditEvent.objects.filter(action="ticket.created").exists()


def test_a_failure_after_the_ticket_is_written_leaves_nothing(requester, fieldless):
    _assert_a_failure_leaves_nothing(requester, fieldless)


@pytest.mark.django_db(transaction=True)
def test_a_failure_rolls_back_the_real_transaction(requester, fieldless):
    """Outside the test's own transaction: the creation's block is the outermost one, and its
    rollback is a real one."""
    assert not connection.in_atomic_block
    _assert_a_failure_leaves_nothing(requester, fieldless)
    ticket = open_ticket(requester, fieldless)
    assert state()[0] == 1
    assert (
        AuditEvent.objects.filter(
            object_type="helpdesk.ticket", object_id=str(ticket.pk), seq=1
        ).count()
        == 1
    )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_failure_rolls_back_on_postgresql(requester, fieldless):
    _assert_a_failure_leaves_nothing(requester, fieldless)
