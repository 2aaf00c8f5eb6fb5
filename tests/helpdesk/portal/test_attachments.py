"""Downloading attachments: who may, and how the file is sent (as a download, nosniff)."""

import pytest
from django.test import Client
from django.urls import reverse

from helpdesk.models import Attachment
from helpdesk.services import ticket_reply
from tests.helpdesk.conftest import make_queue, make_team
from tests.helpdesk.portal.conftest import PDF, pdf, text_file

pytestmark = pytest.mark.django_db


def download(client: Client, attachment: Attachment):
    return client.get(reverse("helpdesk:attachment_download", args=[attachment.pk]))


def body_of(response) -> bytes:
    return b"".join(response.streaming_content)


@pytest.fixture
def public_file(requester, worked_ticket) -> Attachment:
    entry = ticket_reply(
        actor=requester,
        ticket=worked_ticket,
        body="Mi constancia",
        files=[pdf("Constancia año 2026.pdf")],
    )
    return entry.attachments.get()


@pytest.fixture
def note_file(worked_ticket) -> Attachment:
    return Attachment.objects.get(original_name="padron-interno.txt")


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_requester_downloads_a_public_file_as_an_attachment(requester_client, public_file):
    response = download(requester_client, public_file)

    assert response.status_code == 200
    assert body_of(response) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'attachment; filename="Constancia a_o 2026.pdf"; '
        "filename*=UTF-8''Constancia%20a%C3%B1o%202026.pdf"
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"


def test_text_files_are_sent_as_utf8_text(requester, requester_client, worked_ticket):
    entry = ticket_reply(
        actor=requester, ticket=worked_ticket, body="Notas", files=[text_file("datos.txt", "ñandú")]
    )

    response = download(requester_client, entry.attachments.get())

    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert body_of(response) == "ñandú".encode()


def test_an_internal_note_file_never_reaches_the_requester(requester_client, note_file):
    assert download(requester_client, note_file).status_code == 404


def test_staff_serving_the_queue_download_public_and_note_files(technician, public_file, note_file):
    client = login(technician)

    assert download(client, public_file).status_code == 200
    response = download(client, note_file)
    assert response.status_code == 200
    assert body_of(response) == b"interno"


def test_strangers_and_staff_of_other_queues_get_404(make_user, public_file, note_file):
    other_technician = make_user(role="technician")
    make_team(make_queue("otra-cola"), other_technician)
    for person in (make_user(role="citizen"), other_technician):
        client = login(person)
        assert download(client, public_file).status_code == 404
        assert download(client, note_file).status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(client, public_file):
    response = download(client, public_file)
    assert response.status_code == 302
    assert response["Location"].startswith("/cuentas/ingresar/?next=")


def test_an_unknown_id_answers_404(requester_client):
    response = requester_client.get(reverse("helpdesk:attachment_download", args=[999_999]))
    assert response.status_code == 404


def test_a_file_missing_from_storage_answers_404(requester_client, public_file):
    public_file.file.storage.delete(public_file.file.name)
    assert download(requester_client, public_file).status_code == 404


def test_the_conversation_links_files_to_the_download(requester_client, worked_ticket, public_file):
    page = requester_client.get(reverse("helpdesk:ticket_detail", args=[worked_ticket.number]))

    body = page.content.decode()
    assert f'href="{reverse("helpdesk:attachment_download", args=[public_file.pk])}"' in body
    assert "Constancia año 2026.pdf" in body


def test_files_of_a_merged_ticket_follow_it_into_the_target(
    make_user, requester, service, sla_policy
):
    # Given a duplicate in another queue, merged by a national supervisor into a ticket of the
    # fixture queue, and a technician who serves only the target's queue
    from helpdesk.services import ticket_merge
    from tests.helpdesk.conftest import make_service, open_ticket

    other_service = make_service(make_queue("otra-cola"), sla_policy, code="otra")
    duplicate = open_ticket(requester, other_service)
    entry = ticket_reply(actor=requester, ticket=duplicate, body="Mi DUI", files=[pdf("dui.pdf")])
    target = open_ticket(requester, service)
    ticket_merge(actor=make_user(role="supervisor"), ticket=duplicate, into=target)
    technician = make_user(role="technician")
    make_team(service.queue, technician)

    # Then the technician reads the file through the target; the requester too
    assert download(login(technician), entry.attachments.get()).status_code == 200
    assert download(login(requester), entry.attachments.get()).status_code == 200
