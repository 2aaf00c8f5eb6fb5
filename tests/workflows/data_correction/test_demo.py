"""``seed_demo`` leaves one data correction waiting at each step, in the right Bandeja."""

from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.urls import reverse

from core.accounts.models import User
from core.work.bandeja import work_queue
from modules.documents.models import TitleRequest
from workflows.data_correction.models import DataCorrection
from workflows.hr.models import LeaveRequest

TECHNICIAN = "02026004-4"
TEACHER = "02026003-6"
DIRECTOR = "02026006-0"
DEPARTMENTAL_OFFICER = "02026007-8"
MINISTRY_OFFICER = "02026008-6"
AUDITOR = "02026009-4"


def seed() -> None:
    call_command("seed_demo", "--force", stdout=StringIO())


def waiting_for(dui: str) -> list[str]:
    """The process tasks available to the demo account in its Bandeja."""
    bandeja = work_queue(actor=User.objects.get(dui=dui))
    return sorted(
        f"{item.subtitle}: {item.title}" for item in bandeja.available.items if item.kind == "task"
    )


@pytest.fixture
def seeded(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    seed()
    seed()  # idempotent
    return {p.ticket.requester.dui + ":" + p.field: p for p in DataCorrection.objects.all()}


def test_one_correction_waits_at_each_step(seeded):
    assert DataCorrection.objects.count() == 4
    waiting = {
        key: sorted(t.flow_task.name for t in p.task_set.filter(status="NEW"))
        for key, p in seeded.items()
    }
    assert waiting == {
        "02026001-0:last_names": ["check_evidence"],
        "02026003-6:first_names": ["approve"],
        "02026002-8:birth_date": ["confirm"],
        "02026002-8:last_names": ["director_approve"],
    }


def test_every_demo_account_with_work_finds_it(seeded):
    citizen_case = seeded["02026001-0:last_names"].ticket_number
    teacher_case = seeded["02026003-6:first_names"].ticket_number
    birth_case = seeded["02026002-8:birth_date"].ticket_number
    surname_case = seeded["02026002-8:last_names"].ticket_number
    assert waiting_for(TECHNICIAN) == [f"Revisar el respaldo: {citizen_case} · Apellidos"]
    officer_work = [f"Aprobar la corrección: {teacher_case} · Nombres"]
    assert waiting_for(DEPARTMENTAL_OFFICER) == officer_work
    assert waiting_for(MINISTRY_OFFICER) == officer_work
    assert waiting_for(TEACHER) == [
        f"Confirmar con el expediente escolar: {birth_case} · Fecha de nacimiento"
    ]
    # The director also has the demo teacher's leave request to decide (workflows/hr/demo.py)
    # and a title request to sign (workflows/titles/demo.py).
    leave = LeaveRequest.objects.get(requester__dui=TEACHER)
    titles = TitleRequest.objects.get(status="confirmed").number
    assert waiting_for(DIRECTOR) == [
        f"Aprobación del director: {leave.summary}",
        f"Aprobación del director: {surname_case} · Apellidos",
        f"Firma del director: {titles} · Primera emisión · DEMO-001",
    ]
    # An auditor has no Bandeja at all
    auditor = User.objects.get(dui=AUDITOR)
    with pytest.raises(PermissionDenied):
        work_queue(actor=auditor)


@pytest.mark.parametrize(
    ("dui", "key"),
    [
        (TECHNICIAN, "02026001-0:last_names"),
        (DEPARTMENTAL_OFFICER, "02026003-6:first_names"),
        (MINISTRY_OFFICER, "02026003-6:first_names"),
        (TEACHER, "02026002-8:birth_date"),
        (DIRECTOR, "02026002-8:last_names"),
    ],
)
def test_each_demo_account_opens_its_bandeja_with_its_correction(seeded, client, dui, key):
    client.force_login(User.objects.get(dui=dui))
    response = client.get(reverse("work:bandeja"))
    assert response.status_code == 200
    assert seeded[key].ticket_number in response.content.decode()
