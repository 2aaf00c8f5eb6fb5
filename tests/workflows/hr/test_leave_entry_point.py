"""One way to ask for leave: the catalogue's leave trámite leads to the leave request page and
never opens a generic ticket (helpdesk/service_pages.py, docs/domain.md §11)."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from helpdesk.models import Service, Ticket
from helpdesk.services import ticket_create
from workflows.hr.apps import LEAVE_SERVICE_CODE
from workflows.hr.models import LeaveRequest

pytestmark = pytest.mark.django_db


def test_the_catalogue_entry_leads_to_the_leave_request_page(client, teacher_user):
    client.force_login(teacher_user)
    leave_page = reverse("hr:leave_request")

    detail = client.get(reverse("helpdesk:service_detail", args=[LEAVE_SERVICE_CODE]))
    form = client.get(reverse("helpdesk:request_create", args=[LEAVE_SERVICE_CODE]))

    assert (detail.status_code, detail.url) == (302, leave_page)
    assert (form.status_code, form.url) == (302, leave_page)
    assert client.get(leave_page).status_code == 200
    # The catalogue still lists it, so teachers find it there.
    catalogue = client.get(reverse("helpdesk:catalogue")).content.decode()
    assert reverse("helpdesk:service_detail", args=[LEAVE_SERVICE_CODE]) in catalogue


def test_posting_the_old_form_opens_no_ticket(client, teacher_user):
    client.force_login(teacher_user)

    response = client.post(
        reverse("helpdesk:request_create", args=[LEAVE_SERVICE_CODE]),
        {"nip": "123456", "tipo": "enfermedad", "description": "Licencia"},
    )

    assert response.status_code == 302
    assert response.url == reverse("hr:leave_request")
    assert Ticket.objects.count() == 0
    assert LeaveRequest.objects.count() == 0


def test_no_generic_ticket_can_be_opened_for_leave(client, teacher_user):
    service = Service.objects.get(code=LEAVE_SERVICE_CODE)
    with pytest.raises(ValidationError) as refused:
        ticket_create(requester=teacher_user, service=service, data={})
    assert reverse("hr:leave_request") in refused.value.messages[0]

    client.force_login(teacher_user)
    response = client.post(
        reverse("v1:helpdesk-tickets"),
        {"service": LEAVE_SERVICE_CODE, "data": {}},
        content_type="application/json",
    )
    assert response.status_code == 400, response.content
    assert Ticket.objects.count() == 0


def test_other_trámites_still_open_tickets(client, teacher_user):
    client.force_login(teacher_user)
    response = client.get(reverse("helpdesk:service_detail", args=["problema-con-siges"]))
    assert response.status_code == 200
