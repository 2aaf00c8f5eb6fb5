"""An auditor finds a case's history by its number and reads it in Spanish (the help desk's
audit labels and case finder, registered in ``helpdesk/audit_labels.py``)."""

import re

import pytest
from django.urls import reverse

from core.audit.models import AuditEvent
from core.audit.services import chain_key_for
from helpdesk import services
from tests.core.audit.conftest import raw_set_payload

from .conftest import open_ticket

LIST = reverse("audit:event_list")


@pytest.fixture
def auditor_client(client, make_user):
    client.force_login(make_user(role="auditor"))
    return client


@pytest.fixture
def resolved(requester, service, technician):
    """A ticket claimed, answered and resolved by the technician (plus another ticket)."""
    ticket = open_ticket(requester, service)
    open_ticket(requester, service, detalle="Otro caso")
    services.ticket_claim(actor=technician, ticket=ticket)
    services.ticket_resolve(actor=technician, ticket=ticket, message="Listo: ya puede ingresar.")
    return ticket


def _actions(response) -> list[str]:
    return [event.action for event in response.context["events"]]


def test_searching_a_case_number_lists_that_case_history_in_spanish(auditor_client, resolved):
    # Given a resolved ticket; when the auditor types its number (in lower case, with spaces)
    response = auditor_client.get(LIST, {"caso": f"  {resolved.number.lower()} "})

    # Then only that ticket's chain is listed, newest first
    chain = chain_key_for(resolved)
    expected = list(
        AuditEvent.objects.filter(chain_key=chain).order_by("-pk").values_list("action", flat=True)
    )
    assert response.status_code == 200
    assert _actions(response) == expected
    assert expected[0] == "ticket.resolve"
    assert {event.chain_key for event in response.context["events"]} == {chain}
    # with a Spanish summary of its integrity
    html = response.content.decode()
    summary = f"1 cadena, {len(expected)} eventos, íntegra"
    assert f"<strong>{summary}</strong>" in html
    assert f"Historial del caso {resolved.number} · {resolved.subject}" in html
    # actions and states as labels, the raw codes only inside <details>
    assert "<strong>Caso resuelto</strong>" in html
    assert "<strong>Caso tomado</strong>" in html
    assert "En proceso → Resuelto" in html
    assert "<code>ticket.resolve</code>" in html
    assert "<code>in_progress</code> → <code>resolved</code>" in html
    # event data as fields: the claim's assignee by name, not by id
    claim = AuditEvent.objects.get(chain_key=chain, action="ticket.claimed")
    name = claim.actor_label
    assert re.search(rf"<dt>Asignado a</dt><dd>{re.escape(name)}</dd>", html)
    assert "assignee_id" not in html


def test_an_unknown_case_number_says_so_and_lists_nothing(auditor_client, resolved):
    response = auditor_client.get(LIST, {"caso": "MA-1999-000001"})

    assert response.status_code == 200
    assert response.context["events"] == []
    assert "No hay ningún caso con el número «MA-1999-000001»" in response.content.decode()


def test_a_tampered_case_history_is_flagged(auditor_client, resolved):
    # Given someone with database access edited one event of the case
    first = AuditEvent.objects.filter(chain_key=chain_key_for(resolved)).order_by("seq").first()
    raw_set_payload(first.pk, {"number": "MA-0000-000000"})

    response = auditor_client.get(LIST, {"caso": resolved.number})

    html = response.content.decode()
    count = AuditEvent.objects.filter(chain_key=chain_key_for(resolved)).count()
    assert f"<strong>1 cadena, {count} eventos, 1 problema</strong>" in html
    assert '<span class="badge badge-error">Alterado</span>' in html


@pytest.mark.parametrize("extra_tickets", [0, 6])
def test_case_search_query_count_does_not_depend_on_history_length(
    auditor_client, requester, service, technician, django_assert_num_queries, extra_tickets
):
    ticket = open_ticket(requester, service)
    services.ticket_claim(actor=technician, ticket=ticket)
    for n in range(extra_tickets):
        services.ticket_reply(actor=technician, ticket=ticket, body=f"Respuesta {n}")
        open_ticket(requester, service, detalle=f"Otro {n}")

    # Page shell: 6 (user, grants, unread badge, 3 for the session's activity stamp;
    # see tests/core/audit/test_views.py). This page: 1 the ticket by number (no trámite, so
    # no task chains), 2 verification of its chain (the latest signed checkpoint, then the
    # events, streamed), 1 the page of events, 1 the names of the people the events mention by
    # id, 1 the names of the queues and services they mention by code. 12 whatever the
    # history's length.
    with django_assert_num_queries(12):
        response = auditor_client.get(LIST, {"caso": ticket.number})

    assert response.status_code == 200
    # "Caso creado" names the service and its queue, not their codes
    html = response.content.decode()
    assert f"<dd>{service.name}</dd>" in html
    assert f"<dd>{service.queue.name}</dd>" in html
    assert f"<dd>{service.code}</dd>" not in html
    assert (
        len(response.context["events"])
        == AuditEvent.objects.filter(chain_key=chain_key_for(ticket)).count()
    )


def test_actor_by_dui_or_by_name(auditor_client, resolved, technician):
    technician_events = list(
        AuditEvent.objects.filter(actor=technician).order_by("-pk").values_list("pk", flat=True)
    )
    person = technician.person

    by_dui = auditor_client.get(LIST, {"persona": technician.dui.replace("-", "")})
    # Words of the name in any order, any case
    words = f"{person.last_names.split()[0]} {person.first_names.split()[0]}".lower()
    by_name = auditor_client.get(LIST, {"persona": words})

    assert [e.pk for e in by_dui.context["events"]] == technician_events
    assert [e.pk for e in by_name.context["events"]] == technician_events
    assert len(technician_events) >= 2


def test_actor_with_a_wrong_dui_check_digit_is_an_error(auditor_client, resolved, technician):
    body, check = technician.dui.split("-")
    wrong = f"{body}-{(int(check) + 1) % 10}"

    response = auditor_client.get(LIST, {"persona": wrong})

    assert response.status_code == 200
    assert response.context["events"] == []
    assert "El DUI no es válido: el dígito verificador no corresponde." in response.content.decode()
