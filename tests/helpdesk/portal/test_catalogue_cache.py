"""Opening a ticket reads its service from the cache (helpdesk/catalogue_cache.py): a warm entry
saves the service query, any catalogue change retires every entry at once, nothing read inside
a transaction is stored, and what is served is never older than the last committed change."""

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from helpdesk.audit_labels import code_names
from helpdesk.catalogue_cache import GENERATION_KEY
from helpdesk.choices import FieldType, Priority
from helpdesk.models import Queue, Service, ServiceField, Ticket
from helpdesk.portal_selectors import catalogue_get_to_request
from helpdesk.selectors import service_form_fields
from tests.helpdesk.conftest import make_service, open_ticket

TICKETS = reverse("v1:helpdesk-tickets")


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def fieldless(queue, sla_policy):
    service = make_service(queue, sla_policy, code="sin-campos")
    service.fields.all().delete()
    return service


@pytest.fixture
def api(requester) -> APIClient:
    client = APIClient()
    client.force_authenticate(requester)
    return client


def post(api: APIClient) -> tuple[int, int, dict]:
    """(status, queries, body) of opening a ticket of «sin-campos»."""
    with CaptureQueriesContext(connection) as captured:
        response = api.post(
            TICKETS, {"service": "sin-campos", "description": "Hola."}, format="json"
        )
    return response.status_code, len(captured.captured_queries), response.json()


def service_reads() -> int:
    with CaptureQueriesContext(connection) as captured:
        catalogue_get_to_request(code="sin-campos")
    return len(captured.captured_queries)


@pytest.mark.django_db(transaction=True)
def test_a_warm_entry_saves_the_service_query(api, fieldless):
    status, cold, _body = post(api)
    assert status == 201
    status, warm, _body = post(api)
    assert status == 201
    # Outside any transaction (as the API runs): the first opening stored the service.
    assert warm == cold - 1
    assert service_reads() == 0


@pytest.mark.django_db(transaction=True)
def test_a_change_to_the_service_is_seen_by_the_next_ticket(api, fieldless):
    post(api)
    assert service_reads() == 0
    fieldless.default_priority = Priority.HIGH
    fieldless.save()
    status, _queries, body = post(api)
    assert status == 201
    assert body["priority"] == Priority.HIGH
    assert Ticket.objects.get(number=body["number"]).priority == Priority.HIGH


@pytest.mark.django_db(transaction=True)
def test_a_deactivated_queue_closes_the_service_at_once(api, fieldless):
    post(api)
    queue = Queue.objects.get(pk=fieldless.queue_id)
    queue.is_active = False
    queue.save()
    tickets = Ticket.objects.count()
    status, _queries, body = post(api)
    assert status == 400
    assert "service" in body
    assert Ticket.objects.count() == tickets


@pytest.mark.django_db(transaction=True)
def test_a_deleted_service_is_not_served(api, fieldless):
    assert service_reads() == 1
    assert service_reads() == 0
    Service.objects.get(pk=fieldless.pk).delete()
    status, _queries, _body = post(api)
    assert status == 400


@pytest.mark.django_db(transaction=True)
def test_moving_the_round_robin_pointer_keeps_the_entries(api, fieldless, technician):
    post(api)
    queue = Queue.objects.get(pk=fieldless.queue_id)
    queue.last_assigned = technician
    queue.save(update_fields=["last_assigned"])
    assert service_reads() == 0


@pytest.mark.django_db(transaction=True)
def test_nothing_read_inside_a_transaction_is_stored(fieldless):
    with transaction.atomic():
        assert service_reads() == 1
        assert service_reads() == 1
    assert service_reads() == 1
    assert service_reads() == 0


@pytest.mark.django_db(transaction=True)
def test_an_entry_stored_before_a_change_commits_is_never_served_after_it(fieldless):
    """Another process may store the service while the change is not yet committed (it reads
    the old values): the commit retires that entry too."""
    assert service_reads() == 1
    assert cache.get(GENERATION_KEY) is not None
    with transaction.atomic():
        fieldless.default_priority = Priority.URGENT
        fieldless.save()
        # What a concurrent request outside this transaction stores meanwhile: the old row,
        # under the generation the save just bumped.
        generation = cache.get(GENERATION_KEY)
        assert generation is not None
        stale = Service.objects.get(pk=fieldless.pk)
        stale.default_priority = Priority.NORMAL
        cache.set("helpdesk:catalogue:to-request:sin-campos", (generation, stale))
    assert catalogue_get_to_request(code="sin-campos").default_priority == Priority.URGENT


@pytest.mark.django_db(transaction=True)
def test_an_unknown_code_is_never_cached(api, fieldless):
    with CaptureQueriesContext(connection) as captured:
        for _n in range(2):
            response = api.post(TICKETS, {"service": "no-existe"}, format="json")
            assert response.status_code == 400
    services = [q for q in captured.captured_queries if "helpdesk_service" in q["sql"]]
    assert len(services) == 2


# --- A service's form fields and the catalogue's names (the staff ticket page, the history) -----


def field_reads(service: Service) -> tuple[int, list[tuple[str, str]]]:
    with CaptureQueriesContext(connection) as captured:
        fields = service_form_fields(service.pk)
    return len(captured.captured_queries), [(f.key, f.label) for f in fields]


def name_reads(kinds: dict[str, set[str]]) -> tuple[int, dict[tuple[str, str], str]]:
    with CaptureQueriesContext(connection) as captured:
        names = code_names(kinds)
    return len(captured.captured_queries), names


@pytest.mark.django_db(transaction=True)
def test_form_fields_are_read_once_and_follow_every_change(service):
    ServiceField.objects.create(
        service=service, key="grado", label="Grado", field_type=FieldType.TEXT, order=2
    )
    reads, fields = field_reads(service)
    assert (reads, fields) == (1, [("detalle", "Detalle"), ("grado", "Grado")])
    assert field_reads(service) == (0, fields)
    first = ServiceField.objects.get(service=service, key="detalle")
    first.label = "Detalle de la consulta"
    first.save()
    assert field_reads(service) == (1, [("detalle", "Detalle de la consulta"), ("grado", "Grado")])
    first.delete()
    assert field_reads(service) == (1, [("grado", "Grado")])
    assert field_reads(service) == (0, [("grado", "Grado")])


@pytest.mark.django_db(transaction=True)
def test_catalogue_names_are_read_once_and_follow_a_rename(fieldless):
    queue = Queue.objects.get(pk=fieldless.queue_id)
    kinds = {"queue": {queue.code, "no-existe"}, "service": {"sin-campos"}}
    reads, names = name_reads(kinds)
    assert reads == 1
    assert names == {("queue", queue.code): queue.name, ("service", "sin-campos"): fieldless.name}
    assert name_reads(kinds) == (0, names)
    queue.name = "Registro académico nacional"
    queue.save()
    reads, renamed = name_reads(kinds)
    assert reads == 1
    assert renamed[("queue", queue.code)] == "Registro académico nacional"


@pytest.mark.django_db(transaction=True)
def test_the_staff_page_shows_a_relabelled_field_at_once(client, technician, requester, service):
    ticket = open_ticket(requester, service)
    client.force_login(technician)
    url = reverse("helpdesk:staff_ticket", kwargs={"number": ticket.number})
    assert "Detalle</dt>" in client.get(url).content.decode()
    field = ServiceField.objects.get(service=service, key="detalle")
    field.label = "Qué ocurre con su cuenta"
    field.save()
    page = client.get(url).content.decode()
    assert "Qué ocurre con su cuenta" in page
    assert "Detalle</dt>" not in page
