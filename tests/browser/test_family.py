"""A guardian on a phone (390x844, fitting 360 px): "Mis hijos" from the home page, then the
child's page with the month's attendance, the grades, the conduct ledger and the record."""

import pytest
from playwright.sync_api import expect

from core.accounts.choices import Role
from modules.academics.services import Mark, attendance_record, conduct_record, grades_save
from modules.students.services import guardian_link
from tests.factories import create_user

from .test_teacher_day import DAY, log_in, new_page, shoot, world  # noqa: F401 (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_guardian_follows_their_child_on_a_phone(live_server, browser, world):  # noqa: F811
    section, teacher, _director, (ana, bruno, _carla) = world
    attendance_record(
        actor=teacher,
        section=section,
        day=DAY,
        marks={ana.pk: Mark("justified", "Cita médica"), bruno.pk: Mark("absent")},
    )
    subject = section.study_plan.subjects.order_by("position").first()
    period = section.study_plan.periods.order_by("number").first()
    grades_save(
        actor=teacher, section=section, subject_id=subject.pk, cells={(ana.pk, period.pk): "8"}
    )
    conduct_record(actor=teacher, enrollment=ana, merits=2, reason="Ayudó en la biblioteca")
    mother = create_user(role=Role.CITIZEN, first_names="Marta", last_names="Alvarado")
    guardian_link(student=ana.student, person=mother.person, relationship="mother")
    base = live_server.url
    page = new_page(browser)

    # Given the guardian signs in, the home page offers "Mis hijos"
    log_in(page, base, mother, "/")
    page.get_by_role("link", name="Mis hijos").first.click()

    # Then only her daughter is listed, and her page shows the school year so far
    expect(page.get_by_role("heading", level=2)).to_have_text(["Ana Alvarado"])
    shoot(page, "mis-hijos")
    page.get_by_role("link", name="Asistencia, notas y conducta").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ana Alvarado")
    expect(page.locator("#asistencia").locator("..")).to_contain_text("02/03/2026")
    expect(page.locator("#asistencia").locator("..")).to_contain_text("Cita médica")
    expect(page.locator("#notas").locator("..")).to_contain_text("8.0")
    expect(page.locator("#conducta").locator("..")).to_contain_text("Ayudó en la biblioteca")
    expect(page.locator("#expediente").locator("..")).to_contain_text("1.º grado")
    assert "Benítez" not in page.content()
    shoot(page, "hijo")
