"""The teacher's day on a phone (390x844): attendance in a few taps, the grade grid that checks
as you type and keeps what was typed, then the director closes the year and sees who was
promoted. Screenshots go to var/screens/ for a person to look at."""

import importlib
from datetime import date
from pathlib import Path

import pytest
from django.apps import apps as django_apps
from playwright.sync_api import Browser, Page, expect

from core.accounts.choices import Role
from modules.academics.models import AttendanceRecord, GradeEntry
from modules.academics.services import grades_save
from modules.students.models import Enrollment
from tests.factories import DEFAULT_PASSWORD, create_user
from tests.modules.academics.conftest import enroll, make_section
from tests.national_data import _Editor, ensure_national_data

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
SMALL_PHONE = {"width": 360, "height": 740}
SCREENS = Path(__file__).resolve().parents[2] / "var" / "screens"
DAY = date(2026, 3, 2)


def new_page(browser: Browser) -> Page:
    page = browser.new_context(viewport=PHONE, locale="es-SV").new_page()
    page.set_default_timeout(10_000)
    return page


def log_in(page: Page, base: str, user, next_path: str) -> None:
    page.goto(f"{base}/cuentas/ingresar/?next={next_path}")
    form = page.locator("main form")
    form.locator('input[name="dui"]').fill(user.dui.replace("-", ""))
    form.locator('input[name="password"]').fill(DEFAULT_PASSWORD)
    form.locator('button[type="submit"]').click()
    expect(page).to_have_url(f"{base}{next_path}")


def shoot(page: Page, name: str) -> None:
    """The page fits a 360 px phone; a full-page screenshot at 390x844."""
    SCREENS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size(SMALL_PHONE)
    assert page.evaluate("document.documentElement.scrollWidth") <= SMALL_PHONE["width"]
    page.set_viewport_size(PHONE)
    page.screenshot(path=str(SCREENS / f"academico-{name}-telefono.png"), full_page=True)


@pytest.fixture
def world(db):
    ensure_national_data()
    from modules.academics.models import PromotionRule

    if not PromotionRule.objects.exists():  # shipped by a migration; flushed by this tier
        importlib.import_module("modules.academics.migrations.0002_promotion_rules").forwards(
            django_apps, _Editor()
        )
    section = make_section()
    teacher = create_user(
        role=Role.TEACHER,
        scope_kind="section",
        target=section,
        first_names="Teresa",
        last_names="Docente",
    )
    director = create_user(
        role=Role.DIRECTOR,
        scope_kind="school",
        target=section.school,
        first_names="Diego",
        last_names="Director",
    )
    students = enroll(section, 3)
    names = ["Alvarado, Ana", "Benítez, Bruno", "Cruz, Carla"]
    for enrollment, name in zip(students, names, strict=True):
        last, first = name.split(", ")
        person = enrollment.student.person
        person.last_names, person.first_names = last, first
        person.save(update_fields=["last_names", "first_names"])
    return section, teacher, director, students


def test_teacher_takes_attendance_and_grades_then_director_closes_the_year(
    live_server, browser, world
):
    section, teacher, director, (ana, bruno, carla) = world
    base = live_server.url
    page = new_page(browser)

    # Given the teacher opens "Mis secciones" on their phone
    log_in(page, base, teacher, "/academico/mis-secciones/")
    expect(page.get_by_role("heading", level=2)).to_contain_text("1.º grado «A»")
    shoot(page, "mis-secciones")

    # When they take the attendance of a class day: everyone present, one tap for Bruno
    page.goto(f"{base}/academico/secciones/{section.pk}/asistencia/?fecha={DAY}")
    expect(page.get_by_role("radio", name="Presente")).to_have_count(3)
    bruno_row = page.get_by_role("group", name="Benítez, Bruno")
    bruno_row.get_by_role("radio", name="Ausente").check()
    # Carla's absence is justified: the reason field appears once that is chosen
    carla_row = page.get_by_role("group", name="Cruz, Carla")
    expect(carla_row.get_by_label("Motivo (si la ausencia es justificada)")).to_be_hidden()
    carla_row.get_by_role("radio", name="Ausencia justificada").check()
    carla_row.get_by_label("Motivo (si la ausencia es justificada)").fill("Cita médica")
    shoot(page, "asistencia")
    page.get_by_role("button", name="Guardar asistencia").click()

    # Then it is saved in one go
    expect(page.get_by_role("status")).to_contain_text("Asistencia guardada.")
    assert dict(AttendanceRecord.objects.values_list("enrollment_id", "presence")) == {
        ana.pk: "present",
        bruno.pk: "absent",
        carla.pk: "justified",
    }

    # When they open the grade grid and type a mark out of range
    page.goto(f"{base}/academico/secciones/{section.pk}/notas/")
    periods = list(section.study_plan.periods.all())
    subject = section.study_plan.subjects.first()
    cell = page.locator(f"#nota-{ana.pk}-{periods[0].pk}")
    cell.fill("12")
    # Then the cell says why at once, before anything is sent
    expect(page.locator(f"#error-{ana.pk}-{periods[0].pk}")).to_have_text(
        "La calificación debe estar entre 0 y 10."
    )
    expect(cell).to_have_attribute("aria-invalid", "true")
    # And Enter moves down the column, like a spreadsheet
    cell.press("Enter")
    expect(page.locator(f"#nota-{bruno.pk}-{periods[0].pk}")).to_be_focused()
    for enrollment, marks in ((bruno, ("4", "3,5", "4")), (carla, ("9", "8.5", "10"))):
        for period, mark in zip(periods, marks, strict=True):
            page.locator(f"#nota-{enrollment.pk}-{period.pk}").fill(mark)
    page.locator(f"#nota-{ana.pk}-{periods[1].pk}").fill("7")
    page.locator(f"#nota-{ana.pk}-{periods[2].pk}").fill("8")

    # When they save anyway, the server refuses it and shows everything they typed again
    page.get_by_role("button", name="Guardar notas").click()
    expect(page.get_by_role("alert")).to_have_text(
        "Hay 1 nota no válida: no se guardó nada. Corríjala y guarde de nuevo."
    )
    expect(page.locator(f"#error-{ana.pk}-{periods[0].pk}")).to_have_text(
        "La calificación debe estar entre 0 y 10."
    )
    expect(page.locator(f"#nota-{carla.pk}-{periods[1].pk}")).to_have_value("8.5")
    assert GradeEntry.objects.count() == 0
    shoot(page, "notas-error")

    # When they correct the mark and save
    page.locator(f"#nota-{ana.pk}-{periods[0].pk}").fill("6")
    page.get_by_role("button", name="Guardar notas").click()
    expect(page.get_by_role("status")).to_contain_text("Calificaciones guardadas.")
    # Then the finals and pass/fail show for the section
    expect(page.get_by_text("Aprobados: 2 · Reprobados: 1")).to_be_visible()
    shoot(page, "notas")
    assert GradeEntry.objects.filter(subject=subject).count() == 9

    # The other subjects are graded (the same service the grid calls): Bruno fails one more
    for other in section.study_plan.subjects.exclude(pk=subject.pk):
        grades_save(
            actor=teacher,
            section=section,
            subject_id=other.pk,
            cells={(e.pk, p.pk): "7" for e in (ana, bruno, carla) for p in periods},
        )

    # When the director opens the section's results and closes the year
    director_page = new_page(browser)
    log_in(director_page, base, director, f"/academico/secciones/{section.pk}/resultados/")
    expect(director_page.get_by_role("row", name="Benítez, Bruno")).to_contain_text("No promovido")
    director_page.get_by_role("button", name="Cerrar el año de la sección").click()

    # Then they see who was promoted, and the enrollments moved through their lifecycle
    expect(director_page.get_by_role("status").first).to_have_text("Año lectivo cerrado.")
    expect(director_page.get_by_role("status").last).to_contain_text(
        "2 promovidos, 1 no promovidos"
    )
    expect(director_page.get_by_role("row", name="Alvarado, Ana")).to_contain_text("Promovido")
    expect(director_page.get_by_role("row", name="Benítez, Bruno")).to_contain_text(
        "Reprobó 1 asignatura(s)."
    )
    shoot(director_page, "cierre")
    assert dict(Enrollment.objects.values_list("pk", "status")) == {
        ana.pk: "promoted",
        bruno.pk: "not_promoted",
        carla.pk: "promoted",
    }
