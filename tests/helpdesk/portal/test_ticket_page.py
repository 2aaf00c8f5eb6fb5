"""The requester's ticket page: summary, answers, the public conversation (never internal
notes), replying (reopening within the window), cancelling and rating."""

import re

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from core.audit.models import AuditEvent
from helpdesk.choices import EntryKind, TicketStatus
from helpdesk.models import SatisfactionRating, TicketEntry
from tests.helpdesk.conftest import open_ticket
from tests.helpdesk.portal.conftest import pdf

pytestmark = pytest.mark.django_db


def page_url(ticket) -> str:
    return reverse("helpdesk:ticket_detail", args=[ticket.number])


def comparable(response, number: str) -> str:
    """The page without its path and its (per-response masked) CSRF tokens."""
    body = response.content.decode().replace(number, "NUMBER")
    return re.sub(r'(content|value)="[A-Za-z0-9]{64}"', "TOKEN", body)


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_shows_status_answers_and_the_public_conversation_only(requester_client, worked_ticket):
    response = requester_client.get(page_url(worked_ticket))

    assert response.status_code == 200
    body = response.content.decode()
    assert worked_ticket.number in body
    assert "En proceso" in body
    assert "Servicio consulta" in body
    assert "<dt>Detalle</dt>" in body
    assert "<dd>No puedo ingresar</dd>" in body
    assert "Necesito ayuda con mi cuenta." in body
    assert "Estamos revisando su cuenta." in body
    # The internal note and its file never reach the requester
    assert "NOTA-INTERNA" not in body
    assert "padron-interno.txt" not in body
    assert "Nota interna" not in body
    assert [e.kind for e in response.context["entries"]] == [EntryKind.REPLY, EntryKind.REPLY]


def test_another_persons_ticket_answers_404_and_shows_nothing(make_user, worked_ticket):
    stranger = Client()
    stranger.force_login(make_user(role="citizen"))

    responses = [
        stranger.get(page_url(worked_ticket)),
        stranger.get(reverse("helpdesk:ticket_cancel", args=[worked_ticket.number])),
    ]

    # Then: 404, and the same page as for a number that does not exist (nothing leaks)
    missing = stranger.get("/tramites/caso/MA-1999-000001/")
    assert [r.status_code for r in responses] == [404, 404]
    assert comparable(responses[0], worked_ticket.number) == comparable(missing, "MA-1999-000001")
    for response in responses:
        body = response.content.decode()
        for secret in ("Servicio consulta", "No puedo ingresar", "Estamos revisando"):
            assert secret not in body


def test_an_unknown_number_answers_404(requester_client):
    assert requester_client.get("/tramites/caso/MA-2026-999999/").status_code == 404


def test_staff_of_the_queue_are_sent_to_the_staff_page(technician, ticket):
    # Email links to staff also point at the requester's page: staff land on their own page.
    client = Client()
    client.force_login(technician)

    response = client.get(page_url(ticket))

    assert response.status_code == 302
    assert response["Location"] == reverse("helpdesk:staff_ticket", args=[ticket.number])


def test_requester_replies_with_a_file(requester, requester_client, worked_ticket):
    url = reverse("helpdesk:ticket_reply", args=[worked_ticket.number])

    response = requester_client.post(
        url, {"respuesta-body": "Adjunto mi constancia.", "respuesta-attachments": [pdf()]}
    )

    entry = TicketEntry.objects.filter(ticket=worked_ticket).latest("id")
    assert response.status_code == 302
    assert response["Location"] == f"{page_url(worked_ticket)}#mensaje-{entry.pk}"
    assert (entry.kind, entry.author, entry.body) == (
        EntryKind.REPLY,
        requester,
        "Adjunto mi constancia.",
    )
    assert [a.original_name for a in entry.attachments.all()] == ["constancia.pdf"]
    assert messages_of(response) == ["Su mensaje se agregó al caso."]


def test_an_empty_reply_is_refused_and_adds_nothing(requester_client, worked_ticket):
    before = TicketEntry.objects.count()
    url = reverse("helpdesk:ticket_reply", args=[worked_ticket.number])

    response = requester_client.post(url, {"respuesta-body": "   "})

    assert response.status_code == 400
    assert response.context["reply_form"].errors["body"] == ["Este campo es requerido."]
    assert TicketEntry.objects.count() == before


def test_a_reply_within_the_window_reopens_a_resolved_ticket(
    clock, requester, requester_client, resolved_ticket
):
    clock.advance(days=2)
    requester_client.force_login(requester)  # the old session timed out meanwhile
    url = reverse("helpdesk:ticket_reply", args=[resolved_ticket.number])

    response = requester_client.post(url, {"respuesta-body": "Sigo sin poder ingresar."})

    resolved_ticket.refresh_from_db()
    assert response.status_code == 302
    assert response["Location"].startswith(page_url(resolved_ticket))
    assert resolved_ticket.status == TicketStatus.REOPENED
    assert messages_of(response) == ["Su mensaje se agregó y el caso se reabrió."]


def test_a_reply_after_the_window_shows_the_reason_and_changes_nothing(
    clock, requester, requester_client, resolved_ticket
):
    clock.advance(days=8)
    requester_client.force_login(requester)  # the old session timed out meanwhile
    before = (TicketEntry.objects.count(), AuditEvent.objects.count())
    url = reverse("helpdesk:ticket_reply", args=[resolved_ticket.number])

    response = requester_client.post(url, {"respuesta-body": "Sigo sin poder ingresar."})

    resolved_ticket.refresh_from_db()
    assert response.status_code == 409
    assert resolved_ticket.status == TicketStatus.RESOLVED
    assert (TicketEntry.objects.count(), AuditEvent.objects.count()) == before
    body = response.content.decode()
    assert (
        f"El caso {resolved_ticket.number} se resolvió hace más de 7 días y ya no puede "
        f"reabrirse. Abra un nuevo caso y mencione el número {resolved_ticket.number}."
    ) in body
    # The typed message is kept in the form
    assert "Sigo sin poder ingresar." in body


def test_cancel_asks_for_confirmation_then_cancels(requester_client, ticket):
    url = reverse("helpdesk:ticket_cancel", args=[ticket.number])

    confirm = requester_client.get(url)
    assert confirm.status_code == 200
    assert f"¿Cancelar la solicitud {ticket.number}?" in confirm.content.decode()
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.NEW  # a GET changes nothing

    response = requester_client.post(url, {"reason": "Ya lo resolví en persona."})

    ticket.refresh_from_db()
    assert response.status_code == 302
    assert response["Location"] == page_url(ticket)
    assert ticket.status == TicketStatus.CANCELLED
    assert TicketEntry.objects.filter(ticket=ticket).latest("id").body == (
        "Ya lo resolví en persona."
    )
    assert messages_of(response) == [f"Cancelamos su solicitud {ticket.number}."]


def test_a_resolved_ticket_cannot_be_cancelled(requester_client, resolved_ticket):
    url = reverse("helpdesk:ticket_cancel", args=[resolved_ticket.number])

    response = requester_client.post(url, {"reason": ""})

    resolved_ticket.refresh_from_db()
    assert response.status_code == 302
    assert resolved_ticket.status == TicketStatus.RESOLVED
    assert messages_of(response) == [
        f"El caso {resolved_ticket.number} está «Resuelto»; ya no admite esta acción."
    ]


def test_the_rating_form_appears_only_after_resolution(requester_client, worked_ticket):
    assert (
        "Califique la atención"
        not in requester_client.get(page_url(worked_ticket)).content.decode()
    )


def test_requester_rates_a_resolved_ticket_once(requester, requester_client, resolved_ticket):
    page = requester_client.get(page_url(resolved_ticket))
    assert "Califique la atención" in page.content.decode()
    url = reverse("helpdesk:ticket_rate", args=[resolved_ticket.number])

    response = requester_client.post(
        url, {"calificacion-rating": "4", "calificacion-comment": "Rápido y amable."}
    )

    rating = SatisfactionRating.objects.get(ticket=resolved_ticket)
    assert response.status_code == 302
    assert (rating.rating, rating.comment, rating.rated_by) == (4, "Rápido y amable.", requester)
    assert messages_of(response) == ["Gracias por calificar la atención recibida."]
    after = requester_client.get(page_url(resolved_ticket)).content.decode()
    assert "Calificó la atención con 4 de 5." in after
    assert "Califique la atención" not in after

    again = requester_client.post(url, {"calificacion-rating": "1"})
    assert again.status_code == 302
    assert messages_of(again) == ["Este caso ya fue calificado."]
    assert SatisfactionRating.objects.get(ticket=resolved_ticket).rating == 4


def test_a_rating_out_of_range_is_refused(requester_client, resolved_ticket):
    url = reverse("helpdesk:ticket_rate", args=[resolved_ticket.number])

    response = requester_client.post(url, {"calificacion-rating": "9"})

    assert response.status_code == 400
    assert list(response.context["rating_form"].errors) == ["rating"]
    assert not SatisfactionRating.objects.exists()


def test_nobody_else_can_reply_cancel_or_rate(make_user, technician, resolved_ticket):
    clients = []
    for person in (make_user(role="citizen"), technician):
        client = Client()
        client.force_login(person)
        clients.append(client)
    before = (
        TicketEntry.objects.count(),
        SatisfactionRating.objects.count(),
        AuditEvent.objects.count(),
    )
    number = resolved_ticket.number
    for client in clients:
        statuses = [
            client.post(
                reverse("helpdesk:ticket_reply", args=[number]), {"respuesta-body": "x"}
            ).status_code,
            client.post(reverse("helpdesk:ticket_cancel", args=[number])).status_code,
            client.post(
                reverse("helpdesk:ticket_rate", args=[number]), {"calificacion-rating": "5"}
            ).status_code,
        ]
        assert statuses == [404, 404, 404]
    resolved_ticket.refresh_from_db()
    assert resolved_ticket.status == TicketStatus.RESOLVED
    assert (
        TicketEntry.objects.count(),
        SatisfactionRating.objects.count(),
        AuditEvent.objects.count(),
    ) == before


def test_a_merged_ticket_points_to_where_it_continues(
    requester, requester_client, technician, service
):
    from helpdesk.services import ticket_merge

    duplicate = open_ticket(requester, service)
    target = open_ticket(requester, service)
    ticket_merge(actor=technician, ticket=duplicate, into=target)

    response = requester_client.get(page_url(duplicate))

    assert response.status_code == 200
    assert f'href="{page_url(target)}"' in response.content.decode()
    # The target shows the duplicate's messages, saying where they came from
    target_page = requester_client.get(page_url(target)).content.decode()
    assert f"del caso {duplicate.number}" in target_page


@pytest.mark.parametrize("replies", [0, 5])
def test_the_page_runs_a_fixed_number_of_queries(
    replies, requester, requester_client, technician, ticket, django_assert_num_queries
):
    from helpdesk.services import ticket_reply

    for n in range(replies):
        ticket_reply(actor=technician, ticket=ticket, body=f"Respuesta {n}", files=[pdf()])
    # 12 queries whatever the conversation's length: the user (the session comes from the
    # cache), the user's grants (is
    # this person staff of some queue?), the ticket (service, queue, assignee, requester
    # joined), its rating, the service's fields (answers' labels), the unread inbox count, the
    # entries (authors joined) and all their attachments (one prefetch), which reply was the
    # resolution (one scan of the ticket's audit chain, helpdesk/timeline.py), and the
    # session's activity stamp (savepoint, update, release).
    with django_assert_num_queries(12):
        response = requester_client.get(page_url(ticket))
    assert len(response.context["entries"]) == 1 + replies


def test_the_reply_form_is_offered_only_while_a_reply_is_possible(
    clock, requester, requester_client, resolved_ticket
):
    reply_url = reverse("helpdesk:ticket_reply", args=[resolved_ticket.number])
    within = requester_client.get(page_url(resolved_ticket)).content.decode()
    assert f'action="{reply_url}"' in within
    assert "¿Su problema no quedó resuelto?" in within

    clock.advance(days=8)
    # The old session timed out meanwhile: its next request ends it, and the requester signs in
    # again.
    assert requester_client.get(page_url(resolved_ticket)).status_code == 302
    requester_client.force_login(requester)
    after = requester_client.get(page_url(resolved_ticket)).content.decode()

    assert f'action="{reply_url}"' not in after
    assert "Este caso ya no recibe mensajes." in after


def test_a_linked_workflow_shows_its_name_and_status(requester_client, ticket):
    from helpdesk.services import ticket_link_process
    from tests.workflowapp.flows import ReviewFlow

    process = ReviewFlow.start.run(title="Revisión")
    ticket_link_process(ticket=ticket, process=process)

    body = requester_client.get(page_url(ticket)).content.decode()

    assert "<dt>Proceso vinculado</dt>" in body
    assert "<dd>Revisión de prueba · En curso" in body
