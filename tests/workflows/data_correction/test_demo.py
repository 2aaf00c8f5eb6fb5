"""``seed_demo`` leaves one data correction waiting at each step, in the right Bandeja."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from core.accounts.models import User
from core.work.flow_tasks import FlowTaskSource
from core.work.items import WorkFilters
from workflows.data_correction.models import DataCorrection

TECHNICIAN = "02026004-4"
TEACHER = "02026003-6"
DIRECTOR = "02026006-0"
DEPARTMENTAL_OFFICER = "02026007-8"
MINISTRY_OFFICER = "02026008-6"
AUDITOR = "02026009-4"


def seed() -> None:
    call_command("seed_demo", "--force", stdout=StringIO())


def waiting_for(dui: str) -> list[str]:
    """Titles of the correction tasks the demo account may take (the Bandeja's task source)."""
    actor = User.objects.get(dui=dui)
    result = FlowTaskSource().collect(
        actor=actor, filters=WorkFilters(), limit=50, now=timezone.now()
    )
    return sorted(f"{item.subtitle}: {item.title}" for item in result.available)


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
    assert waiting_for(DIRECTOR) == [f"Aprobación del director: {surname_case} · Apellidos"]
    assert waiting_for(AUDITOR) == []


def test_the_technician_opens_the_bandeja_with_the_correction(seeded, client):
    client.force_login(User.objects.get(dui=TECHNICIAN))
    response = client.get(reverse("work:bandeja"))
    assert response.status_code == 200
    assert seeded["02026001-0:last_names"].ticket_number in response.content.decode()
