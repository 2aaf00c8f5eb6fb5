"""The generic task and process pages with this process: scope answers 404 and changes nothing;
approvers see what is asked and download the evidence; the catalogue names the process."""

import pytest
from django.urls import reverse

from core.accounts.choices import Role
from core.accounts.services import role_grant
from core.audit.models import AuditEvent
from helpdesk.models import Ticket
from helpdesk.services import ticket_add_note, ticket_reply
from workflows.data_correction.flows import DataCorrectionFlow

from .conftest import check, correction_of, evidence, open_task, request_correction


@pytest.fixture
def teacher_request(requester, service, technician, school):
    """A teacher's own correction, forwarded: its approval is in the school's department."""
    role_grant(user=requester, role=Role.TEACHER, scope_kind="school", target=school)
    process = correction_of(
        request_correction(requester, service, registro="docente", codigo_centro=school.code)
    )
    check(technician, process)
    return process


def evidence_url(process, attachment_pk=None) -> str:
    return reverse(
        "data_correction:evidence",
        kwargs={"pk": process.pk, "attachment": attachment_pk or process.evidence_id},
    )


def _snapshot(process, person):
    task = open_task(process, DataCorrectionFlow.approve)
    person.refresh_from_db()
    return (task.status, task.owner_id, person.first_names, AuditEvent.objects.count())


def test_a_task_outside_the_actors_scope_answers_404_and_changes_nothing(
    client, teacher_request, far_officer, requester
):
    task = open_task(teacher_request, DataCorrectionFlow.approve)
    client.force_login(far_officer)
    before = _snapshot(teacher_request, requester.person)

    page = client.get(reverse("process:task", kwargs={"pk": task.pk}))
    take = client.post(reverse("process:task_action", kwargs={"pk": task.pk}), {"accion": "assign"})
    do = client.post(
        reverse("process:task_action", kwargs={"pk": task.pk}),
        {"accion": "execute", "decision": "approve", "comment": ""},
    )
    evidence = client.get(evidence_url(teacher_request))

    assert (page.status_code, take.status_code, do.status_code, evidence.status_code) == (
        404,
        404,
        404,
        404,
    )
    assert _snapshot(teacher_request, requester.person) == before


def test_the_officer_in_scope_sees_the_request_and_downloads_the_evidence(
    client, teacher_request, departmental_officer, school
):
    task = open_task(teacher_request, DataCorrectionFlow.approve)
    client.force_login(departmental_officer)

    page = client.get(reverse("process:task", kwargs={"pk": task.pk}))

    assert page.status_code == 200
    html = page.content.decode()
    url = evidence_url(teacher_request)
    for text in (
        teacher_request.ticket_number,
        "Carmen Elena Rivas Molina",
        f"Datos propios como docente · {school.code} {school.name}",
        "<dt>Valor en el registro al solicitar</dt><dd>Carmen Elena</dd>",
        "<dt>Valor solicitado</dt><dd>Carmen Helena</dd>",
        f'<a href="{url}">partida.pdf</a>',
    ):
        assert text in html
    download = client.get(url)
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith('attachment; filename="partida.pdf"')
    assert download["X-Content-Type-Options"] == "nosniff"
    assert b"".join(download.streaming_content).startswith(b"%PDF-1.4")


def _taken_page(client, user, task) -> str:
    """The task page as ``user`` sees it once they have taken the task."""
    client.force_login(user)
    client.post(reverse("process:task_action", kwargs={"pk": task.pk}), {"accion": "assign"})
    return client.get(reverse("process:task", kwargs={"pk": task.pk})).content.decode()


def _submit_button(text: str) -> str:
    return (
        '<button type="submit" name="accion" value="execute" class="btn btn-primary">'
        f"{text}</button>"
    )


def test_each_step_names_its_own_submit_button(
    client, requester, service, technician, ministry_officer
):
    # Given a request waiting for its evidence check
    process = correction_of(request_correction(requester, service))

    # When the technician takes the check, the button sends the review
    html = _taken_page(client, technician, open_task(process, DataCorrectionFlow.check_evidence))
    assert _submit_button("Enviar la revisión") in html
    assert ">Realizar<" not in html

    # and when the officer takes the approval, the button records the decision
    check(technician, process)
    html = _taken_page(client, ministry_officer, open_task(process, DataCorrectionFlow.approve))
    assert _submit_button("Registrar la decisión") in html
    assert ">Realizar<" not in html


def test_the_evidence_checker_is_refused_on_the_page_with_the_reason(
    client, teacher_request, technician, requester, school
):
    role_grant(
        user=technician,
        role=Role.DEPARTMENTAL_OFFICER,
        scope_kind="department",
        target=school.municipality.department,
    )
    task = open_task(teacher_request, DataCorrectionFlow.approve)
    client.force_login(technician)
    before = _snapshot(teacher_request, requester.person)

    response = client.post(
        reverse("process:task_action", kwargs={"pk": task.pk}), {"accion": "assign"}
    )

    assert response.status_code == 403
    assert "otra persona debe realizar «Aprobar la corrección»" in response.content.decode()
    assert _snapshot(teacher_request, requester.person) == before


def test_the_citizen_follows_the_process_on_the_ticket(client, requester, service):
    ticket = request_correction(requester, service)
    client.force_login(requester)

    response = client.get(reverse("helpdesk:ticket_detail", kwargs={"number": ticket.number}))

    assert response.status_code == 200
    html = response.content.decode()
    assert "<dt>Proceso vinculado</dt>" in html
    assert (
        "<dd>Corrección de datos personales · En curso · paso actual: Revisar el respaldo" in html
    )


def test_the_catalogue_names_the_process_the_trámite_starts(client, service):
    response = client.get(reverse("helpdesk:service_detail", kwargs={"code": service.code}))
    assert response.status_code == 200
    assert "Corrección de datos personales" in response.content.decode()
    assert "data_correction" not in response.content.decode()


def test_the_requester_may_download_their_evidence_and_a_stranger_may_not(
    client, requester, service, make_user
):
    process = correction_of(request_correction(requester, service))
    url = evidence_url(process)

    client.force_login(make_user(role=Role.CITIZEN))
    assert client.get(url).status_code == 404
    client.force_login(requester)
    assert client.get(url).status_code == 200


def test_better_evidence_sent_after_a_return_is_offered_with_the_first(
    client, requester, service, technician
):
    # Given the technician asked for better evidence and the citizen replied with a new file
    process = correction_of(request_correction(requester, service))
    check(technician, process, verdict="return", reason="Adjunte la partida completa.")
    ticket = Ticket.objects.get(pk=process.ticket_id)
    ticket_reply(
        actor=requester, ticket=ticket, body="Aquí está completa.", files=[evidence("nueva.pdf")]
    )
    staff_note = ticket_add_note(
        actor=technician, ticket=ticket, body="Nota interna.", files=[evidence("interna.pdf")]
    )
    client.force_login(technician)

    # When the technician opens the new check
    task = open_task(process, DataCorrectionFlow.check_evidence)
    html = client.get(reverse("process:task", kwargs={"pk": task.pk})).content.decode()

    # Then both of the citizen's files are offered, and no other file of the ticket
    new = ticket.entries.get(body="Aquí está completa.").attachments.get()
    assert f'<a href="{evidence_url(process)}">partida.pdf</a>' in html
    assert f'<a href="{evidence_url(process, new.pk)}">nueva.pdf</a>' in html
    assert "interna.pdf" not in html
    assert client.get(evidence_url(process, new.pk)).status_code == 200
    internal = staff_note.attachments.get()
    assert client.get(evidence_url(process, internal.pk)).status_code == 404


def test_the_portal_form_shows_why_a_request_about_someone_else_is_refused(
    client, requester, service, make_user
):
    other = make_user()
    client.force_login(requester)
    tickets = Ticket.objects.count()

    response = client.post(
        reverse("helpdesk:request_create", args=[service.code]),
        {
            "registro": "propio",
            "dui": other.dui,
            "dato": "nombres",
            "valor_actual": "Carmen Elena",
            "valor_correcto": "Carmen Helena",
            "respaldo": evidence(),
            "description": "",
            "subject": "",
        },
    )

    assert response.status_code == 400
    assert (
        "Solo puede pedir la corrección de sus propios datos o de un estudiante a su cargo."
        in response.content.decode()
    )
    assert Ticket.objects.count() == tickets
