"""On phones (390x844, fitting 360 px): a guardian writes to the school and asks for an absence
permission from the child's page; the homeroom teacher answers and approves from the Bandeja,
and the recorded absence becomes justified."""

import pytest
from playwright.sync_api import expect

from core.accounts.choices import Role
from modules.academics.models import AttendanceRecord
from modules.academics.services import Mark, attendance_record
from modules.students.services import guardian_link
from tests.factories import create_user

from .test_teacher_day import DAY, log_in, new_page, world  # noqa: F401 (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SMALL_PHONE = {"width": 360, "height": 740}


def _fits(page):
    size = page.viewport_size
    page.set_viewport_size(SMALL_PHONE)
    assert page.evaluate("document.documentElement.scrollWidth") <= SMALL_PHONE["width"]
    page.set_viewport_size(size)


def test_a_guardian_writes_and_asks_and_the_teacher_answers(live_server, browser, world):  # noqa: F811
    section, teacher, _director, (ana, _bruno, _carla) = world
    section.homeroom_teacher = teacher.person
    section.save(update_fields=["homeroom_teacher"])
    attendance_record(actor=teacher, section=section, day=DAY, marks={ana.pk: Mark("absent")})
    mother = create_user(role=Role.CITIZEN, first_names="Marta", last_names="Alvarado")
    guardian_link(student=ana.student, person=mother.person, relationship="mother")
    base = live_server.url
    child_path = f"/academico/mis-hijos/{ana.student_id}/"

    # The guardian writes from the child's page, and asks for a permission for that Monday
    family = new_page(browser)
    log_in(family, base, mother, child_path)
    messages = family.locator("#mensajes").locator("..")
    messages.get_by_label("Asunto").fill("Tareas")
    messages.get_by_label("Mensaje").fill("¿Qué tareas hay para el lunes?")
    messages.get_by_role("button", name="Enviar mensaje").click()
    expect(family.get_by_role("heading", level=1)).to_have_text("Tareas")
    expect(family.locator(".family-thread")).to_contain_text("¿Qué tareas hay para el lunes?")
    _fits(family)
    family.goto(f"{base}{child_path}#permisos")
    permissions = family.locator("#permisos").locator("..")
    permissions.get_by_label("Desde").fill("2026-03-02")
    permissions.get_by_label("Hasta").fill("2026-03-02")
    permissions.get_by_label("Motivo").fill("Cita médica")
    permissions.get_by_role("button", name="Pedir permiso").click()
    expect(family.locator("#permisos").locator("..")).to_contain_text("Solicitado")
    _fits(family)

    # The homeroom teacher finds both in the Bandeja, answers and approves
    school = new_page(browser)
    log_in(school, base, teacher, "/bandeja/")
    school.get_by_role("link", name="Ana Alvarado: Tareas").click()
    school.get_by_label("Respuesta").fill("Los ejercicios 1 a 5.")
    school.get_by_role("button", name="Enviar respuesta").click()
    expect(school.locator(".family-thread")).to_contain_text("Los ejercicios 1 a 5.")
    _fits(school)
    school.goto(f"{base}/bandeja/")
    school.get_by_role("link", name="Ana Alvarado: 02/03/2026").click()
    school.get_by_label("Aprobar").check()
    school.get_by_role("button", name="Registrar decisión").click()
    expect(school.locator("main")).to_contain_text("Aprobado")
    _fits(school)

    record = AttendanceRecord.objects.get(enrollment=ana, date=DAY)
    assert (record.presence, record.reason) == ("justified", "Cita médica")
    family.goto(f"{base}{child_path}")
    expect(family.locator("#mensajes").locator("..")).to_contain_text("Respondida")
    expect(family.locator("#permisos").locator("..")).to_contain_text("Aprobado")
