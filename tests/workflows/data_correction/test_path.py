"""The whole path at service level: request → evidence check → approval → record corrected,
ticket resolved with the outcome, citizen emailed; one history chained on the process."""

from core.audit.models import AuditEvent
from core.workflow import process_chain_key
from helpdesk.choices import TicketStatus
from helpdesk.models import Ticket
from notifications.models import OutboxMessage
from workflows.data_correction.flows import DataCorrectionFlow

from .conftest import check, correction_of, decide, open_task, request_correction


def test_a_request_starts_the_process_and_the_ticket_follows_it(requester, service, technician):
    # When the citizen asks for the trámite with evidence attached
    ticket = request_correction(requester, service)

    # Then the process holds what is corrected, checked and normalised
    process = correction_of(ticket)
    ticket.refresh_from_db()
    assert ticket.process_id == process.pk
    assert (process.person_id, process.record, process.field) == (
        requester.person_id,
        "propio",
        "first_names",
    )
    assert (process.current_value, process.requested_value) == ("Carmen Elena", "Carmen Helena")
    assert process.evidence.original_name == "partida.pdf"
    assert process.evidence.entry.ticket_id == ticket.pk
    assert process.department_id is None  # the trámite's queue is national
    # And the first step waits for the staff of the ticket's queue
    task = open_task(process, DataCorrectionFlow.check_evidence)
    assert task.status == "NEW"
    start = AuditEvent.objects.get(chain_key=process_chain_key(process.pk), action="process.start")
    assert start.actor_id == requester.pk


def test_approval_corrects_the_record_resolves_the_ticket_and_emails_the_citizen(
    requester, service, technician, ministry_officer
):
    ticket = request_correction(requester, service)
    process = correction_of(ticket)

    # When the technician forwards it and a ministry officer approves
    check(technician, process)
    decide(ministry_officer, process, comment="Partida de nacimiento conforme.")

    # Then the person's record changed
    requester.person.refresh_from_db()
    assert requester.person.first_names == "Carmen Helena"
    # And the change is audited on the person with before and after, by the officer
    event = AuditEvent.objects.get(action="person.corrected", object_id=str(requester.person_id))
    assert event.actor_id == ministry_officer.pk
    assert event.role == "ministry_officer"
    assert event.payload["field"] == "first_names"
    assert (event.payload["before"], event.payload["after"]) == ("Carmen Elena", "Carmen Helena")
    assert event.payload["process_id"] == process.pk
    # And the process is done, with who checked and who decided
    process.refresh_from_db()
    assert process.status == "DONE"
    assert (process.verdict, process.decision) == ("forward", "approved")
    assert (process.checked_by_id, process.decided_by_id) == (technician.pk, ministry_officer.pk)
    # And the ticket is resolved with a public reply stating the outcome
    ticket = Ticket.objects.get(pk=ticket.pk)
    assert ticket.status == TicketStatus.RESOLVED
    last = ticket.entries.order_by("-pk").first()
    assert last.kind == "reply"
    assert last.author_id == ministry_officer.pk
    assert last.body == (
        "Su solicitud de corrección fue aprobada: el dato «Nombres» ahora es «Carmen Helena». "
        "Comentario: Partida de nacimiento conforme."
    )
    # And the citizen is emailed the outcome through the outbox
    email = OutboxMessage.objects.get(
        recipient=requester.person, template="data_correction_outcome", channel="email"
    )
    assert "aprobada" in email.subject
    assert "Carmen Helena" in email.body_text


def test_every_step_is_chained_on_the_process(requester, service, technician, ministry_officer):
    ticket = request_correction(requester, service)
    process = correction_of(ticket)
    check(technician, process)
    decide(ministry_officer, process)

    chain = AuditEvent.objects.filter(chain_key=process_chain_key(process.pk)).order_by("seq")
    steps = [(e.action, e.payload.get("node"), e.actor_id) for e in chain]
    assert steps == [
        ("process.start", "start", requester.pk),
        ("task.assign", "check_evidence", technician.pk),
        ("task.execute", "check_evidence", technician.pk),
        ("task.assign", "approve", ministry_officer.pk),
        ("task.execute", "approve", ministry_officer.pk),
    ]
