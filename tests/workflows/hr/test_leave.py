"""The leave request: a teacher asks, the school's director decides, the department's HR officer
registers; the leave then shows on the record and in the staff view. Guards: separation of
duties (a director never approves their own leave), scope (404, nothing changed)."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from core.accounts.choices import Role
from core.accounts.services import role_grant
from core.audit.models import AuditEvent
from core.work.bandeja import work_queue
from modules.teachers.models import Leave
from modules.teachers.selectors import school_staff
from notifications.models import OutboxMessage
from workflows.hr.flows import LeaveRequestFlow
from workflows.hr.models import LeaveRequest

from .conftest import decide, evidence, give_teacher_record, open_task, register, request_leave

pytestmark = pytest.mark.django_db


def task_ids(user):
    """The process tasks available in ``user``'s Bandeja."""
    return [int(item.id) for item in work_queue(actor=user).available.items if item.kind == "task"]


def _state(process):
    process.refresh_from_db()
    return (
        process.status,
        process.decision,
        Leave.objects.count(),
        AuditEvent.objects.count(),
        [(t.flow_task.name, t.status, t.owner_id) for t in process.task_set.order_by("pk")],
    )


def test_the_whole_path(teacher_user, director, hr_officer, school):
    # Given a teacher asks for three days of sick leave starting today
    today = timezone.localdate()
    process = request_leave(teacher_user, start=today)
    assert process.by_director is False

    # When the director approves and the HR officer registers
    decide(director, process)
    register(hr_officer, process)

    # Then the leave is on the teacher's record and the staff view shows it today
    process.refresh_from_db()
    leave = Leave.objects.get()
    assert (leave.teacher_id, leave.school_id, leave.process_id) == (
        process.teacher_id,
        school.pk,
        process.pk,
    )
    assert (leave.start_date, leave.end_date) == (today, today + timedelta(days=2))
    assert process.status == "DONE"
    assert process.registered_by_id == hr_officer.pk
    staff = school_staff(school=school)
    assert [row.on_leave for row in staff.rows] == [True]
    # The teacher was told at each outcome, through the outbox
    assert (
        OutboxMessage.objects.filter(
            recipient=teacher_user.person, template="hr_leave_outcome"
        ).count()
        == 4
    )  # approved and registered, by email and in-app
    actions = list(
        AuditEvent.objects.filter(object_type="teachers.teacher").values_list("action", flat=True)
    )
    assert "leave.registered" in actions


def test_a_rejection_ends_it_with_the_reason(teacher_user, director):
    process = request_leave(teacher_user)

    decide(director, process, decision="reject", comment="Coincide con los exámenes.")

    process.refresh_from_db()
    assert (process.status, process.decision) == ("DONE", "rejected")
    assert process.decision_reason == "Coincide con los exámenes."
    assert Leave.objects.count() == 0


def test_it_lands_in_the_right_bandejas_only(
    teacher_user, director, hr_officer, far_director, far_hr_officer
):
    process = request_leave(teacher_user)

    approve = open_task(process, LeaveRequestFlow.director_approve)
    assert approve.pk in task_ids(director)
    assert approve.pk not in task_ids(far_director)
    assert approve.pk not in task_ids(hr_officer)

    decide(director, process)
    registration = open_task(process, LeaveRequestFlow.register)
    assert registration.pk in task_ids(hr_officer)
    assert registration.pk not in task_ids(far_hr_officer)
    assert registration.pk not in task_ids(director)


def test_a_director_of_another_school_gets_404_and_nothing_changes(
    client, teacher_user, far_director
):
    process = request_leave(teacher_user)
    task = open_task(process, LeaveRequestFlow.director_approve)
    client.force_login(far_director)
    before = _state(process)

    page = client.get(reverse("process:task", args=[task.pk]))
    post = client.post(
        reverse("process:task_action", args=[task.pk]),
        {"accion": "execute", "decision": "approve", "comment": ""},
    )

    assert (page.status_code, post.status_code) == (404, 404)
    assert _state(process) == before


def test_an_hr_officer_of_another_department_cannot_register(
    teacher_user, director, far_hr_officer
):
    process = request_leave(teacher_user)
    decide(director, process)
    before = _state(process)

    with pytest.raises(PermissionDenied):
        register(far_hr_officer, process)
    assert _state(process) == before


def test_the_directors_own_leave_goes_to_the_department(
    school, director, departmental_officer, hr_officer
):
    # Given the director is also a teacher of the school and asks for leave
    give_teacher_record(director, school)
    process = request_leave(director)

    # Then the director's approval step is skipped: the department decides
    assert process.by_director is True
    assert not process.task_set.filter(flow_task=LeaveRequestFlow.director_approve).exists()
    task = open_task(process, LeaveRequestFlow.department_approve)
    assert task.pk in task_ids(departmental_officer)
    assert task.pk not in task_ids(director)

    decide(departmental_officer, process)
    register(hr_officer, process)
    assert Leave.objects.filter(teacher__person=director.person).count() == 1


def test_a_director_can_never_approve_their_own_leave(school, director):
    # Given a director who also holds a departmental grant asks for leave
    give_teacher_record(director, school)
    role_grant(
        user=director,
        role=Role.DEPARTMENTAL_OFFICER,
        scope_kind="department",
        target=school.municipality.department,
    )
    process = request_leave(director)
    before = _state(process)

    # When they try to decide it themself
    with pytest.raises(PermissionDenied) as excinfo:
        decide(director, process)

    # Then they are told why, and nothing changed
    assert str(excinfo.value) == "Nadie puede decidir ni registrar su propia solicitud de licencia."
    assert _state(process) == before


def test_the_approver_cannot_also_register(teacher_user, director, school):
    role_grant(
        user=director,
        role=Role.HR_OFFICER,
        scope_kind="department",
        target=school.municipality.department,
    )
    process = request_leave(teacher_user)
    decide(director, process)
    before = _state(process)

    with pytest.raises(PermissionDenied):
        register(director, process)
    assert _state(process) == before


def test_a_person_without_a_teacher_record_cannot_ask(director):
    with pytest.raises(ValidationError):
        request_leave(director)
    assert LeaveRequest.objects.count() == 0


def test_evidence_is_checked_by_its_content(teacher_user):
    from modules.teachers.models import LeaveType
    from workflows.hr.services import leave_request_start

    today = timezone.localdate()
    with pytest.raises(ValidationError):
        leave_request_start(
            actor=teacher_user,
            leave_type=LeaveType.objects.get(code="enfermedad"),
            start_date=today,
            end_date=today,
            evidence=evidence("constancia.pdf", b"MZ\x90\x00 not a pdf at all"),
        )
    assert LeaveRequest.objects.count() == 0


def test_overlapping_requests_are_refused(teacher_user):
    request_leave(teacher_user, days=3)
    with pytest.raises(ValidationError):
        request_leave(teacher_user, days=1)
    assert LeaveRequest.objects.count() == 1


def test_the_request_page_bad_input_is_a_400_with_nothing_saved(client, teacher_user):
    client.force_login(teacher_user)
    response = client.post(
        reverse("hr:leave_request"),
        {"leave_type": "nope", "start_date": "31/02/2026", "end_date": ""},
    )
    assert response.status_code == 400
    assert LeaveRequest.objects.count() == 0


def test_the_request_page_starts_the_process(client, teacher_user):
    from modules.teachers.models import LeaveType

    client.force_login(teacher_user)
    start = timezone.localdate() + timedelta(days=3)
    response = client.post(
        reverse("hr:leave_request"),
        {
            "leave_type": LeaveType.objects.get(code="enfermedad").pk,
            "start_date": start.isoformat(),
            "end_date": start.isoformat(),
            "reason": "Consulta",
            "evidence": evidence(),
        },
    )
    process = LeaveRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("process:detail", args=[process.pk])
    assert process.evidence_name == "constancia.pdf"
    assert process.evidence_type == "application/pdf"
    # The requester downloads their evidence; a stranger gets 404
    assert client.get(reverse("hr:evidence", args=[process.pk])).status_code == 200
