"""The ticket lifecycle and conversation: replies, notes, waiting, resolving, reopening,
closing, cancelling, merging, linking and rating."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from core.audit.models import AuditEvent
from core.exceptions import Conflict
from helpdesk.choices import LinkKind, TicketStatus
from helpdesk.models import SatisfactionRating, Ticket, TicketEntry
from helpdesk.selectors import ticket_entries_for
from helpdesk.services import (
    ticket_add_note,
    ticket_cancel,
    ticket_claim,
    ticket_close,
    ticket_link,
    ticket_merge,
    ticket_rate,
    ticket_reopen,
    ticket_reply,
    ticket_resolve,
    ticket_set_waiting,
)
from notifications.models import OutboxMessage
from tests.helpdesk.conftest import open_ticket

S = TicketStatus


def actions(ticket: Ticket) -> list[str]:
    return list(
        AuditEvent.objects.filter(object_type="helpdesk.ticket", object_id=str(ticket.pk))
        .order_by("seq")
        .values_list("action", flat=True)
    )


def notified(user, template: str) -> list[OutboxMessage]:
    return list(
        OutboxMessage.objects.filter(recipient=user.person, template=template, channel="email")
    )


@pytest.fixture
def claimed(clock, requester, service, technician):
    ticket = open_ticket(requester, service)
    ticket_claim(actor=technician, ticket=ticket)
    return ticket


# --- Replies and notes ---------------------------------------------------------------------------


def test_first_staff_reply_stamps_first_response_and_starts_work(
    clock, requester, technician, claimed
):
    clock.advance(minutes=30)

    entry = ticket_reply(actor=technician, ticket=claimed, body="Revisamos su cuenta.")

    assert (entry.kind, entry.author, entry.body) == ("reply", technician, "Revisamos su cuenta.")
    assert claimed.status == S.IN_PROGRESS
    assert claimed.first_responded_at == clock.now
    assert claimed.first_response_breached is False
    assert actions(claimed)[-3:] == ["ticket.replied", "ticket.first_response", "ticket.start"]
    (email,) = notified(requester, "ticket_reply")
    assert "Revisamos su cuenta." in email.body_text


def test_a_late_first_response_is_recorded_as_breached(clock, technician, claimed):
    clock.advance(hours=3)  # the target is 2 business hours
    ticket_reply(actor=technician, ticket=claimed, body="Perdón la demora.")
    assert claimed.first_response_breached is True
    assert AuditEvent.objects.get(action="ticket.first_response").payload["late"] is True


def test_later_staff_replies_keep_the_first_response_time(clock, technician, claimed):
    ticket_reply(actor=technician, ticket=claimed, body="Uno.")
    first = claimed.first_responded_at
    clock.advance(minutes=5)
    ticket_reply(actor=technician, ticket=claimed, body="Dos.")
    assert claimed.first_responded_at == first


def test_requester_reply_notifies_the_assignee(clock, requester, technician, claimed):
    ticket_reply(actor=requester, ticket=claimed, body="Adjunto más datos.")
    assert claimed.status == S.OPEN
    assert claimed.first_responded_at is None  # the requester's message is not a response
    (email,) = notified(technician, "ticket_requester_replied")
    assert "Adjunto más datos." in email.body_text


def test_strangers_cannot_reply_and_nothing_is_written(clock, make_user, claimed):
    entries = TicketEntry.objects.count()
    with pytest.raises(PermissionDenied):
        ticket_reply(actor=make_user(role="citizen"), ticket=claimed, body="Hola")
    with pytest.raises(PermissionDenied):
        ticket_reply(actor=make_user(role="technician"), ticket=claimed, body="Hola")
    assert TicketEntry.objects.count() == entries


def test_empty_reply_is_refused(clock, requester, claimed):
    with pytest.raises(ValidationError) as excinfo:
        ticket_reply(actor=requester, ticket=claimed, body="   ")
    assert excinfo.value.message_dict == {"body": ["Escriba un mensaje."]}


def test_reply_by_email_is_added_once(clock, requester, claimed):
    first = ticket_reply(
        actor=requester, ticket=claimed, body="Por correo", channel="email", message_id="<a@b>"
    )
    again = ticket_reply(
        actor=requester, ticket=claimed, body="Por correo", channel="email", message_id="<a@b>"
    )
    assert first.pk == again.pk
    assert TicketEntry.objects.filter(message_id="<a@b>").count() == 1


def test_internal_notes_are_staff_only_and_hidden_from_the_requester(
    clock, requester, technician, claimed
):
    note = ticket_add_note(actor=technician, ticket=claimed, body="Pedir a RR. HH.")
    with pytest.raises(PermissionDenied):
        ticket_add_note(actor=requester, ticket=claimed, body="Yo también")

    assert note.kind == "note"
    assert note not in ticket_entries_for(actor=requester, ticket=claimed)
    assert note in ticket_entries_for(actor=technician, ticket=claimed)
    assert claimed.first_responded_at is None  # a note is not a response
    assert not notified(requester, "ticket_reply")


# --- Waiting on the requester --------------------------------------------------------------------


def test_waiting_pauses_the_resolution_clock_until_the_requester_answers(
    clock, requester, technician, claimed
):
    due = claimed.resolution_due_at
    clock.advance(hours=1)  # Monday 10:00

    ticket_set_waiting(actor=technician, ticket=claimed, message="¿Cuál es su NIE?")
    assert claimed.status == S.WAITING_ON_REQUESTER
    assert claimed.waiting_since == clock.now
    (email,) = notified(requester, "ticket_status_changed")
    assert "¿Cuál es su NIE?" in email.body_text

    # The requester answers on Tuesday at 10:00: 9 business hours later.
    clock.set(clock.at(1, 10, 0))
    ticket_reply(actor=requester, ticket=claimed, body="Es 10000001.")

    assert claimed.status == S.IN_PROGRESS
    assert claimed.waiting_since is None
    assert claimed.resolution_due_at == due + timedelta(days=1)  # 9 business hours later
    assert actions(claimed)[-2:] == ["ticket.resume", "ticket.replied"]


def test_without_the_pause_the_deadline_stays(clock, settings, requester, technician, claimed):
    settings.HELPDESK_SLA_PAUSE_WHILE_WAITING = False
    due = claimed.resolution_due_at
    ticket_set_waiting(actor=technician, ticket=claimed, message="¿NIE?")
    clock.set(clock.at(1, 10, 0))
    ticket_reply(actor=requester, ticket=claimed, body="10000001")
    assert claimed.resolution_due_at == due


def test_waiting_with_a_message_on_a_new_ticket_counts_as_first_response(
    clock, requester, service, technician
):
    ticket = open_ticket(requester, service)
    ticket_set_waiting(actor=technician, ticket=ticket, message="Envíe su DUI escaneado.")
    assert ticket.status == S.WAITING_ON_REQUESTER
    assert ticket.first_responded_at == clock.now
    # One email for the change, not a second one for the message.
    assert len(notified(requester, "ticket_status_changed")) == 1
    assert not notified(requester, "ticket_reply")


# --- Resolving, reopening, closing ---------------------------------------------------------------


def test_resolve_stamps_and_notifies(clock, requester, technician, claimed):
    clock.advance(hours=2)
    ticket_resolve(actor=technician, ticket=claimed, message="Ya puede ingresar.")
    assert claimed.status == S.RESOLVED
    assert claimed.resolved_at == clock.now
    assert claimed.resolution_breached is False
    (email,) = notified(requester, "ticket_status_changed")
    assert "fue resuelto" in email.body_text
    assert "Ya puede ingresar." in email.body_text
    assert "dentro de 7 días" in email.body_text


def test_a_late_resolution_is_recorded_as_breached(clock, technician, claimed):
    clock.set(clock.at(2, 9, 0))  # the 9 business hours ended on Tuesday 9:00
    clock.advance(minutes=1)
    ticket_resolve(actor=technician, ticket=claimed, message="Listo.")
    assert claimed.resolution_breached is True


def test_resolving_an_untouched_new_ticket_needs_a_message(clock, requester, service, technician):
    ticket = open_ticket(requester, service)
    with pytest.raises(Conflict) as excinfo:
        ticket_resolve(actor=technician, ticket=ticket)
    assert excinfo.value.reason == "La acción «Resolver» no es posible en el estado «Nuevo»."
    assert Ticket.objects.get(pk=ticket.pk).status == S.NEW


def test_requester_reply_within_the_window_reopens(clock, requester, technician, claimed):
    ticket_resolve(actor=technician, ticket=claimed, message="Listo.")
    due = claimed.resolution_due_at
    clock.set(clock.at(1, 9, 0))  # one working day later

    ticket_reply(actor=requester, ticket=claimed, body="Sigue sin funcionar.")

    assert claimed.status == S.REOPENED
    assert claimed.resolved_at is None
    # The 9 business hours spent "resolved" are not held against the team.
    assert claimed.resolution_due_at == due + timedelta(days=1)
    assert "ticket.reopen" in actions(claimed)


def test_requester_reply_after_the_window_is_refused(clock, requester, technician, claimed):
    ticket_resolve(actor=technician, ticket=claimed, message="Listo.")
    clock.advance(days=7, seconds=1)
    entries = TicketEntry.objects.count()

    with pytest.raises(Conflict) as excinfo:
        ticket_reply(actor=requester, ticket=claimed, body="¿Hola?")

    assert excinfo.value.code == "reopen_window_passed"
    assert excinfo.value.reason == (
        f"El caso {claimed.number} se resolvió hace más de 7 días y ya no puede reabrirse. "
        f"Abra un nuevo caso y mencione el número {claimed.number}."
    )
    assert Ticket.objects.get(pk=claimed.pk).status == S.RESOLVED
    assert TicketEntry.objects.count() == entries


def test_reopen_window_is_configurable(clock, settings, requester, technician, claimed):
    settings.HELPDESK_REOPEN_WINDOW = timedelta(days=30)
    ticket_resolve(actor=technician, ticket=claimed, message="Listo.")
    clock.advance(days=20)
    ticket_reply(actor=requester, ticket=claimed, body="Volvió a fallar.")
    assert claimed.status == S.REOPENED


def test_staff_reopen_at_any_time(clock, requester, technician, claimed):
    ticket_resolve(actor=technician, ticket=claimed, message="Listo.")
    clock.advance(days=30)
    ticket_reopen(actor=technician, ticket=claimed, message="Faltó un paso.")
    assert claimed.status == S.REOPENED
    assert claimed.entries.filter(kind="note", body="Faltó un paso.").exists()


def test_requester_reopen_needs_a_reason(clock, requester, technician, claimed):
    ticket_resolve(actor=technician, ticket=claimed, message="Listo.")
    with pytest.raises(ValidationError):
        ticket_reopen(actor=requester, ticket=claimed)
    ticket_reopen(actor=requester, ticket=claimed, message="No funciona.")
    assert claimed.status == S.REOPENED


def test_requester_or_staff_close_a_resolved_ticket(
    clock, make_user, requester, technician, claimed
):
    with pytest.raises(Conflict):
        ticket_close(actor=requester, ticket=claimed)  # not resolved yet
    ticket_resolve(actor=technician, ticket=claimed, message="Listo.")
    with pytest.raises(PermissionDenied):
        ticket_close(actor=make_user(role="citizen"), ticket=claimed)

    ticket_close(actor=requester, ticket=claimed)

    assert claimed.status == S.CLOSED
    assert claimed.closed_at == clock.now
    with pytest.raises(Conflict):
        ticket_reply(actor=technician, ticket=claimed, body="¿Algo más?")
    with pytest.raises(Conflict) as excinfo:
        ticket_reply(actor=requester, ticket=claimed, body="¿Algo más?")
    assert excinfo.value.code == "ticket_final"


# --- Cancelling ---------------------------------------------------------------------------------


def test_requester_cancels_before_resolution(clock, requester, technician, claimed):
    ticket_cancel(actor=requester, ticket=claimed, reason="Ya lo resolví.")
    assert claimed.status == S.CANCELLED
    assert claimed.closed_at == clock.now
    (email,) = notified(technician, "ticket_status_changed")
    assert email.subject == f"Caso {claimed.number} cancelado por el solicitante"
    assert "Ya lo resolví." in email.body_text


def test_staff_cannot_cancel(clock, technician, claimed):
    with pytest.raises(PermissionDenied):
        ticket_cancel(actor=technician, ticket=claimed)
    assert Ticket.objects.get(pk=claimed.pk).status == S.OPEN


def test_a_resolved_ticket_cannot_be_cancelled(clock, requester, technician, claimed):
    ticket_resolve(actor=technician, ticket=claimed, message="Listo.")
    with pytest.raises(Conflict):
        ticket_cancel(actor=requester, ticket=claimed)
    assert Ticket.objects.get(pk=claimed.pk).status == S.RESOLVED


# --- Merging -----------------------------------------------------------------------------------


def test_merge_a_duplicate_into_the_original(clock, requester, service, technician, claimed):
    duplicate = open_ticket(requester, service, description="Otra vez: no puedo ingresar.")

    ticket_merge(actor=technician, ticket=duplicate, into=claimed)

    assert duplicate.status == S.MERGED
    assert duplicate.merged_into == claimed
    # The duplicate's conversation shows in the original, for staff and for the requester.
    bodies = [e.body for e in ticket_entries_for(actor=requester, ticket=claimed)]
    assert "Otra vez: no puedo ingresar." in bodies
    note = claimed.entries.get(kind="note")
    assert note.body == f"Se fusionó el caso {duplicate.number} en este caso."
    (email,) = notified(requester, "ticket_merged")
    assert claimed.number in email.subject
    assert AuditEvent.objects.get(action="ticket.merge").payload["into"] == claimed.number
    assert AuditEvent.objects.get(action="ticket.merge_received").payload["from"] == (
        duplicate.number
    )


def test_merge_refuses_other_requesters_tickets(clock, make_user, service, technician, claimed):
    other = open_ticket(make_user(role="citizen"), service)
    with pytest.raises(Conflict) as excinfo:
        ticket_merge(actor=technician, ticket=other, into=claimed)
    assert excinfo.value.code == "merge_other_requester"
    assert Ticket.objects.get(pk=other.pk).status == S.NEW


def test_merge_refuses_itself_and_final_targets(clock, requester, service, technician, claimed):
    with pytest.raises(Conflict):
        ticket_merge(actor=technician, ticket=claimed, into=claimed)
    cancelled = open_ticket(requester, service)
    ticket_cancel(actor=requester, ticket=cancelled)
    with pytest.raises(Conflict) as excinfo:
        ticket_merge(actor=technician, ticket=claimed, into=cancelled)
    assert excinfo.value.code == "merge_target_final"
    assert Ticket.objects.get(pk=claimed.pk).status == S.OPEN


def test_merge_needs_staff_of_both_queues(clock, requester, service, claimed):
    duplicate = open_ticket(requester, service)
    with pytest.raises(PermissionDenied):
        ticket_merge(actor=requester, ticket=duplicate, into=claimed)
    assert Ticket.objects.get(pk=duplicate.pk).status == S.NEW


# --- Links ---------------------------------------------------------------------------------------


def test_related_links_are_symmetric(clock, make_user, service, technician, claimed):
    other = open_ticket(make_user(role="citizen"), service)
    ticket_link(actor=technician, ticket=claimed, other=other, kind=LinkKind.RELATED)
    assert list(claimed.related.all()) == [other]
    assert list(other.related.all()) == [claimed]


def test_parent_and_child_links_refuse_cycles(clock, requester, service, technician, claimed):
    child = open_ticket(requester, service)
    grandchild = open_ticket(requester, service)
    ticket_link(actor=technician, ticket=child, other=claimed, kind=LinkKind.PARENT)
    ticket_link(actor=technician, ticket=child, other=grandchild, kind=LinkKind.CHILD)
    assert child.parent == claimed
    assert Ticket.objects.get(pk=grandchild.pk).parent_id == child.pk

    with pytest.raises(Conflict) as excinfo:
        ticket_link(actor=technician, ticket=claimed, other=grandchild, kind=LinkKind.PARENT)
    assert excinfo.value.code == "link_cycle"
    assert Ticket.objects.get(pk=claimed.pk).parent_id is None


def test_links_need_staff(clock, requester, service, claimed):
    other = open_ticket(requester, service)
    with pytest.raises(PermissionDenied):
        ticket_link(actor=requester, ticket=claimed, other=other, kind=LinkKind.RELATED)
    assert not claimed.related.exists()


# --- Rating --------------------------------------------------------------------------------------


def test_requester_rates_once_after_resolution(clock, requester, technician, claimed):
    with pytest.raises(Conflict):
        ticket_rate(actor=requester, ticket=claimed, rating=5)
    ticket_resolve(actor=technician, ticket=claimed, message="Listo.")
    with pytest.raises(PermissionDenied):
        ticket_rate(actor=technician, ticket=claimed, rating=5)

    rated = ticket_rate(actor=requester, ticket=claimed, rating=4, comment="Rápido.")

    assert (rated.rating, rated.comment, rated.rated_by) == (4, "Rápido.", requester)
    with pytest.raises(Conflict) as excinfo:
        ticket_rate(actor=requester, ticket=claimed, rating=1)
    assert excinfo.value.reason == "Este caso ya fue calificado."
    assert SatisfactionRating.objects.get().rating == 4


@pytest.mark.parametrize("rating", [0, 6, "5", 4.5, True])
def test_rating_must_be_1_to_5(clock, requester, technician, claimed, rating):
    ticket_resolve(actor=technician, ticket=claimed, message="Listo.")
    with pytest.raises(ValidationError):
        ticket_rate(actor=requester, ticket=claimed, rating=rating)
    assert not SatisfactionRating.objects.exists()


def test_status_field_cannot_be_assigned_directly(clock, claimed):
    with pytest.raises(AttributeError):
        claimed.status = S.CLOSED


def test_an_email_recorded_on_one_ticket_is_not_added_to_another(
    clock, requester, service, claimed
):
    ticket_reply(actor=requester, ticket=claimed, body="Uno", channel="email", message_id="<m@x>")
    other = open_ticket(requester, service)
    with pytest.raises(Conflict) as excinfo:
        ticket_reply(actor=requester, ticket=other, body="Uno", channel="email", message_id="<m@x>")
    assert excinfo.value.code == "message_already_recorded"
    assert TicketEntry.objects.filter(message_id="<m@x>").count() == 1


def test_the_database_refuses_a_merged_ticket_without_target(clock, claimed):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Ticket.objects.filter(pk=claimed.pk).update(status=S.MERGED)
    assert Ticket.objects.get(pk=claimed.pk).status == S.OPEN
