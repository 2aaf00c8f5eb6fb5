"""The help desk's case lifecycle on the diagram pages: a case's path is scoped like the case."""

import pytest
from django.urls import reverse

from core.audit.models import AuditEvent
from tests.helpdesk.conftest import make_queue, make_service, make_team, open_ticket

pytestmark = pytest.mark.django_db


def test_a_case_path_is_open_to_its_queue_staff_and_auditors_not_to_other_technicians(
    client, make_user, sla_policy
):
    # Given a case in a queue served by one technician, and another queue's technician
    queue = make_queue("soporte")
    ticket = open_ticket(make_user(role="citizen"), make_service(queue, sla_policy))
    own = make_user(role="technician")
    make_team(queue, own)
    other = make_user(role="technician")
    make_team(make_queue("otra"), other)
    url = reverse("diagrams:instance", args=["casos-de-la-mesa-de-ayuda", ticket.pk])
    case_events = AuditEvent.objects.filter(object_type="helpdesk.ticket", object_id=str(ticket.pk))
    events_before = list(case_events.values_list("pk", flat=True))

    # When each of them opens the case's path
    answers = {}
    for name, user in {"own": own, "other": other, "auditor": make_user(role="auditor")}.items():
        client.force_login(user)
        answers[name] = client.get(url)

    # Then its queue's technician and the auditor see it; the other technician gets 404
    assert answers["own"].status_code == 200
    assert "ticket.created" in answers["own"].content.decode()
    assert answers["auditor"].status_code == 200
    assert answers["other"].status_code == 404
    api = client.get(reverse("v1:diagram-instance", args=["casos-de-la-mesa-de-ayuda", ticket.pk]))
    assert api.status_code == 200  # the auditor, last logged in
    client.force_login(other)
    assert (
        client.get(
            reverse("v1:diagram-instance", args=["casos-de-la-mesa-de-ayuda", ticket.pk])
        ).status_code
        == 404
    )
    # Reading a case's drawing, or being refused it, adds nothing to its history.
    assert list(case_events.values_list("pk", flat=True)) == events_before


def test_the_staff_case_page_and_the_audit_chain_link_to_the_case_path(
    client, make_user, technician, requester, service
):
    ticket = open_ticket(requester, service)
    path_url = reverse("diagrams:instance", args=["casos-de-la-mesa-de-ayuda", ticket.pk])
    event = AuditEvent.objects.get(object_type="helpdesk.ticket", action="ticket.created")

    client.force_login(technician)
    case_page = client.get(reverse("helpdesk:staff_ticket", args=[ticket.number]))
    client.force_login(make_user(role="auditor"))
    chain_page = client.get(reverse("audit:chain", args=[event.chain_key]))
    client.force_login(requester)
    own_case = client.get(reverse("helpdesk:staff_ticket", args=[ticket.number]))

    assert case_page.status_code == 200
    assert f'href="{path_url}">Ver el recorrido</a>' in case_page.content.decode()
    assert chain_page.status_code == 200
    assert f'href="{path_url}">Ver el recorrido en el diagrama</a>' in chain_page.content.decode()
    # A requester has no diagram pages, so no link.
    assert path_url not in own_case.content.decode()
