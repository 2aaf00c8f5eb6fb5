"""``seed_demo`` leaves a leave request in the demo director's Bandeja and one to register in the
demo HR officer's; each step has its due time (reminders and escalation as for every process)."""

from io import StringIO

import pytest
from django.core.management import call_command

from core.accounts.models import User
from core.processes.models import TaskDue
from core.work.bandeja import work_queue
from modules.teachers.models import Teacher, TimetableSlot
from workflows.hr.flows import LeaveRequestFlow
from workflows.hr.models import LeaveRequest

from .conftest import open_task, request_leave

DIRECTOR = "02026006-0"
HR_OFFICER = "02026013-3"
TEACHER = "02026003-6"


def waiting_for(dui: str) -> list[str]:
    bandeja = work_queue(actor=User.objects.get(dui=dui))
    return sorted(
        f"{item.subtitle}: {item.title}"
        for item in bandeja.available.items
        if item.kind == "task" and item.title.startswith("Licencia")
    )


@pytest.mark.django_db
def test_the_demo_gives_the_director_and_the_hr_officer_their_leave(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("seed_demo", "--force", stdout=StringIO())
    call_command("seed_demo", "--force", stdout=StringIO())  # idempotent

    assert Teacher.objects.filter(appointments__school__code="DEMO-001").distinct().count() == 7
    assert Teacher.objects.filter(person__dui=TEACHER).exists()
    assert TimetableSlot.objects.filter(section__school__code="DEMO-001").count() == 75
    pending = LeaveRequest.objects.get(requester__dui=TEACHER)
    approved = LeaveRequest.objects.exclude(requester__dui=TEACHER).get()
    assert approved.decision == "approved"
    assert waiting_for(DIRECTOR) == [f"Aprobación del director: {pending.summary}"]
    assert waiting_for(HR_OFFICER) == [f"Registro en recursos humanos: {approved.summary}"]


@pytest.mark.django_db
def test_each_step_has_a_due_time(teacher_user):
    process = request_leave(teacher_user)
    task = open_task(process, LeaveRequestFlow.director_approve)
    due = TaskDue.objects.get(task=task)
    assert due.due_at > task.created
